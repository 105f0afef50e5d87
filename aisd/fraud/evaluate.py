"""Notebook 04's evaluation: intervals that respect how frauds cluster, the held-out table, drift per day, and
what a label that never arrives does to a measured recall.

**Frauds are not independent.** A compromised terminal turns every payment made there for weeks into fraud, a
stolen card makes a run of them: resampling payments one by one treats 500 frauds from 20 terminals as 500
independent facts and gives intervals far too narrow. :func:`incident_clusters` names the unit to resample (the
compromised terminal, or else the card) for :func:`aisd.toolkit.stats.bootstrap`, the course's one bootstrap.

>>> import pandas as pd
>>> tx = pd.DataFrame({"fraud_scenario": [0, 2, 2, 3], "terminal_id": [7, 7, 8, 9], "customer_id": [1, 2, 3, 1]})
>>> incident_clusters(tx).tolist()
[1, -8, -9, 1]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError
from aisd.fraud import decisions
from aisd.toolkit import stats
from aisd.toolkit.classification import (
    daily_alert_precision,
    psi,
    recall_at_fpr,
    roc_auc,
)


def incident_clusters(tx: pd.DataFrame) -> np.ndarray:
    """One cluster id per payment: a compromised terminal's frauds share its terminal (ids below 0), every other
    payment belongs to its card (the customer id): a stolen card's frauds and a customer's habits go together."""
    missing = {"fraud_scenario", "terminal_id", "customer_id"} - set(tx.columns)
    if missing:
        raise AisdError(f"incident_clusters needs the columns {sorted(missing)} (a simulated stream)")
    terminal_fraud = tx["fraud_scenario"].to_numpy() == 2
    return np.where(terminal_fraud, -1 - tx["terminal_id"].to_numpy(), tx["customer_id"].to_numpy()).astype(np.int64)


def score_ranks(scores) -> np.ndarray:
    """Dense rank of each score, 0 for the highest; equal scores share a rank.

    >>> score_ranks([0.2, 0.9, 0.2, 0.5]).tolist()
    [2, 0, 2, 1]
    """
    _, inverse = np.unique(-np.asarray(scores, dtype=float), return_inverse=True)
    return inverse.astype(np.int64)


def average_precision_of_ranks(y_true, ranks) -> float:
    """PR-AUC (average precision) from :func:`score_ranks`: the same number as
    :func:`aisd.toolkit.classification.average_precision` of the scores, without a sort, so a bootstrap of it is
    fast (about 3 ms for 40,000 payments instead of 15).

    >>> from aisd.toolkit.classification import average_precision
    >>> y, s = [0, 1, 0, 1, 1], [0.1, 0.9, 0.8, 0.3, 0.8]
    >>> round(average_precision_of_ranks(y, score_ranks(s)), 12) == round(average_precision(y, s), 12)
    True
    """
    y, r = np.asarray(y_true, dtype=float), np.asarray(ranks)
    if y.sum() == 0:
        raise AisdError("average precision needs at least one fraud")
    positives = np.bincount(r, weights=y)
    counted = np.bincount(r)
    tp, flagged = np.cumsum(positives), np.cumsum(counted)
    return float(np.sum(positives * tp / np.maximum(flagged, 1)) / tp[-1])


def time_blocks(seconds, block_s: float = 600) -> np.ndarray:
    """Cluster ids for a stream without card or terminal ids (the ULB set): consecutive blocks of ``block_s``
    seconds, so a burst of fraud is resampled as one piece (a block bootstrap).

    >>> time_blocks([0, 599, 600, 1800]).tolist()
    [0, 0, 1, 3]
    """
    return (np.asarray(seconds, dtype=float) // block_s).astype(np.int64)


def pr_auc_interval(y_true, scores, clusters=None, resamples: int = 1000) -> stats.Interval:
    """PR-AUC with its 95 % bootstrap interval, resampling ``clusters`` (from :func:`incident_clusters` or
    :func:`time_blocks`) or, when None, payments."""
    return stats.bootstrap(average_precision_of_ranks, np.asarray(y_true), score_ranks(scores), clusters=clusters,
                           resamples=resamples)


def paired_pr_auc(y_true, scores_a, scores_b, clusters=None, resamples: int = 1000) -> stats.Interval:
    """PR-AUC of ``a`` minus PR-AUC of ``b`` on the same payments, resampled together by cluster."""
    return stats.bootstrap(lambda y, ra, rb: average_precision_of_ranks(y, ra) - average_precision_of_ranks(y, rb),
                           np.asarray(y_true), score_ranks(scores_a), score_ranks(scores_b), clusters=clusters,
                           resamples=resamples)


def paired_cost_per_day(cost_a, cost_b, days, clusters, resamples: int = 1000) -> stats.Interval:
    """Cost per day of policy ``a`` minus policy ``b`` (per-payment costs of both on the same payments), with a
    cluster-bootstrap interval: below 0 means ``a`` is cheaper.

    >>> d = paired_cost_per_day([1, 0, 2, 0], [2, 1, 3, 1], days=[0, 0, 1, 1], clusters=[0, 1, 2, 3], resamples=200)
    >>> d.estimate, d.high < 0
    (-2.0, True)
    """
    n_days = len(np.unique(np.asarray(days)))
    return stats.bootstrap(lambda a, b: (a.sum() - b.sum()) / n_days, np.asarray(cost_a, dtype=float),
                           np.asarray(cost_b, dtype=float), clusters=clusters, resamples=resamples)


def heldout_table(y, scores: dict, days, alerts_per_day: int, amounts, policies: dict, costs, clusters=None,
                  resamples: int = 500) -> pd.DataFrame:
    """One row per model on held-out payments: ROC-AUC, PR-AUC with its 95 % interval (resampling ``clusters``
    when given, payments otherwise), the daily precision of the top ``alerts_per_day``, recall at 1 % false
    positives, and the cost per day of the bands ``policies[model] = (step_up_at, decline_at)`` chosen on tuning.

    >>> y = np.array([0, 1] * 50); s = np.linspace(0, 1, 100) * (0.5 + y)
    >>> t = heldout_table(y, {"m": s}, np.zeros(100), 5, np.full(100, 10.0), {"m": (0.5, 0.9)},
    ...                   decisions.ActionCosts(), resamples=50)
    >>> list(t.columns)
    ['ROC-AUC', 'PR-AUC', 'PR-AUC 95% CI', 'precision@budget', 'recall@1%FPR', 'cost/day']
    """
    y, days, amounts = np.asarray(y), np.asarray(days), np.asarray(amounts, dtype=float)
    n_days = len(np.unique(days))
    rows = {}
    for name, s in scores.items():
        ci = pr_auc_interval(y, s, clusters, resamples)
        rows[name] = {"ROC-AUC": roc_auc(y, s), "PR-AUC": ci.estimate, "PR-AUC 95% CI": f"[{ci.low:.3f}, {ci.high:.3f}]",
                      "precision@budget": daily_alert_precision(y, s, days, alerts_per_day),
                      "recall@1%FPR": recall_at_fpr(y, s, 0.01),
                      "cost/day": decisions.bands_cost(y, s, amounts, *policies[name], costs) / n_days}
    return pd.DataFrame(rows).T.rename_axis("model")


def daily_psi(reference: pd.DataFrame, stream: pd.DataFrame, days, columns) -> pd.DataFrame:
    """PSI of each feature on each day of ``stream`` against the whole ``reference`` window (training).

    >>> ref = pd.DataFrame({"a": np.arange(100.0)}); new = pd.DataFrame({"a": np.r_[np.arange(50.0), np.arange(50.0) + 80]})
    >>> daily_psi(ref, new, [0] * 50 + [1] * 50, ["a"]).round(2)["a"].tolist()
    [3.8, 7.05]
    """
    days = np.asarray(days)
    if len(days) != len(stream):
        raise AisdError(f"daily_psi: one day per row of the stream ({len(stream)}), got {len(days)}")
    out = {d: {c: psi(reference[c].to_numpy(float), stream[c].to_numpy(float)[days == d]) for c in columns}
           for d in np.unique(days)}
    return pd.DataFrame(out).T.rename_axis("day")


def selective_labels(y_true, actions, holdout_share: float = 0.01, draws: int = 200, seed: int = 0) -> dict:
    """What recall looks like when a declined payment never gets a label (no fraud happens, so no chargeback).

    The recall that matters is the share of frauds the bands act on (step-up or decline). The simulator knows every
    label (``truth``); production does not:

    - ``labelled_only``: recall on the payments that got a label (every payment but the declines): the declined
      frauds, the easiest catches, vanish from the count, so recall looks far worse than it is;
    - ``declines_as_fraud``: every decline counted as a fraud caught: right only if no genuine payment is declined;
    - ``holdout``: a random ``holdout_share`` of payments is approved whatever its score, so every one of them gets
      its label; recall on the holdout's frauds is unbiased but rests on few frauds (Wilson interval).
      ``holdout_mean``/``holdout_spread``: the mean and the 2.5-97.5 % range of that estimate over ``draws``
      random holdouts: centred on the truth, and how wide one draw can land.

    >>> y = np.array([1] * 40 + [0] * 960); acts = np.array(["decline"] * 30 + ["allow"] * 10 + ["allow"] * 960)
    >>> r = selective_labels(y, acts, holdout_share=0.5)
    >>> r["truth"], r["labelled_only"]
    (0.75, 0.0)
    """
    y, actions = np.asarray(y_true), np.asarray(actions)
    if y.shape != actions.shape or not y.sum():
        raise AisdError("selective_labels needs one action per payment and at least one fraud")
    if not 0 < holdout_share < 1:
        raise AisdError(f"holdout_share is a share of payments in (0, 1), e.g. 0.01; got {holdout_share!r}")
    acted = actions != "allow"
    labelled = actions != "decline"
    truth = acted[y == 1].mean()
    lab_frauds = (y == 1) & labelled
    labelled_only = float(acted[lab_frauds].mean()) if lab_frauds.any() else float("nan")
    declined = int((actions == "decline").sum())
    declines_as_fraud = (declined + (acted & lab_frauds).sum()) / (declined + lab_frauds.sum())
    rng = np.random.default_rng(seed)
    estimates = []
    first = None
    for i in range(draws):
        holdout = rng.random(len(y)) < holdout_share
        frauds = holdout & (y == 1)
        if not frauds.any():
            continue
        estimates.append(acted[frauds].mean())
        if first is None:
            first = (int(acted[frauds].sum()), int(frauds.sum()), int(holdout.sum()))
    if first is None:
        raise AisdError("no holdout caught a single fraud: the holdout is too small for this many payments")
    low, high = np.quantile(estimates, [0.025, 0.975])
    return {"truth": float(truth), "labelled_only": labelled_only, "declines_as_fraud": float(declines_as_fraud),
            "holdout": stats.wilson(first[0], first[1]), "holdout_frauds": first[1], "holdout_payments": first[2],
            "holdout_mean": float(np.mean(estimates)), "holdout_spread": (float(low), float(high)),
            "declined": declined, "declined_frauds": int(((actions == "decline") & (y == 1)).sum())}


def seed_table(path) -> pd.DataFrame:
    """The stored runs of :func:`aisd.fraud.precompute.seeds` (one row per seed and model), with each model's rank
    by held-out PR-AUC within its seed (1 = best).

    >>> from aisd.fraud.precompute import SEEDS_FILE
    >>> t = seed_table(SEEDS_FILE)
    >>> sorted(t.seed.unique().tolist()) == [0, 1, 2, 3, 4]
    True
    """
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        raise AisdError(f"{path} is missing: regenerate it with `aisd precompute 04 seeds` (about 2 minutes)")
    table = pd.read_csv(path)
    table["rank"] = table.groupby("seed")["pr_auc"].rank(ascending=False, method="min").astype(int)
    return table
