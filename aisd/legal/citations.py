"""Citations: a citation string to its path and back, and the cross-references inside legal text.

A *citation* names a place in a law: ``GDPR Art. 83(5)(a)`` is law ``gdpr``, article 83, paragraph 5,
point (a); its chunk id is ``gdpr/83/5/a`` (:mod:`aisd.legal.chunking`). :func:`parse_citation` reads
the usual spellings ("Article 83(5)(a) GDPR", "Art. 6(1), point (a) of the AI Act"), and
:func:`format_citation` writes the one canonical form.

:func:`find_references` finds references in text ("Article 6(1)", "referred to in Article 50",
"Articles 9 and 10", "Articles 25 to 39", "paragraph 3", "Article 9(1) of Regulation (EU) 2016/679")
and :func:`resolve` turns them into chunk ids of the corpus, deepest existing first.

>>> parse_citation("GDPR Art. 83(5)(a)")
Citation(law='gdpr', article=83, path=('5', 'a'))
>>> format_citation(parse_citation("Article 6(1), point (c) of the AI Act"))
'AI Act Art. 6(1)(c)'
>>> [format_citation(r.citation) for r in find_references("as referred to in Articles 9 and 10", "aiact", 26)]
['AI Act Art. 9', 'AI Act Art. 10']
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from aisd.core.errors import AisdError
from aisd.legal.data import LAWS


class CitationError(AisdError, ValueError):
    """A citation string that names no known law or no article."""


@dataclass(frozen=True)
class Citation:
    law: str
    article: int
    path: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return "/".join([self.law, str(self.article), *self.path])


#: How each law is named in citations and in other laws' text (the last ones are the acts' numbers).
ALIASES = {
    "aiact": ["AI Act", "Artificial Intelligence Act", "AIA", "Regulation (EU) 2024/1689"],
    "gdpr": ["GDPR", "General Data Protection Regulation", "Regulation (EU) 2016/679"],
    "dora": ["DORA", "Digital Operational Resilience Act", "Regulation (EU) 2022/2554"],
    "nis2": ["NIS2", "NIS 2", "NIS2 Directive", "NIS 2 Directive", "Directive (EU) 2022/2555"],
    "cra": ["CRA", "Cyber Resilience Act", "Regulation (EU) 2024/2847"],
    "csrd": ["CSRD", "Corporate Sustainability Reporting Directive", "Directive (EU) 2022/2464"],
}
_ALIAS = {a.lower(): law for law, names in ALIASES.items() for a in names}
_LAW_NAMES = "|".join(sorted((re.escape(a) for a in _ALIAS), key=len, reverse=True))
_ART = r"(?:Article|Art\.?)\s*(\d+)((?:\s?\([0-9a-z]+\))*)(?:,?\s*(?:first|second|third|fourth|fifth)\s+subparagraph)?" \
       r"(?:,?\s*points?\s*\(([0-9a-z]+)\))?"


def format_citation(c: Citation) -> str:
    """The canonical citation string of ``c``.

    >>> format_citation(Citation("gdpr", 83, ("5", "a")))
    'GDPR Art. 83(5)(a)'
    """
    if c.law not in LAWS:
        raise CitationError(f"unknown law {c.law!r}; known: {', '.join(LAWS)}")
    return f"{LAWS[c.law].name} Art. {c.article}" + "".join(f"({p})" for p in c.path)


def citation_from_id(chunk_id: str) -> Citation:
    """The citation of a chunk id.

    >>> citation_from_id("gdpr/83/5/a")
    Citation(law='gdpr', article=83, path=('5', 'a'))
    """
    parts = chunk_id.split("/")
    if len(parts) < 2 or parts[0] not in LAWS or not parts[1].isdigit():
        raise CitationError(f"{chunk_id!r} is not a chunk id like 'gdpr/83/5/a'")
    return Citation(parts[0], int(parts[1]), tuple(parts[2:]))


def _path(brackets: str, point: str | None) -> tuple[str, ...]:
    path = tuple(re.findall(r"\(([0-9a-z]+)\)", brackets or ""))
    return path + ((point,) if point else ())


def citation_to_id(text: str, default_law: str | None = None) -> str:
    """The chunk id a citation names: "GDPR Art. 83(5)(a)", "Article 83(5), point (a) GDPR" -> ``gdpr/83/5/a``.

    The article is "Article N" or "Art. N", its paragraphs and points follow in brackets (or as
    ", point (x)"); the law may come before or after it, under any of its :data:`ALIASES` (any case);
    ``default_law`` is used when the text names none. Raises :class:`CitationError` (a ``ValueError``)
    when there is no article or no known law.

    Reference answer of notebook 06, exercise ``ex_citation_to_id``.

    >>> citation_to_id("Art. 6(1), point (c) of the AI Act"), citation_to_id("Art. 50", default_law="aiact")
    ('aiact/6/1/c', 'aiact/50')
    """
    m = re.search(_ART, text, flags=re.IGNORECASE)
    if not m:
        raise CitationError(f"no article in {text!r} (expected e.g. 'GDPR Art. 83(5)(a)')")
    rest = (text[:m.start()] + " " + text[m.end():]).lower()
    law = next((_ALIAS[a.lower()] for a in sorted(_ALIAS, key=len, reverse=True)
                if re.search(r"(?<![\w/])" + re.escape(a.lower()) + r"(?![\w/])", rest)), default_law)
    if law is None:
        raise CitationError(f"no known law in {text!r}; name one of: {', '.join(l.name for l in LAWS.values())}")
    return "/".join([law, str(int(m.group(1))), *_path(m.group(2), m.group(3))])


def parse_citation(text: str, default_law: str | None = None) -> Citation:
    """Read one citation: "GDPR Art. 83(5)(a)", "Article 83(5), point (a) GDPR", "art 6(1) of the AI Act".

    The law may come before or after the article; ``default_law`` is used when the text names none.
    Raises :class:`CitationError` (a ``ValueError``) when there is no article or no known law.

    >>> parse_citation("Article 4(1) GDPR").id
    'gdpr/4/1'
    >>> parse_citation("Art. 50", default_law="aiact").id
    'aiact/50'
    """
    return citation_from_id(citation_to_id(text, default_law))


@dataclass(frozen=True)
class Reference:
    """A reference found in text: where (``start``, ``end``), as written, and what it cites."""
    start: int
    end: int
    text: str
    citation: Citation


_OTHER_ACT = re.compile(r"\s*,?\s*of\s+(?:this\s+(?:Regulation|Directive)|(?:Council\s+|Commission\s+(?:Implementing\s+|Delegated\s+)?)?"
                        r"(?:Regulation|Directive|Decision|Recommendation)\s+(?:\((?:EU|EC|EEC|Euratom)\)\s+)?(?:No\s+)?"
                        r"(\d+/\d+(?:/[A-Z]+)?)|the\s+(?:TFEU|TEU|Charter)|(" + _LAW_NAMES + r")|(that)\s+(?:Regulation|Directive))")
_NUMBERED = {f"{a}": law for law, names in ALIASES.items() for a in names if "/" in a}
_ARTICLES = re.compile(r"\bArticles?\s+\d+(?:\s?\([0-9a-z]+\))*(?:(?:,\s*|\s+(?:and|or|to)\s+)\d+(?:\s?\([0-9a-z]+\))*)*"
                       r"(?:,?\s*(?:first|second|third|fourth|fifth)\s+subparagraph)?(?:,?\s*points?\s*\(([0-9a-z]+)\))?")
_PARAGRAPHS = re.compile(r"\bparagraphs?\s+(\d+(?:\s?\([0-9a-z]+\))*(?:(?:,\s*|\s+(?:and|or|to)\s+)\d+)*)(?!\s*of\s+Article)")


def _expand(listing: str) -> list[tuple[int, tuple[str, ...]]]:
    """"9(1), 10 and 25 to 27" -> [(9, ('1',)), (10, ()), (25, ()), (26, ()), (27, ())]."""
    out: list[tuple[int, tuple[str, ...]]] = []
    items = re.findall(r"(to\s+)?(\d+)((?:\s?\([0-9a-z]+\))*)", listing)
    for is_range, number, brackets in items:
        n = int(number)
        if is_range and out and out[-1][0] < n <= out[-1][0] + 60:
            out.extend((k, ()) for k in range(out[-1][0] + 1, n + 1))
        else:
            out.append((n, _path(brackets, None)))
    return out


def find_references(text: str, law: str, article: int | None = None) -> list[Reference]:
    """The references to articles (and, with ``article``, to its own paragraphs) in ``text``, a passage of
    ``law``. A reference to another act resolves to that law when it is one of the corpus's six
    ("Article 9 of Regulation (EU) 2016/679" -> GDPR) and is dropped otherwise (Regulation (EU) 2019/1020
    is not in the corpus).

    It reads an article's paragraphs and point as :func:`citation_to_id` does, so it is off while a notebook
    grades that exercise.

    Part of the reference answer of notebook 06, exercise ``ex_citation_to_id``.

    >>> [r.citation.id for r in find_references("referred to in Article 6(1), point (a)", "gdpr")]
    ['gdpr/6/1/a']
    >>> [r.citation.id for r in find_references("Article 5 of Regulation (EU) No 182/2011 shall apply", "aiact")]
    []
    >>> [r.citation.id for r in find_references("Article 9(1) of Regulation (EU) 2016/679 and Article 6 of that "
    ...                                            "Regulation", "aiact")]
    ['gdpr/9/1', 'gdpr/6']
    >>> [r.citation.id for r in find_references("in accordance with paragraph 2", "gdpr", 83)]
    ['gdpr/83/2']
    """
    refs: list[Reference] = []
    last_act: str | None = None          # the act "that Regulation" means: the last one named
    for m in _ARTICLES.finditer(text):
        target = law
        after = _OTHER_ACT.match(text, m.end())
        end = m.end()
        if after:
            end = after.end()
            if after.group(1):
                number = after.group(1)
                target = last_act = next((k for a, k in _NUMBERED.items() if a.endswith(number)), None)
            elif after.group(2):
                target = last_act = _ALIAS[after.group(2).lower()]
            elif after.group(3):
                target = last_act
        if target is None:
            continue
        listing = m.group(0).split(None, 1)[1]
        listing = re.split(r",?\s*(?:first|second|third|fourth|fifth)\s+subparagraph|,?\s*points?\s*\(", listing)[0]
        cited = _expand(listing)
        before = re.search(r"points?\s*\(([0-9a-z]+)\)\s+of\s+$", text[max(0, m.start() - 30):m.start()])
        point = m.group(1) or (before.group(1) if before else None)
        if point and len(cited) == 1:
            cited = [(cited[0][0], cited[0][1] + (point,))]
        refs.extend(Reference(m.start(), end, text[m.start():end], Citation(target, n, p)) for n, p in cited)
    if article is not None:
        for m in _PARAGRAPHS.finditer(text):
            if any(r.start <= m.start() < r.end for r in refs):
                continue
            for n, p in _expand(m.group(1)):
                refs.append(Reference(m.start(), m.end(), m.group(0), Citation(law, article, (str(n),) + p)))
    return sorted(refs, key=lambda r: r.start)


class ChunkIds:
    """The corpus's chunk ids, indexed by every prefix of their paths, so :func:`resolve` is a lookup.

    >>> ChunkIds(["gdpr/83/5", "gdpr/83/5/a"]).under["gdpr/83"]
    ['gdpr/83/5', 'gdpr/83/5/a']
    """

    def __init__(self, ids: Iterable[str]):
        self.ids = set(ids)
        self.under: dict[str, list[str]] = {}
        for i in sorted(self.ids, key=_order):
            parts = i.split("/")
            for depth in range(2, len(parts) + 1):
                self.under.setdefault("/".join(parts[:depth]), []).append(i)


def resolve(citation: Citation, ids: Iterable[str] | ChunkIds) -> list[str]:
    """The chunk ids a citation points to: the deepest id of the corpus on its path, or, when the
    citation names a whole article or paragraph that was split, every chunk under it. ``[]`` if the
    article is not in the corpus. Pass a :class:`ChunkIds` when resolving many.

    >>> ids = {"gdpr/83/1", "gdpr/83/5", "gdpr/83/5/a", "gdpr/83/5/b", "gdpr/4/1"}
    >>> resolve(Citation("gdpr", 83, ("5", "a", "ii")), ids), resolve(Citation("gdpr", 83, ("5",)), ids)
    (['gdpr/83/5/a'], ['gdpr/83/5', 'gdpr/83/5/a', 'gdpr/83/5/b'])
    >>> resolve(Citation("gdpr", 83), ids), resolve(Citation("gdpr", 99), ids)
    (['gdpr/83/1', 'gdpr/83/5', 'gdpr/83/5/a', 'gdpr/83/5/b'], [])
    """
    index = ids if isinstance(ids, ChunkIds) else ChunkIds(ids)
    full = citation.id
    if full in index.under:
        return list(index.under[full])
    parts = full.split("/")
    for depth in range(len(parts) - 1, 1, -1):
        prefix = "/".join(parts[:depth])
        if prefix in index.ids:
            return [prefix]
    return []


def _order(chunk_id: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in chunk_id.split("/")[1:])


def expand_with_references(ranked: list[str], texts: dict[str, str], k_extra: int = 3,
                           index: ChunkIds | None = None) -> list[str]:
    """``ranked`` followed by up to ``k_extra`` chunks the retrieved chunks refer to (in order, no repeats):
    what cross-reference resolution adds to a retrieved context. Pass ``index`` (a :class:`ChunkIds` of
    ``texts``) when expanding many rankings.

    >>> texts = {"gdpr/8/1": "Where point (a) of Article 6(1) applies", "gdpr/6/1/a": "consent"}
    >>> expand_with_references(["gdpr/8/1"], texts)
    ['gdpr/8/1', 'gdpr/6/1/a']
    """
    ids, out, extra = index or ChunkIds(texts), list(ranked), 0
    for cid in ranked:
        c = citation_from_id(cid)
        for ref in find_references(texts.get(cid, ""), c.law, c.article):
            for target in resolve(ref.citation, ids)[:1]:
                if target not in out and extra < k_extra:
                    out.append(target)
                    extra += 1
    return out
