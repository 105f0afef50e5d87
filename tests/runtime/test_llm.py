"""The LLM runtime against the real local llama.cpp server (no mocks).

Nothing here depends on what the tiny model says: only on the structure of its answers and on
measured behaviour (start, reuse, restart, errors, timing). Every test that starts or stops a
server uses its own state dir (AISD_HOME), so the tests never stop a server other tests use.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import psutil
import pytest

from aisd.course import cli
from aisd.runtime import llm, server, tokens, usage

PERSON = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
          "required": ["name", "age"]}
WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
PROVIDER_VARS = ("AISD_LLM_BASE_URL", "AISD_LLM_MODEL", "AISD_LLM_API_KEY", "OPENAI_API_KEY", "AISD_LLM_GGUF")


def _local_env(monkeypatch, home) -> None:
    for name in PROVIDER_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AISD_HOME", str(home))


pytestmark = pytest.mark.xdist_group("llm")     # one private server for the module, on one worker


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One local server for this module's chat tests (this worker's own state dir)."""
    with pytest.MonkeyPatch.context() as mp:
        path = tmp_path_factory.mktemp("aisd_home")
        _local_env(mp, path)
        yield path
        server.stop_server()


@pytest.fixture()
def own_home(tmp_path, monkeypatch):
    """A fresh state dir: its server is started and stopped by the test alone."""
    _local_env(monkeypatch, tmp_path)
    yield tmp_path
    server.stop_server()


