"""Embeddings: the bundled model offline, and the persistent cache (real model, no mocks)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

from aisd.runtime import embeddings
from aisd.runtime.models import minilm_id

NETWORK_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "AISD_EMBED_CACHE")


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    """A fresh cache file for this test, counters at zero."""
    path = tmp_path / "cache.sqlite"
    monkeypatch.setenv("AISD_EMBED_CACHE", str(path))
    embeddings.reset_stats()
    return path


def test_vectors_are_unit_length_float32_of_384_dimensions(cache):
    """embed returns one L2-normalised float32 row of 384 numbers per text."""
    vectors = embeddings.embed(["first text", "second text", "third"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5), "vectors should have length 1"
    assert embeddings.embed([]).shape == (0, 384)
    assert embeddings.embed("just one").shape == (1, 384)


def test_model_is_loaded_once_per_process(cache):
    """encoder() returns the same object every time (no reload per call)."""
    assert embeddings.encoder() is embeddings.encoder()


def test_similar_texts_are_closer_than_unrelated_ones(cache):
    """The real MiniLM model: paraphrases score higher than an unrelated sentence."""
    cat, kitten, tax = embeddings.embed(["a cat sits on the mat", "a kitten rests on the rug",
                                         "quarterly corporate tax filing deadline"])
    assert cat @ kitten > cat @ tax + 0.2, f"paraphrase {cat @ kitten:.2f} vs unrelated {cat @ tax:.2f}"


def test_cache_returns_identical_vectors_and_counts_hits(cache):
    """A second embed of the same texts comes from the cache: identical vectors, counted as hits."""
    texts = ["alpha", "beta", "gamma", "alpha"]            # "alpha" twice: encoded once
    first = embeddings.embed(texts)
    assert embeddings.cache_stats()["misses"] == 4 and embeddings.cache_stats()["hits"] == 0
    assert embeddings.cache_stats()["entries"] == 3, "each distinct text should be stored once"
    assert np.array_equal(first[0], first[3])
    second = embeddings.embed(texts)
    assert np.array_equal(first, second), "cached vectors should be bit-identical to the first ones"
    stats = embeddings.cache_stats()
    assert (stats["hits"], stats["misses"], stats["entries"]) == (4, 4, 3), stats
    third = embeddings.embed(["beta", "delta"])            # one hit, one miss
    assert np.array_equal(third[0], first[1])
    assert (embeddings.cache_stats()["hits"], embeddings.cache_stats()["misses"]) == (5, 5)


def test_cache_persists_across_processes(cache):
    """Vectors cached by one process are hits in the next one (re-running a notebook)."""
    embeddings.embed(["persisted text one", "persisted text two"])
    code = ("import aisd.runtime.embeddings as e; e.embed(['persisted text one', 'persisted text two']); "
            "s = e.cache_stats(); print(s['hits'], s['misses'])")
    done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "0"], f"the second process should hit the cache: {done.stdout}"


def test_cache_can_be_turned_off(tmp_path, monkeypatch):
    """AISD_EMBED_CACHE=off embeds without writing any cache file."""
    monkeypatch.setenv("AISD_EMBED_CACHE", "off")
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    embeddings.reset_stats()
    assert embeddings.cache_path() is None
    embeddings.embed(["no cache", "no cache"])
    assert embeddings.cache_stats()["misses"] == 2 and embeddings.cache_stats()["hits"] == 0
    assert not list(tmp_path.glob("*.sqlite")), "no cache file should be written"


def test_cache_keys_include_the_model(cache):
    """The cache key names the model, so another model's vectors are never served."""
    embeddings.embed(["keyed text"])
    with sqlite3.connect(cache) as db:
        (key,) = db.execute("SELECT key FROM vectors").fetchone()
    assert key == embeddings._key("keyed text")
    assert minilm_id().startswith("all-MiniLM-L6-v2@")


def test_offline_two_processes_share_one_cache_without_stderr(tmp_path):
    """With no network variables set, two processes at once load the bundled model, embed into one
    cache, finish quickly and print nothing on stderr."""
    env = {k: v for k, v in os.environ.items() if k not in NETWORK_VARS}
    env["AISD_EMBED_CACHE"] = str(tmp_path / "shared.sqlite")
    env["HF_ENDPOINT"] = "http://127.0.0.1:9"   # any hub lookup would fail here, loudly
    code = ("import sys, aisd.runtime.embeddings as e; n = int(sys.argv[1]); "
            "v = e.embed([f'shared text {i}' for i in range(n, n + 100)]); print(v.shape[0])")
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-c", code, str(start)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for start in (0, 50)]
    results = [p.communicate(timeout=180) for p in procs]
    elapsed = time.monotonic() - started
    for process, (out, err) in zip(procs, results):
        assert process.returncode == 0, err
        assert err == "", f"embedding should print nothing on stderr: {err!r}"
        assert out.strip() == "100"
    assert elapsed < 90, f"offline loading should not wait for a hub (~75 s per lookup): took {elapsed:.0f} s"
    with sqlite3.connect(tmp_path / "shared.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == 150, "overlapping texts stored once"
