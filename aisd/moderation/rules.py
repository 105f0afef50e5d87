"""Stage 1 of the cascade: a blocklist, the normaliser that defeats cheap evasions, and the evasions.

Users who want a word through a filter write ``1d10t``, ``f u c k``, ``stuuupid`` or ``f.u.c.k``. A
normaliser maps each of those back to one canonical form, and the blocklist is normalised the same way,
so both sides meet (``kill`` becomes ``kil`` on both sides: repeated letters are collapsed everywhere).

>>> normalise("You're an 1d10t!!"), normalise("f u c k this"), normalise("sooo stuuupid")
('you re an idiot', 'fuck this', 'so stupid')
>>> blocklist_hits("what a stuuupid 1d10t"), blocklist_hits("what a stuuupid 1d10t", normaliser=plain)
(['idiot', 'stupid'], [])
>>> evade("you idiot", kind="spaced")
'you i d i o t'
"""
from __future__ import annotations

import functools
import random
import re

from aisd.core.errors import AisdError

# Digits and symbols that stand for letters (leetspeak). "!" is left out on purpose: "stupid!!" is common.
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}

# A small list of profanities and insults, as a trust-and-safety team would start one. Real lists are
# longer, per language and per policy, and owned by the policy team, not by engineers.
BLOCKLIST = (
    "fuck", "fucking", "fucked", "shit", "bitch", "bitches", "ass", "asshole", "dick", "cunt", "pussy",
    "bastard", "idiot", "idiots", "stupid", "moron", "morons", "retard", "retarded", "dumb", "whore",
    "slut", "crap", "damn", "loser", "scum", "trash", "liar", "hell",
)

EVASIONS = ("leet", "spaced", "dotted", "repeat", "misspelt")
_LEET_BACK = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "$", "t": "7"}


def normalise(text: str) -> str:
    """Canonical form of a text against evasions, in this order:

    1. lower case; 2. each character of :data:`LEET` replaced by its letter; 3. every character that is
    not ``a``-``z`` becomes a space, and runs of spaces become one (no space at either end);
    4. three or more single letters in a row, separated by single spaces, are joined (``f u c k`` ->
    ``fuck``); 5. a run of the same letter becomes one letter (``stuuupid`` -> ``stupid``, ``kill`` -> ``kil``).

    Reference answer of notebook 05, exercise ``ex_normalise``.

    >>> normalise("  F.U.C.K   off, @user!! 5h1t ")
    'fuck of auser shit'
    """
    if not isinstance(text, str):
        raise AisdError(f"normalise needs a string; got {type(text).__name__}")
    text = "".join(LEET.get(c, c) for c in text.lower())
    text = " ".join(re.sub(r"[^a-z]", " ", text).split())
    text = re.sub(r"\b[a-z](?: [a-z]){2,}\b", lambda m: m.group(0).replace(" ", ""), text)
    return re.sub(r"([a-z])\1+", r"\1", text)


def plain(text: str) -> str:
    """The naive form: lower case, non-letters to spaces (what a filter without a normaliser sees).

    >>> plain("You're an 1d10t!!")
    'you re an d t'
    """
    return " ".join(re.sub(r"[^a-z]", " ", text.lower()).split())


@functools.lru_cache(maxsize=64)
def _normalised_terms(terms: tuple, normaliser) -> tuple:
    return tuple((t, normaliser(t)) for t in sorted(set(terms)))


def blocklist_hits(text: str, terms=BLOCKLIST, normaliser=normalise) -> list[str]:
    """The terms whose normalised form is a word of the normalised text (sorted)."""
    words = set(normaliser(text).split())
    return [t for t, n in _normalised_terms(tuple(terms), normaliser) if n in words]


def _rewrite(word: str, kind: str, rng: random.Random) -> str:
    if kind == "leet":
        out = "".join(_LEET_BACK.get(c, c) for c in word)
        return out if out != word else word[0] + "*" + word[1:]
    if kind == "spaced":
        return " ".join(word)
    if kind == "dotted":
        return ".".join(word)
    if kind == "repeat":
        i = next((k for k, c in enumerate(word) if c in "aeiou"), len(word) - 1)
        return word[:i + 1] + word[i] * rng.randint(2, 4) + word[i + 1:]
    if kind == "misspelt":            # swap two letters in the middle: the normaliser cannot undo it
        if len(word) < 4:
            return word + word[-1] + "z"
        i = rng.randint(1, len(word) - 3)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    raise AisdError(f"kind must be one of {EVASIONS}; got {kind!r}")


def evade(text: str, kind: str, terms=BLOCKLIST, seed: int = 0) -> str:
    """The text with every blocklisted word rewritten by one evasion ``kind`` (see :data:`EVASIONS`);
    a text without such a word comes back unchanged. Seeded, so a rewrite is the same every run."""
    if kind not in EVASIONS:
        raise AisdError(f"kind must be one of {EVASIONS}; got {kind!r}")
    rng = random.Random(seed)
    targets = set(terms)
    return re.sub(r"[A-Za-z]+", lambda m: _rewrite(m.group(0).lower(), kind, rng)
                  if m.group(0).lower() in targets else m.group(0), text)
