"""Loading the course's data sets: the BEIR layout (``corpus.jsonl``, ``queries.jsonl``, ``qrels/<split>.tsv``)
that every retrieval collection of the course uses, checked with messages a learner can act on.

>>> from aisd.core import paths
>>> data = load_beir(paths.DATASETS / "pydoc_qa", "test")
>>> len(data.corpus), len(data.qrels) > 40
(356, True)
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aisd.core import paths
from aisd.core.errors import AisdError

class BeirError(AisdError):
    """A collection that does not follow the BEIR layout; the message says what to fix."""


@dataclass
class BeirData:
    corpus: dict[str, dict]              # id -> {"title": ..., "text": ...}
    queries: dict[str, str]              # id -> text (all queries in queries.jsonl)
    qrels: dict[str, dict[str, int]]     # query id -> {doc id: grade}, for the split
    unjudged: list[str]                  # queries with no judgement in this split (not scored)

    def doc_texts(self) -> dict[str, str]:
        """``{id: "title\\ntext"}``: what gets indexed."""
        return {i: (d.get("title", "") + "\n" + d.get("text", "")).strip() for i, d in self.corpus.items()}


def _read_jsonl(path: Path, what: str) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BeirError(f"{path}: line {n} is not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or "_id" not in row:
                raise BeirError(f"{path}: line {n} has no \"_id\" field (each {what} needs one)")
            rows.append(row)
    return rows


def load_beir(folder: str | Path, split: str = "test") -> BeirData:
    """Read ``corpus.jsonl``, ``queries.jsonl`` and ``qrels/<split>.tsv`` (BEIR layout), checking them.

    Raises ``BeirError`` with a plain message for a missing file, an empty corpus, a judgement that
    names an unknown query or document, or a judged query with no relevant document.

    >>> data = load_beir(paths.DATASETS / "pydoc_qa", "test")      # doctest: +SKIP
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise BeirError(f"{folder} is not a folder (expected corpus.jsonl, queries.jsonl, qrels/{split}.tsv)")
    files = {"corpus": folder / "corpus.jsonl", "queries": folder / "queries.jsonl",
             "qrels": folder / "qrels" / f"{split}.tsv"}
    for name, path in files.items():
        if not path.is_file():
            raise BeirError(f"missing file {path} (the BEIR layout needs corpus.jsonl, queries.jsonl "
                            f"and qrels/{split}.tsv)")
    corpus = {str(r["_id"]): {"title": r.get("title", "") or "", "text": r.get("text", "") or ""}
              for r in _read_jsonl(files["corpus"], "document")}
    if not corpus:
        raise BeirError(f"{files['corpus']} is empty: there is nothing to search")
    queries = {str(r["_id"]): str(r.get("text", "")) for r in _read_jsonl(files["queries"], "query")}
    qrels: dict[str, dict[str, int]] = {}
    with open(files["qrels"], encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            parts = line.rstrip("\n").split("\t")
            if not line.strip():
                continue
            if n == 1 and parts[0] in ("query-id", "query_id", "qid"):
                continue
            if len(parts) < 3:
                raise BeirError(f"{files['qrels']}: line {n} should be 'query-id<TAB>corpus-id<TAB>score'")
            qid, did, score = parts[0], parts[1], parts[2]
            try:
                grade = int(float(score))
            except ValueError:
                raise BeirError(f"{files['qrels']}: line {n} has score {score!r}, not a number") from None
            if qid not in queries:
                raise BeirError(f"{files['qrels']}: line {n} judges query id {qid!r}, which queries.jsonl "
                                "does not have")
            if did not in corpus:
                raise BeirError(f"{files['qrels']}: line {n} judges document id {did!r}, which corpus.jsonl "
                                "does not have")
            qrels.setdefault(qid, {})[did] = grade
    if not qrels:
        raise BeirError(f"{files['qrels']} has no judgements: there is nothing to score")
    for qid, rel in qrels.items():
        if not any(g > 0 for g in rel.values()):
            raise BeirError(f"query id {qid!r} has no relevant document in {files['qrels']} (all scores are 0), "
                            "so its recall is undefined; give it a judgement > 0 or remove it")
    unjudged = [q for q in queries if q not in qrels]
    return BeirData(corpus, queries, qrels, unjudged)
