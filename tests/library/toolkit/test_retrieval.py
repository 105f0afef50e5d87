"""The retrieval package (aisd.toolkit.retrieval, aisd.rag.generation, aisd.rag.corpus) and the pydoc_qa data, on small inputs.

Trusted oracles where one exists: rank_bm25 for BM25, scikit-learn for nDCG, brute-force numpy for
exact search. The ``aisd eval-retrieval`` command is checked on a tiny BEIR folder, good and bad.
"""
from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from aisd.rag import corpus, generation as rag

from aisd.toolkit import datasets, metrics
from aisd.toolkit.stats import paired_difference

from aisd.core import paths
from aisd.toolkit import retrieval as R

DATA = paths.DATASETS / "pydoc_qa"


# ---------------------------------------------------------------------------------------------
# chunking
# ---------------------------------------------------------------------------------------------

def test_chunk_fixed_windows_and_end():
    assert R.chunk_fixed("abcdefghij", 4, 1) == ["abcd", "defg", "ghij"]
    assert R.chunk_fixed("abcdefghij", 5) == ["abcde", "fghij"]
    assert R.chunk_fixed("abc", 10, 3) == ["abc"]
    assert R.chunk_fixed("", 3) == []
    text = corpus.documents()["with"]
    chunks = R.chunk_fixed(text, 300, 60)
    assert all(len(c) <= 300 for c in chunks) and text.endswith(chunks[-1])
    assert all(a[-60:] == b[:60] for a, b in zip(chunks, chunks[1:])), "consecutive windows share the overlap"


@pytest.mark.parametrize("size, overlap", [(0, 0), (5, 5), (5, -1)])
def test_chunk_fixed_rejects_bad_sizes(size, overlap):
    with pytest.raises(ValueError):
        R.chunk_fixed("abc", size, overlap)


def test_chunk_by_structure_headings_packing_and_limits():
    assert R.chunk_by_structure("a\n\nB\n===\n\nc", 100) == ["a", "B\n===\n\nc"]
    assert R.chunk_by_structure("aaaa\n\nbbbb\n\ncccc", 10) == ["aaaa\n\nbbbb", "cccc"]
    for name in ("try", "string-methods", "formatstrings"):
        text = corpus.documents()[name]
        chunks = R.chunk_by_structure(text, 700)
        assert all(len(c) <= 700 for c in chunks)
        assert "".join("".join(chunks).split()) == "".join(text.split()), f"{name}: text lost or reordered"


def test_locate_and_cover():
    text = "abcdefghij" * 10
    chunks = R.chunk_fixed(text, 30, 5)
    spans = R.locate_chunks(text, chunks)
    assert [text[s:e] for s, e in spans] == chunks
    assert R.covered_ids((0, 100), {"p0": (0, 60), "p1": (60, 300)}) == ["p0"]
    assert R.covered_ids((50, 70), {"p0": (0, 60), "p1": (60, 300)}) == ["p0", "p1"]  # 10 of 20 each: half


# ---------------------------------------------------------------------------------------------
# BM25, dense, fusion
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("analyser", [R.terms, R.words], ids=["terms", "words"])
def test_bm25_matches_rank_bm25_on_the_corpus(analyser):
    """Same analyser on both sides: our BM25 scores equal rank_bm25's (the oracle), document by document."""
    from rank_bm25 import BM25Okapi

    texts = [p["text"] for p in corpus.load_passages()[:120]]
    ours = R.BM25Index(texts, tokenizer=analyser)
    oracle = BM25Okapi([analyser(t) for t in texts])
    for q in ["What does __exit__ return?", "raise from None exception chaining", "unknownword", "the",
              "generators yielding values"]:
        np.testing.assert_allclose(ours.scores(q), oracle.get_scores(analyser(q)), atol=1e-9)
    assert R.BM25Index(texts).tokenizer is R.terms, "the default analyser is terms (stop words out, stems)"


def test_tokenize_keeps_identifiers():
    assert R.words("__slots__ and str.removeprefix()") == ["__slots__", "and", "str", "removeprefix"]
    assert R.terms("__slots__ and str.removeprefix()") == ["__slots__", "and", "str", "removeprefix"]
    assert R.terms("the generators were running") == ["generat", "run"], "stop words out, Snowball stems"
    assert R.terms("UTF8 __init_subclass__ x_1") == ["utf8", "__init_subclass__", "x_1"], "identifiers whole"
    for kw in ("with", "if", "in", "not", "none", "for", "while", "else", "except"):
        assert kw not in R.STOP_WORDS, f"the Python keyword {kw!r} must stay searchable"
    assert {"the", "a", "of", "which"} <= R.STOP_WORDS


