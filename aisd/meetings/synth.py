"""Turning a meeting script into audio with reference timings (the maintainer's generator).

Each turn of a script (``datasets/meetings/scripts/*.json``) is spoken by Debian's ``espeak-ng``
in its speaker's voice (``datasets/meetings/voices.json``), trimmed of leading and trailing silence,
and placed after a short pause; where each utterance lands *is* the reference timing, so the
reference turns need no hand labelling. "Noisy" meetings get pink noise at a fixed signal-to-noise
ratio. The audio is written as Opus (soundfile's bundled libsndfile), so learners need no system
package: only this generator needs ``espeak-ng``.

    python -m aisd.meetings.synth             # every meeting (about a minute on 2 cores)
    python -m aisd.meetings.synth --only m01_launch_date

The assembling is a pure function of the utterances, so it is testable without espeak-ng:

>>> import numpy as np
>>> audio, spans = assemble([np.ones(8000, np.float32), np.ones(4000, np.float32)], gaps=[0.5])
>>> len(audio) / SAMPLE_RATE, spans
(1.25, [(0.0, 0.5), (1.0, 1.25)])
"""
from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from aisd.core.errors import AisdError
from aisd.meetings import data

SAMPLE_RATE = 16_000          # what whisper and the speaker encoder expect
NOISE_SNR_DB = 10.0           # "noisy" meetings: pink noise 10 dB below the speech
GAP_SECONDS = (0.35, 0.9)     # pause between two turns, drawn uniformly
OPUS_QUALITY = 0.95           # soundfile's compression_level for Opus: ~17 kbit/s (0 = largest, 1 = smallest)


class SynthError(AisdError):
    """espeak-ng is missing or failed; the message says what to install."""


