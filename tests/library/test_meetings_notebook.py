"""What notebook 10 adds on top of the groundwork: the reference answers of its exercises, the caption
sweep, the plan and costs, and the LLM notes (with a stand-in client: the real model is exercised by the
notebook itself)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import jiwer
import numpy as np
import pytest

from aisd.toolkit.answer_store import Store
from aisd.toolkit.design import review
from aisd.runtime import tokens
from aisd.meetings import actions, captions, data, notes, plan, precompute, quiz, redact, wer


def test_word_error_rate_agrees_with_jiwer():
    rng = np.random.default_rng(0)
    for _ in range(50):
        ref = " ".join(rng.choice(list("abcde"), int(rng.integers(1, 9))))
        hyp = " ".join(rng.choice(list("abcde"), int(rng.integers(0, 9))))
        assert wer.word_error_rate(ref, hyp) == pytest.approx(jiwer.wer(ref, hyp))
    assert wer.word_error_rate("", "") == 0.0 and wer.word_error_rate("", "a b") == 2.0


def test_choose_chunk_seconds_respects_both_budgets_and_breaks_ties_by_cost():
    rows = [{"chunk_seconds": 2, "wer": 0.5, "delay_p95": 3, "rtf": 0.6},
            {"chunk_seconds": 8, "wer": 0.4, "delay_p95": 9, "rtf": 0.2},
            {"chunk_seconds": 12, "wer": 0.4, "delay_p95": 13, "rtf": 0.1}]
    assert captions.choose_chunk_seconds(rows, 9, 0.2) == 8
    assert captions.choose_chunk_seconds(rows, 20, 1) == 12
    assert captions.choose_chunk_seconds(rows, 2, 1) is None


def test_the_saved_sweep_covers_the_short_meetings_and_scores_them():
    sweep = precompute.load_sweep()
    short = [i for i in data.meeting_ids() if data.load(i).duration < 300]
    assert sorted(sweep["meetings"]) == short
    rows = captions.sweep_rows(short[:2], sweep)
    assert [r["chunk_seconds"] for r in rows] == list(precompute.SWEEP_CHUNKS)
    assert all(0 < r["wer"] < 1.5 and r["delay_p95"] > r["chunk_seconds"] and r["rtf"] > 0 for r in rows)
    assert rows[0]["rtf"] > rows[-1]["rtf"]           # short chunks pay for a 30 s window each


def test_load_sweep_says_how_to_make_it(tmp_path):
    with pytest.raises(data.MeetingDataError, match="--sweep"):
        precompute.load_sweep(tmp_path)


def test_redact_contacts_catches_every_planted_contact_and_keeps_numbers():
    for case in redact.planted_cases():
        out = redact.redact_contacts(case["text"])
        for p in case["planted"]:
            if p["kind"] in ("phone", "email"):
                assert p["text"] not in out
    keep = "Ship on 2026-03-16, then 2026-03-20; 42,000 dollars, version 3.11.7, 12.5% at 10:30."
    assert redact.redact_contacts(keep) == keep
    with pytest.raises(redact.RedactionError):
        redact.redact_contacts(None)


def test_match_items_is_one_to_one_with_the_best_total():
    ref = [{"owner": "Sofia", "task": "Send the budget request"}, {"owner": "Sofia", "task": "Send the budget report to finance"}]
    got = [{"owner": "Sofia", "task": "Send the budget request to finance"}, {"owner": "Sofia", "task": "Send the budget request"}]
    r = actions.match_items(got, ref, threshold=0.6)
    assert r["recall"] == 1.0 and sorted((i, j) for i, j, _ in r["pairs"]) == [(0, 1), (1, 0)]


def test_quiz_key_and_plan():
    assert sorted(quiz.quiz_meetings()) == ["q1", "q2", "q3", "q4"]
    assert review(plan.DESIGN) == []
    assert plan.hosted_cost_per_hour(0.006, 0, 0) == pytest.approx(0.36)
    assert plan.local_cost_per_hour(1.0, vcpus=1, vcpu_hour_usd=0.05) == pytest.approx(0.05)


class _StandIn:
    """A chat client stand-in that answers by the request's kind and counts calls (unit test only)."""

    def __init__(self):
        self.calls = []
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))

    def _create(self, model, messages, max_tokens, temperature, response_format=None):
        self.calls.append(messages)
        text = (json.dumps({"items": [{"owner": "Lena", "task": "Send the budget request", "due": "2026-03-18",
                                       "source_time": 40}]}) if response_format else "Spot instances were chosen.")
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content=text))],
                               usage=SimpleNamespace(prompt_tokens=100, completion_tokens=10))


def test_summary_is_one_pass_when_it_fits_and_map_reduce_when_it_does_not(tmp_path):
    client = _StandIn()
    store = Store(tmp_path / "a.jsonl", client=client)
    short = notes.transcript_turns("m04_budget")
    assert notes.summarise(short, store)["mode"] == "single pass" and len(client.calls) == 1
    long = notes.transcript_turns("m10_quarterly_roadmap")
    assert notes.summarise(long, store)["mode"] == "single pass", "m10 fits the small model's context"
    s = notes.summarise(long, store, budget=notes.MAP_BUDGET)
    assert s["mode"].startswith("map-reduce") and len(s["calls"]) >= 4
    n = len(client.calls)
    again = notes.summarise(long, store, budget=notes.MAP_BUDGET)     # every request is now in the store
    assert len(client.calls) == n and all(c["stored"] for c in again["calls"])


def test_a_meeting_ten_times_m10_is_reduced_in_a_tree_within_the_context(tmp_path):
    """The reduce step must never ask for more than the model's context: notes are merged in groups."""
    client = _StandIn()
    store = Store(tmp_path / "a.jsonl", tier="tiny", client=client)
    long = notes.transcript_turns("m10_quarterly_roadmap")
    huge = [dict(t, start=t["start"] + k * 700, end=t["end"] + k * 700) for k in range(10) for t in long]
    budget = notes.transcript_budget("tiny", notes.SUMMARY_TOKENS)
    s = notes.summarise(huge, store, "huge")
    assert s["mode"].startswith("map-reduce")
    asked = [tokens.count(m[1]["content"]) for m in client.calls]
    assert max(asked) <= budget, f"a request of {max(asked)} transcript/notes tokens exceeds the budget {budget}"


def test_extracted_items_are_validated_and_the_transcript_is_redacted(tmp_path):
    m = data.load("m04_budget")
    out = notes.extract_items(notes.transcript_turns(m.id), m, Store(tmp_path / "a.jsonl", client=_StandIn()))
    assert out["valid"] == out["items"] and out["problems"] == [[]]
    m08 = notes.transcript_turns("m08_vendor_contract")
    assert "[NAME]" in " ".join(t["text"] for t in m08)
    assert notes.rouge_l("a b c", "a b c") == pytest.approx(1.0)
    assert notes.decisions_covered(["Renew for one year."], "nothing about it") == 0.0
