"""Structure-aware chunking of legal text: law > chapter > article > paragraph > point, each chunk
carrying its citation path ("GDPR Art. 83(5)(a)") and an id built from the same path ("gdpr/83/5/a").

The source keeps no line breaks, so the structure is read from the numbering itself: numbered
paragraphs ``1.``, ``2.``, ... must come in order after the end of a sentence, points ``(a)``, ``(b)``,
... (or ``(1)``, ``(2)``, ... in definitions) in order after a colon or semicolon; numbering out of order
is text (``in Article 4. 2.`` is not paragraph 2 unless paragraph 1 came before it).

>>> p = parse_article("Fines 1. Fines shall be dissuasive. 2. Fines apply to: (a) controllers; (b) processors.")
>>> p.title, [(u.label, u.text) for u in p.units]
('Fines', [('1', 'Fines shall be dissuasive.'), ('2', 'Fines apply to: (a) controllers; (b) processors.')])
>>> [(q.label, q.text) for q in p.units[1].points]
[('a', 'controllers;'), ('b', 'processors.')]
"""
from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from aisd.legal.data import FOLDER, LAWS, Article, LegalDataError, load_articles

#: Words that open the body of an article whose title is not followed by a numbered paragraph: the
#: source runs title and body together ("AI literacy Providers and deployers ... shall"), so the body
#: starts at the first of these (checked on every such article of the corpus: tests/library/legal/test_legal_chunking.py).
BODY_OPENERS = re.compile(
    r"(?<!\bto)(?<!\bof)(?<!\bwith) (?=(?:For the purposes|This (?:Regulation|Directive)|The |Any |Each |In (?:relation|order|Article|Annex|Part|"
    r"Regulation|Directive)|Member States|Personal data|Processing of|By (?:\d|way)|Without prejudice|Where |"
    r"Providers|Conformity assessment bodies|Article \d+ of|Directive \(EU\) \d|Directive \d|Regulation \((?:EU|EC)\) "
    r"(?:No )?\d+/\d+ (?:is|shall)|International agreements|Products with|An importer|Taking into account|"
    r"Financial entities|Operational or security))")


@dataclass
class Unit:
    """A numbered paragraph or a point: its label ("5", "a", "12") and its text; points nested."""
    label: str
    text: str
    points: list["Unit"] = field(default_factory=list)
    lead: str = ""          # the text before the first point ("... fines up to 20 000 000 EUR ...:")


@dataclass
class ParsedArticle:
    title: str
    units: list[Unit]       # numbered paragraphs; or, in an article without them, its points
    lead: str               # body text before the first unit (the whole body if there are none)
    numbered: bool          # units are numbered paragraphs (else points or nothing)


@dataclass
class Chunk:
    """One retrievable unit with where it sits in the law."""
    id: str                 # "gdpr/83/5/a"
    citation: str           # "GDPR Art. 83(5)(a)"
    law: str                # "gdpr"
    article: int
    path: tuple[str, ...]   # ("5", "a")
    title: str              # the article's title
    chapter: str
    section: str
    text: str

    def header(self) -> str:
        """What is indexed before the text: where the chunk sits, in words."""
        return " > ".join(x for x in (LAWS[self.law].name, self.chapter, self.section,
                                      f"Art. {self.article} {self.title}".strip()) if x)


def _sequence(text: str, pattern: str, labels: list[str], start: int = 0) -> list[tuple[int, int, str]]:
    """Find ``labels`` in order: for each, the first match of ``pattern`` (with ``{}`` for the label) after
    the previous one. Returns ``(start, end_of_marker, label)``; stops at the first label not found."""
    found, pos = [], start
    for label in labels:
        m = re.compile(pattern.format(re.escape(label))).search(text, pos)
        if not m:
            break
        found.append((m.start(), m.end(), label))
        pos = m.end()
    return found


