"""Tabular ML for card fraud (notebook 04), one idea per module:

- ``data``: the real ULB credit-card set (read from its PyPI package) and a time-based split;
- ``simulate``: a seeded transaction simulator with fraud scenarios and label delay;
- ``features``: point-in-time rolling features, one code path for training (batch) and serving (online);
- ``store``: the online stores those features are served from (in memory, SQLite) and a stream replay;
- ``leakage``: a check that fails when a feature uses what was not yet known.

Classification metrics (precision@k under an alert budget, recall at a fixed false-positive rate,
PSI, bootstrap intervals, cost-optimal thresholds) live in :mod:`aisd.toolkit.classification`, shared by the course.
"""
