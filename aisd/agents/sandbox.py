"""A Python tool for an agent: run code in a child process with a timeout, a memory limit, no network and
no file access outside its own temporary folder.

>>> result = run_python("print(sum(range(10)))")
>>> result.ok, result.stdout
(True, '45\\n')
>>> run_python("import socket; socket.create_connection(('example.com', 80))").ok
False

What holds the code in, from the strongest boundary to the weakest (honestly):

============================  ======================================================================
limit                         how, and how strong
============================  ======================================================================
time                          ``timeout_s`` of wall clock, then the child's whole process group is
                              killed (SIGKILL); ``RLIMIT_CPU`` as a backstop. Kernel-enforced.
memory                        ``RLIMIT_AS`` (address space, default 256 MiB): allocations beyond it
                              fail with ``MemoryError``. Kernel-enforced.
output and files              ``RLIMIT_FSIZE`` (1 MiB per file), ``RLIMIT_NOFILE`` (64), stdout and
                              stderr cut at ``MAX_OUTPUT`` characters.
network                       a fresh, empty network namespace (``unshare -n``, or ``unshare -rn``
                              for a user without root) when the system allows it: no interface but
                              a loopback that is down, so nothing is reachable. Kernel-enforced.
                              Where namespaces are not allowed (some containers), only the audit
                              hook below refuses sockets: :data:`NETWORK_ISOLATION` says which.
files, processes, network     a Python audit hook (PEP 578) in the child, installed before the code
                              runs: it refuses opening files outside the folder (reading Python's
                              own library stays allowed, or imports would fail), listing other
                              folders, sockets, ``subprocess``, ``os.system``, ``fork``/``exec``,
                              signals and ``ctypes``. It is a guard against mistakes and naive code,
                              not against an attacker: C code (an extension module reading a file
                              through C's ``fopen``) does not pass through the hook.
============================  ======================================================================

For untrusted code in production, put this inside a real isolation layer (a container or microVM
without network, e.g. gVisor, Firecracker, nsjail or bubblewrap), and keep the same limits.
``RLIMIT_NPROC`` is not used: it counts all processes of the user and does not apply to root;
a fork bomb is stopped by the hook (no ``fork``) and by the timeout killing the process group.
"""
from __future__ import annotations

import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from aisd.core.errors import AisdError

DEFAULT_TIMEOUT_S = 5.0
DEFAULT_MEMORY_MB = 256
MAX_OUTPUT = 4000


class SandboxError(AisdError):
    """Code or files handed to the sandbox in a form it cannot run (not a string, a path outside its folder)."""


# Runs in the child before the learner's code: the audit hook, then the code itself.
BOOTSTRAP = r'''
import os, sys
ROOT = os.path.realpath(sys.argv[1])
LIBS = tuple(sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path)
                     if p and os.path.isdir(p) and os.path.realpath(p) != ROOT}))
BLOCKED = ("socket.", "subprocess.", "os.system", "os.fork", "os.forkpty", "os.exec", "os.posix_spawn",
           "os.spawn", "os.kill", "os.killpg", "signal.pthread_kill", "ctypes.", "pty.", "os.startfile")
WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

def inside(path, roots):
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)

def hook(event, args):
    if event.startswith(BLOCKED):
        raise PermissionError(f"sandbox: {event} is not allowed (no network, no processes, no ctypes)")
    if event in ("open", "os.listdir", "os.scandir", "os.remove", "os.rename", "os.rmdir", "os.mkdir",
                 "os.chmod", "os.chown", "os.symlink", "os.link", "os.truncate", "os.utime", "shutil.rmtree",
                 "os.chdir"):
        path = args[0] if args else None
        if path is None or isinstance(path, int):
            return
        real = os.path.realpath(os.fsdecode(path))
        if inside(real, (ROOT,)):
            return
        mode, flags = (args[1], args[2]) if event == "open" and len(args) > 2 else (None, 0)
        reading = event in ("os.listdir", "os.scandir") or (event == "open" and not (
            (mode and any(c in mode for c in "wax+")) or (flags or 0) & WRITES))
        if reading and inside(real, LIBS):
            return
        raise PermissionError(f"sandbox: no file access outside its folder ({real})")

code = open(os.path.join(ROOT, "main.py"), encoding="utf-8").read()
compiled = compile(code, "main.py", "exec")
sys.addaudithook(hook)
sys.argv = ["main.py"]
exec(compiled, {"__name__": "__main__", "__builtins__": __builtins__})
'''