def test_stemming_matches_word_forms_and_identifiers():
    """A query in other word forms finds the passage; an identifier is found only by its whole name."""
    docs = ["Generators yield values lazily.", "The __slots__ declaration saves memory.", "Lists are mutable."]
    idx = R.BM25Index(docs)
    assert idx.top_k("generating a value", 1)[0] == [0]
    assert idx.top_k("__slots__", 1)[0] == [1]
    assert idx.top_k("str.removeprefix", 1)[0] == [], "no shared term: no result, not a random one"


def test_bm25_is_stronger_than_plain_words_on_pydoc_tuning_questions():
    """The analyser was chosen on the tuning questions: there it must beat the plain tokeniser."""
    data = datasets.load_beir(DATA, "dev")
    docs = data.doc_texts()
    ids = list(docs)

    def ndcg(tokenizer):
        idx = R.BM25Index([docs[i] for i in ids], tokenizer=tokenizer)
        run = {q: [ids[i] for i in idx.top_k(data.queries[q], 10)[0]] for q in data.qrels}
        return metrics.evaluate(run, data.qrels)["ndcg@10"]

    assert ndcg(R.terms) > ndcg(R.words) + 0.03


def test_dense_flat_is_exact_and_ann_close():
    rng = np.random.default_rng(0)
    v = rng.normal(size=(2000, 32)).astype("float32")
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    q = v[:50] + 0.05 * rng.normal(size=(50, 32)).astype("float32")
    brute = np.argsort(-(q @ v.T), axis=1)[:, :5]
    ids, scores = R.DenseIndex(v).search(q, 5)
    assert (ids == brute).all()
    assert np.all(np.diff(scores, axis=1) <= 1e-6), "scores come best first"
    for kind in ("hnsw", "ivf"):
        got, _ = R.DenseIndex(v, kind=kind).search(q, 5)
        recall = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(got, brute)])
        assert recall > 0.6, f"{kind}: recall vs exact {recall} (random 32-d data is a hard case)"
    with pytest.raises(ValueError):
        R.DenseIndex(v, kind="lsh")


def test_rrf():
    fused = R.rrf([["a", "b", "c"], ["c", "a"]], k=1)
    assert [d for d, _ in fused] == ["a", "c", "b"]
    assert fused[0][1] == pytest.approx(1 / 2 + 1 / 3)
    assert R.rrf([]) == []
    weighted = R.rrf([["a", "b"], ["b", "a"]], k=1, weights=[2, 1])
    assert weighted[0] == ("a", pytest.approx(2 / 2 + 1 / 3))
    with pytest.raises(ValueError, match="one weight per ranking"):
        R.rrf([["a"], ["b"]], weights=[1.0])


def test_hybrid_fuses_deep_lists():
    """Hybrid fuses the top 100 of each retriever (not the top 10): its list is their union."""
    docs = {f"d{i}": "cat " * (1 + i % 7) + "purr " * (i % 3) + "fish " * (i % 5) for i in range(150)}
    r = R.Retriever(docs, embed=_toy_embed)
    assert r.candidates == 100, "fusion depth: 100 candidates per retriever by default"
    query = "cat purr fish"

    def fused(retriever, depth, k):
        lists = [retriever.search(query, c, k=depth).ids for c in ("bm25", "dense")]
        return [d for d, _ in R.rrf(lists, k=retriever.rrf_k)][:k]

    assert r.search(query, "hybrid", k=10).ids == fused(r, 100, 10)
    assert fused(r, 100, 10) != fused(r, 10, 10), "on this corpus depth changes the top 10"
    shallow = R.Retriever(docs, embed=_toy_embed, candidates=5)
    assert shallow.search(query, "hybrid", k=3).ids == fused(shallow, 5, 3)


