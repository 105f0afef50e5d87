"""A card-transaction simulator with fraud scenarios and label delay, seeded and deterministic.

In the spirit of the open *Reproducible Machine Learning for Credit Card Fraud Detection - Practical
Handbook* (Le Borgne, Siblini, Lebichot, Bontempi; https://fraud-detection-handbook.github.io, ch. 3.2):
customers and terminals live on a 100 x 100 map; each customer has a spending habit (mean and spread of
amounts, transactions per day) and uses the terminals within ``radius`` of home. Fraud comes from four
scenarios, each recorded in ``fraud_scenario``:

1. **large amount**: any transaction above ``amount_threshold`` is fraud (a rule would catch it);
2. **compromised terminal**: each day a few terminals are compromised for ``terminal_compromise_days``;
   every transaction there is fraud (only the terminal's recent *known* fraud rate reveals it);
3. **compromised card**: each day a few customers' cards are stolen for ``card_compromise_days``; a share
   of their transactions is fraud, at ``card_amount_multiplier`` times the amount (far above the habit);
4. **card testing** (off unless ``card_testing_from_day`` is set: a fraud-pattern change for drift):
   from that day, a few cards each day make a burst of tiny transactions within an hour at terminals
   anywhere on the map.

Genuine behaviour can change too: ``spending_change=(day, factor)`` multiplies every customer's amounts from
that day on (a holiday season, inflation): a shift of the whole population, which the input features show.

A transaction's label is known only ``label_delay_days`` later (``label_time``): the time it takes for
a cardholder to dispute a payment, or for the dispute window to pass without one.

>>> sim = simulate(n_customers=200, n_terminals=400, n_days=20, seed=1)
>>> list(sim.transactions.columns)[:6]
['transaction_id', 'time', 'day', 'customer_id', 'terminal_id', 'amount']
>>> bool((sim.transactions.label_time - sim.transactions.time == 7 * DAY).all())
True
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from aisd.core.errors import AisdError

DAY = 86_400                      # seconds: ``time`` counts seconds from the start of day 0
MAP_SIZE = 100.0
SCENARIOS = {0: "genuine", 1: "large amount", 2: "compromised terminal", 3: "compromised card",
             4: "card testing"}


@dataclass(frozen=True)
class FraudScenarios:
    """How much fraud of each kind to inject (the defaults follow the Handbook's proportions)."""
    amount_threshold: float = 220.0
    compromised_terminals_per_day: int = 2
    terminal_compromise_days: int = 28
    compromised_cards_per_day: int = 3
    card_compromise_days: int = 14
    card_fraud_share: float = 1 / 3
    card_amount_multiplier: float = 5.0
    card_testing_from_day: int | None = None
    card_testing_cards_per_day: int = 5
    card_testing_burst: int = 6


@dataclass
class Simulation:
    """The simulated world: transactions (sorted by time) and the customers and terminals behind them."""
    transactions: pd.DataFrame
    customers: pd.DataFrame
    terminals: pd.DataFrame
    incidents: pd.DataFrame          # scenarios 2-4: kind, entity_id, start_day, end_day (exclusive)
    params: dict = field(default_factory=dict)


def _check(n_customers: int, n_terminals: int, n_days: int, radius: float, label_delay_days: float,
           scenarios: FraudScenarios, spending_change) -> None:
    for name, value in (("n_customers", n_customers), ("n_terminals", n_terminals), ("n_days", n_days)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise AisdError(f"simulate: {name} must be a whole number >= 1, got {value!r}")
    if not radius > 0:
        raise AisdError(f"simulate: radius must be > 0 (customers use the terminals within it), got {radius!r}")
    if not label_delay_days >= 0:
        raise AisdError(f"simulate: label_delay_days must be >= 0, got {label_delay_days!r}")
    if spending_change is not None and (len(spending_change) != 2 or not spending_change[1] > 0):
        raise AisdError(f"simulate: spending_change must be (first day, factor > 0), got {spending_change!r}")
    if not 0 <= scenarios.card_fraud_share <= 1:
        raise AisdError(f"simulate: card_fraud_share must be in [0, 1], got {scenarios.card_fraud_share!r}")


def _nearby_terminals(cust_xy: np.ndarray, term_xy: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The terminals within ``radius`` of each customer, as one flat array and per-customer offsets."""
    chunks, counts = [], []
    for start in range(0, len(cust_xy), 512):          # 512 x n_terminals distances at a time
        block = cust_xy[start:start + 512]
        d2 = ((block[:, None, :] - term_xy[None, :, :]) ** 2).sum(axis=2)
        near = d2 < radius * radius
        counts.append(near.sum(axis=1))
        chunks.append(np.nonzero(near)[1])               # row-major: grouped by customer, in order
    counts = np.concatenate(counts)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.concatenate(chunks), offsets, counts


def simulate(n_customers: int = 3000, n_terminals: int = 6000, n_days: int = 60, seed: int = 0,
             radius: float = 5.0, label_delay_days: float = 7, scenarios: FraudScenarios = FraudScenarios(),
             spending_change: tuple[int, float] | None = None) -> Simulation:
    """Simulate ``n_days`` of card transactions with fraud; the same arguments give the same frame.

    Columns of ``transactions``: ``transaction_id`` (0.. in time order), ``time`` (int seconds since day 0),
    ``day``, ``customer_id``, ``terminal_id``, ``amount`` (2 decimals), ``is_fraud`` (0/1),
    ``fraud_scenario`` (0 genuine, 1-4 as in :data:`SCENARIOS`), ``label_time`` (when the label is known).

    >>> t = simulate(n_customers=300, n_terminals=600, n_days=30, seed=0).transactions
    >>> t.equals(simulate(n_customers=300, n_terminals=600, n_days=30, seed=0).transactions)
    True
    >>> sorted(set(t.fraud_scenario)) == [0, 1, 2, 3]
    True
    """
    _check(n_customers, n_terminals, n_days, radius, label_delay_days, scenarios, spending_change)
    rng = np.random.default_rng(seed)

    # Customers: home, spending habit. Terminals: location.
    cust_xy = rng.uniform(0, MAP_SIZE, size=(n_customers, 2))
    mean_amount = rng.uniform(5, 100, size=n_customers)
    std_amount = mean_amount / 2
    tx_per_day = rng.uniform(0, 4, size=n_customers)
    term_xy = rng.uniform(0, MAP_SIZE, size=(n_terminals, 2))
    flat, offsets, n_near = _nearby_terminals(cust_xy, term_xy, radius)

    # Genuine transactions: a Poisson number per customer and day (none for customers with no terminal near).
    per_day = rng.poisson(tx_per_day[:, None], size=(n_customers, n_days)) * (n_near > 0)[:, None]
    cust = np.repeat(np.repeat(np.arange(n_customers), n_days), per_day.ravel())
    day = np.repeat(np.tile(np.arange(n_days), n_customers), per_day.ravel())
    seconds = rng.normal(DAY / 2, 20_000, size=len(cust))           # around midday
    keep = (seconds >= 0) & (seconds < DAY)
    cust, day, seconds = cust[keep], day[keep], seconds[keep]
    amount = rng.normal(mean_amount[cust], std_amount[cust])
    negative = amount < 0
    amount[negative] = rng.uniform(0, 2 * mean_amount[cust[negative]])
    terminal = flat[offsets[cust] + (rng.random(len(cust)) * n_near[cust]).astype(np.int64)]
    if spending_change is not None:
        from_day, factor = spending_change
        amount[day >= from_day] *= factor
    scenario = np.zeros(len(cust), dtype=np.int8)
    incidents = []

    # 1. Large amounts.
    scenario[amount > scenarios.amount_threshold] = 1
    # 2. Compromised terminals: every transaction there, for the compromise period.
    for d in range(n_days):
        hit = rng.choice(n_terminals, size=min(scenarios.compromised_terminals_per_day, n_terminals), replace=False)
        during = (day >= d) & (day < d + scenarios.terminal_compromise_days) & np.isin(terminal, hit)
        scenario[during] = 2
        incidents += [("compromised terminal", t, d, d + scenarios.terminal_compromise_days) for t in hit]
    # 3. Compromised cards: a share of their transactions, at a multiple of the amount.
    for d in range(n_days):
        hit = rng.choice(n_customers, size=min(scenarios.compromised_cards_per_day, n_customers), replace=False)
        during = np.nonzero((day >= d) & (day < d + scenarios.card_compromise_days) & np.isin(cust, hit))[0]
        stolen = during[rng.random(len(during)) < scenarios.card_fraud_share]
        amount[stolen] *= scenarios.card_amount_multiplier
        scenario[stolen] = 3
        incidents += [("compromised card", c, d, d + scenarios.card_compromise_days) for c in hit]

    time = day.astype(np.int64) * DAY + seconds.astype(np.int64)
    parts = [(cust, terminal, time, amount, scenario)]
    # 4. Card testing (a change in the fraud pattern): bursts of tiny amounts anywhere on the map.
    start_day = scenarios.card_testing_from_day
    if start_day is not None:
        for d in range(max(0, start_day), n_days):
            k, burst = min(scenarios.card_testing_cards_per_day, n_customers), scenarios.card_testing_burst
            tested = rng.choice(n_customers, size=k, replace=False)
            incidents += [("card testing", c, d, d + 1) for c in tested]
            cards = np.repeat(tested, burst)
            begin = np.repeat(d * DAY + rng.integers(0, DAY - 3600, size=k), burst)
            parts.append((cards, rng.integers(0, n_terminals, size=k * burst), begin + rng.integers(0, 3600, size=k * burst),
                          rng.uniform(1, 5, size=k * burst), np.full(k * burst, 4, dtype=np.int8)))

    cust, terminal, time, amount, scenario = (np.concatenate(column) for column in zip(*parts))
    order = np.argsort(time, kind="stable")
    tx = pd.DataFrame({
        "transaction_id": np.arange(len(order), dtype=np.int64),
        "time": time[order],
        "day": (time[order] // DAY).astype(np.int64),
        "customer_id": cust[order].astype(np.int64),
        "terminal_id": terminal[order].astype(np.int64),
        "amount": np.maximum(np.round(amount[order], 2), 0.01),
        "is_fraud": (scenario[order] > 0).astype(np.int8),
        "fraud_scenario": scenario[order],
        "label_time": time[order] + int(round(label_delay_days * DAY)),
    })
    customers = pd.DataFrame({"customer_id": np.arange(n_customers), "x": cust_xy[:, 0], "y": cust_xy[:, 1],
                              "mean_amount": mean_amount, "std_amount": std_amount, "tx_per_day": tx_per_day,
                              "n_terminals_near": n_near})
    terminals = pd.DataFrame({"terminal_id": np.arange(n_terminals), "x": term_xy[:, 0], "y": term_xy[:, 1]})
    params = {"n_customers": n_customers, "n_terminals": n_terminals, "n_days": n_days, "seed": seed,
              "radius": radius, "label_delay_days": label_delay_days, "scenarios": asdict(scenarios),
              "spending_change": spending_change}
    incidents = pd.DataFrame(incidents, columns=["kind", "entity_id", "start_day", "end_day"]).astype(
        {"entity_id": np.int64, "start_day": np.int64, "end_day": np.int64})
    return Simulation(tx, customers, terminals, incidents, params)


def fraud_summary(tx: pd.DataFrame) -> pd.DataFrame:
    """Transactions and fraud rate per scenario (a table to read before modelling).

    >>> fraud_summary(simulate(n_customers=100, n_terminals=200, n_days=10, seed=0).transactions).index[0]
    'genuine'
    """
    counts = tx.groupby("fraud_scenario").size()
    out = pd.DataFrame({"transactions": counts, "share": counts / len(tx)})
    out.index = [SCENARIOS.get(int(i), str(i)) for i in out.index]
    return out
