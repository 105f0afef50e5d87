"""Notebook 02's decisions (abstention, cache and re-rank thresholds), its experiments and its answer store."""
from __future__ import annotations

import ast
import math
from types import SimpleNamespace

import numpy as np
import pytest

from aisd.rag import precompute as rag_precompute
from aisd.toolkit import answer_store

from aisd.rag import decisions, experiments, generation as rag

from aisd.core import paths
from aisd.course.cells import read


def _brute_force_threshold(scores, ok, wc, ec):
    grid = np.concatenate([np.unique(scores), [math.inf]])
    costs = [decisions.abstention_cost(scores, ok, t, wc, ec) for t in grid]
    return min(costs)


def test_choose_threshold_is_the_cheapest_and_moves_with_the_costs():
    rng = np.random.default_rng(0)
    for _ in range(50):
        s = np.round(rng.random(40), 2)
        ok = rng.random(40) < s
        wc, ec = float(rng.integers(1, 20)), float(rng.integers(1, 6))
        t = decisions.choose_threshold(s, ok, wc, ec)
        assert decisions.abstention_cost(s, ok, t, wc, ec) == pytest.approx(_brute_force_threshold(s, ok, wc, ec))
    s, ok = [0.1, 0.4, 0.6, 0.9], [False, True, False, True]
    assert decisions.choose_threshold(s, ok, 10, 2) >= decisions.choose_threshold(s, ok, 1, 2)


def test_abstention_cost_rejects_mismatched_inputs():
    with pytest.raises(decisions.DecisionError, match="as many"):
        decisions.abstention_cost([0.1, 0.2], [True], 0.5, 10, 2)


def test_cache_threshold_most_hits_within_budget():
    sims = [math.nan, 0.99, 0.95, 0.9, 0.85, 0.8]
    same = [False, True, True, False, True, False]
    t = decisions.choose_cache_threshold(sims, same, max_wrong_rate=0.0)
    assert t == 0.95
    assert decisions.cache_outcomes(sims, same, t) == {"hit_rate": 2 / 6, "wrong_hit_rate": 0.0}
    assert decisions.choose_cache_threshold(sims, same, max_wrong_rate=1 / 6) == 0.85
    assert decisions.choose_cache_threshold([math.nan], [False], 0.0) == math.inf


def test_rerank_depth_budget_and_ties():
    rows = [{"depth": 0, "ndcg@10": 0.7, "p95_ms": 1}, {"depth": 4, "ndcg@10": 0.8, "p95_ms": 50},
            {"depth": 8, "ndcg@10": 0.8, "p95_ms": 90}]
    assert decisions.choose_rerank_depth(rows, 100) == 4
    assert decisions.choose_rerank_depth(rows, 10) == 0
    assert decisions.choose_rerank_depth(rows, 0.5) == 0


def test_split_names_are_mapped_at_load_time():
    """Notebook 02 speaks of tuning and heldout; the BEIR files' dev and test stay inside aisd.rag.data."""
    from aisd.rag import data

    tuning, heldout = data.load_split("tuning"), data.load_split("heldout")
    assert set(tuning.qrels) <= set(data.question_ids("tuning"))
    assert set(heldout.qrels) <= set(data.question_ids("heldout"))
    assert not set(data.question_ids("tuning")) & set(data.question_ids("heldout"))
    with pytest.raises(data.SplitError, match="tuning, heldout"):
        data.load_split("test")


def test_system_is_the_shared_requirements_and_a_reviewed_design():
    from aisd.rag import system
    from aisd.toolkit.design import review
    from aisd.toolkit.requirements import CUSTOMER_SUPPORT

    assert system.REQUIREMENTS is CUSTOMER_SUPPORT and review(system.DESIGN) == []


def test_nearest_earlier_and_simulated_traffic():
    v = np.eye(3)[[0, 1, 0, 2]]
    sims, idx = experiments.nearest_earlier(v)
    assert math.isnan(sims[0]) and idx.tolist() == [-1, 0, 0, 0] and sims[2] == 1.0
    stream = experiments.simulate_traffic({f"q{i}": f"question {i}" for i in range(10)}, repeat_share=0.5)
    assert len(stream) == 15 and {q for q, _ in stream[10:]} <= {f"q{i}" for i in range(10)}


def test_judge_counts_unsupported_claims_and_hallucinations():
    passages = {"a/0": "str.removeprefix returns the string without the prefix"}
    ok = rag.judge("str.removeprefix returns the string without the prefix [a/0].", passages, {"a/0"})
    assert (ok["claims"], ok["unsupported_claims"], ok["hallucinated"], ok["cites_relevant"]) == (1, 0, False, True)
    bad = rag.judge("Use pip install. It is fast [b/9].", passages, {"a/0"})
    assert (bad["claims"], bad["unsupported_claims"], bad["invalid_citations"], bad["hallucinated"]) == (2, 2, 1, True)
    refusal = rag.judge("I don't know.", passages, None)
    assert refusal["refused"] and not refusal["hallucinated"]
    assert rag.judge("Refunds take 5 days [a/0].", passages, None)["hallucinated"]


