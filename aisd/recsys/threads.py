"""One thread for the numeric libraries (OpenMP, BLAS) while a step of the recommender runs.

Measured here with other work on the machine (load average 15 on 2 cores): scikit-learn's
gradient-boosted trees on 64,000 rows x 13 features took 2.7 s on one thread and 80 s on two, whose
threads spin waiting for each other when a core is busy elsewhere; scoring one user's 200 candidates
took ~0.9 s on two threads. At MovieLens-100k sizes a second thread gains little even on an idle
machine, and Binder has one CPU: so every heavy step of :mod:`aisd.recsys` runs inside :func:`one_thread`.

>>> with one_thread():
...     pass
"""
from __future__ import annotations

import sys

_controller: dict = {}


def _pools():
    """threadpoolctl's view of the loaded thread pools, rebuilt only when new modules were imported
    (finding the pools costs ~5 ms: too much to pay on every request)."""
    from threadpoolctl import ThreadpoolController

    if _controller.get("modules") != len(sys.modules):
        _controller["pools"] = ThreadpoolController()
        _controller["modules"] = len(sys.modules)
    return _controller["pools"]


def one_thread():
    """A context manager limiting OpenMP and BLAS thread pools to one thread (``threadpoolctl``).

    >>> from threadpoolctl import threadpool_info
    >>> with one_thread():
    ...     all(pool["num_threads"] == 1 for pool in threadpool_info())
    True
    """
    return _pools().limit(limits=1)
