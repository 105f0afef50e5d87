"""Per-meeting scores of the speech steps, from the precomputed transcripts and embeddings.

WER of batch and streaming transcripts against the scripts, real-time factor as measured when
they were made, and diarization error with the number of speakers known and estimated.

    python -m aisd.meetings.evaluate          # prints both tables and the totals per kind

>>> rows = asr_scores(["m01_launch_date"])
>>> rows[0]["kind"], 0 <= rows[0]["wer"] < 0.5
('clean', True)
"""
from __future__ import annotations

import sys

import numpy as np

from aisd.meetings import data, der, diarize, precompute, turns, wer


def asr_scores(meeting_ids: list[str] | None = None) -> list[dict]:
    """``[{"id", "kind", "split", "audio_seconds", "wer", "stream_wer", "rtf", "stream_rtf"}]``."""
    rows = []
    for meeting_id in meeting_ids or data.meeting_ids():
        m = data.load(meeting_id)
        batch = precompute.load_transcript(meeting_id)
        row = {"id": meeting_id, "kind": m.kind, "split": m.split, "audio_seconds": m.duration,
               "wer": wer.wer(m.text(), batch.text), "rtf": batch.rtf, "reference_words": len(wer.wer_words(m.text()))}
        try:
            stream = precompute.load_transcript(meeting_id, streaming=True)
            row |= {"stream_wer": wer.wer(m.text(), stream.text), "stream_rtf": stream.rtf,
                    "stream_latency_p50": float(np.median(stream.chunk_latencies))}
        except data.MeetingDataError:
            pass
        rows.append(row)
    return rows


def diarization_scores(meeting_ids: list[str] | None = None, collar: float = 0.25) -> list[dict]:
    """``[{"id", "kind", "speakers", "estimated", "der_known", "der_estimated"}]`` (DER with ``collar``)."""
    rows = []
    for meeting_id in meeting_ids or data.meeting_ids():
        m = data.load(meeting_id)
        segments, embeddings = precompute.load_diarization_inputs(meeting_id)
        empty = np.zeros(0, np.float32)
        known = diarize.diarize(empty, len(m.speakers), segments, embeddings)
        guessed = diarize.diarize(empty, None, segments, embeddings)
        rows.append({"id": meeting_id, "kind": m.kind, "split": m.split, "speakers": len(m.speakers),
                     "estimated": len({t["speaker"] for t in guessed}),
                     "der_known": der.der(m.turns, known, collar)["der"],
                     "der_estimated": der.der(m.turns, guessed, collar)["der"]})
    return rows


def attribution(meeting_id: str, n_speakers: int | None = None) -> dict:
    """The speaker-attributed transcript of one meeting from saved results (ASR words joined to
    diarization turns), and the share of words given to the right person (reference speaker at
    that time; cluster labels named through the DER mapping, as a person would name them).

    >>> r = attribution("m08_vendor_contract", n_speakers=2)
    >>> r["word_accuracy"] > 0.9, r["turns"][0]["speaker"]
    (True, 'Sofia')
    """
    m = data.load(meeting_id)
    words = precompute.load_transcript(meeting_id).words
    segments, embeddings = precompute.load_diarization_inputs(meeting_id)
    hyp = diarize.diarize(np.zeros(0, np.float32), n_speakers, segments, embeddings)
    mapping = der.der(m.turns, hyp)["mapping"]
    said = turns.assign_speakers(words, hyp)
    truth = turns.assign_speakers(words, m.turns)
    right = sum(mapping.get(a["speaker"]) == b["speaker"] for a, b in zip(said, truth))
    return {"turns": turns.rename(turns.merge_turns(said), mapping),
            "word_accuracy": right / len(words) if words else 0.0}


