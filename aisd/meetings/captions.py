"""Live captions: how long a chunk of audio to wait for before transcribing it, under a delay and a cost budget.

A caption for a word appears once the chunk holding it has arrived *and* been transcribed, so the
caption delay is about ``chunk_seconds + latency`` (latency: compute time of one chunk, p95 over
chunks). Whisper pads every chunk to a 30-second window, so each chunk costs about the same compute
whatever its length: short chunks mean more chunks, more compute per audio hour (a higher real-time
factor, RTF) and more words cut at chunk edges (a higher WER). Long chunks mean a longer wait.
:func:`sweep_rows` scores every chunk length of the saved sweep (``python -m aisd.meetings.precompute
--sweep``) on a set of meetings; :func:`choose_chunk_seconds` picks one under the budgets.

>>> rows = [{"chunk_seconds": 2, "wer": 0.6, "delay_p95": 3.0, "rtf": 0.5},
...         {"chunk_seconds": 5, "wer": 0.4, "delay_p95": 6.5, "rtf": 0.2},
...         {"chunk_seconds": 12, "wer": 0.3, "delay_p95": 13.0, "rtf": 0.1}]
>>> choose_chunk_seconds(rows, max_delay_s=8, max_rtf=0.3)
5
"""
from __future__ import annotations

import numpy as np

from aisd.meetings import data, precompute, wer


def sweep_rows(meeting_ids: list[str], sweep: dict | None = None) -> list[dict]:
    """One row per chunk length over ``meeting_ids``: ``{"chunk_seconds", "wer"`` (word-weighted),
    ``"delay_p95"`` (chunk length + p95 compute time of one chunk, s), ``"rtf"`` (mean compute time of
    one chunk / chunk length)``}``.

    WER is measured on each chunk length's own transcripts. The compute time of a chunk is taken from
    all chunks of the sweep pooled: whisper pads every chunk to a 30-second window, so every chunk
    costs about the same, and the runs of different lengths were made at different loads of a shared
    machine (pooling keeps one load level for all rows).

    >>> rows = sweep_rows(["m01_launch_date"])
    >>> [r["chunk_seconds"] for r in rows][:3], all(r["delay_p95"] > r["chunk_seconds"] for r in rows)
    ([5.0, 10.0, 15.0], True)
    """
    sweep = sweep or precompute.load_sweep()
    refs = {m: data.load(m).text() for m in meeting_ids}
    per_chunk = np.concatenate([r["chunk_latencies"] for m in meeting_ids for r in sweep["meetings"][m].values()])
    rows = []
    for chunk in sweep["chunks"]:
        runs = [sweep["meetings"][m][f"{chunk:g}"] for m in meeting_ids]
        rows.append({"chunk_seconds": float(chunk),
                     "wer": wer.corpus_wer([(refs[m], r["text"]) for m, r in zip(meeting_ids, runs)]),
                     "delay_p95": float(chunk + np.percentile(per_chunk, 95)),
                     "rtf": float(per_chunk.mean() / chunk)})
    return rows


def choose_chunk_seconds(rows, max_delay_s, max_rtf):
    """The chunk length with the lowest WER among those whose p95 caption delay is within
    ``max_delay_s`` and whose real-time factor is within ``max_rtf`` (ties: the cheaper, lower RTF);
    None when no chunk length meets both budgets.

    Reference answer of notebook 10, exercise ``ex_choose_chunk_seconds``.

    >>> choose_chunk_seconds([{"chunk_seconds": 2, "wer": 0.5, "delay_p95": 9.0, "rtf": 0.5}], 8, 1) is None
    True
    """
    fits = [r for r in rows if r["delay_p95"] <= max_delay_s and r["rtf"] <= max_rtf]
    if not fits:
        return None
    return min(fits, key=lambda r: (r["wer"], r["rtf"]))["chunk_seconds"]
