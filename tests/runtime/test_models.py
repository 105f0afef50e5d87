"""Model tiers: the small model's file is assembled from parts resumably, verified, refused when wrong; both
tiers serve through the same client path (a few short live calls of the small model, the rest of the suite
reads stored answers)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import zipfile

import pytest

from aisd.course import cli
from aisd.toolkit.answer_store import Store
from aisd.runtime import assemble, llm, models, server, usage


def _fake_model(tmp_path, payload: bytes, part_size: int) -> tuple[models.LocalModel, object]:
    """A LocalModel whose parts are wheels in tmp_path/wheels, each holding one data/partNN.bin."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    parts = [payload[i:i + part_size] for i in range(0, len(payload), part_size)]
    names = []
    for n, data in enumerate(parts, 1):
        name = f"fake-model-part{n}"
        with zipfile.ZipFile(wheels / f"fake_model_part{n}-0.1.0-py3-none-any.whl", "w") as z:
            z.writestr(f"fake_model_part{n}/__init__.py", "")
            z.writestr(f"fake_model_part{n}/data/part{n:02d}.bin", data)
        names.append(f"{name}==0.1.0")
    model = dataclasses.replace(models.TIERS["small"], tier="fake", alias="fake", file_name="fake.gguf",
                                parts=tuple(names), part_size=part_size, size=len(payload),
                                sha256=hashlib.sha256(payload).hexdigest())
    return model, wheels


@pytest.fixture()
def fake(tmp_path, monkeypatch):
    monkeypatch.setenv("AISD_MODEL_DIR", str(tmp_path / "models"))
    payload = os.urandom(10_000)
    model, wheels = _fake_model(tmp_path, payload, 3_000)
    monkeypatch.setitem(models.TIERS, "fake", model)
    return model, wheels, payload


def test_assembly_verifies_and_is_not_repeated(fake):
    model, wheels, payload = fake
    lines = []
    path = assemble.assemble("fake", wheels=wheels, progress=lines.append)
    assert path.read_bytes() == payload and not path.with_suffix(".partial").exists()
    assert models.verified(path, model) == "" and models.gguf_path  # the stamp makes the next check cheap
    assert any("part  4/4" in line for line in lines), lines
    again = []
    assemble.assemble("fake", wheels=wheels, progress=again.append)
    assert len(again) == 1 and "verified" in again[0], "an assembled, verified file is not assembled again"


def test_assembly_resumes_after_a_stop(fake):
    model, wheels, payload = fake
    partial = models.models_dir() / "fake.partial"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(payload[:3_000] + payload[3_000:4_000])   # part 1 whole, part 2 cut short
    lines = []
    path = assemble.assemble("fake", wheels=wheels, progress=lines.append)
    assert path.read_bytes() == payload
    assert "1 of 4 parts already there" in lines[0], lines[0]
    assert not any("part  1/4" in line for line in lines), "part 1 was appended again"


def test_a_wrong_part_is_refused_and_nothing_is_served(fake, tmp_path):
    model, wheels, payload = fake
    bad = dataclasses.replace(model, sha256="0" * 64)
    models.TIERS["fake"] = bad
    with pytest.raises(models.LLMUnavailable, match="not .* as published"):
        assemble.assemble("fake", wheels=wheels, progress=lambda *_: None)
    assert not (models.models_dir() / "fake.gguf").exists() and not (models.models_dir() / "fake.partial").exists()


def test_a_corrupted_or_short_file_is_refused_with_the_fix(fake):
    model, wheels, payload = fake
    path = assemble.assemble("fake", wheels=wheels, progress=lambda *_: None)
    flipped = bytearray(payload)
    flipped[5_000] ^= 0xFF
    path.write_bytes(bytes(flipped))                 # same size, other bytes, new mtime: hashed again
    problem = models.verified(path, model)
    assert "SHA-256" in problem and "aisd llm fetch fake" in problem, problem
    path.write_bytes(payload[:100])
    problem = models.verified(path, model)
    assert "100 bytes" in problem and "Delete it" in problem, problem
    path.unlink()
    assert "not assembled yet" in models.verified(path, model)


