"""Live-caption runs of the speech model, timed in CPU seconds and stored, so the notebook scores them offline.

Two streaming designs, both with whisper tiny.en on **one** CPU thread (a caption server gives each live
meeting one core, so a call's CPU time is its latency on a dedicated core, whatever else the machine runs):

- **fixed chunks**: cut the audio into consecutive chunks of ``chunk_s`` seconds and transcribe each alone
  once it has arrived;
- **overlapping windows** (partial hypotheses): every ``step`` second, transcribe the last ``window_s``
  seconds again. What to show is decided later, offline, by :func:`aisd.meetings.captions.commit_words`:
  a word is committed once it lies ``hold`` seconds behind the newest audio, so it was heard with context
  on both sides. One run at a 1-second step also gives the 2-second step (every other call).

Each run is one JSON line of ``datasets/meetings/precomputed/caption_runs.jsonl``, written as it finishes (a
killed regeneration continues where it stopped): per call, the audio it covered, the words with their
times in the meeting, CPU seconds and wall seconds, and the machine's load average when it ran. The same
file holds batch transcripts of the clean meetings with 10 dB of pink noise added (the noisy meetings'
generator, :func:`aisd.meetings.synth.add_noise`), so clean and noisy compare on the same scripts and voices.

    aisd precompute 10 captions                 # or: python -m aisd.meetings.streaming [--only ID]

>>> calls = [{"t": 1.0, "from": 0.0, "cpu_s": 0.4, "words": [["Good", 0.1, 0.4]]}]
>>> round(cpu_per_audio_second(calls, step=1.0), 2)
0.4
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from aisd.meetings import data

OUT = data.FOLDER / "precomputed" / "caption_runs.jsonl"
WINDOWS = (6.0,)                 # seconds of audio re-transcribed at every step
STEP = 1.0                       # seconds between two calls of a window run
FIXED_CHUNKS = (5.0, 10.0, 20.0)
NOISE_SEED = 10
NOISY_BATCH = "batch +10 dB pink noise"
THREADS = 1
TIMING = "best of 3"          # a sample of the calls timed again, three times each: the least CPU time of the three
TIMING_EVERY = {"window": 15, "fixed": 4}  # which calls: every 15th of a window run, every 4th of fixed chunks


def _machine() -> dict:
    import platform

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").is_file() else ""
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpu": cpu or platform.machine(),
            "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2)}


def _model():
    from aisd.meetings import asr

    return asr.load_model(cpu_threads=THREADS)


def _call(model, samples: np.ndarray, start: float, end: float) -> dict:
    """One transcription of ``samples[start:end]`` (seconds): its words in meeting time, CPU and wall seconds."""
    piece = samples[int(start * data.SAMPLE_RATE): int(end * data.SAMPLE_RATE)]
    cpu, wall = time.process_time(), time.perf_counter()
    raw, _info = model.transcribe(piece, language="en", beam_size=1, word_timestamps=True,
                                  condition_on_previous_text=False, vad_filter=False)
    words = [[w.word.strip(), round(float(w.start) + start, 2), round(float(w.end) + start, 2)]
             for s in raw for w in (s.words or [])]
    return {"t": round(end, 2), "from": round(start, 2), "cpu_s": round(time.process_time() - cpu, 4),
            "wall_s": round(time.perf_counter() - wall, 4), "load": round(os.getloadavg()[0], 2), "words": words}


def window_run(samples: np.ndarray, window_s: float, step: float = STEP, model=None) -> list[dict]:
    """Every ``step`` seconds (and once at the end), the last ``window_s`` seconds transcribed again."""
    model = model or _model()
    duration = len(samples) / data.SAMPLE_RATE
    ends = list(np.arange(step, duration, step)) + [duration]
    return [_call(model, samples, max(0.0, t - window_s), t) for t in ends]


def fixed_run(samples: np.ndarray, chunk_s: float, model=None) -> list[dict]:
    """Consecutive chunks of ``chunk_s`` seconds, each transcribed alone once it has arrived."""
    model = model or _model()
    duration = len(samples) / data.SAMPLE_RATE
    return [_call(model, samples, at, min(at + chunk_s, duration)) for at in np.arange(0.0, duration, chunk_s)]


def timing_run(samples: np.ndarray, records: list[dict], repeats: int = 3, model=None) -> list[dict]:
    """Every n-th call (:data:`TIMING_EVERY`) of ``records`` (one meeting's runs) made again ``repeats`` times: the
    least CPU time of the repeats is what the call costs on a core of its own (the convention of ``timeit``:
    higher times come from other processes interfering, not from the work)."""
    model = model or _model()
    out = []
    for record in records:
        every = TIMING_EVERY[record["kind"]]
        for call in record["calls"][every - 1::every]:
            times = [_call(model, samples, call["from"], call["t"])["cpu_s"] for _ in range(repeats)]
            out.append({"run": record["run"], "t": call["t"], "from": call["from"], "cpu_s_first": call["cpu_s"],
                        "cpu_s": times, "best_cpu_s": min(times)})
    return out


def cpu_per_audio_second(calls: list[dict], step: float) -> float:
    """Mean CPU seconds of one call over the audio each call adds (``step`` seconds): the real-time factor."""
    return float(np.mean([c["cpu_s"] for c in calls])) / step


def noisy_audio(meeting: data.Meeting) -> np.ndarray:
    """A clean meeting's audio with the noisy meetings' pink noise (10 dB below the speech) added."""
    from aisd.meetings import synth

    return synth.add_noise(meeting.audio(), synth.NOISE_SNR_DB, np.random.default_rng(NOISE_SEED))


def run_text(record: dict) -> str:
    """The text of a stored batch or fixed-chunk run: every call's words in order (a window run's text depends on
    when words are shown: :func:`aisd.meetings.captions.commit_words`)."""
    return " ".join(w[0] for c in record["calls"] for w in c["words"])


def load_runs(path: Path = OUT) -> dict:
    """``{(meeting id, run name): record}`` of the stored runs (run names: ``"window 6"``, ``"fixed 5"``,
    :data:`NOISY_BATCH`)."""
    if not path.is_file():
        raise data.MeetingDataError(f"no caption runs {path} (run `aisd precompute 10 captions`)")
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out[(r["id"], r["run"])] = r
    return out


def _plan(ids: list[str]) -> list[tuple[str, str]]:
    """What to run, held-out meetings first: each short meeting's window and fixed-chunk runs, then the clean
    meetings with noise added, then the long meeting's window run."""
    meetings = {i: data.load(i) for i in ids}
    short = sorted((i for i in ids if meetings[i].duration < 300), key=lambda i: (meetings[i].split != "heldout", i))
    todo = [(i, f"window {w:g}") for i in short for w in WINDOWS]
    todo += [(i, f"fixed {c:g}") for i in short for c in FIXED_CHUNKS]
    todo += [(i, TIMING) for i in short]
    todo += [(i, NOISY_BATCH) for i in ids if meetings[i].kind == "clean"]
    todo += [(i, f"window {w:g}") for i in ids if meetings[i].duration >= 300 for w in WINDOWS]
    return todo


