"""The scripted meetings of ``datasets/meetings/``: scripts, references, audio and timed turns.

>>> ids = meeting_ids()
>>> len(ids) >= 10, ids[0]
(True, 'm01_launch_date')
>>> m = load("m01_launch_date")
>>> m.kind, m.speakers, round(m.duration) > 60
('clean', ['Priya', 'Marcus', 'Lena'], True)
>>> m.turns[0]["speaker"], m.turns[0]["start"] < m.turns[0]["end"] <= m.turns[1]["start"]
('Priya', True)
>>> m.action_items[0]["owner"], m.action_items[0]["due"], m.action_items[0]["source_time"] > 0
('Marcus', '2026-03-09', True)
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aisd.core import paths
from aisd.core.errors import AisdError

FOLDER = paths.DATASETS / "meetings"
SAMPLE_RATE = 16_000
SPLITS = {"tune": "tuning", "test": "heldout"}     # the scripts' own split names -> the course's


class MeetingDataError(AisdError):
    """A meeting that is missing or whose files disagree; the message says which and how to fix it."""


@dataclass
class Meeting:
    id: str
    title: str
    date: str
    kind: str                      # "clean" or "noisy"
    split: str                     # "tuning" or "heldout" (the scripts say "tune" / "test")
    speakers: list[str]            # the team members who speak, in order of first turn
    glossary: list[str]            # proper nouns that are not people (products, places, companies)
    turns: list[dict]              # reference turns: speaker, start, end (seconds), text
    summary: str
    decisions: list[str]
    action_items: list[dict]       # owner, task, due (ISO date), turn, source_time (seconds)
    personal_data: list[dict]      # planted personal data: text as scripted, kind (name/phone/email)
    asides: list[int] = field(default_factory=list)
    corrections: list[int] = field(default_factory=list)
    duration: float = 0.0
    audio_path: Path | None = None

    def text(self) -> str:
        """The reference transcript as plain text, one turn after another."""
        return " ".join(t["text"] for t in self.turns)

    def audio(self) -> np.ndarray:
        """The meeting's audio as float32 mono samples at 16 kHz."""
        return read_audio(self.audio_path)


def read_audio(path: str | Path) -> np.ndarray:
    """Samples of a mono 16 kHz audio file (Opus, FLAC or WAV) as float32 in [-1, 1]."""
    import soundfile as sf

    path = Path(path)
    if not path.is_file():
        raise MeetingDataError(f"no audio file {path} (regenerate with `python -m aisd.meetings.synth`)")
    wav, rate = sf.read(path, dtype="float32", always_2d=True)
    if rate != SAMPLE_RATE:
        raise MeetingDataError(f"{path.name} is sampled at {rate} Hz; the pipeline expects {SAMPLE_RATE} Hz")
    return wav.mean(axis=1)


def voices() -> dict:
    """``{person: {"voice", "pitch", "speed"}}``: the espeak-ng voice of each team member."""
    raw = json.loads((FOLDER / "voices.json").read_text(encoding="utf-8"))
    return {k: v for k, v in raw.items() if not k.startswith("_")}


def scripts() -> list[dict]:
    """Every meeting script (the source of truth the audio and references are made from), by id."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((FOLDER / "scripts").glob("*.json"))]


def meeting_ids() -> list[str]:
    """The ids of all meetings, sorted."""
    return sorted(p.stem for p in (FOLDER / "scripts").glob("*.json"))


def load(meeting_id: str) -> Meeting:
    """One meeting with its reference turns, timed from the synthesised audio."""
    script_path = FOLDER / "scripts" / f"{meeting_id}.json"
    if not script_path.is_file():
        raise MeetingDataError(f"no meeting {meeting_id!r}; known: {', '.join(meeting_ids())}")
    script = json.loads(script_path.read_text(encoding="utf-8"))
    ref_path = FOLDER / "reference" / f"{meeting_id}.json"
    if not ref_path.is_file():
        raise MeetingDataError(f"no reference timings {ref_path} (run `python -m aisd.meetings.synth`)")
    ref = json.loads(ref_path.read_text(encoding="utf-8"))
    if [t["text"] for t in ref["turns"]] != [t["text"] for t in script["turns"]]:
        raise MeetingDataError(f"{meeting_id}: the audio is older than the script "
                               f"(run `python -m aisd.meetings.synth --only {meeting_id}`)")
    items = [{**item, "source_time": ref["turns"][item["turn"]]["start"]} for item in script["action_items"]]
    return Meeting(
        id=script["id"], title=script["title"], date=script["date"], kind=script["kind"], split=SPLITS[script["split"]],
        speakers=script["speakers"], glossary=script["glossary"], turns=ref["turns"], summary=script["summary"],
        decisions=script["decisions"], action_items=items, personal_data=script["personal_data"],
        asides=script.get("asides", []), corrections=script.get("corrections", []), duration=ref["duration"],
        audio_path=FOLDER / "audio" / f"{meeting_id}.opus")


def load_all(split: str | None = None) -> list[Meeting]:
    """Every meeting, or those of one ``split`` ("tuning" or "heldout")."""
    if split not in (None, *SPLITS.values()):
        raise MeetingDataError(f"split must be 'tuning', 'heldout' or None, not {split!r}")
    meetings = [load(i) for i in meeting_ids()]
    return [m for m in meetings if split is None or m.split == split]
