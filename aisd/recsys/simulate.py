"""The feedback loop, simulated: a recommender that learns from the clicks its own recommendations
produced narrows what everyone sees.

Each round, every user is shown ``k`` items ranked by the recommender's score: a popularity prior
learned from the logged clicks so far (``log(1 + clicks)``, standardised) plus, optionally, a personal
score (e.g. ALS factors fitted before the loop starts). The user clicks each shown item with a
probability known only to the simulation (``true_probability``); the clicks go into the log, which
feeds the next round. Items that are shown get clicks, so they are shown more: exposure concentrates
on a few items whatever their quality for each user. The table records, per round, the click-through
rate, the Gini index of the impressions the loop made so far and of the logged clicks (popularity bias,
:func:`aisd.recsys.metrics.gini`), the share of clicks on the 1 % most clicked items, the catalogue
coverage of what was shown in the round, the share of items the loop ever got a click for, and the
mean true click probability of what was shown (what users would have liked).

The mitigation measured here is exploration: each slot is, with probability ``exploration``, replaced
by an item drawn at random from the catalogue (epsilon-greedy), which gives unseen items a chance
to be clicked and enter the log.

>>> rng = np.random.default_rng(0)
>>> truth = rng.uniform(0, 0.2, size=(50, 40))
>>> table = simulate_feedback_loop(truth, start_clicks=np.ones(40), rounds=5, k=3)
>>> table.columns.tolist()
['round', 'ctr', 'gini_exposure', 'gini_clicks', 'top1pct_click_share', 'coverage', 'items_ever_clicked', 'mean_true_probability']
>>> bool(table["gini_clicks"].iloc[-1] > table["gini_clicks"].iloc[0])     # the loop concentrates clicks
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError
from aisd.recsys.baselines import top_k
from aisd.recsys.metrics import gini
from aisd.recsys.offpolicy import examination


def true_click_probabilities(scores: np.ndarray, mean_ctr: float = 0.05) -> np.ndarray:
    """Turn affinity scores (users x items, e.g. ALS fitted on all interactions) into click
    probabilities: negative scores become 0 and the rest are scaled so that the mean probability
    over the whole matrix is ``mean_ctr`` (capped at 1).

    >>> true_click_probabilities(np.array([[2.0, -1.0], [1.0, 1.0]]), mean_ctr=0.1).round(3).tolist()
    [[0.2, 0.0], [0.1, 0.1]]
    """
    if not 0 < mean_ctr < 1:
        raise AisdError(f"mean_ctr must be between 0 and 1; got {mean_ctr}")
    s = np.clip(np.asarray(scores, dtype=float), 0, None)
    if s.sum() == 0:
        raise AisdError("every score is <= 0: no item would ever be clicked")
    return np.clip(s * (mean_ctr / s.mean()), 0, 1)


def _standardise(x: np.ndarray) -> np.ndarray:
    spread = x.std()
    return (x - x.mean()) / spread if spread > 0 else np.zeros_like(x)


def simulate_feedback_loop(true_probability: np.ndarray, start_clicks: np.ndarray, rounds: int = 20, k: int = 10,
                           exploration: float = 0.0, personal: np.ndarray | None = None,
                           popularity_weight: float = 1.0, position_bias: bool = True, seed: int = 0) -> pd.DataFrame:
    """Run the loop for ``rounds`` rounds (each user sees ``k`` items per round, never an item they
    already clicked) and return one row per round (see the module's docstring for the columns).

    ``start_clicks`` is the log before the loop (e.g. MovieLens popularity); ``personal`` (users x
    items) adds a personal score, standardised per user; ``exploration`` is the share of slots given
    to random items; with ``position_bias`` a slot is examined with probability
    :func:`aisd.recsys.offpolicy.examination` (1 at the top, 0.29 at slot 10) and clicked only if examined.
    """
    truth = np.asarray(true_probability, dtype=float)
    n_users, n_items = truth.shape
    clicks = np.asarray(start_clicks, dtype=float).copy()
    if clicks.shape != (n_items,):
        raise AisdError(f"start_clicks needs one count per item ({n_items}); got shape {clicks.shape}")
    if not 0 <= exploration <= 1:
        raise AisdError(f"exploration must be between 0 and 1; got {exploration}")
    if rounds < 1 or not 1 <= k <= n_items:
        raise AisdError(f"need rounds >= 1 and 1 <= k <= {n_items}; got rounds={rounds}, k={k}")
    if personal is not None:
        personal = np.asarray(personal, dtype=float)
        if personal.shape != truth.shape:
            raise AisdError(f"personal scores have shape {personal.shape}; the truth has {truth.shape}")
        personal = (personal - personal.mean(axis=1, keepdims=True)) / np.maximum(personal.std(axis=1, keepdims=True), 1e-9)
    rng = np.random.default_rng(seed)
    look = examination(k) if position_bias else np.ones(k)
    clicked = np.zeros((n_users, n_items), dtype=bool)
    impressions = np.zeros(n_items)
    rows = []
    for round_ in range(1, rounds + 1):
        scores = np.tile(popularity_weight * _standardise(np.log1p(clicks)), (n_users, 1))
        if personal is not None:
            scores = scores + personal
        scores[clicked] = -np.inf
        shown = top_k(scores, None, k)
        if exploration > 0:
            explore = rng.random(shown.shape) < exploration
            shown = np.where(explore, rng.integers(0, n_items, size=shown.shape), shown)
        p = np.take_along_axis(truth, shown, axis=1)
        p = np.where(np.take_along_axis(clicked, shown, axis=1), 0.0, p)     # a second click on the same item does not count
        hit = rng.random(shown.shape) < p * look
        new = np.bincount(shown[hit], minlength=n_items)
        clicks += new
        clicked[np.nonzero(hit)[0], shown[hit]] = True
        impressions += np.bincount(shown.ravel(), minlength=n_items)
        top = np.sort(clicks)[::-1][:max(1, n_items // 100)]
        rows.append({"round": round_, "ctr": float(hit.mean()), "gini_exposure": gini(impressions),
                     "gini_clicks": gini(clicks), "top1pct_click_share": float(top.sum() / clicks.sum()),
                     "coverage": len(np.unique(shown)) / n_items,
                     "items_ever_clicked": float(clicked.any(axis=0).mean()),
                     "mean_true_probability": float(p.mean())})
    return pd.DataFrame(rows)


def exploration_sweep(true_probability: np.ndarray, start_clicks: np.ndarray, personal: np.ndarray, rates,
                      rounds: int = 15, k: int = 10, seed: int = 0) -> list[dict]:
    """The feedback loop run once per exploration rate of ``rates`` on the same users: one row per rate
    with the click-through over all rounds, the relative click-through loss against no exploration
    (``ctr_loss``; the rate 0 is always run), the share of the catalogue ever clicked and the final
    Gini of exposure.

    >>> rng = np.random.default_rng(0)
    >>> truth = rng.uniform(0, 0.2, size=(60, 50))
    >>> rows = exploration_sweep(truth, np.ones(50), rng.normal(size=(60, 50)), [0.0, 0.5], rounds=3, k=5)
    >>> [r["exploration"] for r in rows], rows[0]["ctr_loss"]
    ([0.0, 0.5], 0.0)
    """
    rates = sorted(set(float(r) for r in rates) | {0.0})
    rows = []
    for rate in rates:
        t = simulate_feedback_loop(true_probability, start_clicks, rounds=rounds, k=k, exploration=rate,
                                   personal=personal, seed=seed)
        rows.append({"exploration": rate, "ctr": float(t["ctr"].mean()),
                     "items_ever_clicked": float(t["items_ever_clicked"].iloc[-1]),
                     "gini_exposure": float(t["gini_exposure"].iloc[-1])})
    base = rows[0]["ctr"]
    for row in rows:
        row["ctr_loss"] = 1 - row["ctr"] / base
    return rows


def list_click_rates(true_probability: np.ndarray, lists: np.ndarray, mean_rate: float) -> np.ndarray:
    """Each user's probability that a list like ``lists[user]`` gets at least one click (slots examined
    with position bias), with the click probabilities scaled by one factor so that the mean over users
    is ``mean_rate`` (e.g. today's click-through per list): the per-user rates behind the A/B test's
    intra-class correlation (:func:`aisd.recsys.abtest.intraclass_correlation`).

    >>> rates = list_click_rates(np.array([[0.2, 0.1], [0.02, 0.01]]), np.array([[0, 1], [0, 1]]), 0.05)
    >>> round(float(rates.mean()), 3), bool(rates[0] > rates[1])
    (0.05, True)
    """
    lists = np.asarray(lists)
    p = np.take_along_axis(np.asarray(true_probability, dtype=float), lists, axis=1) * examination(lists.shape[1])
    if not 0 < mean_rate < 1 or p.sum() == 0:
        raise AisdError("need 0 < mean_rate < 1 and some positive click probability")

    def rates(scale):
        return 1 - np.prod(1 - np.clip(scale * p, 0, 1), axis=1)

    low, high = 0.0, 1.0
    while rates(high).mean() < mean_rate and high < 1e6:
        high *= 2
    for _ in range(100):                              # bisection on the scale
        mid = (low + high) / 2
        low, high = (mid, high) if rates(mid).mean() < mean_rate else (low, mid)
    return rates((low + high) / 2)