def _toy_embed(texts):
    """A deterministic bag-of-words embedding, so pipeline tests need no model."""
    vocab = ["cat", "dog", "purr", "bark", "fish", "swim", "exit", "enter"]
    out = np.array([[t.lower().count(w) for w in vocab] for t in texts], dtype="float32") + 1e-3
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_retriever_configs_and_timings():
    docs = {"a": "the cat will purr", "b": "the dog will bark", "c": "a fish can swim", "d": "exit and enter"}
    r = R.Retriever(docs, embed=_toy_embed)
    for config in ("bm25", "dense", "hybrid"):
        res = r.search("why does a cat purr", config, k=2)
        assert res.ids[0] == "a", config
        assert res.timings and all(t >= 0 for t in res.timings.values())
    with pytest.raises(RuntimeError):
        r.search("cat", "hybrid+rerank")
    with pytest.raises(ValueError):
        r.search("cat", "magic")
    with pytest.raises(ValueError):
        R.Retriever({}, embed=_toy_embed)


class _FakeReranker:
    def rerank(self, query, ids, texts):
        return [(i, float(len(t))) for i, t in sorted(zip(ids, texts), key=lambda x: -len(x[1]))]


@pytest.mark.parametrize("mode", ["replace", "fuse"])
def test_rerank_hook_reorders_the_head_only(mode):
    docs = {"a": "cat", "b": "cat cat purr purr purr", "c": "dog"}
    r = R.Retriever(docs, embed=_toy_embed, rerank_mode=mode)
    r.reranker, r.rerank_depth = _FakeReranker(), 2
    plain = r.search("cat purr", "hybrid", k=3).ids
    reranked = r.search("cat purr", "hybrid+rerank", k=3)
    assert sorted(reranked.ids[:2]) == sorted(plain[:2]) and reranked.ids[2:] == plain[2:]
    assert "rerank" in reranked.timings
    with pytest.raises(ValueError, match="rerank_mode"):
        R.Retriever(docs, embed=_toy_embed, rerank_mode="magic")


def test_fused_rerank_only_nudges():
    """In "fuse" mode a re-ranker that reverses the list cannot push hybrid's first result below second."""
    class Reverse:
        def rerank(self, query, ids, texts):
            return [(i, float(n)) for n, i in enumerate(ids)][::-1]

    docs = {f"d{i}": "cat " * (10 - i) + "purr" for i in range(6)}
    r = R.Retriever(docs, embed=_toy_embed, rerank_depth=6)
    r.reranker = Reverse()
    plain = r.search("cat purr", "hybrid", k=6).ids
    assert r.rerank_mode == "fuse"
    assert plain[0] in r.search("cat purr", "hybrid+rerank", k=6).ids[:2]
    r.rerank_mode = "replace"
    assert r.search("cat purr", "hybrid+rerank", k=6).ids == plain[::-1]


def test_training_pairs_uses_hard_negatives():
    pairs, labels = R.training_pairs({"q": "cat"}, {"q": {"a": 1}}, {"a": "A", "b": "B", "c": "C"},
                                     lambda q: ["a", "c", "b"], negatives_per_query=1)
    assert pairs == [("cat", "A"), ("cat", "C")] and labels == [1.0, 0.0]


# ---------------------------------------------------------------------------------------------
# metrics
# ---------------------------------------------------------------------------------------------