class _StandInClient:
    """A stand-in for the OpenAI client (unit test only): counts calls, answers with a fixed text."""

    def __init__(self):
        self.calls = 0
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))

    def _create(self, **kwargs):
        self.calls += 1
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content="It does nothing [pass/0]."),
                                                        finish_reason="stop")],
                               usage=SimpleNamespace(prompt_tokens=50, completion_tokens=7))


def test_answer_store_reuses_exact_requests_only(tmp_path):
    client = _StandInClient()
    store = answer_store.Store(tmp_path / "answers.jsonl", write=True, client=client)
    messages = rag.build_messages("What is pass?", [("pass/0", "pass is a null operation")])
    first = store.ask(messages, 100)
    again = store.ask(messages, 100)
    edited = store.ask(rag.build_messages("What is pass?", [("pass/0", "pass is a null operation")],
                                          system="Be brief."), 100)
    assert (first["stored"], again["stored"], edited["stored"], client.calls) == (False, True, False, 2)
    assert answer_store.load(tmp_path / "answers.jsonl") == store.records, "each new answer is appended at once"
    resumed = answer_store.Store(tmp_path / "answers.jsonl", client=client)
    assert resumed.ask(messages, 100)["stored"] and client.calls == 2, "a stopped regeneration continues"
    assert answer_store.load(tmp_path / "missing.jsonl") == {}


def _prompt_cell_values() -> dict:
    nb = read(paths.SOLUTIONS / "02_rag_customer_support.ipynb")
    cell = next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "prompt")
    values = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return values


def test_the_notebooks_prompt_settings_are_the_ones_the_store_was_built_with():
    """The store is keyed by the exact request: the notebook's visible prompt must equal the package's."""
    values = _prompt_cell_values()
    assert values["SYSTEM_PROMPT"] == rag.SYSTEM_PROMPT
    assert (values["PASSAGE_CHARS"], values["ANSWER_K"], values["MAX_TOKENS"]) == (rag.PASSAGE_CHARS, rag.ANSWER_K,
                                                                                   rag.MAX_TOKENS)


@pytest.mark.slow
def test_the_store_holds_an_answer_for_every_heldout_request_of_notebook_02():
    """Otherwise the notebook generates the missing answers live and blows its time budget:
    re-run ``aisd precompute 02`` after changing retrieval, the prompt or the model."""
    requests = rag_precompute.notebook_02_requests()
    for tier in ("small", "tiny"):
        store = answer_store.Store(rag_precompute.STORE, tier=tier)
        missing = [qid for qid, messages in requests if not store.has(messages, rag.MAX_TOKENS)]
        assert not missing, f"{tier}: no stored answer for {len(missing)} held-out questions, e.g. {missing[:5]}"


def test_tier_judgements_cover_every_heldout_question_once_per_tier():
    """Notebook 01 reads both tiers' judged answers: every held-out question, once per tier, by that tier's model."""
    from aisd.estimation.data import tier_answers
    from aisd.rag.data import question_ids
    from aisd.runtime.models import TIERS

    t = tier_answers()
    for tier in ("tiny", "small"):
        mine = t[t.tier == tier]
        assert sorted(mine.qid) == sorted(question_ids("heldout")), f"{tier}: re-run aisd precompute 02 tiers"
        assert set(mine.model) == {TIERS[tier].alias}
    assert not t.correct[t.hallucinated & (t.kind != "unanswerable")].any(), "a hallucinated answer is never correct"


def test_outcome_scores_accept_any_choice_as_good_as_the_best():
    """evaluate scores a decision by its outcome: another tie rule scores the same, a worse choice does not."""
    from aisd.rag import evaluate

    rows = [{"depth": 0, "ndcg@10": 0.7, "p95_ms": 1}, {"depth": 4, "ndcg@10": 0.8, "p95_ms": 50},
            {"depth": 8, "ndcg@10": 0.8, "p95_ms": 90}]
    assert evaluate.depth_outcome(rows, 100, 4)["shortfall"] == evaluate.depth_outcome(rows, 100, 8)["shortfall"] == 0
    assert not evaluate.depth_outcome(rows, 60, 8)["fits"] and evaluate.depth_outcome(rows, 100, 0)["shortfall"] > 0
    s, ok = [0.2, 0.5, 0.7], [False, True, True]
    assert evaluate.threshold_outcome(s, ok, 0.3, 10, 2)["regret"] == evaluate.threshold_outcome(s, ok, 0.5, 10, 2)["regret"] == 0
    out = evaluate.cache_outcome([math.nan, 0.95, 0.8, 0.9], [False, True, False, True], 0.85, 0.0)
    assert out["fits"] and out["shortfall"] == 0