def speak(text: str, voice: dict) -> np.ndarray:
    """``text`` spoken by espeak-ng in ``voice`` (``{"voice", "pitch", "speed"}``), as float32 at 16 kHz."""
    import soundfile as sf
    from scipy.signal import resample_poly

    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SynthError("espeak-ng is not installed: `apt-get install -y espeak-ng` (only the generator needs it)")
    cmd = [exe, "-v", voice["voice"], "-p", str(voice["pitch"]), "-s", str(voice["speed"]), "--stdout", text]
    done = subprocess.run(cmd, capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout:
        raise SynthError(f"espeak-ng failed on {text[:40]!r}: {done.stderr.decode(errors='replace').strip()}")
    wav, rate = sf.read(io.BytesIO(done.stdout), dtype="float32")
    if rate != SAMPLE_RATE:
        g = np.gcd(SAMPLE_RATE, rate)
        wav = resample_poly(wav, SAMPLE_RATE // g, rate // g).astype(np.float32)
    return wav


def trim(wav: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    """``wav`` without leading and trailing samples quieter than ``threshold``.

    >>> trim(np.array([0, 0, 0.5, 0, 0.3, 0], np.float32)).tolist()
    [0.5, 0.0, 0.30000001192092896]
    """
    loud = np.flatnonzero(np.abs(wav) >= threshold)
    return wav[loud[0]: loud[-1] + 1] if len(loud) else wav[:0]


def assemble(utterances: list[np.ndarray], gaps: list[float], lead: float = 0.0):
    """Concatenate ``utterances`` with ``gaps[i]`` seconds of silence after utterance ``i``.

    Returns ``(audio, spans)`` where ``spans[i] = (start, end)`` in seconds of utterance ``i``.
    """
    if len(gaps) != max(0, len(utterances) - 1):
        raise SynthError(f"need {len(utterances) - 1} gaps for {len(utterances)} utterances, got {len(gaps)}")
    pieces, spans = [np.zeros(round(lead * SAMPLE_RATE), np.float32)], []
    at = len(pieces[0])
    for i, utt in enumerate(utterances):
        spans.append((round(at / SAMPLE_RATE, 3), round((at + len(utt)) / SAMPLE_RATE, 3)))
        pieces.append(utt.astype(np.float32))
        at += len(utt)
        if i < len(gaps):
            silence = np.zeros(round(gaps[i] * SAMPLE_RATE), np.float32)
            pieces.append(silence)
            at += len(silence)
    return np.concatenate(pieces), spans


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` samples of pink (1/f) noise with unit RMS (white noise shaped in the frequency domain).

    >>> x = pink_noise(16000, np.random.default_rng(0))
    >>> round(float(np.sqrt(np.mean(x ** 2))), 3)
    1.0
    """
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n)
    freqs[0] = freqs[1] if n > 1 else 1.0
    x = np.fft.irfft(spectrum / np.sqrt(freqs), n)
    return (x / np.sqrt(np.mean(x ** 2))).astype(np.float32)


def add_noise(audio: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """``audio`` plus pink noise at ``snr_db`` dB below the speech's power (speech: samples above 1 % of peak).

    >>> a = np.sin(np.linspace(0, 2000, 16000)).astype(np.float32)
    >>> noisy = add_noise(a, 10.0, np.random.default_rng(0))
    >>> round(float(10 * np.log10(np.mean(a ** 2) / np.mean((noisy - a) ** 2))), 1)
    10.0
    """
    speech = audio[np.abs(audio) > 0.01 * np.abs(audio).max()]
    noise_power = np.mean(speech ** 2) / 10 ** (snr_db / 10)
    return (audio + np.sqrt(noise_power) * pink_noise(len(audio), rng)).astype(np.float32)


def render(meeting: dict, voices: dict, speaker=speak, seed: int = 0):
    """The audio of ``meeting`` and its reference turns ``[{"speaker", "start", "end", "text"}]``.

    ``speaker(text, voice)`` makes one utterance (espeak-ng by default; a test passes a stand-in).
    """
    missing = sorted({t["speaker"] for t in meeting["turns"]} - set(voices))
    if missing:
        raise SynthError(f"{meeting['id']}: no voice for {missing} in voices.json")
    rng = np.random.default_rng(seed)
    utterances = [trim(speaker(t["text"], voices[t["speaker"]])) for t in meeting["turns"]]
    gaps = [float(g) for g in rng.uniform(*GAP_SECONDS, size=len(utterances) - 1)]
    audio, spans = assemble(utterances, gaps, lead=0.3)
    audio = np.concatenate([audio, np.zeros(round(0.3 * SAMPLE_RATE), np.float32)])
    peak = np.abs(audio).max()
    audio = audio * (0.5 / peak) if peak > 0 else audio
    if meeting["kind"] == "noisy":
        audio = add_noise(audio, NOISE_SNR_DB, rng)
    audio = np.clip(audio, -1.0, 1.0)
    turns = [{"speaker": t["speaker"], "start": s, "end": e, "text": t["text"]}
             for t, (s, e) in zip(meeting["turns"], spans)]
    return audio, turns


def write(meeting: dict, audio: np.ndarray, turns: list[dict], folder: Path) -> tuple[Path, Path]:
    """Write ``audio/ID.opus`` and ``reference/ID.json`` (the timed turns) under ``folder``."""
    import soundfile as sf

    (folder / "audio").mkdir(parents=True, exist_ok=True)
    (folder / "reference").mkdir(parents=True, exist_ok=True)
    audio_path = folder / "audio" / f"{meeting['id']}.opus"
    sf.write(audio_path, audio, SAMPLE_RATE, format="OGG", subtype="OPUS", compression_level=OPUS_QUALITY)
    ref_path = folder / "reference" / f"{meeting['id']}.json"
    ref = {"id": meeting["id"], "duration": round(len(audio) / SAMPLE_RATE, 3), "sample_rate": SAMPLE_RATE,
           "turns": turns}
    ref_path.write_text(json.dumps(ref, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return audio_path, ref_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aisd.meetings.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="meeting id (repeatable); default: all")
    parser.add_argument("--out", type=Path, default=data.FOLDER, help="dataset folder (default: %(default)s)")
    args = parser.parse_args(argv)
    voices = data.voices()
    for n, meeting in enumerate(data.scripts()):
        if args.only and meeting["id"] not in args.only:
            continue
        audio, turns = render(meeting, voices, seed=n)
        path, _ = write(meeting, audio, turns, args.out)
        print(f"{meeting['id']}: {len(audio) / SAMPLE_RATE:6.1f} s, {path.stat().st_size / 1024:6.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
