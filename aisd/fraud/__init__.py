"""Notebook 04, a real-time card-fraud pipeline, one idea per module:

- ``data``: the real ULB credit-card set (read from its PyPI package) and the time splits (train, tuning, heldout);
- ``simulate``: a seeded payment simulator with fraud scenarios (terminals, cards, card testing) and label delay;
- ``features``: point-in-time rolling features, one code path for training (batch) and serving (online);
- ``store``: the online stores those features are served from (in memory, SQLite) and a stream replay;
- ``leakage``: a check that fails when a feature uses what was not yet known;
- ``models``: the candidate models, trained and scored with bounded threads, and one call's latency;
- ``registry``: model versions with their metrics and data window, champion and challenger;
- ``system``: the requirements (one :class:`aisd.toolkit.requirements.Requirements`) and the design;
- ``decisions``: what each action costs, the allow / step-up / decline bands and the analysts' alert budget;
- ``evaluate``: intervals by incident (through :mod:`aisd.toolkit.stats`), the held-out table, drift, selective labels;
- ``precompute``: the model comparison on five simulator seeds (``aisd precompute 04 seeds``).

Generic classification metrics (PR-AUC, precision at an alert budget, recall at a fixed false-positive rate,
calibration, PSI) live in :mod:`aisd.toolkit.classification`, shared by the course.
"""