def test_metrics_by_hand():
    assert metrics.recall_at_k(["a", "x", "b"], {"a", "b"}, 2) == 0.5
    assert metrics.recall_at_k(["a"], set(), 1) == 0.0
    assert metrics.precision_at_k(["a", "x"], {"a"}, 4) == 0.25
    assert metrics.mrr(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert metrics.mrr([], {"a"}) == 0.0
    assert metrics.ndcg_at_k(["a"], {}, 5) == 0.0


def test_ndcg_matches_sklearn():
    from sklearn.metrics import ndcg_score

    rng = np.random.default_rng(1)
    for _ in range(30):
        n, k = 10, int(rng.integers(1, 10))
        gains = rng.integers(0, 3, n).astype(float)
        gains[0] = max(gains[0], 1)
        order = rng.permutation(n)
        scores = np.zeros(n)
        scores[order] = np.arange(n, 0, -1)
        got = metrics.ndcg_at_k([f"d{i}" for i in order], {f"d{i}": g for i, g in enumerate(gains)}, k)
        assert got == pytest.approx(ndcg_score([gains], [scores], k=k))


def test_evaluate_means_over_queries():
    out = metrics.evaluate({"q1": ["a", "b"], "q2": ["x", "y"]}, {"q1": {"a": 1}, "q2": {"y": 1}})
    assert out["mrr"] == pytest.approx(0.75)
    assert out["recall@5"] == 1.0


# ---------------------------------------------------------------------------------------------
# rag: citations, groundedness, abstention, caches
# ---------------------------------------------------------------------------------------------

def test_citations_and_groundedness():
    passages = {"pass/0": "pass is a null operation; when it is executed, nothing happens"}
    assert rag.parse_citations("x [pass/0] y [pass/0] [del/0]") == ["pass/0", "del/0"]
    assert rag.check_grounded("pass does nothing [pass/0].", passages).grounded
    assert rag.check_grounded("pass does nothing.", passages).reason == "no citation"
    assert "not retrieved" in rag.check_grounded("It deletes [del/0].", passages).reason
    bad = rag.check_grounded("Bananas are yellow fruit [pass/0].", passages)
    assert not bad.grounded and "do not support" in bad.reason
    assert rag.should_abstain(0.2, 0.3) and not rag.should_abstain(0.3, 0.3)
    msgs = rag.build_messages("q?", [("a/1", "x " * 500)], max_chars=50)
    assert "[a/1]" in msgs[1]["content"] and len(msgs[1]["content"]) < 200


def test_caches_ttl_threshold_and_invalidation():
    clock = {"t": 0.0}
    exact = rag.ExactCache(ttl=10, clock=lambda: clock["t"])
    exact.put("What is PASS?", "no-op")
    assert exact.get("what is pass") == "no-op"
    clock["t"] = 11
    assert exact.get("what is pass") is None
    sem = rag.SemanticCache(_toy_embed, threshold=0.9, ttl=10, clock=lambda: clock["t"])
    sem.put("my cat will purr", "A", sources=["a/1"])
    assert sem.get("cat purr") == "A" and sem.get("dog bark") is None
    assert sem.invalidate(["a/1"]) == 1 and sem.get("cat purr") is None
    assert (sem.hits, sem.misses) == (1, 2)


# ---------------------------------------------------------------------------------------------
# corpus and the labelled questions
# ---------------------------------------------------------------------------------------------

def test_corpus_is_reproducible_from_pydoc():
    frozen = corpus.load_passages()
    assert len(frozen) > 300 and all(len(p["text"]) <= 1000 for p in frozen)
    if sys.version_info[:3] != (3, 11, 7):
        pytest.skip("the frozen corpus was extracted with Python 3.11.7; other patch releases may differ")
    assert corpus.extract_passages() == frozen


def test_questions_are_labelled_and_split():
    rows = [json.loads(line) for line in open(DATA / "queries.jsonl", encoding="utf-8")]
    assert len(rows) >= 80
    kinds = {r["metadata"]["kind"] for r in rows}
    assert kinds == {"paraphrase", "identifier", "error", "multi", "unanswerable"}
    dev, test = datasets.load_beir(DATA, "dev"), datasets.load_beir(DATA, "test")
    assert not set(dev.qrels) & set(test.qrels), "tuning and held-out questions overlap"
    split = {r["_id"]: r["metadata"]["split"] for r in rows}
    assert all(split[q] == "tuning" for q in dev.qrels) and all(split[q] == "heldout" for q in test.qrels)
    for r in rows:
        judged = r["_id"] in dev.qrels or r["_id"] in test.qrels
        assert judged == r["metadata"]["answerable"], r["_id"]
        if r["metadata"]["kind"] == "multi":
            qrels = dev.qrels.get(r["_id"]) or test.qrels[r["_id"]]
            assert len(qrels) >= 2, f"{r['_id']} is multi-passage but has {len(qrels)} judgement"


# ---------------------------------------------------------------------------------------------
# BEIR loading and `aisd eval-retrieval`
# ---------------------------------------------------------------------------------------------

def _beir(tmp: Path, corpus_rows=None, queries=None, qrels=None) -> Path:
    corpus_rows = corpus_rows if corpus_rows is not None else [
        {"_id": "d1", "title": "Cats", "text": "the cat will purr"},
        {"_id": "d2", "title": "Dogs", "text": "the dog will bark"},
        {"_id": "d3", "title": "Fish", "text": "a fish can swim"}]
    queries = queries if queries is not None else [
        {"_id": "q1", "text": "why does a cat purr"}, {"_id": "q2", "text": "do fish swim"},
        {"_id": "q3", "text": "not judged"}]
    qrels = qrels if qrels is not None else "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n"
    (tmp / "qrels").mkdir(parents=True, exist_ok=True)
    (tmp / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in corpus_rows))
    (tmp / "queries.jsonl").write_text("".join(json.dumps(r) + "\n" for r in queries))
    (tmp / "qrels" / "test.tsv").write_text(qrels)
    return tmp