def run(ids: list[str] | None = None, path: Path = OUT) -> int:
    """Make every missing run of :func:`_plan`, appending each record as it finishes. Returns how many ran."""
    ids = ids or data.meeting_ids()
    done = set(load_runs(path)) if path.is_file() else set()
    todo = [job for job in _plan(ids) if job not in done]
    model = _model()
    path.parent.mkdir(parents=True, exist_ok=True)
    from aisd.toolkit.progress import progress

    for n, (mid, name) in enumerate(progress(todo, "10 caption runs"), 1):
        started = time.perf_counter()
        m = data.load(mid)
        record = {"id": mid, "run": name, "model": "whisper tiny.en (CTranslate2 int8), greedy",
                  "cpu_threads": THREADS, "machine": _machine()}
        if name == TIMING:
            mine = [r for (i, n), r in load_runs(path).items() if i == mid and n != TIMING]
            record |= {"kind": "timing", "calls": timing_run(m.audio(), mine, 3, model)}
        elif name == NOISY_BATCH:
            samples = noisy_audio(m)
            call = _call(model, samples, 0.0, len(samples) / data.SAMPLE_RATE)
            record |= {"kind": "batch", "noise_snr_db": 10.0, "seed": NOISE_SEED, "calls": [call]}
        elif name.startswith("window"):
            window = float(name.split()[1])
            record |= {"kind": "window", "window_s": window, "step_s": STEP,
                       "calls": window_run(m.audio(), window, STEP, model)}
        else:
            chunk = float(name.split()[1])
            record |= {"kind": "fixed", "chunk_s": chunk, "calls": fixed_run(m.audio(), chunk, model)}
        record["machine_after"] = _machine()
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        print(f"[{n}/{len(todo)}] {mid} {name}: {len(record['calls'])} calls, "
              f"{sum(c['cpu_s'] for c in record['calls']):.1f} CPU s, {time.perf_counter() - started:.1f} s wall, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    return len(todo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aisd.meetings.streaming", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="meeting id (repeatable); default: all")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    n = run(args.only)
    print(f"{n} runs made in {time.perf_counter() - started:.0f} s; load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
