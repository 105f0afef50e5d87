"""A pull request's code is untrusted: each way out of the sandbox its tests run in is stopped."""
from __future__ import annotations

import pytest

from aisd.codereview import testrun

CHECK = "def check(candidate):\n    candidate(1)\n"

ESCAPES = {
    "file outside the folder": ("def f(x):\n    return open('/etc/passwd').read()\n", "no file access outside"),
    "network": ("import socket\ndef f(x):\n    socket.create_connection(('10.0.0.1', 80), timeout=1)\n", "not allowed"),
    "shell": ("import subprocess\ndef f(x):\n    subprocess.run('id', shell=True)\n", "not allowed"),
    "fork bomb": ("import os\ndef f(x):\n    while True:\n        os.fork()\n", "os.fork is not allowed"),
    "memory": ("def f(x):\n    return bytearray(2 * 1024 ** 3)\n", "MemoryError"),
    "writing outside": ("def f(x):\n    open('/tmp/aisd_escape_test', 'w').write('x')\n", "no file access outside"),
}


@pytest.mark.parametrize("name", list(ESCAPES))
def test_an_escape_is_stopped_with_a_clear_reason(name):
    code, reason = ESCAPES[name]
    result = testrun.run_tests(code, CHECK, "f", timeout_s=3.0)
    assert not result.ok
    assert reason in result.stderr, result.stderr[-300:]


def test_an_endless_loop_is_killed_at_the_time_limit():
    result = testrun.run_tests("def f(x):\n    while True:\n        x += 1\n", CHECK, "f", timeout_s=1.0)
    assert result.timed_out and not result.ok and result.seconds < 3


def test_a_clean_run_passes():
    assert testrun.run_tests("def f(x):\n    return x\n", CHECK, "f").ok
