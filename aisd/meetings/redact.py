"""Personal data out of a transcript before it leaves the machine (to a hosted LLM, a ticket, an email).

Three kinds, each found by a rule a reviewer can read:

- **emails**, written (``rachel.moreno@northwind.example``) or as speech recognisers write spoken
  ones (``rachel dot moreno at northwind dot example``);
- **phone numbers**: seven or more digits in a run of digits, spaces, dots, dashes or brackets
  (an ISO date or an amount like ``42,000`` is not a phone number);
- **names of people outside the team**: two or more capitalised words in a row that are neither
  team members nor in the meeting's glossary of products, places and companies (capitalised
  words at a sentence start alone are not names; a lone first name is missed: measure it).

Rules miss what they were not written for, so :func:`evaluate` measures them on planted examples.

>>> text = "Call Dana Whitfield on 555 0142 or dana@example.com. Priya will ask Atlas support."
>>> redact(text, team=["Priya"], glossary=["Atlas"]).text
'Call [NAME] on [PHONE] or [EMAIL]. Priya will ask Atlas support.'
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from aisd.core.errors import AisdError

_EMAIL = re.compile(
    r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"                                        # written
    r"|\b\w+(?:(?:\s+dot\s+|\.)\w+)*\s+at\s+(?:\w+\s+){0,2}?\w+(?:(?:\s+dot\s+|\.)\w+)*(?:\s+dot\s+|\.)"
    r"(?:com|org|net|io|example|co|uk|de|edu)\b",                             # spoken / half spoken
    re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w-])\+?\(?\d[\d\s().-]{5,}\d(?![\w-])")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b")
PLACEHOLDER = {"email": "[EMAIL]", "phone": "[PHONE]", "name": "[NAME]"}
COMMON = set("""I The A An And But So Then Yes No Okay Ok Good Great Thanks Thank Please Sorry Right Also
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
August September October November December Q1 Q2 Q3 Q4 Mr Mrs Ms Dr Call Ask Send Email Tell Meet Contact
Invite Welcome Dear Hi Hello""".split())


class RedactionError(AisdError):
    """Bad input to redaction (not text, or a planted example that is not in its text)."""


@dataclass
class Redacted:
    text: str                                     # the text with placeholders
    found: list[dict] = field(default_factory=list)   # {"kind", "text", "start", "end"} in the original


def _names(text: str, allowed: set[str]) -> list[tuple[int, int]]:
    spans = []
    for m in _NAME.finditer(text):
        words = re.split(r"[ -]", m.group())
        keep = [w for w in words if w not in COMMON]
        at_sentence_start = re.search(r"(^|[.!?]\s+)$", text[:m.start()]) is not None
        if at_sentence_start and len(keep) >= 3 and keep[0] == words[0]:
            keep = keep[1:]                     # "Yesterday Dana Whitfield called": the first word is not her name
        if len(keep) < 2 or any(w in allowed for w in keep):
            continue
        start = m.start() + m.group().index(keep[0])
        spans.append((start, m.end()))
    return spans


def _contact_spans(text: str) -> list[tuple[str, int, int]]:
    """``[(kind, start, end)]`` of the emails and phone numbers in ``text``, used by :func:`redact_contacts`
    and :func:`find`.

    Part of the reference answer of notebook 10, exercise ``ex_redact_contacts``.
    """
    spans = [("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    masked = _ISO_DATE.sub(lambda d: "D" * len(d.group()), text)     # a date is not part of a phone number
    for m in _PHONE.finditer(masked):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) >= 7 and not _DATE.match(m.group().strip()):
            spans.append(("phone", m.start(), m.end()))
    return spans


def redact_contacts(text):
    """``text`` with every email (written, or spoken as ASR writes it: ``ana at lisboa events dot
    example``) replaced by ``[EMAIL]`` and every phone number (seven or more digits in a run of
    digits, spaces, dots, dashes, brackets and a leading ``+``) by ``[PHONE]``; dates, amounts,
    times and counts stay.

    Reference answer of notebook 10, exercise ``ex_redact_contacts``.

    >>> redact_contacts("Call 415 555 0199 or ana at lisboa events dot example by 2026-03-20 (42,000 dollars).")
    'Call [PHONE] or [EMAIL] by 2026-03-20 (42,000 dollars).'
    """
    if not isinstance(text, str):
        raise RedactionError(f"expected text, got {type(text).__name__}")
    spans = sorted(_contact_spans(text), key=lambda s: (s[1], -(s[2] - s[1])))
    pieces, at = [], 0
    for kind, start, end in spans:
        if start >= at:
            pieces += [text[at:start], PLACEHOLDER[kind]]
            at = end
    return "".join(pieces + [text[at:]])


def find(text: str, team: list[str] = (), glossary: list[str] = ()) -> list[dict]:
    """The personal data found in ``text``: ``[{"kind", "text", "start", "end"}]``, in order, not overlapping.

    >>> [f["kind"] for f in find("Mail tom.becker@talentbridge.com or call 415 555 0199 on 2026-03-20.")]
    ['email', 'phone']
    """
    if not isinstance(text, str):
        raise RedactionError(f"expected text, got {type(text).__name__}")
    allowed = {w for phrase in list(team) + list(glossary) for w in phrase.split()}
    spans = _contact_spans(text) + [("name", s, e) for s, e in _names(text, allowed)]
    spans.sort(key=lambda s: (s[1], -(s[2] - s[1])))
    out, last_end = [], -1
    for kind, s, e in spans:
        if s >= last_end:
            out.append({"kind": kind, "text": text[s:e], "start": s, "end": e})
            last_end = e
    return out


def redact(text: str, team: list[str] = (), glossary: list[str] = ()) -> Redacted:
    """``text`` with each personal datum replaced by ``[EMAIL]``, ``[PHONE]`` or ``[NAME]``."""
    found = find(text, team, glossary)
    pieces, at = [], 0
    for f in found:
        pieces += [text[at:f["start"]], PLACEHOLDER[f["kind"]]]
        at = f["end"]
    return Redacted("".join(pieces + [text[at:]]), found)


def evaluate(cases: list[dict]) -> dict:
    """Recall and precision of :func:`find` on planted examples.

    Each case is ``{"text", "planted": [{"text", "kind"}], "team": [...], "glossary": [...]}``.
    A planted item counts as caught when redaction covers all of it; a found span counts as
    correct when it overlaps some planted item. Returns overall and per-kind figures, and the
    misses and false alarms themselves (read them: they say which rule to improve).

    >>> evaluate([{"text": "Ask Dana Whitfield.", "planted": [{"text": "Dana Whitfield", "kind": "name"}]}])["recall"]
    1.0
    """
    caught = planted_total = correct = found_total = 0
    per_kind: dict[str, list[int]] = {}
    misses, false_alarms = [], []
    for case in cases:
        text = case["text"]
        found = find(text, case.get("team", ()), case.get("glossary", ()))
        planted_spans = []
        for p in case["planted"]:
            s = text.find(p["text"])
            if s < 0:
                raise RedactionError(f"planted {p['text']!r} is not in its text {text[:60]!r}")
            planted_spans.append((s, s + len(p["text"])))
            hit = any(f["start"] <= s and f["end"] >= s + len(p["text"]) for f in found)
            caught += hit
            planted_total += 1
            per_kind.setdefault(p["kind"], [0, 0])
            per_kind[p["kind"]][0] += hit
            per_kind[p["kind"]][1] += 1
            if not hit:
                misses.append(p["text"])
        for f in found:
            found_total += 1
            if any(f["start"] < e and s < f["end"] for s, e in planted_spans):
                correct += 1
            else:
                false_alarms.append(f["text"])
    return {"recall": caught / planted_total if planted_total else 1.0,
            "precision": correct / found_total if found_total else 1.0,
            "per_kind_recall": {k: hit / n for k, (hit, n) in sorted(per_kind.items())},
            "misses": misses, "false_alarms": false_alarms}


def planted_cases(path: str | Path | None = None) -> list[dict]:
    """The planted examples of ``datasets/meetings/redaction_cases.json`` (sentences with and
    without personal data, and the meetings' own planted items)."""
    from aisd.meetings.data import FOLDER

    return json.loads(Path(path or FOLDER / "redaction_cases.json").read_text(encoding="utf-8"))["cases"]
