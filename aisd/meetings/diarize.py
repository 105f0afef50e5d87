"""Who spoke when: speech segments, a voice embedding per segment, clustering into speakers.

1. :func:`speech_segments`: stretches of speech, cut at pauses, found by the Silero voice activity
   detector that ships inside faster-whisper (an ONNX file; offline).
2. :func:`embed_segments`: one 256-d voice embedding per segment from Resemblyzer's encoder (a
   d-vector model trained for speaker verification; Apache-2.0, the 17 MB weights ship in the
   PyPI package). Two stretches of the same voice point the same way (cosine similarity near 1).
3. :func:`cluster`: agglomerative clustering of the embeddings, with the number of speakers
   given (a calendar invite knows who attended) or estimated (:func:`estimate_speakers`).

Clusters are anonymous (``S1``, ``S2``...): naming them takes enrolment (a known sample of each
voice) or a person reading the transcript. :mod:`aisd.meetings.der` measures the result.

>>> import numpy as np
>>> emb = np.array([[1, 0.1], [1, 0.0], [0.1, 1], [0, 1]], np.float32)
>>> cluster(emb, n_speakers=2).tolist(), cluster(emb).tolist()
([0, 0, 1, 1], [0, 0, 1, 1])
"""
from __future__ import annotations

import functools
import warnings

import numpy as np

from aisd.core.errors import AisdError

SAMPLE_RATE = 16_000
MIN_EMBED_SECONDS = 1.0       # shorter segments get the label of their nearest neighbour in time


class DiarizationError(AisdError):
    """Bad input to diarization (no speech, wrong shapes); the message says what is wrong."""


def speech_segments(audio: np.ndarray, min_silence: float = 0.25, pad: float = 0.05) -> list[tuple[float, float]]:
    """``[(start, end), ...]`` in seconds of speech in 16 kHz ``audio``, cut at pauses of at least
    ``min_silence`` seconds (turns in a meeting are separated by pauses; so are many sentences).

    >>> speech_segments(np.zeros(16000, np.float32))
    []
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        raise DiarizationError(f"expected mono samples, got shape {audio.shape}")
    options = VadOptions(min_silence_duration_ms=int(min_silence * 1000), speech_pad_ms=int(pad * 1000),
                         min_speech_duration_ms=100)
    return [(round(s["start"] / SAMPLE_RATE, 3), round(s["end"] / SAMPLE_RATE, 3))
            for s in get_speech_timestamps(audio, options)]


@functools.lru_cache(maxsize=1)
def encoder():
    """Resemblyzer's voice encoder on the CPU (loaded once; ~0.1 s after torch is imported)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # resemblyzer imports a scipy name SciPy deprecates
        from resemblyzer import VoiceEncoder
    return VoiceEncoder("cpu", verbose=False)