def _servers_of(home) -> list[int]:
    """Pids of the llama.cpp servers started for the state dir ``home``."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if ("llama_cpp.server" in " ".join(process.info["cmdline"] or [])
                    and process.status() != psutil.STATUS_ZOMBIE
                    and process.environ().get("AISD_HOME") == str(home)):
                found.append(process.pid)
        except psutil.Error:
            pass
    return found


def _run_python(code: str, env: dict, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)


# ------------------------------------------------------------------------------------------------
# The OpenAI API against the local server
# ------------------------------------------------------------------------------------------------
def test_chat_answers_and_is_recorded(home):
    """A chat call returns a message, reports usage, and lands in the usage ledger."""
    client = llm.client()
    before = len(usage.calls())
    reply = client.chat.completions.create(model=llm.model_name(), max_tokens=12,
                                           messages=[{"role": "user", "content": "Say hi"}])
    assert isinstance(reply.choices[0].message.content, str), "a chat reply should carry text"
    assert 0 < reply.usage.completion_tokens <= 12, f"max_tokens=12 should bound the answer: {reply.usage}"
    calls = usage.calls()[before:]
    assert len(calls) == 1, f"one call should be recorded, got {len(calls)}"
    assert (calls[0].model, calls[0].provider, calls[0].source) == ("smollm2", "local", "usage")
    assert calls[0].prompt_tokens == reply.usage.prompt_tokens
    assert calls[0].completion_tokens == reply.usage.completion_tokens
    assert calls[0].latency_s > 0


def test_prompt_token_count_matches_the_server(home):
    """tokens.count_messages gives exactly the prompt tokens the local server reports."""
    messages = [{"role": "system", "content": "You answer in one word."},
                {"role": "user", "content": "What colour is the sky on a clear day, and why?"}]
    reply = llm.client().chat.completions.create(model=llm.model_name(), messages=messages, max_tokens=1)
    assert tokens.count_messages(messages) == reply.usage.prompt_tokens, (
        f"local count {tokens.count_messages(messages)} != server's {reply.usage.prompt_tokens}")


def test_streaming_yields_chunks_and_records_counted_usage(home):
    """A streamed reply arrives in several chunks; its tokens are counted and recorded."""
    client = llm.client()
    messages = [{"role": "user", "content": "Count from one to ten."}]
    before = len(usage.calls())
    pieces = []
    with client.chat.completions.create(model=llm.model_name(), messages=messages, max_tokens=16, stream=True) as stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
    assert len(pieces) > 1, f"streaming should deliver the answer in pieces, got {pieces}"
    calls = usage.calls()[before:]
    assert len(calls) == 1 and calls[0].stream, "the streamed call should be recorded once, as a stream"
    assert calls[0].completion_tokens == len(pieces) <= 16
    assert calls[0].prompt_tokens == tokens.count_messages(messages)
    assert 0 < calls[0].first_token_s <= calls[0].latency_s


def test_forced_tool_call_returns_valid_arguments(home):
    """tool_choice forces a call of the named tool with JSON arguments that fit its schema."""
    reply = llm.client().chat.completions.create(
        model=llm.model_name(), messages=[{"role": "user", "content": "What is the weather in Paris?"}],
        tools=[WEATHER_TOOL], tool_choice={"type": "function", "function": {"name": "get_weather"}}, max_tokens=40)
    calls = reply.choices[0].message.tool_calls
    assert calls, f"a forced tool call should come back as tool_calls, got {reply.choices[0].message}"
    assert calls[0].function.name == "get_weather"
    arguments = json.loads(calls[0].function.arguments)
    assert isinstance(arguments.get("city"), str), f"arguments should have a string 'city': {arguments}"


@pytest.mark.parametrize("response_format", [
    {"type": "json_object", "schema": PERSON},                                  # llama.cpp's form
    {"type": "json_schema", "json_schema": {"name": "person", "schema": PERSON}},  # OpenAI's form
], ids=["json_object+schema", "json_schema"])
def test_json_constrained_output_fits_the_schema(home, response_format):
    """response_format constrains the answer to JSON of the given schema (both spellings)."""
    reply = llm.client().chat.completions.create(
        model=llm.model_name(), messages=[{"role": "user", "content": "Invent a person."}], max_tokens=60,
        response_format=response_format)
    person = json.loads(reply.choices[0].message.content)
    assert isinstance(person["name"], str) and isinstance(person["age"], int), f"does not fit the schema: {person}"


# ------------------------------------------------------------------------------------------------
# The server's life: on demand, shared, one at a time, restarted, loopback only, stopped
# ------------------------------------------------------------------------------------------------
def test_server_listens_on_loopback_only(home):
    """The server binds 127.0.0.1, never 0.0.0.0."""
    state = server.ensure_server()
    listening = [c.laddr.ip for c in psutil.Process(state["pid"]).net_connections("tcp")
                 if c.status == psutil.CONN_LISTEN]
    assert listening == ["127.0.0.1"], f"the server should listen on 127.0.0.1 only, listens on {listening}"


def test_second_process_reuses_the_server(home):
    """Another process (another notebook) finds the running server instead of starting one."""
    state = server.ensure_server()
    code = ("import json, aisd.runtime.llm as l, aisd.runtime.server as s; c = l.client(); "
            "c.chat.completions.create(model=l.model_name(), messages=[{'role': 'user', 'content': 'hi'}], max_tokens=2); "
            "print(json.dumps(s.status()))")
    done = _run_python(code, dict(os.environ))
    assert done.returncode == 0, done.stderr
    other = json.loads(done.stdout)
    assert (other["pid"], other["port"]) == (state["pid"], state["port"]), "a second server was started"


def test_two_processes_starting_at_once_get_one_server(own_home):
    """Two processes that start the server at the same moment end up sharing one."""
    code = "import aisd.runtime.server as s; print(s.ensure_server()['pid'])"
    procs = [subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=90) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    pids = {int(out) for out, _ in outputs}
    assert len(pids) == 1, f"two servers were started: pids {pids}"
    assert _servers_of(own_home) == list(pids), "exactly one server process should run for this state dir"


def test_busy_server_is_not_restarted(home):
    """While the server is busy generating, another client finds it alive (busy), not dead."""
    state = server.ensure_server()
    client, result = llm.client(), {}

    def long_generation():     # 400 tokens: the end-of-text token (id 2) is banned
        reply = client.chat.completions.create(model=llm.model_name(), messages=[{"role": "user", "content": "hi"}],
                                               max_tokens=400, logit_bias={"2": -100})
        result["tokens"] = reply.usage.completion_tokens

    worker = threading.Thread(target=long_generation)
    worker.start()
    time.sleep(0.5)
    assert server._probe(state["port"], timeout=0.2) == "busy", "the server should be busy generating"
    assert server.ensure_server()["pid"] == state["pid"], "a busy server must not be replaced"
    worker.join(timeout=120)
    assert result.get("tokens") == 400, f"the generation should finish undisturbed: {result}"


def test_killed_server_is_restarted_by_the_next_call(own_home):
    """If the server dies mid-notebook, the next call starts it again and succeeds."""
    client = llm.client()
    old = server.status()
    os.kill(old["pid"], signal.SIGKILL)
    reply = client.chat.completions.create(model=llm.model_name(), messages=[{"role": "user", "content": "hi"}],
                                           max_tokens=2)
    assert reply.choices, "the call after the restart should succeed"
    new = server.status()
    assert new and new["pid"] != old["pid"], "a new server should be running"


def test_cli_status_start_stop(own_home, capsys):
    """`aisd llm status|start|stop` report, start and stop the server."""
    assert cli.main(["llm", "status"]) == 1, "status should exit 1 when no server runs"
    assert cli.main(["llm", "start"]) == 0
    pid = server.status()["pid"]
    assert cli.main(["llm", "status"]) == 0
    assert str(pid) in capsys.readouterr().out
    assert cli.main(["llm", "stop"]) == 0
    assert server.status() is None, "no server should answer after stop"
    assert _servers_of(own_home) == [], "the server process should be gone after stop"


def test_server_that_cannot_start_says_why(own_home, monkeypatch):
    """A model file that is not a model gives LLMUnavailable with the server log's tail, quickly."""
    broken = own_home / "broken.gguf"
    broken.write_bytes(b"this is not a gguf file")
    monkeypatch.setenv("AISD_LLM_GGUF", str(broken))
    started = time.monotonic()
    with pytest.raises(llm.LLMUnavailable) as error:
        llm.client()
    assert time.monotonic() - started < 30
    message = str(error.value)
    assert "exited" in message and "log" in message, message


