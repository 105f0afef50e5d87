"""The quote verifier: an answer about the law may only quote what the cited provision says, word for word,
and may only cite provisions that were retrieved for it.

An answer cites in square brackets, by chunk id or citation ("[gdpr/83/5]", "[GDPR Art. 83(5)]"), and
quotes in double quotes ("..." or “...”). :func:`verify_answer` checks, sentence by sentence:

- every cited provision was retrieved (a citation of a point, ``gdpr/83/5/a``, is covered by its
  retrieved paragraph ``gdpr/83/5``: the point's words are in it);
- every quoted span occurs verbatim in one of the chunks the same sentence cites (whitespace and the
  shape of quote marks aside: ``'`` and ``’`` count as one);
- every number the sentence states outside its quotes (a deadline, an amount, an age) is a number of the cited
  text: a paraphrase that changes "72 hours" into "48 hours" fails even without quote marks;
- every sentence that states something cites (``require_citation``);
- with a ``support`` scorer (:class:`aisd.legal.support.SupportScorer`), every sentence is close enough in meaning
  to a chunk it cites: an unquoted claim citing a retrieved but unrelated provision fails.

:meth:`Verification.supported_text` keeps only the sentences that pass; when none is left the system
should abstain. :func:`quote_exactness` and :func:`citation_precision` are the metrics of a set of answers.

>>> chunks = {"gdpr/83/5": "fines up to 20 000 000 EUR, or in the case of an undertaking, up to 4 %"}
>>> v = verify_answer('The cap is "up to 20 000 000 EUR" [GDPR Art. 83(5)].', chunks)
>>> v.ok, v.cited, v.quotes_found
(True, ['gdpr/83/5'], 1)
>>> verify_answer('The cap is "up to 30 000 000 EUR" [gdpr/83/5].', chunks).problems
['quote not in the cited text: "up to 30 000 000 EUR"']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from aisd.legal.citations import ALIASES, CitationError, citation_from_id, parse_citation

_BRACKET = re.compile(r"\[([^\[\]]+)\]")
_QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "\u00a0": " "})


def verbatim_form(text: str) -> str:
    """Whitespace collapsed, curly single quotes made straight: what "verbatim" compares.

    >>> verbatim_form("the  ‘controller’\\n means")
    "the 'controller' means"
    """
    return " ".join(text.translate(_APOSTROPHES).split())


_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({w: 10 * n for n, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)})
_NUMBER_WORD = re.compile(r"\b(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")(?:-(" +
                          "|".join(w for w, n in _NUMBER_WORDS.items() if 0 < n < 10) + r"))?\b", re.IGNORECASE)
# What names a provision or an act rather than stating a number: "Article 33(1)", "paragraph 2", "point (a)",
# "Regulation (EU) 2016/679", "2022/2554".
_REFERENCE = re.compile(r"\b(?:Articles?|Art\.?|paragraphs?|points?|subparagraphs?|Chapters?|Sections?|Annex(?:es)?)"
                        r"\s*(?:\d+|[IVXL]+\b)?(?:\s?\([0-9a-z]+\))*|\b(?:Regulation|Directive|Decision)\s*\((?:EU|EC|EEC)\)"
                        r"\s*(?:No\s*)?\d+/\d+|\b\d{2,4}/\d+(?:/[A-Z]+)?", re.IGNORECASE)
# A law's name that holds a digit ("NIS2", "NIS 2 Directive") names the law, not a number.
_NAMED_LAW = re.compile("|".join(r"(?<!\w)" + re.escape(name) + r"(?!\w)" for names in ALIASES.values() for name in
                                 sorted(names, key=len, reverse=True) if re.search(r"\d", name)), re.IGNORECASE)
_GROUPED = re.compile(r"\b\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?![\d,])")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")


def numbers(text: str) -> set[str]:
    """The numbers a text states, as digits ("seventy-two" is "72", "20 000 000" and "20,000,000" are
    "20000000"), leaving out those that name a provision or an act ("Article 33(1)", "paragraph 2",
    "Regulation (EU) 2016/679").

    >>> sorted(numbers("Within seventy-two hours, fines of EUR 20 000 000 or 4 % [gdpr/83/5] under Article 83(5)."))
    ['20000000', '4', '72']
    >>> numbers("NIS2 Art. 6(6) and the NIS 2 Directive define it")
    set()
    """
    text = _BRACKET.sub(" ", text or "")
    text = _REFERENCE.sub(" ", _NAMED_LAW.sub(" ", text))
    text = _GROUPED.sub(lambda m: re.sub(r"\D", "", m.group(0)), text)
    text = _NUMBER_WORD.sub(lambda m: str(_NUMBER_WORDS[m.group(1).lower()] +
                                         (_NUMBER_WORDS[m.group(2).lower()] if m.group(2) else 0)), text)
    return {d.replace(",", ".") for d in _DIGITS.findall(text)}


def unquoted(sentence: str) -> str:
    """The sentence without its quoted spans and its bracketed citations: what it states in its own words.

    >>> unquoted('Notify within 48 hours: "not later than 72 hours" [gdpr/33/1].')
    'Notify within 48 hours: .'
    """
    return " ".join(_BRACKET.sub(" ", _QUOTE.sub(" ", sentence)).split())


def sentences(answer: str) -> list[str]:
    """The sentences of an answer, split at ``.``, ``!``, ``?`` or a line break, but never inside a quote or
    a bracket, nor after "Art." (citations hold full stops).

    >>> sentences('It says "fines. More" [GDPR Art. 83(5)]. Next one.')
    ['It says "fines. More" [GDPR Art. 83(5)].', 'Next one.']
    """
    out, start, depth, quote = [], 0, 0, None
    text = answer or ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"“":
            quote = "”" if ch == "“" else "\""
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch == "\n" or (ch in ".!?" and (i + 1 == len(text) or text[i + 1].isspace())
                                               and not text[max(0, i - 3):i].endswith("Art"))):
            piece = text[start:i + 1].strip()
            if piece:
                out.append(piece)
            start = i + 1
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def cited_ids(sentence: str, default_law: str | None = None) -> list[str]:
    """The chunk ids a sentence cites in square brackets (ids or citation strings; several may share a
    bracket, separated by ``;``). Brackets that are no citation are ignored.

    >>> cited_ids("See [gdpr/83/5; AI Act Art. 99(3)] and [note].")
    ['gdpr/83/5', 'aiact/99/3']
    """
    out = []
    for inside in _BRACKET.findall(sentence):
        for part in inside.split(";"):
            part = part.strip()
            try:
                cid = citation_from_id(part).id if "/" in part and " " not in part else \
                    parse_citation(part, default_law).id
            except CitationError:
                continue
            if cid not in out:
                out.append(cid)
    return out


def covering(cited: str, retrieved: Sequence[str]) -> str | None:
    """The retrieved chunk that holds a cited provision: the same id, or the nearest retrieved ancestor.

    Part of the reference answer of notebook 06, exercise ``ex_sentence_problems`` (off while it is graded).

    >>> covering("gdpr/83/5/a", ["gdpr/83/5"]), covering("gdpr/83", ["gdpr/83/5"])
    ('gdpr/83/5', None)
    """
    parts = cited.split("/")
    for depth in range(len(parts), 1, -1):
        prefix = "/".join(parts[:depth])
        if prefix in retrieved:
            return prefix
    return None


@dataclass
class SentenceCheck:
    sentence: str
    cited: list[str]
    quotes: list[str]
    problems: list[str] = field(default_factory=list)
    support: float | None = None      # similarity to the best cited chunk, when a support scorer was given

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Verification:
    checks: list[SentenceCheck]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def problems(self) -> list[str]:
        return [p for c in self.checks for p in c.problems]

    @property
    def cited(self) -> list[str]:
        return list(dict.fromkeys(i for c in self.checks for i in c.cited))

    @property
    def quotes(self) -> int:
        return sum(len(c.quotes) for c in self.checks)

    @property
    def quotes_found(self) -> int:
        return sum(len(c.quotes) - sum(p.startswith("quote not") for p in c.problems) for c in self.checks)

    def supported_text(self) -> str:
        """The answer with every failing sentence removed (``""``: nothing survives, so abstain)."""
        return " ".join(c.sentence for c in self.checks if c.ok)


def sentence_problems(sentence: str, retrieved: dict[str, str]) -> list[str]:
    """What is wrong with one sentence of an answer, given the chunks retrieved for it (``[]``: supported).

    It must cite (in square brackets) at least one provision, every cited provision must have been
    retrieved (itself, or the paragraph that holds a cited point: :func:`covering`), every quoted span
    must occur verbatim (:func:`verbatim_form`) in the text of one chunk the sentence cites, and every number it
    states in its own words (:func:`numbers` of :func:`unquoted`) must be a number of a chunk it cites. One
    problem per cited provision not retrieved, one for a sentence citing nothing, one per quote not found,
    one per number not found.

    Reference answer of notebook 06, exercise ``ex_sentence_problems``.

    >>> sentence_problems('Notify "within 72 hours" [gdpr/33/1].', {"gdpr/33/1": "not later than 72 hours"})
    ['quote not in the cited text: "within 72 hours"']
    >>> sentence_problems('Controllers must notify a breach within 48 hours [gdpr/33/1].', {"gdpr/33/1": "not later than 72 hours"})
    ['number not in the cited text: 48']
    """
    cited = cited_ids(sentence)
    problems, holders = [], []
    for cid in cited:
        holder = covering(cid, list(retrieved))
        if holder is None:
            problems.append(f"cites {cid}, which was not retrieved")
        else:
            holders.append(holder)
    if not cited:
        problems.append("no citation")
    for quote in (a or b for a, b in _QUOTE.findall(sentence)):
        if not any(verbatim_form(quote) in verbatim_form(retrieved[h]) for h in holders):
            problems.append(f'quote not in the cited text: "{quote}"')
    if holders:
        stated = set().union(*(numbers(retrieved[h]) for h in holders))
        for n in sorted(numbers(unquoted(sentence)) - stated):
            problems.append(f"number not in the cited text: {n}")
    return problems


def verify_answer(answer: str, retrieved: dict[str, str], require_citation: bool = True, support=None,
                  min_support: float = 0.0) -> Verification:
    """Check an answer against the chunks retrieved for it (``{id: text}``), sentence by sentence with
    :func:`sentence_problems`; see the module docstring. With ``support`` (a scorer with
    ``score(sentence, cited_ids)``, e.g. :class:`aisd.legal.support.SupportScorer`), a sentence whose best cited
    chunk scores under ``min_support`` also fails: its claim is not what the provision it cites is about.

    >>> verify_answer("Fines are high.", {"gdpr/83/5": "..."}).problems
    ['no citation']
    >>> verify_answer("Fines are high [gdpr/83/6].", {"gdpr/83/5": "..."}).problems
    ['cites gdpr/83/6, which was not retrieved']
    >>> class Unrelated:
    ...     def score(self, sentence, cited): return 0.1
    >>> verify_answer("Fines are high [gdpr/83/5].", {"gdpr/83/5": "..."}, support=Unrelated(), min_support=0.4).problems
    ['claim not supported by the cited text (similarity 0.10 < 0.40)']
    """
    checks = []
    for sentence in sentences(answer):
        if not re.search(r"\w", _BRACKET.sub("", sentence)):
            continue                                   # a bare citation line states nothing
        check = SentenceCheck(sentence, cited_ids(sentence), [a or b for a, b in _QUOTE.findall(sentence)])
        check.problems = [p for p in sentence_problems(sentence, retrieved) if require_citation or p != "no citation"]
        holders = [h for h in (covering(c, list(retrieved)) for c in check.cited) if h]
        if support is not None and holders:
            check.support = support.score(sentence, holders)
            if check.support < min_support:
                check.problems.append(f"claim not supported by the cited text (similarity {check.support:.2f} "
                                      f"< {min_support:.2f})")
        checks.append(check)
    return Verification(checks)


def quote_exactness(results: Sequence[Verification]) -> float:
    """Share of all quotes, over many answers, found verbatim in their cited text (1.0 when none quoted).

    >>> ctx = {"gdpr/1/1": "a b"}
    >>> quote_exactness([verify_answer('It says "a" [gdpr/1/1].', ctx), verify_answer('It says "c" [gdpr/1/1].', ctx)])
    0.5
    """
    total = sum(v.quotes for v in results)
    return sum(v.quotes_found for v in results) / total if total else 1.0


def citation_precision(results: Sequence[Verification], relevant: Sequence[set[str]]) -> float:
    """Share of cited provisions that are relevant (a cited id counts when it is, or lies inside or around,
    one of the question's relevant chunk ids). Answers citing nothing are skipped; 0.0 if none cite.

    >>> v = verify_answer("A [gdpr/83/5]. B [gdpr/6/1].", {"gdpr/83/5": "", "gdpr/6/1": ""})
    >>> citation_precision([v], [{"gdpr/83/5"}])
    0.5
    """
    hits = total = 0
    for v, rel in zip(results, relevant):
        for cid in v.cited:
            total += 1
            hits += any(cid == r or cid.startswith(r + "/") or r.startswith(cid + "/") for r in rel)
    return hits / total if total else 0.0
