"""A speaker-attributed transcript: ASR words or segments joined to diarization turns by time overlap.

The recogniser says *what* was said and when; diarization says *who* spoke when. Each timed item
(a word or a segment) goes to the speaker whose turn overlaps it most (or, if none overlaps, the
nearest turn in time); then consecutive items of one speaker are merged into a turn.

>>> speakers = [{"speaker": "S1", "start": 0.0, "end": 2.0}, {"speaker": "S2", "start": 2.5, "end": 5.0}]
>>> words = [{"word": "hello", "start": 0.1, "end": 0.5}, {"word": "team", "start": 0.6, "end": 1.0},
...          {"word": "hi", "start": 2.4, "end": 2.9}, {"word": "Priya", "start": 3.0, "end": 3.5}]
>>> for t in merge_turns(assign_speakers(words, speakers)):
...     print(format_turn(t))
[00:00] S1: hello team
[00:02] S2: hi Priya
"""
from __future__ import annotations

from aisd.core.errors import AisdError


class TurnsError(AisdError):
    """Items or turns without usable times; the message names the item."""


def _times(item: dict) -> tuple[float, float]:
    try:
        start, end = float(item["start"]), float(item["end"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TurnsError(f"every item needs numeric 'start' and 'end' seconds, got {item!r}") from exc
    if end < start:
        raise TurnsError(f"an item ends before it starts: {item!r}")
    return start, end


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Seconds that two intervals share (0 when they do not meet).

    >>> overlap((0, 2), (1, 5)), overlap((0, 1), (2, 3))
    (1, 0)
    """
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def assign_speakers(items: list[dict], speaker_turns: list[dict]) -> list[dict]:
    """Copies of ``items`` (words or segments with ``start``/``end``) with a ``speaker`` key: the
    speaker whose turns overlap the item longest; with no overlap, the speaker of the nearest turn.
    With no speaker turns at all, every item gets the speaker ``"?"``.

    >>> assign_speakers([{"start": 1.0, "end": 3.0}],
    ...                 [{"speaker": "A", "start": 0, "end": 1.5}, {"speaker": "B", "start": 1.5, "end": 4}])
    [{'start': 1.0, 'end': 3.0, 'speaker': 'B'}]
    """
    spans = [(_times(t), t["speaker"]) for t in speaker_turns]
    out = []
    for item in items:
        span = _times(item)
        if not spans:
            out.append({**item, "speaker": "?"})
            continue
        total: dict[str, float] = {}
        for turn_span, speaker in spans:
            total[speaker] = total.get(speaker, 0.0) + overlap(span, turn_span)
        best = max(total, key=total.get)
        if total[best] == 0:
            mid = (span[0] + span[1]) / 2
            best = min(spans, key=lambda s: min(abs(mid - s[0][0]), abs(mid - s[0][1])))[1]
        out.append({**item, "speaker": best})
    return out


def merge_turns(items: list[dict], max_gap: float | None = None) -> list[dict]:
    """Consecutive items of one speaker merged into turns ``{"speaker", "start", "end", "text"}``.

    The text of an item is its ``word`` or ``text``. A pause longer than ``max_gap`` seconds
    starts a new turn even for the same speaker (None: never).

    >>> merge_turns([{"speaker": "A", "start": 0, "end": 1, "text": "Hi."},
    ...              {"speaker": "A", "start": 1.2, "end": 2, "text": "Ready?"},
    ...              {"speaker": "B", "start": 2.5, "end": 3, "text": "Yes."}])
    [{'speaker': 'A', 'start': 0.0, 'end': 2.0, 'text': 'Hi. Ready?'}, {'speaker': 'B', 'start': 2.5, 'end': 3.0, 'text': 'Yes.'}]
    """
    turns: list[dict] = []
    for item in sorted(items, key=lambda i: _times(i)[0]):
        start, end = _times(item)
        text = str(item.get("word", item.get("text", ""))).strip()
        last = turns[-1] if turns else None
        if last and last["speaker"] == item["speaker"] and (max_gap is None or start - last["end"] <= max_gap):
            last["end"] = max(last["end"], end)
            last["text"] = f"{last['text']} {text}".strip()
        else:
            turns.append({"speaker": item["speaker"], "start": start, "end": end, "text": text})
    return turns


def rename(turns: list[dict], mapping: dict[str, str]) -> list[dict]:
    """Turns with speaker labels replaced through ``mapping`` (labels not in it are kept), then
    neighbouring turns that now share a speaker merged. Use it with the mapping of
    :func:`aisd.meetings.der.der` to read a transcript with the reference names.

    >>> rename([{"speaker": "S1", "start": 0, "end": 1, "text": "a"},
    ...         {"speaker": "S2", "start": 1, "end": 2, "text": "b"}], {"S1": "Ken", "S2": "Ken"})
    [{'speaker': 'Ken', 'start': 0.0, 'end': 2.0, 'text': 'a b'}]
    """
    return merge_turns([{**t, "speaker": mapping.get(t["speaker"], t["speaker"])} for t in turns])


def clock(seconds: float) -> str:
    """``mm:ss`` (or ``h:mm:ss`` past an hour) of a time in seconds.

    >>> clock(75.4), clock(3725)
    ('01:15', '1:02:05')
    """
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


def format_turn(turn: dict) -> str:
    """One transcript line: ``[mm:ss] Speaker: text``."""
    return f"[{clock(turn['start'])}] {turn['speaker']}: {turn['text']}"


def format_transcript(turns: list[dict]) -> str:
    """The transcript as lines of :func:`format_turn` (what a summariser or a person reads)."""
    return "\n".join(format_turn(t) for t in turns)