# ------------------------------------------------------------------------------------------------
# A real provider, opt-in: clear errors within seconds, and the local fallback
# ------------------------------------------------------------------------------------------------
def _ask(client) -> None:
    client.chat.completions.create(model=llm.model_name(), messages=[{"role": "user", "content": "hi"}], max_tokens=2)


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:9/v1", "http://no-such-host.invalid/v1",
                                      "https://api.openai.com/v1"])
def test_unreachable_provider_fails_fast_and_clearly(monkeypatch, base_url):
    """With a provider configured but unreachable (or, here, no network), the error comes in seconds."""
    monkeypatch.setenv("AISD_LLM_BASE_URL", base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-a-real-key")
    assert llm.model_name() == "gpt-4o-mini"
    started = time.monotonic()
    with pytest.raises(llm.LLMUnavailable) as error:
        _ask(llm.client())
    assert time.monotonic() - started < 10, "an unreachable provider should fail within seconds"
    assert "local=True" in str(error.value), "the error should say how to fall back to the local model"


def test_bad_base_url_says_check_the_url(home, monkeypatch):
    """A base URL that reaches a server but not its API (no /v1) names the setting to check."""
    monkeypatch.setenv("AISD_LLM_BASE_URL", f"http://127.0.0.1:{server.ensure_server()['port']}/")
    monkeypatch.setenv("AISD_LLM_MODEL", "smollm2")
    with pytest.raises(llm.LLMUnavailable, match="AISD_LLM_BASE_URL"):
        _ask(llm.client())


def test_provider_that_never_answers_times_out(monkeypatch):
    """A provider that accepts the connection but never answers fails after the request timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setenv("AISD_LLM_BASE_URL", f"http://127.0.0.1:{silent.getsockname()[1]}/v1")
        started = time.monotonic()
        with pytest.raises(llm.LLMUnavailable):
            _ask(llm.client(timeout=1))
        assert time.monotonic() - started < 5


def test_local_fallback_works_while_a_provider_is_configured(home, monkeypatch):
    """client(local=True) and model(local=True) reach the bundled model whatever the environment says."""
    monkeypatch.setenv("AISD_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    assert not llm.is_local() and llm.model_name(local=True) == "smollm2"
    client = llm.client(local=True)
    assert client.base_url.host == "127.0.0.1"
    reply = client.chat.completions.create(model=llm.model_name(local=True), max_tokens=2,
                                           messages=[{"role": "user", "content": "hi"}])
    assert reply.choices


def test_normal_use_writes_nothing_to_stderr(home):
    """Starting, chatting and counting tokens print nothing on stderr (graded cells would fail)."""
    code = ("import aisd.runtime.llm as l, aisd.runtime.tokens as t; c = l.client(); "
            "c.chat.completions.create(model=l.model_name(), messages=[{'role': 'user', 'content': 'hi'}], max_tokens=2); "
            "print(t.count('hello world'), t.count_messages([{'role': 'user', 'content': 'hi'}]))")
    done = _run_python(code, dict(os.environ))
    assert done.returncode == 0 and done.stderr == "", f"stderr was: {done.stderr!r}"


def test_llama_cpp_build_is_portable():
    """llama.cpp was compiled for any x86-64 CPU with AVX2 (GGML_NATIVE=OFF), not for this machine's
    CPU: a -march=native build would use instructions (AVX-512 here) that Binder's CPUs may lack."""
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode()
    with open("/proc/cpuinfo") as f:
        host_has_avx512 = "avx512f" in f.read()
    if not host_has_avx512:
        pytest.skip("this CPU has no AVX-512, so a native build would look the same as a portable one")
    assert "AVX512" not in info, f"llama.cpp looks built with -march=native (uses AVX-512): {info}"