def embed_segments(audio: np.ndarray, segments: list[tuple[float, float]]) -> np.ndarray:
    """One L2-normalised voice embedding per segment (rows of a ``(len(segments), 256)`` array).

    Segments shorter than :data:`MIN_EMBED_SECONDS` carry too little voice to embed reliably:
    their row is all zeros (see :func:`diarize`, which labels them by their neighbours).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from resemblyzer.audio import normalize_volume
    import torch

    enc = encoder()
    out = np.zeros((len(segments), 256), np.float32)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)        # a small LSTM: one thread is faster, and 30x faster on a busy CPU
    try:
        for i, (start, end) in enumerate(segments):
            if end - start < MIN_EMBED_SECONDS:
                continue
            piece = audio[int(start * SAMPLE_RATE): int(end * SAMPLE_RATE)]
            out[i] = enc.embed_utterance(normalize_volume(piece, -30, increase_only=True))
    finally:
        torch.set_num_threads(threads)
    return out


def estimate_speakers(embeddings: np.ndarray, threshold: float = 0.2, min_segments: int = 2) -> int:
    """How many voices: groups of segments that stay within cosine distance ``threshold`` of each
    other on average (agglomerative, average linkage), counting only groups of at least
    ``min_segments`` segments (a single odd segment, a cough or a noisy fragment, is not a person).
    ``threshold`` and ``min_segments`` were chosen on the tuning meetings (right count on 5 of 5).

    >>> estimate_speakers(np.array([[1, 0.1], [1, 0.0], [0.1, 1], [0, 1], [0.7, 0.7]], np.float32))
    2
    """
    from sklearn.cluster import AgglomerativeClustering

    x = np.asarray(embeddings, dtype=np.float32)
    if len(x) < 2:
        return len(x)
    labels = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, metric="cosine",
                                     linkage="average").fit_predict(x)
    return max(1, int((np.bincount(labels) >= min_segments).sum()))


def cluster(embeddings: np.ndarray, n_speakers: int | None = None) -> np.ndarray:
    """Speaker labels ``0..k-1`` for rows of ``embeddings``, numbered in order of first appearance.

    ``k`` is ``n_speakers`` when known, else :func:`estimate_speakers`. The grouping itself is
    Ward's agglomerative clustering on the unit vectors: on the tuning meetings it was far less
    prone than average linkage to give a lone outlier segment a speaker of its own (mean DER
    0.09 against 0.22 with the number of speakers known).
    """
    from sklearn.cluster import AgglomerativeClustering

    x = np.asarray(embeddings, dtype=np.float32)
    if x.ndim != 2 or len(x) == 0:
        raise DiarizationError(f"expected a non-empty 2-D array of embeddings, got shape {x.shape}")
    if n_speakers is not None and not 1 <= n_speakers <= len(x):
        raise DiarizationError(f"n_speakers must be between 1 and {len(x)} (the number of segments), got {n_speakers}")
    k = estimate_speakers(x) if n_speakers is None else n_speakers
    if k == 1:
        return np.zeros(len(x), int)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
    order = {old: new for new, old in enumerate(dict.fromkeys(labels.tolist()))}
    return np.array([order[v] for v in labels.tolist()])


def _fill_short(labels: list[int | None], segments: list[tuple[float, float]]) -> list[int]:
    """Give each unlabelled (too short) segment the label of the nearest labelled one in time."""
    known = [i for i, lab in enumerate(labels) if lab is not None]
    if not known:
        return [0] * len(labels)
    out = []
    for i, lab in enumerate(labels):
        if lab is None:
            mid = (segments[i][0] + segments[i][1]) / 2
            j = min(known, key=lambda k: abs((segments[k][0] + segments[k][1]) / 2 - mid))
            lab = labels[j]
        out.append(lab)
    return out


def diarize(audio: np.ndarray, n_speakers: int | None = None, segments: list[tuple[float, float]] | None = None,
            embeddings: np.ndarray | None = None) -> list[dict]:
    """Speaker turns ``[{"speaker": "S1", "start", "end"}, ...]`` of ``audio``; consecutive segments
    of one speaker are merged. Pass ``segments``/``embeddings`` computed before to skip those steps.
    """
    audio = np.asarray(audio, dtype=np.float32)
    segments = speech_segments(audio) if segments is None else segments
    if not segments:
        return []
    embeddings = embed_segments(audio, segments) if embeddings is None else np.asarray(embeddings)
    usable = np.flatnonzero(np.linalg.norm(embeddings, axis=1) > 0)
    labels: list[int | None] = [None] * len(segments)
    if len(usable):
        k = None if n_speakers is None else min(n_speakers, len(usable))
        for i, lab in zip(usable, cluster(embeddings[usable], k) if len(usable) > 1 else [0]):
            labels[i] = int(lab)
    turns: list[dict] = []
    for (start, end), lab in zip(segments, _fill_short(labels, segments)):
        name = f"S{lab + 1}"
        if turns and turns[-1]["speaker"] == name:
            turns[-1]["end"] = end
        else:
            turns.append({"speaker": name, "start": start, "end": end})
    return turns