def by_kind(rows: list[dict], key: str, weight: str | None = None) -> dict[str, float]:
    """Mean of ``key`` per meeting kind (weighted by ``weight``, e.g. reference words for WER).

    >>> by_kind([{"kind": "clean", "wer": 0.1, "n": 1}, {"kind": "clean", "wer": 0.4, "n": 2}], "wer", "n")
    {'clean': 0.3}
    """
    out = {}
    for kind in sorted({r["kind"] for r in rows}):
        sel = [r for r in rows if r["kind"] == kind and key in r]
        w = np.array([r[weight] if weight else 1.0 for r in sel], float)
        out[kind] = round(float(np.average([r[key] for r in sel], weights=w)), 3)
    return out


def main() -> int:
    rows = asr_scores()
    print(f"{'meeting':<26}{'kind':<7}{'audio s':>8}{'WER':>7}{'stream WER':>11}{'RTF':>7}")
    for r in rows:
        print(f"{r['id']:<26}{r['kind']:<7}{r['audio_seconds']:>8.1f}{r['wer']:>7.3f}"
              f"{r.get('stream_wer', float('nan')):>11.3f}{r['rtf']:>7.3f}")
    print("WER by kind (word-weighted):", by_kind(rows, "wer", "reference_words"),
          "streaming:", by_kind(rows, "stream_wer", "reference_words"))
    print("audio", round(sum(r["audio_seconds"] for r in rows), 1), "s; batch ASR compute",
          round(sum(r["rtf"] * r["audio_seconds"] for r in rows), 1), "s")
    d = diarization_scores()
    print(f"\n{'meeting':<26}{'kind':<7}{'speakers':>9}{'estimated':>10}{'DER known':>10}{'DER est.':>9}")
    for r in d:
        print(f"{r['id']:<26}{r['kind']:<7}{r['speakers']:>9}{r['estimated']:>10}{r['der_known']:>10.3f}"
              f"{r['der_estimated']:>9.3f}")
    print("DER by kind, speakers known:", by_kind(d, "der_known"), "estimated:", by_kind(d, "der_estimated"),
          "; count right on", sum(r["speakers"] == r["estimated"] for r in d), "of", len(d))
    acc = {i: round(attribution(i, len(data.load(i).speakers))["word_accuracy"], 3) for i in data.meeting_ids()}
    print("\nwords attributed to the right speaker (speakers known):", acc)
    return 0


if __name__ == "__main__":
    sys.exit(main())


def speaker_confusions(meeting_id: str, n_speakers: int | None = None, min_share: float = 0.1) -> dict:
    """Where each person's speech went after clustering (speakers known unless ``n_speakers`` says otherwise):
    ``{"shares": {person: {cluster: share of their speech}}, "merged": [[a, b], ...]`` (two people with at least
    ``min_share`` of their speech each in one cluster), ``"split": [person, ...]`` (a person with at least
    ``min_share`` in each of two clusters)``}``.

    >>> c = speaker_confusions("m08_vendor_contract")
    >>> c["merged"], c["split"]
    ([], [])
    """
    m = data.load(meeting_id)
    segments, embeddings = precompute.load_diarization_inputs(meeting_id)
    hyp = diarize.diarize(np.zeros(0, np.float32), n_speakers or len(m.speakers), segments, embeddings)
    end = max(t["end"] for t in m.turns + hyp)
    frames = int(round(end / der.STEP)) + 1
    ref, people = der.frame_grid(m.turns, frames)
    sys_, clusters = der.frame_grid(hyp, frames)
    overlap = ref.T.astype(np.int64) @ sys_.astype(np.int64)
    spoken = np.maximum(ref.sum(axis=0), 1)
    shares = {p: {c: round(float(overlap[i, j] / spoken[i]), 3) for j, c in enumerate(clusters) if overlap[i, j]}
              for i, p in enumerate(people)}
    merged = [[people[a], people[b]] for j in range(len(clusters)) for a in range(len(people))
              for b in range(a + 1, len(people))
              if overlap[a, j] >= min_share * spoken[a] and overlap[b, j] >= min_share * spoken[b]]
    split = [p for i, p in enumerate(people) if sum(overlap[i] >= min_share * spoken[i]) >= 2]
    return {"shares": shares, "merged": merged, "split": split}
