"""Notebook 04's decisions: what each action costs, and the thresholds that turn a fraud score into actions.

A score becomes one of three real-time actions (the *bands*), each with its own price:

- **allow**: a fraud loses its amount (the issuer refunds the cardholder); a genuine payment costs nothing;
- **step-up**: the customer is asked to confirm in the banking app. A second factor stops a share of frauds
  (``step_up_stops``: the thief rarely holds the phone); every genuine customer asked pays a friction
  (``step_up_friction``: the time, a message, the purchases abandoned);
- **decline**: a fraud is stopped; a genuine customer declined costs ``false_decline`` (a lost sale, a call,
  churn).

Separately, an analyst **review** (an alert in the queue) costs ``review`` of analyst time and catches the fraud;
the team's size is the *alert budget*. Costs are expected values per payment, so a policy's cost is a sum.

>>> c = ActionCosts(review=5, step_up_friction=1, step_up_stops=0.9, false_decline=10)
>>> action_costs([1, 0, 1, 0], [100, 40, 100, 40], ["allow", "allow", "step-up", "decline"], c).round(2).tolist()
[100.0, 0.0, 10.0, 10.0]
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from aisd.core.errors import AisdError

ACTIONS = ("allow", "step-up", "decline")


@dataclass(frozen=True)
class ActionCosts:
    """The price of each action's outcome (EUR), from the requirements (:func:`aisd.fraud.system.costs`)."""
    review: float = 5.0             # an analyst's time per alert
    step_up_friction: float = 1.0   # a genuine customer asked to confirm
    step_up_stops: float = 0.9      # share of frauds a second factor stops
    false_decline: float = 10.0     # a genuine customer declined

    def __post_init__(self):
        if min(self.review, self.step_up_friction, self.false_decline) < 0 or not 0 <= self.step_up_stops <= 1:
            raise AisdError(f"costs must be >= 0 and step_up_stops a share in [0, 1]; got {self}")


def _columns(y_true, amounts, *more):
    y, a = np.asarray(y_true), np.asarray(amounts, dtype=float)
    if y.ndim != 1 or a.shape != y.shape or any(np.shape(m) != y.shape for m in more):
        raise AisdError(f"labels, amounts (and scores or actions) must be 1-D and equally long; got {y.shape}, "
                        f"{a.shape}" + "".join(f", {np.shape(m)}" for m in more))
    if len(y) and not np.isin(y, (0, 1)).all():
        raise AisdError("labels must be 0 (genuine) or 1 (fraud)")
    return y.astype(np.int64), a


def action_costs(y_true, amounts, actions, costs: ActionCosts) -> np.ndarray:
    """The cost of each payment under the action taken on it (``"allow"``, ``"step-up"`` or ``"decline"``).

    >>> action_costs([1, 1, 0], [50, 50, 20], ["allow", "decline", "step-up"], ActionCosts()).tolist()
    [50.0, 0.0, 1.0]
    """
    actions = np.asarray(actions)
    y, a = _columns(y_true, amounts, actions)
    if not np.isin(actions, ACTIONS).all():
        raise AisdError(f"actions must be one of {ACTIONS}; got {sorted(set(actions.tolist()) - set(ACTIONS))}")
    allow = y * a
    step_up = np.where(y == 1, (1 - costs.step_up_stops) * a, costs.step_up_friction)
    decline = np.where(y == 1, 0.0, costs.false_decline)
    return np.select([actions == "allow", actions == "step-up"], [allow, step_up], decline).astype(float)


def bands(scores, step_up_at: float, decline_at: float) -> np.ndarray:
    """``"allow"``, ``"step-up"`` or ``"decline"`` per score: decline at ``decline_at`` and above, step-up from
    ``step_up_at``; ``math.inf`` switches a band off (``bands(s, inf, inf)`` allows everything).

    >>> bands([0.1, 0.5, 0.95], step_up_at=0.3, decline_at=0.9).tolist()
    ['allow', 'step-up', 'decline']
    """
    if step_up_at > decline_at:
        raise AisdError(f"step_up_at ({step_up_at}) must not exceed decline_at ({decline_at}): the step-up band "
                        "lies below the decline band")
    s = np.asarray(scores, dtype=float)
    return np.where(s >= decline_at, "decline", np.where(s >= step_up_at, "step-up", "allow"))


def bands_cost(y_true, scores, amounts, step_up_at: float, decline_at: float, costs: ActionCosts) -> float:
    """Total cost of the bands on these payments (EUR).

    >>> bands_cost([1, 0, 0], [0.9, 0.5, 0.1], [100, 30, 30], 0.4, 0.8, ActionCosts())
    1.0
    """
    return float(action_costs(y_true, amounts, bands(scores, step_up_at, decline_at), costs).sum())


def _sorted_prefix_costs(y_true, scores, amounts, costs: ActionCosts):
    """Scores sorted high to low, cut at the end of each run of equal scores; for each cut k (the top k
    payments), the cumulative cost of declining, stepping up and allowing those k."""
    y, a = _columns(y_true, amounts, np.asarray(scores))
    s = np.asarray(scores, dtype=float)
    if np.isnan(s).any():
        raise AisdError("scores contain NaN: score every payment")
    order = np.argsort(-s, kind="stable")
    s, y, a = s[order], y[order], a[order]
    cuts = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1] + 1 if len(s) else np.array([], dtype=int)
    per = {act: action_costs(y, a, np.full(len(y), act), costs) for act in ACTIONS}
    prefix = {act: np.r_[0.0, np.cumsum(v)[cuts - 1]] for act, v in per.items()}      # index 0: nobody
    thresholds = np.r_[math.inf, s[cuts - 1]]                                          # index 0: inf
    return thresholds, prefix