_PARA = r"(?:^|(?<=[.;:’”)])\s)({})\.\s(?=[A-Z‘(“])"
_POINT = r"(?:(?<=[:;])|(?<=[:;] and)|(?<=[:;] or)|(?<=[:;] and/or)|(?<=[:;] and/or))\s\(({})\)\s"
_DIGITS = [str(i) for i in range(1, 120)]
_LETTERS = list(string.ascii_lowercase)


def _split(text: str, marks: list[tuple[int, int, str]]) -> tuple[str, list[Unit]]:
    if not marks:
        return text.strip(), []
    lead = text[:marks[0][0]].strip()
    units = []
    for n, (s, e, label) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(text)
        units.append(Unit(label, text[e:end].strip()))
    return lead, units


def split_points(text: str) -> tuple[str, list[Unit]]:
    """Split text at its points ``(a) (b) ...`` or ``(1) (2) ...`` (whichever comes first, in order).

    >>> split_points("Fines apply to: (a) controllers; (b) processors.")
    ('Fines apply to:', [Unit(label='a', text='controllers;', points=[], lead=''), Unit(label='b', text='processors.', points=[], lead='')])
    """
    letters = _sequence(text, _POINT, _LETTERS)
    digits = _sequence(text, _POINT, _DIGITS)
    if letters and digits:
        marks = letters if letters[0][0] < digits[0][0] else digits
    else:
        marks = letters or digits
    for n, (start, end, label) in enumerate(marks):     # "(h) ... following: (i) ...": roman sub-points of (h)
        if label == "i" and n and text[:start].rstrip().endswith(":"):
            marks = marks[:n]
            break
    return _split(text, marks)


def split_title(text: str) -> tuple[str, str]:
    """An article's title and body, run together by the source: the body starts at paragraph ``1.`` or,
    in an unnumbered article, at the first :data:`BODY_OPENERS` word.

    >>> split_title("AI literacy Providers and deployers of AI systems shall take measures")
    ('AI literacy', 'Providers and deployers of AI systems shall take measures')
    >>> split_title("Right to rectification The data subject shall have the right")
    ('Right to rectification', 'The data subject shall have the right')
    """
    m = re.search(r"\s1\.\s(?=[A-Z‘(“])", text)
    opener = BODY_OPENERS.search(text)
    if m and (not opener or m.start() <= opener.start() or m.start() < 250):
        return text[:m.start()].strip(), text[m.start():].strip()
    if opener and opener.start() < 250:
        return text[:opener.start()].strip(), text[opener.start():].strip()
    return "", text.strip()


def parse_article(text: str) -> ParsedArticle:
    """Title, lead and units (numbered paragraphs, each split into its points) of an article's text.

    >>> p = parse_article("Definitions For the purposes of this Regulation: (1) ‘x’ means a; (2) ‘y’ means b.")
    >>> p.title, p.lead, p.numbered, [u.label for u in p.units]
    ('Definitions', 'For the purposes of this Regulation:', False, ['1', '2'])
    """
    title, body = split_title(text)
    marks = _sequence(body, _PARA, _DIGITS)
    if marks:
        lead, units = _split(body, marks)
        for unit in units:
            unit.lead, unit.points = split_points(unit.text)
        return ParsedArticle(title, units, lead, True)
    lead, points = split_points(body)
    return ParsedArticle(title, points, lead, False)


def citation_of(law: str, article: int, path: tuple[str, ...] = ()) -> str:
    """The citation string of a place in a law.

    >>> citation_of("gdpr", 83, ("5", "a")), citation_of("aiact", 3), citation_of("aiact", 3, ("1",))
    ('GDPR Art. 83(5)(a)', 'AI Act Art. 3', 'AI Act Art. 3(1)')
    """
    return f"{LAWS[law].name} Art. {article}" + "".join(f"({p})" for p in path)


def chunk_id(law: str, article: int, path: tuple[str, ...] = ()) -> str:
    """The id of a chunk: ``law/article[/paragraph[/point]]``.

    >>> chunk_id("gdpr", 83, ("5", "a"))
    'gdpr/83/5/a'
    """
    return "/".join([law, str(article), *path])


