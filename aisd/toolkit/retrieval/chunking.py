"""Chunking: fixed windows, and chunks at the document's structure (paragraphs, headings).

>>> chunk_fixed("abcdefghij", size=4, overlap=1)
['abcd', 'defg', 'ghij']
"""
from __future__ import annotations

import re
from typing import Sequence
from aisd.toolkit.retrieval.errors import RetrievalError

UNDERLINE = re.compile(r"^([*=\-~^\"'`#+])\1{2,}\s*$")


def is_heading_line(line: str, underline: str) -> bool:
    """Is ``line`` a heading, given the line below it? (reStructuredText style: underlined at least
    as long as the title, less one, with ``***``, ``===``, ``---``, ``~~~``, ``^^^``, ...).

    The one definition of a heading in the course: the corpus extraction and the chunker both use it.

    >>> is_heading_line("Title", "====="), is_heading_line("Title", "text"), is_heading_line("", "===")
    (True, False, False)
    """
    return bool(line.strip()) and bool(UNDERLINE.match(underline)) and len(underline.strip()) >= len(line.strip()) - 1


def chunk_fixed(text: str, size: int, overlap: int = 0) -> list[str]:
    """Cut ``text`` into windows of ``size`` characters, each starting ``size - overlap`` after the last.

    The last window ends at the end of the text; no window lies wholly inside the previous one.

    Reference answer of notebook 02, exercise ``ex_chunk_fixed``.

    >>> chunk_fixed("abcdefghij", size=4, overlap=1)
    ['abcd', 'defg', 'ghij']
    >>> chunk_fixed("", 4)
    []
    """
    if size <= 0 or not 0 <= overlap < size:
        raise RetrievalError(f"need size > 0 and 0 <= overlap < size; got size={size}, overlap={overlap}")
    chunks, step = [], size - overlap
    for start in range(0, len(text), step):
        chunks.append(text[start:start + size])
        if start + size >= len(text):
            break
    return chunks


def is_heading(paragraph: str) -> bool:
    """Whether a paragraph is a heading: its first line underlined (see :func:`is_heading_line`).

    >>> is_heading("Title\\n====="), is_heading("just text")
    (True, False)
    """
    lines = paragraph.strip("\n").split("\n")
    return len(lines) >= 2 and is_heading_line(lines[0], lines[1])


def chunk_by_structure(text: str, max_chars: int) -> list[str]:
    """Chunk at the document's structure: paragraphs (blank-line separated), a new chunk at each heading.

    Paragraphs are packed greedily, joined by a blank line, while a chunk stays within ``max_chars``;
    a heading (a line underlined with ``***``, ``===`` or ``---``) always starts a new chunk; a
    paragraph longer than ``max_chars`` is cut into ``max_chars`` pieces.

    Reference answer of notebook 02, exercise ``ex_chunk_by_structure``.

    >>> chunk_by_structure("Intro\\n=====\\n\\none\\n\\ntwo\\n\\nPart\\n====\\n\\nthree", max_chars=25)
    ['Intro\\n=====\\n\\none\\n\\ntwo', 'Part\\n====\\n\\nthree']
    """
    chunks: list[str] = []
    current = ""
    for para in re.split(r"\n[ \t]*\n", text):
        para = para.strip("\n")
        if not para.strip():
            continue
        if is_heading(para) and current:
            chunks.append(current)
            current = ""
        pieces = chunk_fixed(para, max_chars) if len(para) > max_chars else [para]
        for piece in pieces:
            if current and len(current) + 2 + len(piece) <= max_chars:
                current += "\n\n" + piece
            else:
                if current:
                    chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def locate_chunks(text: str, chunks: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of each chunk in ``text`` (chunks in document order).

    Found by the chunk's first 40 characters, searched from the previous chunk's start, so it also
    works for chunks whose paragraph separators were rewritten.

    >>> locate_chunks("abcdefghij", ["abcd", "defg", "ghij"])
    [(0, 4), (3, 7), (6, 10)]
    """
    spans, pos = [], 0
    for chunk in chunks:
        start = text.find(chunk[:40], pos)
        if start < 0:
            start = pos
        spans.append((start, min(len(text), start + len(chunk))))
        pos = start + 1
    return spans


def covered_ids(chunk_span: tuple[int, int], unit_spans: dict[str, tuple[int, int]]) -> list[str]:
    """Ids of the labelled units (passages) that a chunk covers: overlap >= half the smaller of the two.

    >>> covered_ids((0, 100), {"p0": (0, 60), "p1": (60, 300)})
    ['p0']
    """
    a, b = chunk_span
    out = []
    for uid, (s, e) in unit_spans.items():
        overlap = min(b, e) - max(a, s)
        if overlap > 0 and overlap >= 0.5 * min(b - a, e - s):
            out.append(uid)
    return out
