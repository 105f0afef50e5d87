"""A disposable llama.cpp server of one tier, owned by the caller: the real fault of a server process
killed mid-request (notebook 11). It never touches the course's shared servers or their records, and it
kills itself ``lifetime_s`` after it is ready if nobody did
(and a start that takes longer than ``start_timeout_s`` is killed too).

>>> with Disposable("tiny", lifetime_s=60) as s:       # doctest: +SKIP
...     s.kill()                                      # the process is gone; s.base_url refuses connections
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time

from aisd.runtime import server
from aisd.runtime.models import LLMUnavailable, gguf_path, tier_of


class Disposable:
    def __init__(self, tier: str = "tiny", lifetime_s: float = 120.0, start_timeout_s: float = 60.0):
        self.tier, self.lifetime_s, self.start_timeout_s = tier_of(tier).tier, lifetime_s, start_timeout_s
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self._timer: threading.Timer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "Disposable":
        model = tier_of(self.tier)
        self.port = server._free_port()
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path(model.tier)),
                   "--model_alias", model.alias, "--host", "127.0.0.1", "--port", str(self.port),
                   "--n_ctx", str(model.n_ctx), "--n_threads", str(server.threads()), "--n_batch", str(model.n_batch)]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        started = time.monotonic()
        while not server.healthy(self.port, timeout=1):
            if self.process.poll() is not None or time.monotonic() - started > self.start_timeout_s:
                self.kill()
                raise LLMUnavailable(f"a disposable {self.tier} server did not start")
            time.sleep(0.05)
        self._timer = threading.Timer(self.lifetime_s, self.kill)     # its lifetime counts from ready
        self._timer.daemon = True
        self._timer.start()
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash would (no graceful shutdown), and reap it."""
        if self._timer:
            self._timer.cancel()
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> "Disposable":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.kill()
