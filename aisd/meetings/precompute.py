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
MODEL_LABEL = "whisper tiny.en (CTranslate2 int8), greedy"
STREAM_CHUNK_SECONDS = 5.0
# Live-caption chunk lengths compared in the notebook. 5 s comes from the streaming transcripts of
# run_one (STREAM_CHUNK_SECONDS); the longer ones from the sweep. Shorter chunks were planned but cost
# ~1.2 CPU-s each on the shared 2-core machine (a 30-second window per chunk): too slow to precompute.
SWEEP_CHUNKS = (5.0, 10.0, 15.0, 20.0)
SWEEP_FILE = "chunk_sweep.json"


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


def sweep_one(meeting_id: str, chunks=SWEEP_CHUNKS) -> dict:
    """Streaming transcripts of one meeting at each chunk length: text, compute seconds, per-chunk latency."""
    from aisd.meetings import asr

    audio = load(meeting_id).audio()
    out = {}
    for chunk in chunks:
        t = asr.transcribe_streaming(audio, chunk)
        out[f"{chunk:g}"] = {"text": t.text, "seconds": round(t.seconds, 3), "duration": t.duration,
                             "chunk_latencies": [round(x, 4) for x in t.chunk_latencies]}
    return out


def sweep(meeting_ids: list[str], out: Path = OUT, chunks=SWEEP_CHUNKS, name: str = SWEEP_FILE) -> Path:
    """:func:`sweep_one` for ``meeting_ids``, saved to ``out/name`` with the machine's load."""
    record = {"model": MODEL_LABEL, "machine": _machine(), "chunks": list(chunks),
              "meetings": {m: sweep_one(m, chunks) for m in meeting_ids}}
    record["machine_after"] = _machine()
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path


def merge_sweeps(parts: list[Path], out: Path = OUT) -> Path:
    """One sweep file from partial ones (run in parallel, one chunk length each) plus the 5-second
    streaming transcripts that :func:`run_one` saved, each chunk length with the machine it ran on."""
    merged = {"model": MODEL_LABEL, "chunks": [], "machines": {}, "meetings": {}}
    records = [json.loads(Path(p).read_text(encoding="utf-8")) for p in parts]
    ids = sorted({m for r in records for m in r["meetings"]})
    if STREAM_CHUNK_SECONDS not in [c for r in records for c in r["chunks"]]:
        merged["chunks"].append(STREAM_CHUNK_SECONDS)
        for m in ids:
            rec = _record(m, out)
            stream = rec["streaming"]
            merged["meetings"].setdefault(m, {})[f"{STREAM_CHUNK_SECONDS:g}"] = {
                "text": " ".join(x["text"].strip() for x in stream["segments"]).strip(), "seconds": stream["seconds"],
                "duration": stream["duration"], "chunk_latencies": stream["chunk_latencies"]}
            merged["machines"][f"{STREAM_CHUNK_SECONDS:g}"] = rec["machine"]
    for r in records:
        merged["chunks"] += r["chunks"]
        for c in r["chunks"]:
            merged["machines"][f"{c:g}"] = r["machine"]
        for m, runs in r["meetings"].items():
            merged["meetings"].setdefault(m, {}).update(runs)
    merged["chunks"] = sorted(merged["chunks"])
    path = out / SWEEP_FILE
    path.write_text(json.dumps(merged, indent=1) + "\n", encoding="utf-8")
    return path


def load_sweep(folder: Path = OUT) -> dict:
    """The saved chunk sweep: ``{"chunks", "machine", "meetings": {id: {chunk: {"text", "seconds", ...}}}}``."""
    path = folder / SWEEP_FILE
    if not path.is_file():
        raise MeetingDataError(f"no chunk sweep {path} (run `python -m aisd.meetings.precompute --sweep`)")
    return json.loads(path.read_text(encoding="utf-8"))


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
    parser.add_argument("--sweep", action="store_true",
                        help="only the live-caption chunk sweep (the short meetings; the long one is left out)")
    parser.add_argument("--chunk", type=float, action="append", help="with --sweep: only this chunk length "
                        "(repeatable), saved as a part to merge; run one process per length to use more cores")
    parser.add_argument("--merge", type=Path, action="append", help="merge sweep parts (and the 5 s transcripts)")
    args = parser.parse_args(argv)
    total = time.perf_counter()
    if args.sweep:
        ids = args.only or [m for m in meeting_ids() if load(m).duration < 300]
        chunks = args.chunk or [c for c in SWEEP_CHUNKS if c != STREAM_CHUNK_SECONDS]
        name = f"sweep_part_{'_'.join(f'{c:g}' for c in chunks)}.json" if args.chunk else SWEEP_FILE
        path = sweep(ids, args.out, chunks, name)
        print(path, f"{time.perf_counter() - total:.1f} s")
        if not args.chunk:
            print(merge_sweeps([path], args.out))
        return 0
    if args.merge:
        print(merge_sweeps(args.merge, args.out))
        return 0
    for meeting_id in args.only or meeting_ids():
        print(json.dumps(run_one(meeting_id, args.out)), flush=True)
    print(f"total {time.perf_counter() - total:.1f} s, load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
