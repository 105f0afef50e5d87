"""Every retrieval configuration scored on a BEIR-layout collection (what ``aisd eval-retrieval`` prints).

The recipe: with a tuning split (``qrels/train.tsv`` or ``qrels/dev.tsv``), the fusion (RRF or z-scores) and its
weights are chosen on it (:func:`tune_fusion`); without one, hybrid search fuses z-scores with equal weights
(:func:`aisd.toolkit.retrieval.fusion.zscore_fusion`), the choice that did no harm on the course's collections
where equal-weight RRF fell below its better half.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from aisd.core import paths
from aisd.toolkit.datasets import BeirError, load_beir
from aisd.toolkit.metrics import evaluate, ndcg_at_k
from aisd.toolkit.retrieval.pipeline import CONFIGS, FUSIONS, Retriever
from aisd.toolkit.stats import paired_difference
from aisd.toolkit.retrieval.rerank import CrossEncoderReranker, training_pairs

def _percentile_ms(values: list[float], q: float) -> float:
    return float(np.percentile(values, q) * 1000) if values else 0.0


def evaluate_configs(retriever: Retriever, queries: dict[str, str], qrels: dict[str, dict[str, int]],
                     configs: Sequence[str] = CONFIGS, k: int = 10, ignore_identical_ids: bool = True) -> list[dict]:
    """One row per configuration: mean metrics, and p50/p95 latency (ms) of each stage and in total.

    A result whose id is the query's own id is dropped (``ignore_identical_ids``, BEIR's default:
    in "more like this" collections the query is also a document, and finding it proves nothing).

    >>> r = Retriever({"a": "cats purr", "b": "dogs bark", "c": "cows moo"}, embed=None)
    >>> evaluate_configs(r, {"q": "why do cats purr"}, {"q": {"a": 1}}, configs=["bm25"])[0]["mrr"]
    1.0
    """
    rows = []
    for config in configs:
        run, stage_times, totals = {}, {}, []
        for qid in qrels:
            res = retriever.search(queries[qid], config, k=k + 1 if ignore_identical_ids else k)
            run[qid] = [d for d in res.ids if not (ignore_identical_ids and d == qid)][:k]
            for stage, sec in res.timings.items():
                stage_times.setdefault(stage, []).append(sec)
            totals.append(sum(res.timings.values()))
        row = {"config": config, "queries": len(qrels), **evaluate(run, qrels)}
        row["ndcg@10_per_query"] = {q: ndcg_at_k(run[q], rel, 10) for q, rel in qrels.items()}
        row["p50_ms"], row["p95_ms"] = _percentile_ms(totals, 50), _percentile_ms(totals, 95)
        row["stages_p50_ms"] = {s: _percentile_ms(v, 50) for s, v in stage_times.items()}
        rows.append(row)
    return rows


def format_table(rows: list[dict]) -> str:
    """The metrics table as fixed-width text.

    >>> print(format_table([{"config": "bm25", "recall@5": 1, "precision@5": 0.2, "mrr": 1, "ndcg@10": 1,
    ...                      "p50_ms": 0.1, "p95_ms": 0.2}]).splitlines()[2])
    bm25               1.000   0.200  1.000    1.000      0.1      0.2
    """
    head = f"{'config':<15}{'recall@5':>9}{'prec@5':>8}{'MRR':>7}{'nDCG@10':>9}{'p50 ms':>9}{'p95 ms':>9}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['config']:<15}{r['recall@5']:>9.3f}{r['precision@5']:>8.3f}{r['mrr']:>7.3f}"
                     f"{r['ndcg@10']:>9.3f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}")
    return "\n".join(lines)


def fine_tune_reranker_for(retriever: Retriever, data_queries: dict[str, str], train_qrels: dict[str, dict[str, int]],
                           steps: int = 30, max_seconds: float = 60.0, depth: int = 30,
                           negatives_per_query: int = 8) -> CrossEncoderReranker:
    """Fine-tune a re-ranker on ``train_qrels`` with hard negatives from the retriever's hybrid search.

    Negatives are the best-ranked non-relevant passages of the top ``depth``; training stops after
    ``steps`` mini-batches or ``max_seconds``, whichever comes first (2 shared cores: keep it short).

    >>> r = Retriever({"a": "cats purr", "b": "dogs bark"}, embed=None)
    >>> fine_tune_reranker_for(r, {"q": "purr"}, {"q": {"a": 1}}, steps=1)   # doctest: +SKIP
    """
    docs = dict(zip(retriever.ids, retriever.texts))
    pairs, labels = training_pairs(data_queries, train_qrels, docs,
                                   lambda q: [d for d in retriever.search(q, "hybrid", k=depth).ids
                                              if docs[d] != q],      # a query that is itself a document
                                   negatives_per_query=negatives_per_query)
    return CrossEncoderReranker.fine_tune(pairs, labels, steps=steps, max_seconds=max_seconds)


WEIGHT_GRID = ((1.0, 1.0), (0.7, 1.0), (1.0, 0.7), (0.5, 1.0), (1.0, 0.5))
#: Every fusion with every (BM25, dense) weight pair: what :func:`tune_fusion` tries on a tuning split.
FUSION_GRID = tuple((fusion, w) for fusion in FUSIONS for w in WEIGHT_GRID)
#: The recipe without a tuning split: z-score fusion, equal weights.
UNTUNED = ("zscore", (1.0, 1.0))


def tune_fusion(retriever: Retriever, queries: dict[str, str], qrels: dict[str, dict[str, int]],
                grid: Sequence[tuple[str, tuple[float, float]]] = FUSION_GRID,
                metric: str = "ndcg@10") -> tuple[tuple, float]:
    """Choose the fusion and its (BM25, dense) weights with the best ``metric`` on ``qrels`` (a tuning split),
    set them on ``retriever`` and return ``((fusion, weights), score)``; the first of equal scores wins.

    >>> r = Retriever({"a": "cats purr", "b": "dogs bark", "c": "cows moo"}, embed=None)
    >>> tune_fusion(r, {"q": "purr"}, {"q": {"a": 1}})                # doctest: +SKIP
    (('rrf', (1.0, 1.0)), 1.0)
    """
    lists = {}
    for qid in qrels:
        b_ids, b_sc = retriever._bm25(queries[qid], retriever.candidates, {})
        d_ids, d_sc = retriever._dense(queries[qid], retriever.candidates, {})
        keep_b, keep_d = [i for i, x in enumerate(b_ids) if x != qid], [i for i, x in enumerate(d_ids) if x != qid]
        lists[qid] = (([b_ids[i] for i in keep_b], [b_sc[i] for i in keep_b]),
                      ([d_ids[i] for i in keep_d], [d_sc[i] for i in keep_d]))
    best, best_score = (retriever.fusion, tuple(retriever.weights)), -1.0
    for fusion, w in grid:
        run = {q: [x for x, _ in retriever.fuse(b, d, fusion, w)][:10] for q, (b, d) in lists.items()}
        score = evaluate(run, qrels)[metric]
        if score > best_score + 1e-12:
            best, best_score = (fusion, tuple(w)), score
    retriever.fusion, retriever.weights = best
    return best, best_score


def _compare(x: dict, y: dict) -> tuple[float, tuple[float, float] | None]:
    gain = x["ndcg@10"] - y["ndcg@10"]
    per = "ndcg@10_per_query"
    if per not in x or per not in y:
        return gain, None
    keys = sorted(set(x[per]) & set(y[per]))
    if not keys:
        return gain, None
    ci = paired_difference([x[per][k] for k in keys], [y[per][k] for k in keys])
    return gain, (ci.low, ci.high)


def verdicts(rows: list[dict]) -> list[str]:
    """Plain sentences on whether each stage earns its place, by nDCG@10: hybrid against the better
    single retriever, hybrid + re-rank against hybrid. With per-query scores (``evaluate_configs``
    keeps them) each sentence gives the paired 95 % bootstrap interval of the difference, and a gain
    whose interval reaches 0 is called within noise. Re-ranking is recommended only for a clear gain.

    >>> rows = [{"config": "bm25", "ndcg@10": 0.5, "p50_ms": 1}, {"config": "dense", "ndcg@10": 0.6, "p50_ms": 5},
    ...         {"config": "hybrid", "ndcg@10": 0.65, "p50_ms": 6}, {"config": "hybrid+rerank", "ndcg@10": 0.55, "p50_ms": 90}]
    >>> for line in verdicts(rows): print(line)
    hybrid vs the better single retriever (dense): beats it; nDCG@10 0.650 against 0.600 (+0.050)
    hybrid+rerank is NOT RECOMMENDED here (no gain): nDCG@10 0.550 against hybrid's 0.650 (-0.100), for +84 ms per query; use hybrid
    """
    by = {r["config"]: r for r in rows}
    out = []

    def ci_text(ci):
        return "" if ci is None else f", 95% CI of the difference [{ci[0]:+.3f}, {ci[1]:+.3f}]"

    singles = [by[c] for c in ("bm25", "dense") if c in by]
    if singles and "hybrid" in by:
        best, h = max(singles, key=lambda r: r["ndcg@10"]), by["hybrid"]
        gain, ci = _compare(h, best)
        if gain > 0 and (ci is None or ci[0] > 0):
            word = "beats it"
        elif gain > 0:
            word = "ahead, within noise"
        elif gain == 0:
            word = "tied"
        elif ci is not None and ci[1] >= 0:
            word = "behind, within noise"
        else:
            word = "does NOT beat it"
        out.append(f"hybrid vs the better single retriever ({best['config']}): {word}; nDCG@10 {h['ndcg@10']:.3f} "
                   f"against {best['ndcg@10']:.3f} ({gain:+.3f}{ci_text(ci)})")
    if "hybrid+rerank" in by and "hybrid" in by:
        h, rr = by["hybrid"], by["hybrid+rerank"]
        (gain, ci), cost = _compare(rr, h), rr["p50_ms"] - h["p50_ms"]
        if gain > 0 and (ci is None or ci[0] > 0):
            out.append(f"hybrid+rerank improves on hybrid: nDCG@10 {rr['ndcg@10']:.3f} against {h['ndcg@10']:.3f} "
                       f"({gain:+.3f}{ci_text(ci)}), for {cost:+.0f} ms per query")
        else:
            why = "a gain within noise" if gain > 0 else "no gain"
            out.append(f"hybrid+rerank is NOT RECOMMENDED here ({why}): nDCG@10 {rr['ndcg@10']:.3f} against hybrid's "
                       f"{h['ndcg@10']:.3f} ({gain:+.3f}{ci_text(ci)}), for {cost:+.0f} ms per query; use hybrid")
    return out


def evaluate_collection(folder: str | Path, split: str = "test", rerank: bool = True,
                        rerank_steps: int = 30, tune: bool = True) -> dict:
    """Score every configuration on a BEIR-layout ``folder``; what ``aisd eval-retrieval`` prints.

    When ``qrels/train.tsv`` (or ``dev.tsv``) exists besides ``split``, the fusion weights are chosen
    on it (``tune``, :func:`tune_fusion`) and the re-ranker is fine-tuned on it (``rerank``).
    Returns ``{"folder", "split", "documents", "judged", "configs": [row, ...], "verdicts", "notes"}``:
    ``"verdicts"`` says in plain words whether hybrid beats its parts and whether re-ranking helps.
    Raises :class:`aisd.toolkit.datasets.BeirError` (a message to act on) for a malformed collection.

    >>> evaluate_collection(paths.DATASETS / "pydoc_qa", rerank=False)["verdicts"][0]   # doctest: +SKIP
    'hybrid vs the better single retriever (bm25): ahead, within noise; nDCG@10 0.801 against 0.756 (+0.045, ...)'
    """
    data = load_beir(folder, split)
    configs, notes = list(CONFIGS), []
    if data.unjudged:
        notes.append(f"{len(data.unjudged)} of {len(data.queries)} queries have no judgement in "
                     f"qrels/{split}.tsv and are not scored")
    retriever = Retriever(data.doc_texts())
    train_qrels, tuning = None, None
    for name in ("train", "dev"):
        if name != split and (Path(folder) / "qrels" / f"{name}.tsv").is_file():
            train_qrels, tuning = load_beir(folder, name).qrels, name
            break
    if tune and train_qrels is not None:
        (fusion, weights), score = tune_fusion(retriever, data.queries, train_qrels)
        notes.append(f"hybrid fusion {fusion} with weights (BM25, dense) = {weights}, chosen on qrels/{tuning}.tsv "
                     f"(nDCG@10 {score:.3f} there)")
    else:
        retriever.fusion, retriever.weights = UNTUNED
        why = "not tuned" if train_qrels is not None else "no tuning split (qrels/train.tsv or qrels/dev.tsv)"
        notes.append(f"hybrid fusion {UNTUNED[0]} with equal weights ({why}): on the course's collections z-scores "
                     f"did no harm where equal-weight RRF fell below the better single retriever")
    if rerank and train_qrels is not None:
        notes.append(f"re-ranker fine-tuned for up to {rerank_steps} steps on qrels/{tuning}.tsv")
    if not rerank:
        train_qrels = None
    if train_qrels is None:
        configs.remove("hybrid+rerank")
        if rerank:
            notes.append("hybrid+rerank skipped: no qrels/train.tsv or qrels/dev.tsv to fine-tune a re-ranker on")
    else:
        retriever.reranker = fine_tune_reranker_for(retriever, data.queries, train_qrels, steps=rerank_steps)
        done = retriever.reranker.steps_done
        if done < rerank_steps:
            notes.append(f"re-ranker training stopped after {done} of {rerank_steps} steps "
                         f"({retriever.reranker.train_seconds:.0f} s time limit; the CPU is busy)")
    rows = evaluate_configs(retriever, data.queries, data.qrels, configs)
    return {"folder": str(folder), "split": split, "documents": len(data.corpus), "judged": len(data.qrels),
            "configs": rows, "verdicts": verdicts(rows), "notes": notes}
