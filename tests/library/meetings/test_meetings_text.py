"""WER against jiwer, chunking under a token budget, action-item validation and matching, redaction."""
from __future__ import annotations

import random

import jiwer
import jsonschema
import pytest

from aisd.meetings import actions, chunking, data, redact, wer
from aisd.meetings.turns import format_transcript
from aisd.runtime import tokens


# --- WER --------------------------------------------------------------------------------------

def test_wer_agrees_with_jiwer_on_random_edits():
    rng = random.Random(0)
    vocab = "the launch is on march moved team notes update release ken priya".split()
    for _ in range(200):
        ref = [rng.choice(vocab) for _ in range(rng.randint(1, 15))]
        hyp = [w for w in ref if rng.random() > 0.2]
        hyp = [rng.choice(vocab) if rng.random() < 0.2 else w for w in hyp]
        for _ in range(rng.randint(0, 3)):
            hyp.insert(rng.randint(0, len(hyp)), rng.choice(vocab))
        r, h = " ".join(ref), " ".join(hyp)
        assert wer.wer(r, h) == pytest.approx(jiwer.wer(r, h) if h else 1.0)
        c = wer.counts(r, h)
        if h:
            out = jiwer.process_words(r, h)
            assert (c["substitutions"] + c["deletions"] + c["insertions"]
                    == out.substitutions + out.deletions + out.insertions)


def test_wer_normalises_numbers_case_and_punctuation_on_both_sides():
    assert wer.wer("We ship on March sixteenth, twenty twenty six.", "we ship on march 16th 2026") > 0
    assert wer.wer("Forty two thousand dollars", "$42,000") == 0
    assert wer.wer("the twenty third of March", "The 23rd of March.") == 0
    assert wer.wer("two fifteen to two fifty five", "2.15 to 2.55") == 0
    assert wer.wer("a b", "c d e f") == 2.0            # insertions can push WER above 1


def test_corpus_wer_weighs_meetings_by_their_words():
    pairs = [("a b c d e f g h i j", "a b c d e f g h i j"), ("a b", "x y")]
    assert wer.corpus_wer(pairs) == pytest.approx(2 / 12)


# --- chunking ---------------------------------------------------------------------------------

def test_the_long_meeting_is_chunked_under_budget_with_every_line_kept_in_order():
    lines = format_transcript(data.load("m10_quarterly_roadmap").turns).splitlines()
    chunks = chunking.chunk_lines(lines, budget=600, overlap=1)
    assert len(chunks) >= 4
    assert all(tokens.count(c) <= 600 for c in chunks)
    seen = [line for c in chunks for line in c.splitlines()]
    deduped = [line for i, line in enumerate(seen) if i == 0 or line != seen[i - 1]]
    assert deduped == lines
    for a, b in zip(chunks, chunks[1:]):
        assert b.splitlines()[0] == a.splitlines()[-1]


def test_a_line_longer_than_the_budget_is_cut_not_dropped():
    line = "Priya: " + " ".join(f"Point {i} is settled." for i in range(40))
    chunks = chunking.chunk_lines([line], budget=50, overlap=0)
    assert all(tokens.count(c) <= 50 for c in chunks)
    assert " ".join(chunks).split() == line.split()


def test_impossible_budgets_are_clear_errors():
    with pytest.raises(chunking.ChunkingError):
        chunking.chunk_lines(["hello"], budget=0)
    with pytest.raises(chunking.ChunkingError):
        chunking.chunk_lines(["supercalifragilisticexpialidocious"], budget=1)
    assert chunking.chunk_lines([], budget=100) == []


# --- action items -----------------------------------------------------------------------------