def test_load_beir_good(tmp_path):
    data = datasets.load_beir(_beir(tmp_path))
    assert set(data.qrels) == {"q1", "q2"} and data.unjudged == ["q3"]
    assert data.doc_texts()["d1"] == "Cats\nthe cat will purr"


@pytest.mark.parametrize("case, message", [
    ("no_corpus", "missing file"),
    ("no_qrels", "missing file"),
    ("empty_corpus", "is empty"),
    ("unknown_query", "which queries.jsonl does not have"),
    ("unknown_doc", "which corpus.jsonl does not have"),
    ("no_relevant", "has no relevant document"),
    ("bad_json", "not valid JSON"),
    ("no_judgements", "has no judgements"),
])
def test_load_beir_bad_inputs(tmp_path, case, message):
    folder = _beir(tmp_path)
    if case == "no_corpus":
        (folder / "corpus.jsonl").unlink()
    elif case == "no_qrels":
        (folder / "qrels" / "test.tsv").unlink()
    elif case == "empty_corpus":
        (folder / "corpus.jsonl").write_text("")
    elif case == "unknown_query":
        (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq9\td1\t1\n")
    elif case == "unknown_doc":
        (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td9\t1\n")
    elif case == "no_relevant":
        (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t0\n")
    elif case == "bad_json":
        (folder / "queries.jsonl").write_text('{"_id": "q1", "text": oops}\n')
    elif case == "no_judgements":
        (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n")
    with pytest.raises(datasets.BeirError, match=message):
        datasets.load_beir(folder)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aisd.course.cli", "eval-retrieval", *args], capture_output=True,
                          text=True, timeout=300, cwd=paths.ROOT)


def test_eval_retrieval_cli_bad_input_is_a_clear_error(tmp_path):
    folder = _beir(tmp_path)
    (folder / "corpus.jsonl").write_text("")
    out = _cli(str(folder))
    assert out.returncode == 2 and "is empty" in out.stderr and "Traceback" not in out.stderr
    out = _cli(str(tmp_path / "nowhere"))
    assert out.returncode == 2 and "is not a folder" in out.stderr


@pytest.mark.slow
def test_eval_retrieval_cli_json_and_table(tmp_path):
    folder = _beir(tmp_path)
    out = _cli(str(folder), "--json", "--no-rerank")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert [r["config"] for r in report["configs"]] == ["bm25", "dense", "hybrid"]
    assert all(0 <= r["recall@5"] <= 1 and r["queries"] == 2 for r in report["configs"])
    assert any("not scored" in n for n in report["notes"])
    out = _cli(str(folder), "--no-rerank")
    assert out.returncode == 0 and "nDCG@10" in out.stdout and "hybrid" in out.stdout


@pytest.mark.slow
def test_cross_encoder_fine_tune_and_rerank():
    rr = R.CrossEncoderReranker.fine_tune([("cat", "the cat will purr"), ("cat", "dogs bark")], [1.0, 0.0],
                                          steps=2, batch_size=2, max_length=32)
    ranked = rr.rerank("cat", ["a", "b"], ["the cat will purr", "dogs bark"])
    assert sorted(i for i, _ in ranked) == ["a", "b"] and all(np.isfinite(s) for _, s in ranked)


# ---------------------------------------------------------------------------------------------
# fusion tuning, verdicts, the second collection (Lee news similarity, from the gensim wheel)
# ---------------------------------------------------------------------------------------------

def test_evaluate_ignores_a_query_that_is_its_own_document():
    docs = {"a": "cat purr", "b": "cat purr, said many more words", "c": "dog bark", "d": "fish swim", "e": "exit",
            "f": "enter"}
    r = R.Retriever(docs, embed=_toy_embed)
    rows = R.evaluate_configs(r, {"a": "cat purr"}, {"a": {"b": 1}}, configs=["bm25"])
    assert rows[0]["mrr"] == 1.0, "the query's own document 'a' is not a result"
    rows = R.evaluate_configs(r, {"a": "cat purr"}, {"a": {"b": 1}}, configs=["bm25"], ignore_identical_ids=False)
    assert rows[0]["mrr"] == 0.5


def test_tune_fusion_picks_the_better_weights_on_the_tuning_split():
    """Weights are chosen by nDCG@10 on the qrels given, and set on the retriever."""
    docs = {"a": "cat cat cat", "b": "fish swim", "c": "dog bark", "d": "exit enter"}
    # dense search reads the query "cat" as "fish"; one candidate per retriever: BM25 says a, dense says b
    r = R.Retriever(docs, embed=lambda t: _toy_embed(["fish" if x == "cat" else x for x in t]), candidates=1)
    (fusion, weights), score = R.tune_fusion(r, {"q": "cat"}, {"q": {"a": 1}},
                                             grid=[("rrf", (0.5, 1.0)), ("rrf", (1.0, 0.5))])
    assert weights == (1.0, 0.5) and r.weights == (1.0, 0.5) and fusion == r.fusion == "rrf" and score == 1.0


def test_zscore_fusion_keeps_a_sure_retriever_ahead_where_rrf_dilutes_it():
    """A result far above the rest of its list wins z-score fusion; RRF ranks it by position only."""
    sure = (["a"] + [f"x{i}" for i in range(20)], [9.0] + [1.0] * 20)
    unsure = ([f"x{i}" for i in range(20)] + ["a"], [0.62] + [0.61] * 20)
    assert R.zscore_fusion([sure, unsure])[0][0] == "a"
    assert R.rrf([sure[0], unsure[0]])[0][0] == "x0"
    assert R.zscore_fusion([(["a", "b"], [1.0, 1.0])]) == [("a", 0.0), ("b", 0.0)], "equal scores: no division by 0"
    with pytest.raises(ValueError):
        R.zscore_fusion([sure, unsure], weights=[1.0])


def test_a_retriever_fuses_by_its_fusion_or_the_one_asked():
    docs = {"a": "cat cat cat", "b": "fish swim", "c": "dog bark", "d": "exit enter"}
    r = R.Retriever(docs, embed=_toy_embed, fusion="zscore")
    assert r.search("cat", "hybrid", k=2).ids[0] == "a"
    assert r.search("cat", "hybrid", k=2, fusion="rrf").ids[0] == "a"
    with pytest.raises(ValueError):
        R.Retriever(docs, embed=_toy_embed, fusion="max")


def _rows(bm25, dense, hybrid, rerank=None):
    rows = [{"config": c, "ndcg@10": v, "p50_ms": 1.0} for c, v in (("bm25", bm25), ("dense", dense), ("hybrid", hybrid))]
    if rerank is not None:
        rows.append({"config": "hybrid+rerank", "ndcg@10": rerank, "p50_ms": 50.0})
    return rows


def test_verdicts_say_plainly_what_helps():
    v = R.verdicts(_rows(0.5, 0.6, 0.7, 0.65))
    assert v[0].startswith("hybrid vs the better single retriever (dense): beats it")
    assert "NOT RECOMMENDED" in v[1] and "use hybrid" in v[1] and "+49 ms" in v[1]
    v = R.verdicts(_rows(0.5, 0.6, 0.55, 0.8))
    assert "does NOT beat it" in v[0] and v[1].startswith("hybrid+rerank improves on hybrid")
    assert len(R.verdicts(_rows(0.5, 0.6, 0.7))) == 1, "no re-ranker row, no re-ranker verdict"


def test_verdicts_call_a_noisy_gain_noise():
    per = lambda vals: {f"q{i}": v for i, v in enumerate(vals)}
    rows = _rows(0.5, 0.5, 0.55, 0.6)
    rows[0]["ndcg@10_per_query"] = per([0.0, 1.0] * 5)
    rows[2]["ndcg@10_per_query"] = per([0.1, 1.0] * 5)                       # small, consistent gain
    rows[3]["ndcg@10_per_query"] = per([1.0, 0.0, 0.0, 1.0, 1.0] * 2)        # bigger mean, all over the place
    rows[1]["ndcg@10_per_query"] = rows[0]["ndcg@10_per_query"]
    v = R.verdicts(rows)
    assert "beats it" in v[0] and "95% CI" in v[0]
    assert "NOT RECOMMENDED here (a gain within noise)" in v[1]
    keys = sorted(rows[3]["ndcg@10_per_query"])
    ci = paired_difference([rows[3]["ndcg@10_per_query"][k] for k in keys], [rows[2]["ndcg@10_per_query"][k] for k in keys])
    assert ci.low < 0 < ci.high


def _fake_gensim_wheel(tmp: Path) -> Path:
    import zipfile

    articles = ["Bushfires near Sydney force evacuations.", "The Reserve Bank keeps interest rates on hold.",
                "Firefighters battle blazes across New South Wales.", "Cricket: Australia wins the Test.",
                "Banks pass the rate cut on to home owners £5."]
    sims = np.eye(5)
    sims[0, 2], sims[1, 4], sims[0, 3], sims[2, 4] = 0.9, 0.7, 0.3, 0.55
    wheel = tmp / "gensim-0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("gensim/test/test_data/lee.cor", "\n".join(articles).encode("latin-1"))
        z.writestr("gensim/test/test_data/lee_background.cor", "Storms hit Queensland.\nA new treasurer.\n")
        z.writestr("gensim/test/test_data/similarities0-1.txt",
                   "\n".join("\t".join(f"{x:g}" for x in row) for row in sims))
    return wheel


def test_convert_lee_from_a_wheel(tmp_path):
    """The conversion script on a tiny wheel: ids, grades from similarity, even/odd split, Latin-1 text."""
    out = tmp_path / "lee"
    proc = subprocess.run([sys.executable, "-m", "aisd.toolkit.retrieval.collections", str(_fake_gensim_wheel(tmp_path)),
                           str(out)], capture_output=True, text=True, timeout=120, cwd=paths.ROOT)
    assert proc.returncode == 0, proc.stderr
    dev, test = datasets.load_beir(out, "dev"), datasets.load_beir(out, "test")
    assert len(dev.corpus) == 7 and set(dev.queries) == {f"lee{i:02d}" for i in range(5)}
    assert dev.qrels == {"lee00": {"lee02": 3}, "lee02": {"lee00": 3, "lee04": 1}, "lee04": {"lee01": 2, "lee02": 1}}
    assert test.qrels == {"lee01": {"lee04": 2}}
    assert "£5" in dev.corpus["lee04"]["text"]
    bad = subprocess.run([sys.executable, "-m", "aisd.toolkit.retrieval.collections", str(tmp_path / "nope.whl"), str(out)],
                         capture_output=True, text=True, timeout=120, cwd=paths.ROOT)
    assert bad.returncode == 2 and "pip download gensim" in bad.stderr and "Traceback" not in bad.stderr


def test_convert_lee_rejects_a_mismatched_matrix(tmp_path):
    from aisd.toolkit.retrieval import collections   # a submodule: the package's lazy names do not include it

    with pytest.raises(collections.CollectionError, match="2x2, but lee.cor has 3"):
        collections.lee_to_beir({"lee.cor": "a\nb\nc", "lee_background.cor": "", "similarities0-1.txt": "1 0\n0 1"})


@pytest.mark.slow
def test_eval_retrieval_cli_tunes_on_dev_and_gives_verdicts(tmp_path):
    folder = _beir(tmp_path)
    (folder / "qrels" / "dev.tsv").write_text("query-id\tcorpus-id\tscore\nq3\td2\t1\n")
    out = _cli(str(folder), "--no-rerank")
    assert out.returncode == 0, out.stderr
    assert "verdict: hybrid vs the better single retriever" in out.stdout
    assert "chosen on qrels/dev.tsv" in out.stdout
    report = json.loads(_cli(str(folder), "--no-rerank", "--json").stdout)
    assert report["verdicts"] and all("ndcg@10_per_query" in r for r in report["configs"])


def test_lazy_names_match_the_imports_the_import_graph_sees():
    """aisd.toolkit.retrieval loads each name on first use; its TYPE_CHECKING imports must list the same names
    from the same modules, or the import graph of test_structure would be wrong."""
    import ast


    tree = ast.parse(Path(R.__file__).read_text())
    prefix = "aisd.toolkit.retrieval."
    declared = {a.name: node.module.removeprefix(prefix) for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(prefix) for a in node.names}
    assert declared == R._MODULE_OF
    for name in R.__all__:
        assert getattr(R, name) is getattr(importlib.import_module(f"aisd.toolkit.retrieval.{R._MODULE_OF[name]}"), name)
