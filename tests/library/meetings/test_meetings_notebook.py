"""What notebook 10 adds on top of the groundwork: the reference answers of its exercises, the stored
live-caption runs, the requirements, design and costs, and the LLM notes (with a stand-in client: the real model is exercised by the
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
from aisd.meetings import actions, captions, data, decisions, notes, redact, streaming, system, wer


def test_word_error_rate_agrees_with_jiwer():
    rng = np.random.default_rng(0)
    for _ in range(50):
        ref = " ".join(rng.choice(list("abcde"), int(rng.integers(1, 9))))
        hyp = " ".join(rng.choice(list("abcde"), int(rng.integers(0, 9))))
        assert wer.word_error_rate(ref, hyp) == pytest.approx(jiwer.wer(ref, hyp))
    assert wer.word_error_rate("", "") == 0.0 and wer.word_error_rate("", "a b") == 2.0


def test_choose_caption_setup_respects_both_budgets_and_breaks_ties_by_cost():
    rows = [{"setup": "a", "wer": 0.5, "delay_p95": 3, "rtf": 0.6},
            {"setup": "b", "wer": 0.4, "delay_p95": 9, "rtf": 0.2},
            {"setup": "c", "wer": 0.4, "delay_p95": 13, "rtf": 0.1}]
    assert decisions.choose_caption_setup(rows, 9, 0.2) == "b"
    assert decisions.choose_caption_setup(rows, 20, 1) == "c"
    assert decisions.choose_caption_setup(rows, 2, 1) is None
    seconds, why = decisions.caption_delay_budget()
    assert seconds == system.REQUIREMENTS.live_caption_delay_p95_s and why


def test_window_words_are_shown_once_each_and_in_order():
    calls = [{"t": float(t), "words": [[f"w{k}", k * 0.5, k * 0.5 + 0.4] for k in range(2 * t)]} for t in range(1, 7)]
    for step in captions.STEPS:
        for hold in captions.HOLDS:
            shown = captions.commit_words(calls, step, hold)
            assert [w[0] for w in shown] == [f"w{k}" for k in range(12)], (step, hold)
            assert all(t - end >= min(hold, 0.0) - 1e-9 or t == 6.0 for _w, _s, end, t in shown)


def test_the_stored_caption_runs_cover_the_short_meetings_and_score_them():
    runs = streaming.load_runs()
    short = [i for i in data.meeting_ids() if data.load(i).duration < 300]
    for i in short:
        assert {(i, f"fixed {c:g}") for c in streaming.FIXED_CHUNKS} <= set(runs), i
        assert (i, f"window {streaming.WINDOWS[0]:g}") in runs and (i, streaming.TIMING) in runs, i
    rows = captions.setup_rows(short[:2], runs)
    assert len(rows) == len(streaming.FIXED_CHUNKS) + len(captions.STEPS) * len(captions.HOLDS)
    assert all(0 < r["wer"] < 1.5 and r["delay_p95"] > 0 and r["rtf"] > 0 for r in rows)
    fixed = [r for r in rows if r["setup"].startswith("fixed")]
    assert fixed[0]["rtf"] > fixed[-1]["rtf"] and fixed[0]["delay_p95"] < fixed[-1]["delay_p95"]
    clean = [i for i in data.meeting_ids() if data.load(i).kind == "clean"]
    assert all((i, streaming.NOISY_BATCH) in runs for i in clean)


def test_load_runs_says_how_to_make_them(tmp_path):
    with pytest.raises(data.MeetingDataError, match="aisd precompute 10 captions"):
        streaming.load_runs(tmp_path / "none.jsonl")


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


def test_requirements_design_and_costs():
    req = system.REQUIREMENTS
    assert req.live_caption_delay_p95_s == 3.0 and req["live_caption_delay_p95_s"].why
    assert set(req.table()["requirement"]) >= {"meeting_hours_per_day", "max_caption_rtf", "meetings_per_day"}
    assert review(system.DESIGN) == []
    assert system.hosted_cost_per_hour(0.006, 0, 0) == pytest.approx(0.36)
    assert system.local_cost_per_hour(1.0, vcpus=1, vcpu_hour_usd=0.05) == pytest.approx(0.05)


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
    store = Store(tmp_path / "a.jsonl", tier="small", write=True, client=client)     # a regeneration: small serves
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


def test_a_live_call_is_sized_for_the_tiny_model_that_serves_it(tmp_path, monkeypatch):
    """A request the store lacks goes live to the live tier (tiny: 2,048 tokens), so chunks follow its context."""
    monkeypatch.delenv("AISD_LLM_TIER", raising=False)
    client = _StandIn()
    store = Store(tmp_path / "a.jsonl", client=client)              # reads small's answers; misses go live to tiny
    long = notes.transcript_turns("m10_quarterly_roadmap")
    assert notes.serving_tier(store, notes.request_for(store, notes.SUMMARY_PROMPT, "x", notes.SUMMARY_TOKENS)) == "tiny"
    s = notes.summarise(long, store, "live")
    assert s["mode"].startswith("map-reduce")
    budget = notes.transcript_budget("tiny", notes.SUMMARY_TOKENS)
    assert max(tokens.count(m[1]["content"]) for m in client.calls) <= budget
    m = data.load("m10_quarterly_roadmap")
    n = len(client.calls)
    notes.extract_items(long, m, store)
    assert all(tokens.count(c[1]["content"]) <= notes.transcript_budget("tiny") for c in client.calls[n:])


def test_extracted_items_are_validated_and_the_transcript_is_redacted(tmp_path):
    m = data.load("m04_budget")
    out = notes.extract_items(notes.transcript_turns(m.id), m, Store(tmp_path / "a.jsonl", client=_StandIn()))
    assert out["valid"] == out["items"] and out["problems"] == [[]]
    m08 = notes.transcript_turns("m08_vendor_contract")
    assert "[NAME]" in " ".join(t["text"] for t in m08)
    assert notes.rouge_l("a b c", "a b c") == pytest.approx(1.0)
    assert notes.decisions_covered(["Renew for one year."], "nothing about it") == 0.0