@dataclass
class SandboxResult:
    """What one run gave: output, exit code, and which limit (if any) stopped it."""
    stdout: str
    stderr: str
    returncode: int
    seconds: float
    timed_out: bool = False
    memory_exceeded: bool = False
    isolation: str = ""

    @property
    def ok(self) -> bool:
        """Exited 0 within the limits."""
        return self.returncode == 0 and not self.timed_out

    def observation(self) -> str:
        """The result as an agent reads it (short, plain).

        >>> SandboxResult("4\\n", "", 0, 0.1).observation()
        'exit 0\\n4\\n'
        """
        if self.timed_out:
            return f"stopped: the code ran longer than the time limit ({self.seconds:.1f} s)\n{self.stdout}"
        if self.memory_exceeded:
            return "stopped: the code used more memory than allowed (MemoryError)"
        text = f"exit {self.returncode}\n{self.stdout}"
        if self.stderr:
            text += "\nstderr:\n" + self.stderr.strip().splitlines()[-1]
        return text


@functools.lru_cache(maxsize=1)
def _namespace_prefix() -> tuple[str, ...]:
    """``unshare -n`` (root) or ``unshare -rn`` (user namespace) if it works here, else nothing."""
    unshare = shutil.which("unshare")
    if not unshare or not sys.platform.startswith("linux"):
        return ()
    for prefix in ((unshare, "-n"), (unshare, "-rn")) if os.geteuid() == 0 else ((unshare, "-rn"),):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=5).returncode == 0:
                return prefix
        except (OSError, subprocess.SubprocessError):
            continue
    return ()


def network_isolation() -> str:
    """How this machine cuts the child off the network: ``'namespace + audit hook'`` or ``'audit hook'``.

    >>> network_isolation() in ("namespace + audit hook", "audit hook")
    True
    """
    return "namespace + audit hook" if _namespace_prefix() else "audit hook"


def _limits(memory_mb: int, cpu_s: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _cut(text: str) -> str:
    return text if len(text) <= MAX_OUTPUT else text[:MAX_OUTPUT] + f"\n... ({len(text) - MAX_OUTPUT} more characters cut)"


def run_python(code: str, timeout_s: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB,
               files: dict[str, str] | None = None) -> SandboxResult:
    """Run ``code`` in a fresh Python process, inside a new temporary folder (removed afterwards).

    ``files`` ({name: text}) are written into the folder first, for the code to read.

    >>> run_python("open('/etc/hostname').read()").stderr.strip().splitlines()[-1]
    'PermissionError: sandbox: no file access outside its folder (/etc/hostname)'
    >>> run_python("while True: pass", timeout_s=1).timed_out
    True
    """
    if not isinstance(code, str):
        raise SandboxError(f"code must be a string of Python, not {type(code).__name__}")
    folder = Path(tempfile.mkdtemp(prefix="aisd_sandbox_"))
    try:
        (folder / "main.py").write_text(code, encoding="utf-8")
        for name, text in (files or {}).items():
            target = (folder / name).resolve()
            if folder.resolve() not in target.parents:
                raise SandboxError(f"file name {name!r} would land outside the sandbox folder")
            target.write_text(text, encoding="utf-8")
        command = [*_namespace_prefix(), sys.executable, "-I", "-c", BOOTSTRAP, str(folder)]
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(folder), "PYTHONDONTWRITEBYTECODE": "1"}
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True,
                                   preexec_fn=_limits(memory_mb, int(timeout_s) + 1))
        timed_out = False
        try:
            out, err = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(process.pid, signal.SIGKILL)     # the whole group: children too
            except ProcessLookupError:
                pass
            out, err = process.communicate()
        seconds = time.perf_counter() - started
        return SandboxResult(_cut(out), _cut(err), process.returncode, seconds, timed_out=timed_out,
                             memory_exceeded="MemoryError" in err, isolation=network_isolation())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
