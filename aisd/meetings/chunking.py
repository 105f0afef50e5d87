"""A long transcript in chunks that fit a model's context, with overlap so nothing falls in a crack.

The local model has 2,048 tokens of context for prompt *and* answer, so a one-hour meeting
(~10,000 tokens) cannot be summarised in one call: map-reduce summarises each chunk, then the
chunk summaries. Chunks are cut between transcript lines (a speaker turn is the natural unit);
a line longer than the budget is cut between sentences, then between words. Each chunk after
the first repeats the last ``overlap`` lines of the one before (a decision that spans a chunk
boundary stays readable in one piece). Tokens are counted with the local model's own tokenizer
(:func:`aisd.runtime.tokens.count`), since the budget is the model's.

>>> lines = [f"[00:0{i}] Ken: point number {i} about the launch." for i in range(6)]
>>> chunks = chunk_lines(lines, budget=40, overlap=1)
>>> [len(c.splitlines()) for c in chunks], all(tokens.count(c) <= 40 for c in chunks)
([2, 2, 2, 2, 2], True)
>>> chunks[1].splitlines()[0] == chunks[0].splitlines()[-1]
True
"""
from __future__ import annotations

import re
from typing import Callable

from aisd.core.errors import AisdError
from aisd.runtime import tokens


class ChunkingError(AisdError):
    """A budget that cannot work (too small for one word, or an overlap that leaves no room)."""


def split_line(line: str, budget: int, count: Callable[[str], int] = tokens.count) -> list[str]:
    """``line`` cut into pieces of at most ``budget`` tokens: between sentences where possible,
    else between words.

    >>> split_line("One. Two three. Four five six.", budget=4)
    ['One.', 'Two three.', 'Four five six.']
    """
    if count(line) <= budget:
        return [line]
    units = re.split(r"(?<=[.!?])\s+", line.strip())
    if len(units) == 1:
        units = line.split()
        if len(units) == 1:
            raise ChunkingError(f"a budget of {budget} tokens cannot hold the single word {line[:40]!r}")
    pieces, current = [], ""
    for unit in units:
        candidate = f"{current} {unit}".strip()
        if count(candidate) <= budget:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if count(unit) <= budget:
            current = unit
        else:
            *head, current = split_line(unit, budget, count)
            pieces += head
    if current:
        pieces.append(current)
    return pieces


def chunk_lines(lines: list[str], budget: int, overlap: int = 1,
                count: Callable[[str], int] = tokens.count) -> list[str]:
    """Lines grouped into chunks (joined by newlines) of at most ``budget`` tokens each, in order.

    Every line appears in some chunk; chunk ``i + 1`` starts with the last ``overlap`` lines of
    chunk ``i`` (fewer when they would not leave room for a new line). An empty transcript gives
    no chunks.
    """
    if budget < 1:
        raise ChunkingError(f"the token budget must be positive, got {budget}")
    if overlap < 0:
        raise ChunkingError(f"overlap is a number of lines, at least 0; got {overlap}")
    units = [piece for line in lines if line.strip() for piece in split_line(line.strip(), budget, count)]
    chunks: list[list[str]] = []
    current: list[str] = []
    fresh = 0                                   # lines in `current` not carried over from before
    for unit in units:
        candidate = current + [unit]
        if count("\n".join(candidate)) <= budget:
            current, fresh = candidate, fresh + 1
            continue
        if fresh:
            chunks.append(current)
        carry = current[len(current) - overlap:] if overlap and fresh else []
        while carry and count("\n".join(carry + [unit])) > budget:
            carry = carry[1:]                   # drop the oldest overlap line until the new one fits
        current, fresh = carry + [unit], 1
    if fresh:
        chunks.append(current)
    return ["\n".join(c) for c in chunks]


def chunk_turns(turns: list[dict], budget: int, overlap: int = 1) -> list[str]:
    """Chunks of a speaker-attributed transcript (turns as in :mod:`aisd.meetings.turns`).

    >>> turns = [{"speaker": "Ken", "start": 0, "end": 2, "text": "Ship it Tuesday."}]
    >>> chunk_turns(turns, budget=50)
    ['[00:00] Ken: Ship it Tuesday.']
    """
    from aisd.meetings.turns import format_turn

    return chunk_lines([format_turn(t) for t in turns], budget, overlap)
