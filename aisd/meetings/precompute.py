"""The slow steps for every meeting, run once and saved, so a notebook fits its 90-second budget.

Speech recognition of all meetings (~24 minutes of audio) takes minutes on 2 cores, more than a
notebook may spend; the notebook runs the real model live on one short meeting and loads the
rest from here. Saved per meeting, under ``datasets/meetings/precomputed/``:

- ``ID.asr.json``: the batch transcript (segments with word timings) and a streaming one
  (5-second chunks), with the compute time each took and the machine's load when measured;
- ``ID.diarization.npz``: the speech segments found by voice activity detection and one voice
  embedding per segment (clustering them is fast, so the notebook does that part live).

    python -m aisd.meetings.precompute                 # every meeting
    python -m aisd.meetings.precompute --only m04_budget

>>> t = load_transcript("m01_launch_date")
>>> t.duration > 60, len(t.words) > 100, 0 < t.rtf < 2
(True, True, True)
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from aisd.meetings.data import FOLDER, MeetingDataError, load, meeting_ids

OUT = FOLDER / "precomputed"
STREAM_CHUNK_SECONDS = 5.0


def _machine() -> dict:
    return {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None}


def run_one(meeting_id: str, out: Path = OUT, streaming: bool = True) -> dict:
    """Transcribe and segment+embed one meeting, write its two files, return the timings."""
    from aisd.meetings import asr, diarize

    meeting = load(meeting_id)
    audio = meeting.audio()
    batch = asr.transcribe(audio)
    record = {"id": meeting_id, "model": asr.MODEL_NAME, "beam_size": 1, "machine": _machine(),
              "batch": batch.to_dict()}
    if streaming:
        stream = asr.transcribe_streaming(audio, STREAM_CHUNK_SECONDS)
        record["streaming"] = {"chunk_seconds": STREAM_CHUNK_SECONDS, **stream.to_dict()}
    start = time.perf_counter()
    segments = diarize.speech_segments(audio)
    embeddings = diarize.embed_segments(audio, segments)
    record["diarization_seconds"] = round(time.perf_counter() - start, 2)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{meeting_id}.asr.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    np.savez_compressed(out / f"{meeting_id}.diarization.npz", segments=np.array(segments, np.float32).reshape(-1, 2),
                        embeddings=embeddings.astype(np.float16))
    return {"id": meeting_id, "audio_seconds": batch.duration, "asr_seconds": round(batch.seconds, 2),
            "rtf": round(batch.rtf, 3), "diarization_seconds": record["diarization_seconds"]}


def _record(meeting_id: str, folder: Path) -> dict:
    path = folder / f"{meeting_id}.asr.json"
    if not path.is_file():
        raise MeetingDataError(f"no precomputed transcript {path} (run `python -m aisd.meetings.precompute`)")
    return json.loads(path.read_text(encoding="utf-8"))


def load_transcript(meeting_id: str, streaming: bool = False, folder: Path = OUT):
    """The saved batch (or streaming) :class:`~aisd.meetings.asr.Transcript` of one meeting."""
    from aisd.meetings.asr import Transcript

    record = _record(meeting_id, folder)
    key = "streaming" if streaming else "batch"
    if key not in record:
        raise MeetingDataError(f"{meeting_id}: no {key} transcript was precomputed")
    return Transcript.from_dict(record[key])


def load_diarization_inputs(meeting_id: str, folder: Path = OUT) -> tuple[list[tuple[float, float]], np.ndarray]:
    """The saved speech segments and their voice embeddings (float32) of one meeting."""
    path = folder / f"{meeting_id}.diarization.npz"
    if not path.is_file():
        raise MeetingDataError(f"no precomputed diarization inputs {path} (run `python -m aisd.meetings.precompute`)")
    with np.load(path) as z:
        segments = [(float(s), float(e)) for s, e in z["segments"]]
        return segments, z["embeddings"].astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aisd.meetings.precompute", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="meeting id (repeatable); default: all")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    total = time.perf_counter()
    for meeting_id in args.only or meeting_ids():
        print(json.dumps(run_one(meeting_id, args.out)), flush=True)
    print(f"total {time.perf_counter() - total:.1f} s, load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