ITEMS = [
    {"owner": "Ken", "task": "Ship the fix", "due": "2026-03-10", "source_time": 12.5},
    {"owner": "Ken", "task": "Ship the fix", "due": None, "source_time": 0},
    {"owner": "Ken", "task": "Ship the fix", "due": "10 March", "source_time": 12.5},
    {"owner": "Ken", "task": "Ship the fix", "source_time": 12.5},
    {"owner": "", "task": "Ship the fix", "due": None, "source_time": 1},
    {"owner": "Ken", "task": "Ship the fix", "due": None, "source_time": -3},
    {"owner": "Ken", "task": "Ship the fix", "due": None, "source_time": "12"},
    {"owner": "Ken", "task": "Ship the fix", "due": None, "source_time": 1, "priority": "high"},
    {"owner": 7, "task": "Ship the fix", "due": None, "source_time": 1},
    ["Ken", "Ship the fix"],
]


@pytest.mark.parametrize("item", ITEMS)
def test_validation_agrees_with_jsonschema(item):
    valid = jsonschema.Draft202012Validator(actions.SCHEMA).is_valid(item)
    assert (actions.validate(item) == []) == valid, actions.validate(item)


def test_validation_goes_beyond_the_schema_when_told_the_team_and_duration():
    item = {"owner": "Dana", "task": "Call back", "due": "2026-02-30", "source_time": 500}
    problems = actions.validate(item, team=["Ken", "Lena"], duration=90)
    assert len(problems) == 3 and any("2026-02-30" in p for p in problems)


def test_reference_items_match_themselves_and_nothing_else():
    for m in data.load_all():
        items = [{k: i[k] for k in ("owner", "task", "due", "source_time")} for i in m.action_items]
        assert all(actions.validate(i, team=m.speakers, duration=m.duration) == [] for i in items)
        r = actions.match_items(items, m.action_items)
        assert r["precision"] == r["recall"] == 1.0 and r["due_correct"] == len(items)
        wrong_owner = [{**i, "owner": next(s for s in m.speakers if s != i["owner"])} for i in items]
        assert actions.match_items(wrong_owner, m.action_items)["recall"] < 1.0


def test_matching_is_one_to_one_and_fuzzy():
    ref = [{"owner": "Sofia", "task": "Send the customer update about the outage", "due": "2026-03-05"}]
    twice = [{"owner": "sofia", "task": "send customer update on the outage", "due": "2026-03-05"}] * 2
    r = actions.match_items(twice, ref)
    assert r["recall"] == 1.0 and r["precision"] == 0.5
    assert actions.match_items([], ref)["recall"] == 0.0 and actions.match_items([], [])["f1"] == 1.0
    assert actions.match_items([{"owner": "Sofia", "task": "Book the venue"}], ref)["pairs"] == []


def test_model_answers_are_parsed_or_rejected_in_words():
    assert actions.parse_items('[{"owner": "Ken"}]') == [{"owner": "Ken"}]
    with pytest.raises(actions.ActionItemError, match="not JSON"):
        actions.parse_items("Ken will ship it")


# --- redaction --------------------------------------------------------------------------------

def test_redaction_on_the_planted_examples():
    """Measured: recall 0.82 (the misses: two lone first names, a surname with a particle, an
    apostrophe), precision 0.95 (a street name). This guards those numbers from getting worse."""
    r = redact.evaluate(redact.planted_cases())
    assert r["recall"] >= 0.8 and r["precision"] >= 0.9, r
    assert sorted(r["misses"]) == ["Dana", "Grace O'Neill", "Peter", "Rahul"]
    assert r["per_kind_recall"]["email"] == 1.0 and r["per_kind_recall"]["phone"] == 1.0


def test_redaction_leaves_team_products_dates_and_amounts_alone():
    for m in data.load_all():
        planted = [p["text"] for p in m.personal_data]
        for t in m.turns:
            out = redact.redact(t["text"], team=["Priya", "Marcus", "Lena", "Omar", "Sofia", "Ken"], glossary=m.glossary)
            if not any(p in t["text"] for p in planted):
                assert out.text == t["text"], out.found
            else:
                assert all(p not in out.text for p in planted), out.text
