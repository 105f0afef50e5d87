"""Notebook 02's labelled questions, in the course's split names: ``tuning`` (every choice is made on it) and
``heldout`` (only measured). The collection is in the BEIR layout, whose qrels files say ``dev`` and ``test``;
the names are mapped here, at load time, so nothing else in notebook 02 speaks of dev or test.

>>> tuning, heldout = load_split("tuning"), load_split("heldout")
>>> len(tuning.qrels) > 40, len(heldout.qrels) > 40, set(tuning.qrels) & set(heldout.qrels)
(True, True, set())
>>> len(question_ids("heldout")) > len(heldout.qrels)      # unanswerable questions have no judgements
True
"""
from __future__ import annotations

import json
from pathlib import Path

from aisd.core import paths
from aisd.core.errors import SplitError

FOLDER = paths.DATASETS / "pydoc_qa"
#: The course's split names and the qrels file each is read from (the BEIR layout says dev and test).
SPLITS = {"tuning": "dev", "heldout": "test"}


def _check(split: str) -> None:
    if split not in SPLITS:
        raise SplitError(f"no split {split!r}: notebook 02's questions have {', '.join(SPLITS)}")


def load_split(split: str, folder: str | Path | None = None):
    """One split of the labelled questions (:func:`aisd.toolkit.datasets.load_beir`); the corpus is the same in both."""
    from aisd.toolkit.datasets import load_beir

    _check(split)
    return load_beir(folder or FOLDER, SPLITS[split])


def question_ids(split: str, folder: str | Path | None = None) -> list[str]:
    """Ids of the questions of one split (``metadata.split`` in ``queries.jsonl``), answerable or not, in file order."""
    _check(split)
    with open(Path(folder or FOLDER) / "queries.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r["_id"] for r in rows if r.get("metadata", {}).get("split") == split]
