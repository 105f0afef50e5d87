"""The sandboxed Python tool: every limit proven by code that tries to break it (real child processes)."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest

from aisd.agents import sandbox
from aisd.agents.sandbox import run_python


def last_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    return lines[-1] if lines else ""


def test_plain_code_runs_and_may_use_its_own_folder():
    result = run_python("open('data.txt', 'w').write('hi')\nprint(open('data.txt').read(), sum(range(5)))",
                        files={"given.txt": "from the caller"})
    assert result.ok and result.stdout == "hi 10\n", result
    assert run_python("print(open('given.txt').read())", files={"given.txt": "abc"}).stdout == "abc\n"
    assert run_python("import json, math, re, collections, statistics; print(math.factorial(5))").stdout == "120\n"


def test_an_endless_loop_is_killed_at_the_timeout():
    started = time.perf_counter()
    result = run_python("while True: pass", timeout_s=1.0)
    assert result.timed_out and not result.ok and result.returncode < 0
    assert time.perf_counter() - started < 5, "the child must be killed near the timeout"
    assert "time limit" in result.observation()


def test_a_sleeping_child_is_killed_too_and_output_so_far_is_kept():
    result = run_python("import time\nprint('started', flush=True)\ntime.sleep(60)", timeout_s=1.0)
    assert result.timed_out and result.stdout == "started\n" and result.seconds < 5


def test_a_fork_bomb_is_stopped():
    started = time.perf_counter()
    result = run_python("import os\nwhile True:\n    os.fork()", timeout_s=3.0)
    assert not result.ok and time.perf_counter() - started < 10
    assert "os.fork is not allowed" in last_error(result), result.stderr[-300:]


@pytest.mark.parametrize("code", [
    "import subprocess; subprocess.run(['ls', '/'])",
    "import os; os.system('ls /')",
    "import ctypes; ctypes.CDLL(None)",
])
def test_processes_and_ctypes_are_refused(code):
    result = run_python(code)
    assert not result.ok and "is not allowed" in last_error(result), result.stderr[-300:]


def test_memory_beyond_the_limit_fails_with_memory_error():
    result = run_python("x = bytearray(512 * 1024 * 1024)\nprint(len(x))", memory_mb=128)
    assert not result.ok and result.memory_exceeded and "MemoryError" in result.stderr
    assert "memory" in result.observation()
    assert run_python("x = bytearray(16 * 1024 * 1024); print(len(x))", memory_mb=128).ok, "within the limit it works"


@pytest.fixture()
def listener():
    """A TCP server on the host's loopback that accepts one connection (what the child must not reach)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(10)
    accepted = []

    def accept():
        try:
            accepted.append(server.accept())
        except OSError:
            pass
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    server.close()


def test_network_is_refused(listener):
    port, accepted = listener
    for code in (f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)",
                 "import urllib.request; urllib.request.urlopen('http://example.com', timeout=2)",
                 "import socket; socket.getaddrinfo('example.com', 80)"):
        result = run_python(code, timeout_s=4)
        assert not result.ok and "not allowed" in result.stderr, result.stderr[-300:]
    assert not accepted, "the child reached a socket on the host"


def test_the_network_namespace_alone_cuts_the_host_off(listener):
    """Without the audit hook, the empty network namespace still cannot reach the host's loopback."""
    if not sandbox._namespace_prefix():
        pytest.skip("network namespaces are not allowed here: only the audit hook refuses sockets")
    port, accepted = listener
    code = (f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n    print('reached')\n"
            "except OSError as e:\n    print('refused', type(e).__name__)")
    out = subprocess.run([*sandbox._namespace_prefix(), sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=20).stdout
    assert out.startswith("refused") and not accepted, out
    assert sandbox.network_isolation() == "namespace + audit hook"


@pytest.mark.parametrize("code", [
    "print(open('/etc/passwd').read())",
    "import os; print(os.listdir('/'))",
    "open('/tmp/aisd_sandbox_escape.txt', 'w').write('x')",
    "import os; os.remove('/tmp/aisd_sandbox_escape.txt')",
    "import os; os.symlink('/etc/passwd', 'link'); print(open('link').read())",
    "print(open('../' * 10 + 'etc/hostname').read())",
])
def test_files_outside_the_folder_are_refused(code, tmp_path):
    result = run_python(code)
    assert not result.ok and "no file access outside its folder" in result.stderr, result.stderr[-300:]


def test_a_secret_next_to_the_sandbox_cannot_be_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret")
    result = run_python(f"print(open({str(secret)!r}).read())")
    assert "s3cret" not in result.stdout and "no file access" in result.stderr


def test_output_is_cut_and_bad_input_is_refused():
    result = run_python("print('x' * 100000)")
    assert result.ok and len(result.stdout) < sandbox.MAX_OUTPUT + 100 and "more characters cut" in result.stdout
    with pytest.raises(sandbox.SandboxError, match="string of Python"):
        run_python(b"print(1)")
    with pytest.raises(sandbox.SandboxError, match="outside the sandbox folder"):
        run_python("print(1)", files={"../evil.txt": "x"})
