"""Notebook 04's system: the card issuer's requirements as data and the pipeline's design.

>>> REQUIREMENTS.label_delay_days, costs().review
(7, 5.0)
>>> round(REQUIREMENTS.peak_payments_per_s)
139
>>> from aisd.toolkit.design import review
>>> review(DESIGN)
[]
"""
from __future__ import annotations

from aisd.fraud.decisions import ActionCosts
from aisd.toolkit.design import Design
from aisd.toolkit.requirements import Requirements

REQUIREMENTS = Requirements(
    prompt="Design the system that decides, in real time, whether a card payment is fraud.",
    functional=["score every card payment while the customer waits at the checkout",
                "allow it, ask the customer to confirm (step-up) or decline it",
                "queue alerts for the fraud analysts",
                "learn from chargebacks and analysts' verdicts, which arrive late"],
    payments_per_day=(4_000_000, "payments/day", "the real issuer (the simulation is a small region of it)"),
    peak_factor=(3.0, "x the daily mean", "a Black Friday evening"),
    scoring_p99_ms=(50.0, "ms (p99)", "of the ~300 ms the card network allows a whole authorisation"),
    label_delay_days=(7, "days", "a cardholder disputes a fraud (chargeback) within about a week"),
    alert_budget_share=(0.013, "of payments", "what today's analyst team reviews"),
    review_cost=(5.0, "EUR/alert", "an analyst's time per alert"),
    step_up_friction=(1.0, "EUR/genuine payment stepped up", "the customer's time, a message, abandoned purchases"),
    step_up_stops=(0.9, "share of frauds", "a second factor stops most thieves: they rarely hold the phone"),
    false_decline_cost=(10.0, "EUR/genuine payment declined", "a lost sale, a call to the bank, churn"),
    missed_fraud_cost=("its amount", "EUR", "the issuer refunds the cardholder"),
    max_feature_psi=(0.25, "PSI", "a 'major shift' of an input feature raises the drift alarm"),
    retrain_every_days=(7, "days", "a weekly job on the newest window whose labels have arrived"),
    derived={"peak_payments_per_s": (lambda r: r.payments_per_day / 86_400 * r.peak_factor, "payments/s"),
             "alerts_per_day_today": (lambda r: r.payments_per_day * r.alert_budget_share, "alerts/day")},
)


def costs(requirements: Requirements = REQUIREMENTS) -> ActionCosts:
    """The price of each action, read from the requirements (a changed requirement changes the decisions).

    >>> costs(REQUIREMENTS.replace(false_decline_cost=25.0)).false_decline
    25.0
    """
    r = requirements
    return ActionCosts(review=float(r.review_cost), step_up_friction=float(r.step_up_friction),
                       step_up_stops=float(r.step_up_stops), false_decline=float(r.false_decline_cost))


DESIGN = Design(
    nodes={
        "terminal": ("client", "card terminal / checkout app"),
        "auth": ("service", "authorisation service"),
        "online": ("storage", "online feature store (Redis / SQLite)"),
        "model": ("model", "fraud classifier (LR / gradient boosting)"),
        "bands": ("service", "decision service: allow / step-up / decline"),
        "analysts": ("human", "fraud analysts (alert budget)"),
        "log": ("storage", "transaction log"),
        "labels": ("evaluation", "labels: chargebacks + analyst reviews (7-day delay; none for declines)"),
        "holdout": ("evaluation", "random-approve holdout (1 %): unbiased labels"),
        "batch": ("service", "batch feature pipeline (point-in-time)"),
        "train": ("service", "training job (time split, tuning window)"),
        "registry": ("storage", "model registry (versions, metrics, data window)"),
        "monitor": ("monitoring", "monitoring: PSI drift, alert rate, latency p99"),
    },
    edges=[("terminal", "auth", "transaction"), ("auth", "online", "lookup"), ("online", "model", "features"),
           ("auth", "model"), ("model", "bands", "score"), ("bands", "auth", "decision"),
           ("auth", "terminal", "approve / decline"), ("bands", "analysts", "alerts"), ("auth", "log"),
           ("log", "online", "update"), ("analysts", "labels"), ("bands", "holdout", "1 % approved anyway"),
           ("holdout", "labels"), ("log", "batch"), ("labels", "batch"), ("batch", "train", "features"),
           ("train", "registry", "model + metrics"), ("registry", "model", "champion"),
           ("log", "monitor"), ("bands", "monitor"), ("monitor", "train", "retrain")],
)
