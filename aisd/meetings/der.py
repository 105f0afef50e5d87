"""Diarization error rate (DER): the share of reference speech time attributed to the wrong speaker,
missed, or invented.

Time is cut into frames (10 ms). In each frame the reference has some speakers and the system
some (anonymous) labels. Labels are first mapped one-to-one to reference speakers so that they
agree as much as possible (the Hungarian algorithm on the overlap matrix: a system cannot be
blamed for calling Priya "S2"). Then, summed over frames:

- missed speech: reference speakers beyond the number of system labels present;
- false alarm: system labels beyond the number of reference speakers present;
- confusion: speakers both sides count, but mapped to someone else;

DER = (missed + false alarm + confusion) / reference speech time. A ``collar`` (0.25 s is the
usual choice) ignores frames that close to a reference boundary, where even people disagree.

>>> ref = [{"speaker": "Priya", "start": 0, "end": 4}, {"speaker": "Ken", "start": 4, "end": 8}]
>>> hyp = [{"speaker": "S1", "start": 0, "end": 5}, {"speaker": "S2", "start": 5, "end": 8}]
>>> r = der(ref, hyp)
>>> round(r["der"], 3), r["mapping"]
(0.125, {'S1': 'Priya', 'S2': 'Ken'})
"""
from __future__ import annotations

import numpy as np

from aisd.core.errors import AisdError

STEP = 0.01     # seconds per frame


class DERError(AisdError):
    """Turns that cannot be scored (negative or reversed times, no reference speech)."""


def frame_grid(turns: list[dict], n_frames: int) -> tuple[np.ndarray, list[str]]:
    """Frames (rows, :data:`STEP` seconds each) x speakers (columns, in order of first turn): who speaks when."""
    names = list(dict.fromkeys(t["speaker"] for t in turns))
    grid = np.zeros((n_frames, len(names)), bool)
    for t in turns:
        if t["start"] < 0 or t["end"] < t["start"]:
            raise DERError(f"a turn must have 0 <= start <= end, got {t}")
        grid[int(round(t["start"] / STEP)): int(round(t["end"] / STEP)), names.index(t["speaker"])] = True
    return grid, names


def der(reference: list[dict], hypothesis: list[dict], collar: float = 0.0) -> dict:
    """Score ``hypothesis`` turns against ``reference`` turns (each ``{"speaker", "start", "end"}``).

    Returns ``{"der", "missed", "false_alarm", "confusion", "speech", "mapping"}``: the rate, the
    three error times and the reference speech time in seconds (after the collar), and the
    mapping of system labels to reference speakers.
    """
    if not reference:
        raise DERError("the reference has no turns: DER is undefined without reference speech")
    end = max(t["end"] for t in list(reference) + list(hypothesis))
    n = int(round(end / STEP)) + 1
    ref, ref_names = frame_grid(reference, n)
    hyp, hyp_names = frame_grid(hypothesis, n)
    scored = np.ones(n, bool)
    if collar > 0:
        for t in reference:
            for edge in (t["start"], t["end"]):
                scored[max(0, int(round((edge - collar) / STEP))): int(round((edge + collar) / STEP))] = False
    ref, hyp = ref[scored], hyp[scored]

    mapping: dict[str, str] = {}
    correct = np.zeros(len(ref), int)
    if hyp.shape[1]:
        from scipy.optimize import linear_sum_assignment

        overlap = ref.T.astype(np.int64) @ hyp.astype(np.int64)           # reference x system
        rows, cols = linear_sum_assignment(-overlap)
        for r, c in zip(rows, cols):
            if overlap[r, c] > 0:
                mapping[hyp_names[c]] = ref_names[r]
                correct += ref[:, r] & hyp[:, c]
    n_ref, n_hyp = ref.sum(axis=1), hyp.sum(axis=1)
    missed = np.maximum(0, n_ref - n_hyp).sum() * STEP
    false_alarm = np.maximum(0, n_hyp - n_ref).sum() * STEP
    confusion = (np.minimum(n_ref, n_hyp) - correct).sum() * STEP
    speech = n_ref.sum() * STEP
    if speech == 0:
        raise DERError("no reference speech is left to score (is the collar wider than the turns?)")
    return {"der": float((missed + false_alarm + confusion) / speech), "missed": round(float(missed), 2),
            "false_alarm": round(float(false_alarm), 2), "confusion": round(float(confusion), 2),
            "speech": round(float(speech), 2), "mapping": mapping}