def chunk_article(article: Article, level: str = "paragraph", max_chars: int = 1500) -> list[Chunk]:
    """Chunks of one article at ``level``: ``"article"`` (one chunk), ``"paragraph"`` (one per numbered
    paragraph, or per point in an article without paragraphs; a paragraph over ``max_chars`` is split
    into its lead and its points), or ``"point"`` (every point apart, leads apart).

    The article's title goes into every chunk's :meth:`Chunk.header`, not its text, so a quote from
    the text can be checked verbatim against ``chunk.text``.

    >>> art = Article("gdpr", 8, "Child's consent 1. Consent at 16. 2. Verify: (a) age; (b) parent.", "", "", False)
    >>> [(c.id, c.citation, c.text) for c in chunk_article(art)]
    [('gdpr/8/1', 'GDPR Art. 8(1)', 'Consent at 16.'), ('gdpr/8/2', 'GDPR Art. 8(2)', 'Verify: (a) age; (b) parent.')]
    >>> [c.id for c in chunk_article(art, "point")]
    ['gdpr/8/1', 'gdpr/8/2', 'gdpr/8/2/a', 'gdpr/8/2/b']
    """
    if level not in ("article", "paragraph", "point"):
        raise LegalDataError(f"level must be 'article', 'paragraph' or 'point', not {level!r}")
    parsed = parse_article(article.text)

    def make(path: tuple[str, ...], text: str) -> Chunk:
        return Chunk(chunk_id(article.law, article.number, path), citation_of(article.law, article.number, path),
                     article.law, article.number, path, parsed.title, article.chapter, article.section, text)

    body = article.text[len(parsed.title):].strip() if parsed.title else article.text
    if level == "article" or not parsed.units:
        return [make((), body)]
    chunks = [make((), parsed.lead)] if parsed.lead and parsed.numbered else []
    lead_of_points = parsed.lead if not parsed.numbered else ""
    for unit in parsed.units:
        split = unit.points and (level == "point" or len(unit.text) > max_chars)
        if not parsed.numbered:          # the units are points of the article itself
            chunks.append(make((unit.label,), unit.text))
        elif not split:
            chunks.append(make((unit.label,), unit.text))
        else:
            if unit.lead:
                chunks.append(make((unit.label,), unit.lead))
            chunks.extend(make((unit.label, p.label), p.text) for p in unit.points)
    if lead_of_points:
        chunks.insert(0, make((), lead_of_points))
    return chunks


def chunk_laws(articles: list[Article] | None = None, level: str = "paragraph", max_chars: int = 1500) -> list[Chunk]:
    """Every article chunked with :func:`chunk_article` (the whole corpus by default).

    >>> len(chunk_laws(level="article"))         # doctest: +SKIP
    401
    """
    return [c for a in (articles if articles is not None else load_articles())
            for c in chunk_article(a, level, max_chars)]


def write_corpus(path: str | Path | None = None, level: str = "paragraph", max_chars: int = 1500) -> int:
    """Write the chunks as BEIR ``corpus.jsonl`` (``_id``, ``title`` = header, ``text``, ``metadata``); returns
    how many. ``python -m aisd.legal.chunking`` rewrites ``datasets/eu_law_qa/corpus.jsonl``.

    >>> write_corpus("/tmp/corpus.jsonl")          # doctest: +SKIP
    2387
    """
    path = Path(path or FOLDER / "corpus.jsonl")
    chunks = chunk_laws(level=level, max_chars=max_chars)
    with open(path, "w", encoding="utf-8") as f:
        for c in chunks:
            row = {"_id": c.id, "title": c.header(), "text": c.text,
                   "metadata": {"citation": c.citation, "law": c.law, "article": c.article,
                                "path": list(c.path), "chapter": c.chapter, "section": c.section}}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(chunks)


if __name__ == "__main__":
    print(f"wrote {write_corpus()} chunks to {FOLDER / 'corpus.jsonl'}")