def test_the_small_tier_missing_is_a_clear_cli_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AISD_MODEL_DIR", str(tmp_path / "nothing"))
    monkeypatch.setenv("AISD_HOME", str(tmp_path / "home"))
    assert cli.main(["llm", "start", "small"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aisd llm start: ") and "aisd llm fetch small" in err, err
    assert cli.main(["precompute", "07", "llm"]) == 2
    assert "aisd llm fetch small" in capsys.readouterr().err


def test_tiers_have_their_own_names_and_files():
    assert models.tier_of("small").alias == "qwen2.5-coder-1.5b" and models.tier_of("smollm2").tier == "tiny"
    with pytest.raises(models.AisdError, match="choose one of tiny, small"):
        models.tier_of("huge")
    assert llm.model_name(tier="small") != llm.model_name(tier="tiny")
    assert usage.cost("qwen2.5-coder-1.5b", 10**6, 10**6) == 0.0


@pytest.mark.xdist_group("llm")
@pytest.mark.skipif(not models.available("small"), reason="the small model is not assembled (aisd llm fetch small)")
def test_both_tiers_serve_side_by_side(tmp_path, monkeypatch):
    """The only live calls of the small model in the suite: start, one forced tool call, one JSON answer."""
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    for name in ("AISD_LLM_BASE_URL", "AISD_LLM_TIER", "AISD_LLM_GGUF"):
        monkeypatch.delenv(name, raising=False)
    try:
        small = llm.client(tier="small", timeout=600)
        tiny = llm.client(tier="tiny")
        assert server.status("small")["port"] != server.status("tiny")["port"]
        weather = {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
                   "parameters": {"type": "object", "properties": {"city": {"type": "string", "maxLength": 20}},
                                  "required": ["city"]}}}
        reply = small.chat.completions.create(
            model=llm.model_name(tier="small"), messages=[{"role": "user", "content": "Weather in Paris?"}],
            tools=[weather], tool_choice={"type": "function", "function": {"name": "get_weather"}}, max_tokens=30)
        call = reply.choices[0].message.tool_calls[0]
        assert call.function.name == "get_weather" and isinstance(json.loads(call.function.arguments)["city"], str)
        reply = tiny.chat.completions.create(model=llm.model_name(tier="tiny"), max_tokens=5,
                                             messages=[{"role": "user", "content": "Hi"}])
        assert reply.model and reply.usage.completion_tokens >= 1
        assert cli.main(["llm", "status"]) == 0
    finally:
        server.stop_server("small")
        server.stop_server("tiny")


def test_the_store_reads_stored_answers_and_records_them(tmp_path, monkeypatch):
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    path = tmp_path / "answers.jsonl"
    messages = [{"role": "user", "content": "hi"}]
    store = Store(path, tier="small")
    key = store.key(messages, 10)
    path.write_text(json.dumps({"key": key, "model": store.model, "text": "hello", "prompt_tokens": 3,
                                "completion_tokens": 1, "seconds": 0.5}) + "\n")
    usage.reset()
    record = Store(path).ask(messages, 10)
    assert record["stored"] and record["text"] == "hello" and record["model"] == "qwen2.5-coder-1.5b"
    (call,) = usage.calls()
    assert call.source == "stored" and call.prompt_tokens == 3 and not usage.live_calls()
    assert Store(path).key(messages, 10, schema={"type": "object"}) != key, "the schema is part of the key"
    with pytest.raises(KeyError, match="no answer yet"):
        Store(path).keep_only([key, "missing"])


def test_a_request_is_keyed_once_whether_it_is_stored_or_live(tmp_path, monkeypatch):
    """A caller that looks whether an answer is stored and then takes it (``Store.request``, then
    ``Store.answer``) hashes the request once; its key is the one stored answers were always filed under."""
    from types import SimpleNamespace

    from aisd.toolkit import answer_store

    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    real, hashed = answer_store.request_key, []
    monkeypatch.setattr(answer_store, "request_key", lambda *a, **k: hashed.append(a) or real(*a, **k))
    reply = SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content="live"), finish_reason="stop")],
                            usage=SimpleNamespace(prompt_tokens=2, completion_tokens=1))
    client = SimpleNamespace(chat=SimpleNamespace(completions=SimpleNamespace(create=lambda **kwargs: reply)))
    stored, other = [{"role": "user", "content": "hi"}], [{"role": "user", "content": "other"}]
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps({"key": real("qwen2.5-coder-1.5b", stored, 10), "model": "qwen2.5-coder-1.5b",
                                "text": "hello", "prompt_tokens": 3, "completion_tokens": 1, "seconds": 0.5}) + "\n")
    store = Store(path, tier="small", write=True, client=client)
    request = store.request(stored, 10)
    assert request.stored and request.keys == {store.model: real(store.model, stored, 10)}
    assert store.answer(request, label="x")["text"] == "hello" and len(hashed) == 1, hashed
    hashed.clear()
    request = store.request(other, 10)
    assert not request.stored
    record = store.answer(request, label="y")
    assert not record["stored"] and record["text"] == "live" and record["key"] == real(store.model, other, 10)
    assert len(hashed) == 1, "the live answer is filed under the key computed when the request was made"
    assert store.ask(other, 10)["stored"] and store.has(stored, 10)


