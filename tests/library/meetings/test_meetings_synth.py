"""The meeting generator: timings come from where each utterance lands; noise at the stated SNR; Opus round trip."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from aisd.meetings import data, synth

TINY = {"id": "t01_tiny", "kind": "clean",
        "turns": [{"speaker": "Priya", "text": "Ship it on Monday."}, {"speaker": "Ken", "text": "Agreed."}]}
VOICES = {"Priya": {"voice": "en-us+f3", "pitch": 70, "speed": 165},
          "Ken": {"voice": "en-gb-scotland+m1", "pitch": 48, "speed": 175}}


def tone(text, voice):
    """A stand-in for espeak-ng (unit test only): silence, a tone as long as the text, silence."""
    n = 400 * len(text)
    t = np.arange(n) / synth.SAMPLE_RATE
    return np.concatenate([np.zeros(800), 0.3 * np.sin(2 * np.pi * (100 + voice["pitch"]) * t), np.zeros(800)]).astype(np.float32)


def test_reference_timings_are_where_the_utterances_land():
    audio, turns = synth.render(TINY, VOICES, speaker=tone)
    for turn in turns:
        n = 400 * len(turn["text"])
        assert abs((turn["end"] - turn["start"]) - n / synth.SAMPLE_RATE) < 0.002   # silence trimmed
        inside = audio[int(turn["start"] * synth.SAMPLE_RATE) + 10: int(turn["end"] * synth.SAMPLE_RATE) - 10]
        assert np.abs(inside).max() > 0.1
    gap = audio[int(turns[0]["end"] * synth.SAMPLE_RATE) + 5: int(turns[1]["start"] * synth.SAMPLE_RATE) - 5]
    assert synth.GAP_SECONDS[0] <= turns[1]["start"] - turns[0]["end"] <= synth.GAP_SECONDS[1]
    assert np.abs(gap).max() == 0


def test_noisy_meetings_get_noise_at_the_stated_level():
    clean, _ = synth.render(TINY, VOICES, speaker=tone, seed=3)
    noisy, _ = synth.render({**TINY, "kind": "noisy"}, VOICES, speaker=tone, seed=3)
    speech = np.abs(clean) > 0.01 * np.abs(clean).max()
    snr = 10 * np.log10(np.mean(clean[speech] ** 2) / np.mean((noisy - clean) ** 2))
    assert abs(snr - synth.NOISE_SNR_DB) < 0.5


def test_written_files_load_back_as_a_meeting_audio(tmp_path):
    audio, turns = synth.render(TINY, VOICES, speaker=tone)
    audio_path, ref_path = synth.write(TINY, audio, turns, tmp_path)
    back = data.read_audio(audio_path)
    assert abs(len(back) - len(audio)) < 0.05 * synth.SAMPLE_RATE
    assert ref_path.read_text().count('"speaker"') == 2


def test_a_speaker_without_a_voice_is_a_clear_error():
    with pytest.raises(synth.SynthError, match="no voice"):
        synth.render(TINY, {"Priya": VOICES["Priya"]}, speaker=tone)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is only needed to regenerate the audio")
def test_espeak_ng_speaks_each_voice_differently():
    a = synth.trim(synth.speak("Ship it on Monday.", VOICES["Priya"]))
    b = synth.trim(synth.speak("Ship it on Monday.", VOICES["Ken"]))
    assert 0.5 < len(a) / synth.SAMPLE_RATE < 3 and 0.5 < len(b) / synth.SAMPLE_RATE < 3
    assert len(a) != len(b)
