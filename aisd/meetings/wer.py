"""Word error rate: how many word edits turn the reference transcript into what the recogniser heard.

WER = (substitutions + deletions + insertions) / words in the reference, counted by the minimum
edit distance over words (Levenshtein). It can exceed 1 (a recogniser that hallucinates). What
counts as "the same word" is decided *before* counting, by :func:`wer_words`: case, punctuation
and number formats ("sixteenth" vs "16th", "forty two thousand" vs "42,000") would otherwise
dominate the score, since whisper writes digits where a script spells numbers out.

>>> wer("the launch is on march sixteenth", "the launch is on March 16th.")
0.0
>>> wer("update the release notes", "update the release of notes")
0.25
>>> counts("a b c", "a x c d")
{'substitutions': 1, 'deletions': 0, 'insertions': 1, 'hits': 2, 'reference_words': 3}
"""
from __future__ import annotations

import re

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_ORDINALS = {"first": "one", "second": "two", "third": "three", "fourth": "four", "fifth": "five",
             "sixth": "six", "seventh": "seven", "eighth": "eight", "ninth": "nine", "tenth": "ten",
             "eleventh": "eleven", "twelfth": "twelve", "thirteenth": "thirteen", "fourteenth": "fourteen",
             "fifteenth": "fifteen", "sixteenth": "sixteen", "seventeenth": "seventeen",
             "eighteenth": "eighteen", "nineteenth": "nineteen", "twentieth": "twenty", "thirtieth": "thirty"}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_SMALL = {w: i for i, w in enumerate(_UNITS)} | _TENS


def _numbers_to_digits(words: list[str]) -> list[str]:
    """Runs of number words become one number in digits: ``forty two thousand`` -> ``42000``."""
    out, total, current, in_number = [], 0, 0, False

    def flush():
        nonlocal total, current, in_number
        if in_number:
            out.append(str(total + current))
        total, current, in_number = 0, 0, False

    for word in words:
        word = _ORDINALS.get(word, word)
        if word in _SMALL:
            value = _SMALL[word]
            # "two fifteen" is two numbers (a time); "forty two" is one
            if in_number and current and not (current % 100 >= 20 and current % 10 == 0 and value < 10):
                flush()
            current += value
            in_number = True
        elif word in _SCALES and in_number:
            if _SCALES[word] == 100:
                current *= 100
            else:
                total += current * _SCALES[word]
                current = 0
        else:
            flush()
            out.append(word)
    flush()
    return out


def wer_words(text: str) -> list[str]:
    """Lower-case words with punctuation gone and numbers as digits (the same rule for both sides).

    >>> wer_words("Forty-two thousand dollars, i.e. $42,000 on March 16th; 75% or seventy five percent.")
    ['42000', 'dollars', 'i', 'e', '42000', 'dollars', 'on', 'march', '16', '75', 'percent', 'or', '75', 'percent']
    >>> wer_words("Her number is 555 0142.") == wer_words("her number is five five five zero one four two")
    False
    >>> wer_words("Her number is 555-0142.")
    ['her', 'number', 'is', '5550142']
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a transcript as a string, got {type(text).__name__}")
    text = text.lower()
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)                       # 42,000 -> 42000
    text = re.sub(r"\$\s?(\d+)", r"\1 dollars", text)                   # $42000 -> 42000 dollars
    text = text.replace("%", " percent")
    text = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", text)                 # 16th -> 16
    text = re.sub(r"(?<=\d)[ -](?=\d)", "", text)                      # 555-0142, 555 0142 -> 5550142
    text = re.sub(r"[^a-z0-9']+", " ", text).replace(" '", " ").replace("' ", " ")
    return _numbers_to_digits(text.split())


def edit_distance(reference: list[str], hypothesis: list[str]) -> tuple[int, int, int, int]:
    """``(substitutions, deletions, insertions, hits)`` of a minimum-edit alignment of two word lists.

    Part of the reference answer of notebook 10, exercise ``ex_word_error_rate``.

    >>> edit_distance(["a", "b", "c"], ["a", "c"])
    (0, 1, 0, 2)
    """
    n, m = len(reference), len(hypothesis)
    # cost[i][j]: (edits, subs, dels, ins) to turn reference[:i] into hypothesis[:j]
    prev = [(j, 0, 0, j) for j in range(m + 1)]
    for i in range(1, n + 1):
        row = [(i, 0, i, 0)]
        for j in range(1, m + 1):
            if reference[i - 1] == hypothesis[j - 1]:
                best = prev[j - 1]
            else:
                s, d, ins = prev[j - 1], prev[j], row[j - 1]
                best = min((s[0] + 1, s[1] + 1, s[2], s[3]),
                           (d[0] + 1, d[1], d[2] + 1, d[3]),
                           (ins[0] + 1, ins[1], ins[2], ins[3] + 1))
            row.append(best)
        prev = row
    _, subs, dels, ins = prev[m]
    return subs, dels, ins, n - subs - dels


def word_error_rate(reference, hypothesis):
    """WER of two already-normalised transcripts, words split at whitespace (no other normalisation):
    the fewest substitutions, deletions and insertions over the number of reference words, as
    ``jiwer.wer`` counts them. Both empty: 0.0; an empty reference with words heard: the number of
    words heard (every one is an insertion; jiwer divides by at least 1).

    Reference answer of notebook 10, exercise ``ex_word_error_rate``.

    >>> word_error_rate("the launch moves to march", "the lunch moves to march 16")
    0.4
    """
    ref, hyp = reference.split(), hypothesis.split()
    subs, dels, ins, _ = edit_distance(ref, hyp)
    return (subs + dels + ins) / max(1, len(ref))


def counts(reference: str, hypothesis: str) -> dict:
    """The edit counts behind :func:`wer`, after :func:`wer_words`."""
    ref, hyp = wer_words(reference), wer_words(hypothesis)
    subs, dels, ins, hits = edit_distance(ref, hyp)
    return {"substitutions": subs, "deletions": dels, "insertions": ins, "hits": hits, "reference_words": len(ref)}


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of ``hypothesis`` against ``reference`` (both normalised by :func:`wer_words`).

    >>> wer("", "")
    0.0
    >>> wer("hello", "")
    1.0
    """
    c = counts(reference, hypothesis)
    errors = c["substitutions"] + c["deletions"] + c["insertions"]
    if c["reference_words"] == 0:
        return 0.0 if errors == 0 else float("inf")
    return errors / c["reference_words"]


def corpus_wer(pairs: list[tuple[str, str]]) -> float:
    """WER over many ``(reference, hypothesis)`` pairs: all errors over all reference words
    (not the mean of per-meeting WERs, which would weigh a short meeting like a long one).

    >>> corpus_wer([("a b c d", "a b c d"), ("a b", "a x")])
    0.16666666666666666
    """
    errors = words = 0
    for reference, hypothesis in pairs:
        c = counts(reference, hypothesis)
        errors += c["substitutions"] + c["deletions"] + c["insertions"]
        words += c["reference_words"]
    return errors / words if words else 0.0
