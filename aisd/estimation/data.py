"""Notebook 01's measured data: both local model tiers on the same held-out support questions (notebook 02's,
``heldout`` split), read from the judged stored answers (``aisd precompute 02 tiers``), with each tier's
measured server memory (:data:`aisd.runtime.models.TIERS`).

>>> t = tier_answers()
>>> sorted(set(t["tier"])), bool((t.groupby("tier").size() == t.groupby("tier").size().iloc[0]).all())
(['small', 'tiny'], True)
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from aisd.core import paths
from aisd.core.errors import AisdError

TIER_JUDGEMENTS = paths.DATASETS / "pydoc_qa" / "tier_judgements.jsonl"


def tier_answers(path: str | Path = TIER_JUDGEMENTS) -> pd.DataFrame:
    """One row per (tier, held-out question): ``correct``, ``hallucinated``, ``refused``, ``fails_check``,
    ``prompt_tokens``, ``completion_tokens`` and ``seconds`` (generation on 2 CPU cores, as measured when stored)."""
    path = Path(path)
    if not path.is_file():
        raise AisdError(f"{path} is missing: make it with `aisd precompute 02 tiers`")
    return pd.read_json(path, lines=True)
