"""The decisions of notebook 10, each graded by its outcome on the held-out meetings.

>>> rows = [{"setup": "fixed 5 s", "wer": 0.6, "delay_p95": 5.8, "rtf": 0.08},
...         {"setup": "window 6 s, step 1 s, hold 1 s", "wer": 0.5, "delay_p95": 2.6, "rtf": 0.35}]
>>> choose_caption_setup(rows, max_delay_s=3.0, max_rtf=0.6)
'window 6 s, step 1 s, hold 1 s'
>>> caption_delay_budget()[0]
3.0
"""
from __future__ import annotations

from aisd.meetings.system import REQUIREMENTS


def caption_delay_budget():
    """``(seconds, why)``: the p95 delay from a spoken word to its live caption that the design is held to,
    and the one-line reason an interviewer would accept.

    Reference answer of notebook 10, exercise ``ex_caption_delay_budget``.
    """
    budget = REQUIREMENTS["live_caption_delay_p95_s"]
    return budget.value, budget.why


def choose_caption_setup(rows, max_delay_s, max_rtf):
    """The streaming setup with the lowest WER among those whose p95 caption delay is within ``max_delay_s``
    and whose real-time factor is within ``max_rtf`` (ties: the cheaper, lower RTF); None when none fits.

    Reference answer of notebook 10, exercise ``ex_choose_caption_setup``.

    >>> choose_caption_setup([{"setup": "fixed 5 s", "wer": 0.5, "delay_p95": 9.0, "rtf": 0.1}], 8, 1) is None
    True
    """
    fits = [r for r in rows if r["delay_p95"] <= max_delay_s and r["rtf"] <= max_rtf]
    if not fits:
        return None
    return min(fits, key=lambda r: (r["wer"], r["rtf"]))["setup"]