def test_an_answer_that_never_fits_its_schema_is_recorded_not_retried(tmp_path, monkeypatch):
    """The runtime raises 422 when the model's JSON does not fit even after its retry: the store records that
    as the model's (empty) answer, so a regeneration neither crashes nor asks again."""
    import httpx
    import openai
    from types import SimpleNamespace

    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    asked = []

    def create(**kwargs):
        asked.append(kwargs)
        request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
        raise openai.UnprocessableEntityError("did not fit its schema", response=httpx.Response(422, request=request),
                                              body=None)

    client = SimpleNamespace(chat=SimpleNamespace(completions=SimpleNamespace(create=create)))
    store = Store(tmp_path / "a.jsonl", write=True, client=client)
    messages = [{"role": "user", "content": "x"}]
    record = store.ask(messages, 10, schema={"type": "object"})
    assert record["text"] == "" and record["finish_reason"] == "invalid" and "did not fit" in record["error"]
    again = Store(tmp_path / "a.jsonl", client=client).ask(messages, 10, schema={"type": "object"})
    assert again["stored"] and len(asked) == 1


def test_auto_tier_uses_small_only_where_it_fits(monkeypatch):
    """AISD_LLM_TIER=auto: small when it is assembled and its server's memory plus a kernel's budget is free."""
    from aisd.runtime import llm, models

    monkeypatch.setenv("AISD_LLM_TIER", "auto")
    monkeypatch.setattr(models, "available", lambda tier: True)
    need = models.TIERS["small"].server_rss_mb + llm.KERNEL_BUDGET_MB
    monkeypatch.setattr(llm, "free_memory_mb", lambda: need + 1)
    assert llm.live_tier() == "small"
    monkeypatch.setattr(llm, "free_memory_mb", lambda: need - 1)
    assert llm.live_tier() == "tiny" and "MiB free <" in llm.auto_tier()[1]
    monkeypatch.setattr(llm, "free_memory_mb", lambda: 10 * need)
    monkeypatch.setattr(models, "available", lambda tier: False)
    assert llm.auto_tier() == ("tiny", "the small model is not assembled (aisd llm fetch small)")


@pytest.mark.xdist_group("llm")
def test_sampled_answers_are_requests_of_their_own(tmp_path, monkeypatch):
    """Agreement between samples needs several answers to one prompt: ``sample`` n > 0 is sampled (temperature,
    seed n) and stored under its own key; the greedy answer (sample 0) keeps the key it always had."""
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    for name in ("AISD_LLM_BASE_URL", "AISD_LLM_TIER", "AISD_LLM_GGUF"):
        monkeypatch.delenv(name, raising=False)
    messages = [{"role": "user", "content": "Name a colour and an animal."}]
    try:
        store = Store(tmp_path / "s.jsonl", tier="tiny", write=True)
        texts = {n: store.ask(messages, 12, sample=n)["text"] for n in (1, 2, 3, 4)}
        assert len(set(texts.values())) > 1, f"four seeds gave one answer: {texts}"
        again = Store(tmp_path / "s.jsonl", tier="tiny")
        assert all(again.ask(messages, 12, sample=n)["stored"] for n in texts), "each sample is stored by its seed"
        assert not again.has(messages, 12), "the greedy answer is another request"
        assert store.key(messages, 12) == Store(tmp_path / "s.jsonl", tier="tiny").key(messages, 12, sample=0)
        live = Store(tmp_path / "other.jsonl", tier="tiny", write=True)
        assert live.ask(messages, 12, sample=2)["text"] == texts[2], "a seed repeats its sample"
    finally:
        server.stop_server("tiny")
