"""Progress of a long, resumable run (stored LLM answers, model runs): how many are done, the time taken and an
estimate of the rest, on stderr, after each item.

>>> list(progress(range(3), "demo", out=lambda *a, **k: None))
[0, 1, 2]
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable


def progress(items: Iterable, label: str, out=print):
    """Yield ``items``, printing after each one how many are done, the time taken and an estimate of the rest."""
    items = list(items)
    started = time.monotonic()
    for i, item in enumerate(items, 1):
        yield item
        elapsed = time.monotonic() - started
        eta = elapsed / i * (len(items) - i)
        out(f"[{label}] {i}/{len(items)}  {elapsed:6.0f} s elapsed, ~{eta:5.0f} s to go", file=sys.stderr, flush=True)
