"""Estimating a new policy's click-through from the log of the current one (inverse propensity scoring).

A home-page row is a list of ``k`` slots, and users look at the top slots more than the bottom ones:
the chance that slot ``r`` is *examined* falls with ``r`` (:func:`examination`, the position-based click
model). A click on an item shown at slot ``r`` happens with probability ``examination[r] * p(user, item)``,
so the log says as much about the slot as about the item: a naive estimate of a new list from logged
clicks mixes both.

The current system logs with a *stochastic* policy (:func:`log_policy`): every slot is filled by drawing
an item from a softmax of the system's scores (duplicates in a row are allowed: slots are drawn
independently), and the log keeps each shown item's **propensity** (its probability under the logging
policy). A new deterministic policy that would show item ``t_r`` at slot ``r`` is then scored from the
log alone by matching slots: whenever the log showed ``t_r`` at slot ``r``, its click counts with weight
``1 / propensity`` (:func:`ips_clicks_per_list`). The estimate is unbiased for the new policy's clicks
per list, position bias included, because the slot is the same in the log and in the new list; its
price is variance (few matches, large weights), which the cluster bootstrap over users shows.

>>> rng = np.random.default_rng(0)
>>> truth = rng.uniform(0, 0.3, size=(400, 12))
>>> scores = rng.normal(size=(400, 12))
>>> log = log_policy(truth, scores, k=3, temperature=1.0, rounds=30, seed=1)
>>> target = np.argsort(-truth, axis=1)[:, :3]                   # the best list for each user
>>> est = ips_clicks_per_list(log, target)
>>> true = policy_clicks_per_list(truth, target)
>>> bool(abs(est.mean() - true.mean()) < 0.1 * true.mean())
True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aisd.core.errors import AisdError


def examination(k: int) -> np.ndarray:
    """The probability that a user examines slot ``r`` of a ``k``-slot row: ``1 / log2(r + 1)`` (the
    discount NDCG uses): 1 for the first slot, 0.63 for the second, 0.29 for the tenth.

    >>> examination(3).round(2).tolist()
    [1.0, 0.63, 0.5]
    """
    if k < 1:
        raise AisdError(f"a row has at least one slot; got k={k}")
    return 1 / np.log2(np.arange(2, k + 2))


def softmax_rows(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Each row of ``scores`` turned into probabilities over the items (higher score, more likely).

    >>> softmax_rows(np.array([[0.0, np.log(3)]]), 1.0).round(2).tolist()
    [[0.25, 0.75]]
    """
    if temperature <= 0:
        raise AisdError(f"the temperature must be positive; got {temperature}")
    z = np.asarray(scores, dtype=float) / temperature
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


@dataclass
class Log:
    """What the current system logged: per list (``rounds x users``), the item in each slot, the
    click in each slot and the propensity of the item shown (its logging probability at that slot)."""
    users: np.ndarray          # (lists,) the user of each list
    shown: np.ndarray          # (lists, k) item ids
    clicks: np.ndarray         # (lists, k) 0/1
    propensity: np.ndarray     # (lists, k)
    policy: np.ndarray         # (users, items) the logging probabilities (the same for every slot)


def log_policy(true_probability: np.ndarray, scores: np.ndarray, k: int = 10, temperature: float = 1.0,
               rounds: int = 20, exclude=None, position_bias: bool = True, seed: int = 0) -> Log:
    """``rounds`` lists per user from the softmax of ``scores`` (users x items) at ``temperature``, each
    slot drawn independently, never an item marked in ``exclude`` (users x items, e.g. what each user
    already watched), clicked with ``examination[slot] * true_probability`` (or the probability alone
    without ``position_bias``)."""
    truth = np.asarray(true_probability, dtype=float)
    if np.shape(scores) != truth.shape:
        raise AisdError(f"scores have shape {np.shape(scores)}; the click probabilities have {truth.shape}")
    n_users, n_items = truth.shape
    scores = np.array(scores, dtype=float)
    if exclude is not None:
        rows, cols = exclude.nonzero()
        scores[rows, cols] = -np.inf
    policy = softmax_rows(scores, temperature)
    cumulative = np.cumsum(policy, axis=1)
    cumulative[:, -1] = 1.0
    rng = np.random.default_rng(seed)
    look = examination(k) if position_bias else np.ones(k)
    users = np.tile(np.arange(n_users), rounds)
    draws = rng.random((len(users), k))
    shown = np.empty((len(users), k), dtype=np.int64)
    for u in range(n_users):                      # inverse-CDF sampling, one user's lists at a time
        rows = np.nonzero(users == u)[0]
        shown[rows] = np.searchsorted(cumulative[u], draws[rows])
    shown = np.minimum(shown, n_items - 1)
    p = truth[users[:, None], shown] * look
    clicks = (rng.random(shown.shape) < p).astype(np.int8)
    return Log(users, shown, clicks, policy[users[:, None], shown], policy)


def policy_clicks_per_list(true_probability: np.ndarray, lists: np.ndarray, position_bias: bool = True) -> np.ndarray:
    """The true expected clicks of each user's list (``lists``: users x k item ids), known only to a
    simulation: the sum over slots of ``examination[slot] * p(user, item)``.

    >>> policy_clicks_per_list(np.array([[0.5, 0.2]]), np.array([[1, 0]])).round(3).tolist()
    [0.515]
    """
    lists = np.asarray(lists)
    look = examination(lists.shape[1]) if position_bias else np.ones(lists.shape[1])
    truth = np.asarray(true_probability, dtype=float)
    return (np.take_along_axis(truth, lists, axis=1) * look).sum(axis=1)


def ips_clicks_per_list(log: Log, target: np.ndarray) -> np.ndarray:
    """Per logged list, the inverse-propensity estimate of the clicks the ``target`` list of its user
    (``target``: users x k) would get: the sum over slots where the log showed the target's item of
    ``click / propensity``. Average it over lists (or users) for the policy's clicks per list.

    >>> log = Log(np.array([0, 0]), np.array([[3, 1], [1, 3]]), np.array([[1, 0], [1, 1]]),
    ...           np.array([[0.5, 0.5], [0.5, 0.5]]), np.full((1, 4), 0.25))
    >>> ips_clicks_per_list(log, np.array([[3, 2]])).tolist()      # slot 1 matches in the first list only
    [2.0, 0.0]
    """
    target = np.asarray(target)
    if target.shape[1] != log.shown.shape[1]:
        raise AisdError(f"the target lists have {target.shape[1]} slots; the log has {log.shown.shape[1]}")
    match = log.shown == target[log.users]
    return (match * log.clicks / log.propensity).sum(axis=1)


def naive_clicks_per_list(log: Log, target: np.ndarray) -> np.ndarray:
    """The estimate without propensities or positions: for each user, the click rate of logged
    impressions of items that are anywhere in the target list, times the list length (what a
    replay of the log that ignores how the log was made would say)."""
    target = np.asarray(target)
    k = target.shape[1]
    in_target = np.zeros_like(log.policy, dtype=bool)
    np.put_along_axis(in_target, target, True, axis=1)
    hit = in_target[log.users[:, None], log.shown]
    shown = np.bincount(log.users, weights=hit.sum(axis=1), minlength=len(target))
    clicked = np.bincount(log.users, weights=(hit * log.clicks).sum(axis=1), minlength=len(target))
    return k * clicked[shown > 0] / shown[shown > 0]
