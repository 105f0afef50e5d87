"""The scripted meetings of datasets/meetings/: complete, consistent with their audio, and small."""
from __future__ import annotations

import datetime as dt

import pytest
import soundfile as sf

from aisd.meetings import data
from aisd.meetings.turns import format_transcript
from aisd.runtime import tokens

MEETINGS = data.load_all()
LONG = "m10_quarterly_roadmap"


def test_there_are_enough_meetings_of_each_kind_and_split():
    assert len(MEETINGS) >= 10
    assert {m.kind for m in MEETINGS} == {"clean", "noisy"}
    assert {m.split for m in MEETINGS} == {"tuning", "heldout"}
    assert sum(m.kind == "noisy" for m in MEETINGS) >= 3


@pytest.mark.parametrize("meeting", MEETINGS, ids=lambda m: m.id)
def test_a_meeting_is_a_real_meeting(meeting):
    """2-4 speakers, a decision, dated action items owned by attendees, an aside and a correction."""
    assert 2 <= len(meeting.speakers) <= 4
    assert {t["speaker"] for t in meeting.turns} == set(meeting.speakers)
    assert meeting.decisions and meeting.summary
    assert len(meeting.action_items) >= 2
    for item in meeting.action_items:
        assert item["owner"] in meeting.speakers, item
        assert dt.date.fromisoformat(item["due"]) >= dt.date.fromisoformat(meeting.date), item
        assert 0 <= item["turn"] < len(meeting.turns)
        assert item["source_time"] == meeting.turns[item["turn"]]["start"]
    assert meeting.asides and meeting.corrections
    assert all(0 <= i < len(meeting.turns) for i in meeting.asides + meeting.corrections)
    for p in meeting.personal_data:
        assert p["kind"] in ("name", "phone", "email")
        assert any(p["text"] in t["text"] for t in meeting.turns), p


@pytest.mark.parametrize("meeting", MEETINGS, ids=lambda m: m.id)
def test_reference_turns_are_timed_in_order_and_match_the_audio(meeting):
    starts = [t["start"] for t in meeting.turns]
    assert all(t["start"] < t["end"] for t in meeting.turns)
    assert all(a["end"] <= b["start"] for a, b in zip(meeting.turns, meeting.turns[1:]))
    info = sf.info(meeting.audio_path)
    assert info.samplerate == data.SAMPLE_RATE and info.channels == 1
    assert abs(info.duration - meeting.duration) < 0.1
    assert meeting.turns[-1]["end"] <= meeting.duration and starts[0] >= 0
    if meeting.id != LONG:
        assert 60 <= meeting.duration <= 180, f"{meeting.id} lasts {meeting.duration} s"


def test_the_long_meeting_does_not_fit_the_local_models_context():
    long = data.load(LONG)
    assert tokens.count(format_transcript(long.turns)) > 2048


def test_the_committed_audio_is_small():
    total = sum(p.stat().st_size for p in (data.FOLDER / "audio").glob("*.opus"))
    assert total < 5 * 1024 * 1024, f"{total / 2**20:.1f} MiB of audio"


def test_unknown_meetings_and_splits_are_clear_errors():
    with pytest.raises(data.MeetingDataError, match="known"):
        data.load("m99_nothing")
    with pytest.raises(data.MeetingDataError, match="split"):
        data.load_all("train")


@pytest.mark.parametrize("meeting", MEETINGS, ids=lambda m: m.id)
def test_the_precomputed_results_belong_to_the_committed_audio(meeting):
    """A script or audio changed without rerunning `python -m aisd.meetings.precompute` fails here."""
    from aisd.meetings import precompute

    for streaming in (False, True):
        t = precompute.load_transcript(meeting.id, streaming=streaming)
        assert abs(t.duration - meeting.duration) < 0.1
        assert t.words and t.words[-1]["end"] <= meeting.duration + 0.5
    segments, embeddings = precompute.load_diarization_inputs(meeting.id)
    assert len(segments) == len(embeddings) and embeddings.shape[1] == 256
    assert all(0 <= s < e <= meeting.duration + 0.1 for s, e in segments)
