"""Speech to text and who spoke when, on the committed meetings with the real packaged models."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from aisd.core import paths
from aisd.meetings import asr, data, der, diarize, precompute, turns, wer

M01 = data.load("m01_launch_date")


@pytest.fixture(scope="module")
def opening():
    """The first two turns of m01 (about 14 s of audio) and their reference text."""
    audio = M01.audio()
    end = M01.turns[1]["end"] + 0.3
    return audio[: int(end * data.SAMPLE_RATE)], " ".join(t["text"] for t in M01.turns[:2])


def test_asr_transcribes_with_word_timings(opening):
    audio, reference = opening
    t = asr.transcribe(audio)
    assert wer.wer(reference, t.text) < 0.3, t.text
    starts = [w["start"] for w in t.words]
    assert starts == sorted(starts) and all(w["start"] <= w["end"] <= t.duration + 0.5 for w in t.words)
    assert 0 < t.rtf < 3
    # words fall inside the reference turn that said them
    labelled = turns.assign_speakers(t.words, M01.turns[:2])
    first_turn_words = len(M01.turns[0]["text"].split())
    assert sum(w["speaker"] == "Priya" for w in labelled) >= first_turn_words - 3


def test_streaming_transcribes_chunk_by_chunk(opening):
    audio, reference = opening
    t = asr.transcribe_streaming(audio, chunk_seconds=5.0)
    assert len(t.chunk_latencies) == int(np.ceil(len(audio) / data.SAMPLE_RATE / 5.0))
    assert wer.wer(reference, t.text) < 0.6, t.text
    with pytest.raises(asr.ASRError):
        asr.transcribe_streaming(audio, chunk_seconds=0)


def test_asr_rejects_stereo_arrays():
    with pytest.raises(asr.ASRError, match="mono"):
        asr.transcribe(np.zeros((2, 16000), np.float32))


@pytest.mark.skipif(not shutil.which("unshare") or os.geteuid() != 0, reason="needs root's unshare -n")
def test_the_models_load_with_no_network_at_all():
    code = ("from aisd.meetings import asr, diarize; asr.load_model(); "
            "import numpy as np; print(diarize.encoder().embed_utterance(np.zeros(16000, np.float32)).shape)")
    done = subprocess.run(["unshare", "-n", sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=paths.ROOT, timeout=120)
    if done.returncode != 0 and "unshare failed" in done.stderr:
        pytest.skip("network namespaces are not allowed here")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "(256,)" in done.stdout


def test_voice_embeddings_tell_two_speakers_apart():
    audio = M01.audio()
    by = {}
    for t in M01.turns:
        by.setdefault(t["speaker"], []).append((t["start"], t["end"]))
    segs = [by["Priya"][0], by["Priya"][1], by["Marcus"][0]]
    e = diarize.embed_segments(audio, segs)
    assert e.shape == (3, 256)
    assert float(e[0] @ e[1]) > float(e[0] @ e[2]) + 0.05


def test_diarization_of_the_saved_segments_finds_the_speakers():
    segments, embeddings = precompute.load_diarization_inputs(M01.id)
    known = diarize.diarize(np.zeros(0, np.float32), len(M01.speakers), segments, embeddings)
    assert der.der(M01.turns, known, collar=0.25)["der"] < 0.2
    assert diarize.estimate_speakers(embeddings[np.linalg.norm(embeddings, axis=1) > 0]) == len(M01.speakers)


def test_der_is_zero_for_the_reference_and_counts_each_error_kind():
    ref = M01.turns
    assert der.der(ref, ref)["der"] == 0
    renamed = [{**t, "speaker": {"Priya": "S2", "Marcus": "S3", "Lena": "S1"}[t["speaker"]]} for t in ref]
    assert der.der(ref, renamed)["der"] == 0
    one = [{"speaker": "S1", "start": 0, "end": M01.duration}]
    r = der.der(ref, one)
    speech = r["speech"]
    priya = sum(t["end"] - t["start"] for t in ref if t["speaker"] == "Priya")
    assert r["confusion"] == pytest.approx(speech - priya, abs=0.05) and r["false_alarm"] > 0
    assert der.der(ref, [])["der"] == pytest.approx(1.0) and der.der(ref, [])["missed"] == pytest.approx(speech, abs=0.05)
    assert der.der(ref, renamed, collar=0.25)["speech"] < speech
    with pytest.raises(der.DERError):
        der.der([], ref)