def choose_bands(y_true, scores, amounts, costs: ActionCosts) -> tuple[float, float]:
    """``(step_up_at, decline_at)`` with the lowest total cost on these payments, among the observed scores and
    ``math.inf`` (band off); ``step_up_at <= decline_at``.

    One pass: for the top ``j`` payments in the step-up-or-decline bands, the best decline cut ``i <= j`` is a
    running minimum, so every pair is priced in O(n) after the sort.

    Reference answer of notebook 04, exercise ``ex_choose_bands``.

    >>> choose_bands([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1], [500, 40, 30, 40], ActionCosts())
    (0.3, 0.9)
    """
    thresholds, p = _sorted_prefix_costs(y_true, scores, amounts, costs)
    # cut i declines the top i, cut j >= i steps up the next ones, the rest is allowed
    head = p["decline"] - p["step-up"]
    best_i = np.zeros(len(head), dtype=int)
    running = 0
    for j in range(1, len(head)):                      # running argmin of head[0..j]
        if head[j] < head[running]:
            running = j
        best_i[j] = running
    j_cost = head[best_i] + p["step-up"] + (p["allow"][-1] - p["allow"])
    j = int(np.argmin(j_cost))                         # the first minimum: the fewest payments touched
    return float(thresholds[j]), float(thresholds[best_i[j]])


def choose_single_threshold(y_true, scores, amounts, costs: ActionCosts) -> tuple[str, float]:
    """The best *one-threshold* policy: ``("step-up" or "decline", threshold)`` that costs least on these payments
    when every score at or above the threshold gets that action and the rest is allowed.

    >>> choose_single_threshold([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1], [500, 40, 30, 40], ActionCosts())
    ('decline', 0.3)
    """
    thresholds, p = _sorted_prefix_costs(y_true, scores, amounts, costs)
    options = []
    for action in ("step-up", "decline"):
        total = p[action] + (p["allow"][-1] - p["allow"])
        k = int(np.argmin(total))
        options.append((float(total[k]), action, float(thresholds[k])))
    _, action, threshold = min(options, key=lambda o: o[0])
    return action, threshold


def single_threshold_bands(action: str, threshold: float) -> tuple[float, float]:
    """A one-threshold policy written as bands: ``(step_up_at, decline_at)``.

    >>> single_threshold_bands("decline", 0.7), single_threshold_bands("step-up", 0.2)
    ((0.7, 0.7), (0.2, inf))
    """
    if action not in ("step-up", "decline"):
        raise AisdError(f"a single threshold either steps up or declines; got {action!r}")
    return (threshold, threshold) if action == "decline" else (threshold, math.inf)


def budget_cost(y_true, scores, days, amounts, threshold: float, alerts_per_day: int, costs: ActionCosts) -> float:
    """Cost per day of an analyst team staffed for ``alerts_per_day`` alerts (each slot costs ``costs.review``,
    used or not). Each day the alerts (scores at or above ``threshold``) are reviewed from the highest score down
    until the slots run out; every fraud not reviewed is lost (its amount).

    >>> budget_cost([1, 0, 1, 1], [0.9, 0.8, 0.7, 0.1], [0, 0, 0, 1], [100, 20, 30, 40], 0.5, 2, ActionCosts(review=5))
    45.0
    """
    y, a = _columns(y_true, amounts, np.asarray(scores), np.asarray(days))
    s, days = np.asarray(scores, dtype=float), np.asarray(days)
    if alerts_per_day < 0:
        raise AisdError(f"alerts_per_day must be >= 0, got {alerts_per_day!r}")
    order = np.lexsort((-s, days))                      # by day, then highest score first
    d_sorted, s_sorted = days[order], s[order]
    first = np.searchsorted(d_sorted, d_sorted, side="left")
    position = np.arange(len(order)) - first           # rank of the payment within its day
    reviewed = np.zeros(len(s), dtype=bool)
    reviewed[order] = (s_sorted >= threshold) & (position < alerts_per_day)
    n_days = len(np.unique(days))
    return float(((y * a)[~reviewed].sum() + costs.review * alerts_per_day * n_days) / n_days)


def alert_budget(y_true, scores, days, amounts, costs: ActionCosts) -> dict:
    """The analysts' daily alert budget that costs least on these days: each alert slot costs ``costs.review``
    whether used or not, each fraud below the budget's threshold (:func:`aisd.toolkit.classification.
    threshold_for_alert_budget`) is lost. Tried: 5 to 400 alerts a day in steps of 5.

    Reference answer of notebook 04, exercise ``ex_alert_budget``.

    >>> rng = np.random.default_rng(0); y = (rng.random(2000) < 0.02).astype(int); s = rng.random(2000) + y
    >>> alert_budget(y, s, np.repeat(np.arange(10), 200), np.full(2000, 100.0), ActionCosts())["alerts_per_day"]
    10
    """
    from aisd.toolkit.classification import threshold_for_alert_budget

    best = None
    for budget in range(5, 401, 5):
        t = threshold_for_alert_budget(scores, days, budget)
        cost = budget_cost(y_true, scores, days, amounts, t, budget, costs)
        if best is None or cost < best[0]:
            best = (cost, budget)
    return {"alerts_per_day": best[1],
            "why": f"the cheapest staffing on these days: EUR {best[0]:,.0f} a day of analysts and missed fraud"}
