"""Every retrieval configuration scored on a BEIR-layout collection (what ``aisd eval-retrieval`` prints)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from ..datasets import BeirError, load_beir
from ..metrics import evaluate
from .pipeline import CONFIGS, Retriever
from .rerank import CrossEncoderReranker, training_pairs

def _percentile_ms(values: list[float], q: float) -> float:
    return float(np.percentile(values, q) * 1000) if values else 0.0


def evaluate_configs(retriever: Retriever, queries: dict[str, str], qrels: dict[str, dict[str, int]],
                     configs: Sequence[str] = CONFIGS, k: int = 10) -> list[dict]:
    """One row per configuration: mean metrics, and p50/p95 latency (ms) of each stage and in total."""
    rows = []
    for config in configs:
        run, stage_times, totals = {}, {}, []
        for qid in qrels:
            res = retriever.search(queries[qid], config, k=k)
            run[qid] = res.ids
            for stage, sec in res.timings.items():
                stage_times.setdefault(stage, []).append(sec)
            totals.append(sum(res.timings.values()))
        row = {"config": config, "queries": len(qrels), **evaluate(run, qrels)}
        row["p50_ms"], row["p95_ms"] = _percentile_ms(totals, 50), _percentile_ms(totals, 95)
        row["stages_p50_ms"] = {s: _percentile_ms(v, 50) for s, v in stage_times.items()}
        rows.append(row)
    return rows


def format_table(rows: list[dict]) -> str:
    """The metrics table as fixed-width text."""
    head = f"{'config':<15}{'recall@5':>9}{'prec@5':>8}{'MRR':>7}{'nDCG@10':>9}{'p50 ms':>9}{'p95 ms':>9}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['config']:<15}{r['recall@5']:>9.3f}{r['precision@5']:>8.3f}{r['mrr']:>7.3f}"
                     f"{r['ndcg@10']:>9.3f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}")
    return "\n".join(lines)


def fine_tune_reranker_for(retriever: Retriever, data_queries: dict[str, str], train_qrels: dict[str, dict[str, int]],
                           steps: int = 30) -> CrossEncoderReranker:
    """Fine-tune a re-ranker on ``train_qrels`` with hard negatives from the retriever's hybrid search."""
    docs = dict(zip(retriever.ids, retriever.texts))
    pairs, labels = training_pairs(data_queries, train_qrels, docs,
                                   lambda q: retriever.search(q, "hybrid", k=10).ids)
    return CrossEncoderReranker.fine_tune(pairs, labels, steps=steps)


def evaluate_collection(folder: str | Path, split: str = "test", rerank: bool = True,
                        rerank_steps: int = 30) -> dict:
    """Score every configuration on a BEIR-layout ``folder``; what ``aisd eval-retrieval`` prints.

    The re-ranker is fine-tuned on ``qrels/train.tsv`` (or ``dev.tsv``) when one exists besides
    ``split``. Returns ``{"folder", "split", "documents", "judged", "configs": [row, ...], "notes"}``.
    Raises :class:`aisd.datasets.BeirError` (a message to act on) for a malformed collection.
    """
    data = load_beir(folder, split)
    configs, notes = list(CONFIGS), []
    if data.unjudged:
        notes.append(f"{len(data.unjudged)} of {len(data.queries)} queries have no judgement in "
                     f"qrels/{split}.tsv and are not scored")
    retriever = Retriever(data.doc_texts())
    train_qrels = None
    if rerank:
        for name in ("train", "dev"):
            if name != split and (Path(folder) / "qrels" / f"{name}.tsv").is_file():
                train_qrels = load_beir(folder, name).qrels
                notes.append(f"re-ranker fine-tuned for {rerank_steps} steps on qrels/{name}.tsv")
                break
    if train_qrels is None:
        configs.remove("hybrid+rerank")
        if rerank:
            notes.append("hybrid+rerank skipped: no qrels/train.tsv or qrels/dev.tsv to fine-tune a re-ranker on")
    else:
        retriever.reranker = fine_tune_reranker_for(retriever, data.queries, train_qrels, steps=rerank_steps)
    return {"folder": str(folder), "split": split, "documents": len(data.corpus), "judged": len(data.qrels),
            "configs": evaluate_configs(retriever, data.queries, data.qrels, configs), "notes": notes}
