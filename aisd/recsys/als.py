"""Matrix factorisation for implicit feedback: alternating least squares (Hu, Koren & Volinsky, 2008).

Every user ``u`` gets a vector ``x_u`` and every item ``i`` a vector ``y_i`` (``factors`` numbers
each) so that ``x_u . y_i`` is close to 1 where the user interacted and close to 0 elsewhere, the
observed cells weighted by a confidence ``c = alpha * r`` (the unobserved ones by 1). With the items
fixed, each user's vector is one small ridge regression, solved exactly:

    x_u = (Y^T Y + Y^T (C_u - I) Y + lambda I)^-1  Y^T C_u p_u

and the same with users and items swapped; alternating the two a few times is ALS. :func:`solve_factors`
is that half-step in numpy, readable line by line; :func:`fit_als` runs the optimised implementation of
the ``implicit`` package (the tests check that both give the same factors from the same start).
:func:`solve_factors` also folds in a user the model has never seen, from a few interactions.

>>> import scipy.sparse as sp
>>> m = sp.csr_matrix([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]], dtype="float32")
>>> model = fit_als(m, factors=2, regularization=0.05, alpha=10, iterations=10)
>>> model.scores([0]).round(1).tolist()            # user 0 sits in the first block
[[1.0, 1.0, 0.0, 0.0]]
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from aisd.core.errors import AisdError
from aisd.recsys.threads import one_thread


@dataclass
class ALSModel:
    """User and item factors (float32): ``scores = user_factors @ item_factors.T``."""
    user_factors: np.ndarray
    item_factors: np.ndarray

    def scores(self, users: Sequence[int]) -> np.ndarray:
        """Predicted preference of each of ``users`` for every item (rows follow ``users``)."""
        return self.user_factors[np.asarray(users, dtype=int)] @ self.item_factors.T


def solve_factors(confidence: sp.spmatrix, fixed: np.ndarray, regularization: float) -> np.ndarray:
    """One ALS half-step: the exact least-squares vector of every row of ``confidence`` (rows x
    columns, the observed cells holding ``c = alpha * r``) given the ``fixed`` vectors of the columns.

    For a row with observed columns ``I`` and confidences ``c``:
    ``A = F^T F + F_I^T diag(c - 1) F_I + reg I`` and ``b = F_I^T c``; the vector solves ``A x = b``.
    Rows with no observation get the zero vector.

    >>> fixed = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> solve_factors(sp.csr_matrix([[3.0, 0.0]]), fixed, regularization=1.0).round(3).tolist()
    [[0.75, 0.0]]
    """
    c = sp.csr_matrix(confidence, dtype=np.float64)
    fixed = np.asarray(fixed, dtype=np.float64)
    if c.shape[1] != fixed.shape[0]:
        raise AisdError(f"{c.shape[1]} columns of confidences but {fixed.shape[0]} fixed vectors")
    if regularization < 0:
        raise AisdError(f"the regularization must be >= 0; got {regularization}")
    k = fixed.shape[1]
    gram = fixed.T @ fixed + regularization * np.eye(k)        # the part every row shares: F^T F + reg I
    out = np.zeros((c.shape[0], k))
    for row in range(c.shape[0]):
        start, end = c.indptr[row], c.indptr[row + 1]
        if start == end:
            continue
        cols, conf = c.indices[start:end], c.data[start:end]
        f = fixed[cols]                                        # the vectors of the observed columns
        a = gram + f.T @ ((conf - 1.0)[:, None] * f)
        b = f.T @ conf                                         # preference 1 on observed cells
        out[row] = np.linalg.solve(a, b)
    return out.astype(np.float32)


def fit_als_numpy(matrix: sp.spmatrix, factors: int = 32, regularization: float = 10.0, alpha: float = 1.0,
                  iterations: int = 15, seed: int = 0) -> ALSModel:
    """ALS written out: random small item vectors, then users from items and items from users,
    ``iterations`` times. Same model as :func:`fit_als` (slower, for reading).

    >>> m = sp.csr_matrix([[1, 1, 0], [0, 1, 1]], dtype="float32")
    >>> fit_als_numpy(m, factors=2, iterations=3).user_factors.shape
    (2, 2)
    """
    c = sp.csr_matrix(matrix, dtype=np.float32) * alpha
    rng = np.random.default_rng(seed)
    users = rng.random((c.shape[0], factors), dtype=np.float32) * 0.01
    items = rng.random((c.shape[1], factors), dtype=np.float32) * 0.01
    ct = c.T.tocsr()
    for _ in range(iterations):
        users = solve_factors(c, items, regularization)
        items = solve_factors(ct, users, regularization)
    return ALSModel(users, items)


def _implicit_model(factors: int, regularization: float, alpha: float, iterations: int, seed: int,
                    exact: bool):
    from implicit.cpu.als import AlternatingLeastSquares
    return AlternatingLeastSquares(factors=factors, regularization=regularization, alpha=alpha,
                                   iterations=iterations, random_state=seed, use_cg=not exact,
                                   calculate_training_loss=False, num_threads=0)


def fit_als(matrix: sp.spmatrix, factors: int = 32, regularization: float = 10.0, alpha: float = 1.0,
            iterations: int = 15, seed: int = 0, exact: bool = False,
            start: tuple[np.ndarray, np.ndarray] | None = None) -> ALSModel:
    """Fit ALS with the ``implicit`` package (CPU, conjugate-gradient solver unless ``exact``) on a
    users x items 0/1 matrix; ``start`` sets the initial (user, item) factors. The defaults are the
    best of a grid on MovieLens's tuning window (factors 16/32/48/64/128, regularization 0.05 to 40,
    alpha 1 to 20; recall@10 0.161 for 32, 10 and 1). Silent: no progress
    bar and no BLAS-threads warning on stderr (one thread: see :mod:`aisd.recsys.threads`).

    >>> m = sp.random(30, 40, density=0.2, format="csr", random_state=0, dtype="float32")
    >>> model = fit_als(m, factors=8, iterations=3)
    >>> model.user_factors.shape, model.item_factors.shape
    ((30, 8), (40, 8))
    """
    m = sp.csr_matrix(matrix, dtype=np.float32)
    if m.nnz == 0:
        raise AisdError("the interaction matrix is empty: nothing to factorise")
    if factors < 1 or iterations < 1 or alpha <= 0:
        raise AisdError(f"need factors >= 1, iterations >= 1 and alpha > 0; got {factors}, {iterations}, {alpha}")
    with one_thread(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*OpenBLAS.*")
        model = _implicit_model(factors, regularization, alpha, iterations, seed, exact)
        if start is not None:
            model.user_factors = np.array(start[0], dtype=np.float32)
            model.item_factors = np.array(start[1], dtype=np.float32)
        model.fit(m, show_progress=False)
    return ALSModel(np.asarray(model.user_factors), np.asarray(model.item_factors))


def fold_in(model: ALSModel, history: sp.spmatrix, regularization: float = 10.0,
            alpha: float = 1.0) -> np.ndarray:
    """Vectors for users the model never saw, from their interactions (rows of ``history``, items as
    columns) with the item vectors fixed: one half-step, no retraining (how a new user is served
    after a handful of clicks).

    >>> model = ALSModel(np.zeros((1, 2), "float32"), np.array([[1, 0], [0, 1]], "float32"))
    >>> fold_in(model, sp.csr_matrix([[0, 1]]), regularization=1.0, alpha=3.0).round(2).tolist()
    [[0.0, 0.75]]
    """
    if history.shape[1] != model.item_factors.shape[0]:
        raise AisdError(f"the history has {history.shape[1]} items; the model knows {model.item_factors.shape[0]}")
    return solve_factors(sp.csr_matrix(history, dtype=np.float32) * alpha, model.item_factors, regularization)
