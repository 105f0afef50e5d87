"""One thread for the numeric libraries (OpenMP, BLAS) while a step of the recommender runs.

Measured here with other work on the machine (load average 15 on 2 cores): scikit-learn's
gradient-boosted trees on 64,000 rows x 13 features took 2.7 s on one thread and 80 s on two, whose
threads spin waiting for each other when a core is busy elsewhere. At MovieLens-100k sizes a second
thread gains little even on an idle machine, and Binder has one CPU: so every heavy step of
:mod:`aisd.recsys` runs inside :func:`one_thread`.

>>> with one_thread():
...     pass
"""
from __future__ import annotations


def one_thread(active: bool = True):
    """A context manager limiting OpenMP and BLAS thread pools to one thread (``threadpoolctl``);
    with ``active=False`` it does nothing (finding the pools costs ~5 ms: too much for one request).

    >>> from threadpoolctl import threadpool_info
    >>> with one_thread():
    ...     all(pool["num_threads"] == 1 for pool in threadpool_info())
    True
    """
    import contextlib

    from threadpoolctl import threadpool_limits

    return threadpool_limits(1) if active else contextlib.nullcontext()
