"""The course's documentation corpus: Python's own reference topics, split into passages.

Every Python installs ``pydoc_data.topics``: the text that ``help("with")`` shows, extracted from the
Python Language Reference and Library Reference (licence: PSF License Agreement, see
``datasets/pydoc_qa/README.md``). It is real product documentation that needs no download.

``extract_passages()`` turns the topics into passages (the units that questions are labelled with):
each topic is split at its headings, and the paragraphs of a section are packed into passages of
at most ``max_chars`` characters. ``load_passages()`` reads the frozen copy committed in
``datasets/pydoc_qa/corpus.jsonl`` (so labels stay valid on any Python 3.11.x), and
``write_corpus()`` regenerates that copy.

>>> passages = extract_passages(topics=["pass"])
>>> passages[0]["_id"], passages[0]["title"]
('pass/0', 'The "pass" statement')
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from aisd.core import paths
from aisd.toolkit.retrieval.chunking import is_heading_line

# Topics left out because their text is contained in another topic (the aggregate pages
# "compound" and "specialnames", "else" == "if", ...) or because they are large and off the
# support theme (the pdb manual, the type hierarchy). Measured: no kept topic shares more than
# 30 % of its long paragraphs with another kept one.
EXCLUDED_TOPICS = (
    "compound", "specialnames", "else", "naming", "dynamic-features", "exceptions", "augassign",
    "id-classes", "in", "typesseq-mutable", "debugger", "types",
)

DATASET_DIR = paths.DATASETS / "pydoc_qa"


def topic_names() -> list[str]:
    """The pydoc topics the corpus is built from, sorted.

    >>> "with" in topic_names() and "compound" not in topic_names()
    True
    """
    from pydoc_data.topics import topics

    return sorted(k for k in topics if k not in EXCLUDED_TOPICS)


def split_sections(text: str) -> list[tuple[str, str]]:
    """Split reStructuredText-like plain text at its headings (a line underlined by ``***``/``===``/``---``).

    Returns ``[(heading, body), ...]`` in order; text before the first heading gets heading ``""``.

    >>> split_sections("Title\\n*****\\n\\nintro\\n\\nPart\\n====\\n\\nbody")
    [('Title', 'intro'), ('Part', 'body')]
    """
    lines = text.split("\n")
    sections: list[tuple[str, list[str]]] = [("", [])]
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if is_heading_line(line, nxt):
            sections.append((line.strip(), []))
            i += 2
            continue
        sections[-1][1].append(line)
        i += 1
    out = [(h, "\n".join(body).strip()) for h, body in sections]
    return [(h, b) for h, b in out if b]


def pack_paragraphs(text: str, max_chars: int = 1000) -> list[str]:
    """Group the paragraphs of ``text`` (blank-line separated) into pieces of at most ``max_chars``.

    A paragraph longer than ``max_chars`` is cut at line ends (or hard, as a last resort).

    >>> pack_paragraphs("a\\n\\nb\\n\\nccc", max_chars=4)
    ['a\\n\\nb', 'ccc']
    """
    pieces: list[str] = []
    for para in (p.strip("\n") for p in re.split(r"\n\s*\n", text)):
        if not para.strip():
            continue
        while len(para) > max_chars:
            cut = para.rfind("\n", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            pieces.append(para[:cut])
            para = para[cut:].lstrip("\n")
        pieces.append(para)
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 2 + len(piece) <= max_chars:
            packed[-1] += "\n\n" + piece
        else:
            packed.append(piece)
    return packed


def extract_passages(topics: list[str] | None = None, max_chars: int = 1000) -> list[dict]:
    """Passages of the pydoc topics: ``[{"_id": "topic/n", "title": ..., "text": ...}, ...]``.

    ``title`` is the topic's title, then the section heading (``"Title > Section"``).

    >>> p = extract_passages(topics=["string-methods"])
    >>> any("str.removeprefix" in x["text"] for x in p)
    True
    """
    from pydoc_data.topics import topics as all_topics

    names = topics if topics is not None else topic_names()
    passages = []
    for name in names:
        sections = split_sections(all_topics[name])
        doc_title = sections[0][0] if sections else name
        n = 0
        for heading, body in sections:
            title = doc_title if heading in ("", doc_title) else f"{doc_title} > {heading}"
            for piece in pack_paragraphs(body, max_chars):
                passages.append({"_id": f"{name}/{n}", "title": title, "text": piece})
                n += 1
    return passages


def write_corpus(path: str | Path | None = None) -> Path:
    """Regenerate ``datasets/pydoc_qa/corpus.jsonl`` (BEIR layout) from this Python's pydoc topics."""
    path = Path(path) if path else DATASET_DIR / "corpus.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for p in extract_passages():
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    return path


def load_passages(path: str | Path | None = None) -> list[dict]:
    """The frozen corpus: the passages committed in ``datasets/pydoc_qa/corpus.jsonl``.

    >>> ps = load_passages()
    >>> ps[0].keys() >= {"_id", "title", "text"}
    True
    """
    path = Path(path) if path else DATASET_DIR / "corpus.jsonl"
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def documents() -> dict[str, str]:
    """The raw topic texts (before splitting), ``{topic: text}``, for the chunking experiments.

    >>> documents()["pass"].startswith('The "pass" statement')
    True
    """
    from pydoc_data.topics import topics

    return {k: topics[k] for k in topic_names()}


def passage_spans(text: str, passages: list[dict]) -> dict[str, tuple[int, int]]:
    """Character spans of a document's labelled passages (in order) in its raw ``text``: each passage
    runs from where its first 40 characters are found to where the next one starts.

    >>> passage_spans("aaa bbb ccc", [{"_id": "t/0", "text": "aaa"}, {"_id": "t/1", "text": "bbb ccc"}])
    {'t/0': (0, 4), 't/1': (4, 11)}
    """
    starts, pos = [], 0
    for p in passages:
        start = text.find(p["text"][:40], pos)
        starts.append(start if start >= 0 else pos)
        pos = starts[-1] + 1
    return {p["_id"]: (s, e) for p, s, e in zip(passages, starts, starts[1:] + [len(text)])}


if __name__ == "__main__":  # python -m aisd.rag.corpus  -> regenerates the frozen corpus
    print(write_corpus(), f"(Python {sys.version.split()[0]})")
