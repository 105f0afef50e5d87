"""Drive a running class hub from outside, as its users would: start it, call its REST API, open a
user's server, run code in a user's kernel. Used by the hub tests and by the capacity measurement
(``python -m aisd.course.hubcapacity``); nothing here calls nbgrader itself.

Everything is on 127.0.0.1. :class:`ClassHub` starts ``jupyterhub -f deploy/jupyterhub_config.py``
(as root: the hub creates a Unix user per roster name) in a state folder of its own, and
:meth:`ClassHub.close` stops the hub and every user's server, ends any process left running by the
roster's users (by pid) and, when the hub created them, removes those users again.
"""
from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from aisd.course import hub


from aisd.core.errors import AisdError


class HubError(AisdError, RuntimeError):
    """The class hub or a user's server did not start or answer (the message holds the hub's log)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ClassHub:
    """A real JupyterHub with the course's configuration, for a roster of test users."""

    def __init__(self, instructors: list[str], students: list[str], state: str | Path | None = None,
                 cull_timeout: int | None = None, cull_every: int | None = None, remove_users: bool = True):
        if os.geteuid() != 0:
            raise PermissionError("the class hub runs as root: it creates a Unix user per student")
        # The hub opens folders users must pass through (o+x, e.g. /root under pyenv); the last hub of this
        # kind to close puts them back (two runs side by side share the record of their modes).
        if not MODES.exists():
            MODES.write_text(json.dumps({str(p): os.stat(p).st_mode & 0o7777 for p in hub.blocked_folders()}))
        if not hub.PROXY.exists():
            raise FileNotFoundError(f"{hub.PROXY} is missing: run `cd deploy && npm ci` (make hub/test do)")
        self.instructors, self.students = list(instructors), list(students)
        self.users = self.instructors + self.students
        self.existed = {u for u in self.users if _user_exists(u)}
        self.remove_users = remove_users
        self.state = Path(state) if state else Path(tempfile.mkdtemp(prefix="aisd-hub-", dir="/tmp"))
        self.port, self.api_port, self.proxy_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, AISD_HUB_STATE=str(self.state), AISD_HUB_PORT=str(self.port),
                        AISD_HUB_API_PORT=str(self.api_port), AISD_PROXY_API_PORT=str(self.proxy_port),
                        AISD_HUB_INSTRUCTORS=",".join(self.instructors), AISD_HUB_STUDENTS=",".join(self.students))
        for name, value in (("AISD_HUB_CULL_TIMEOUT", cull_timeout), ("AISD_HUB_CULL_EVERY", cull_every)):
            if value is not None:
                self.env[name] = str(value)
        self.proc = None
        self.session = requests.Session()

    # -- life cycle --------------------------------------------------------------------------------
    def start(self, timeout: float = 120) -> "ClassHub":
        self.log_path = self.state / "hub.log"
        self.state.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        cmd = [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(hub.DEPLOY / "jupyterhub_config.py")]
        self.proc = subprocess.Popen(cmd, cwd=self.state, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        (self.state / "hub.pid").write_text(str(self.proc.pid))
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise HubError("the hub did not start:\n" + self.log()[-4000:])
            time.sleep(0.3)
        self.token = (self.state / "admin-token").read_text().strip()
        self.session.headers["Authorization"] = f"token {self.token}"
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)         # the hub stops every user's server (cleanup_servers)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.kill_user_processes()
        if self.remove_users:     # the roster's users this hub created, and any other whose home it made
            made_here = {p.pw_name for p in pwd.getpwall() if Path(p.pw_dir).is_relative_to(self.state)}
            for user in (set(self.users) - self.existed) | made_here:
                if _user_exists(user):
                    subprocess.run(["userdel", user], capture_output=True, timeout=30)
        if MODES.exists() and not _other_hubs_running(self.state):
            for folder, mode in json.loads(MODES.read_text()).items():
                os.chmod(folder, mode)
            MODES.unlink(missing_ok=True)
        if getattr(self, "_log", None):
            self._log.close()

    def kill_user_processes(self) -> list[int]:
        """End what the roster's users left running (kernels, an LLM server a notebook started), by pid."""
        import psutil

        uids = {pwd.getpwnam(u).pw_uid for u in self.users if _user_exists(u)}
        procs = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real in uids]
        for p in procs:
            try:
                p.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(procs, timeout=10)
        return [p.pid for p in procs]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # -- the hub's REST API ------------------------------------------------------------------------
    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        return self.session.request(method, f"{self.url}/hub/api{path}", **kwargs)

    def start_server(self, user: str, timeout: float = 300) -> float:
        """Start ``user``'s server through the hub; seconds until it answers through the proxy."""
        started = time.monotonic()
        r = self.api("POST", f"/users/{user}/server")
        if r.status_code in (401, 403, 404):
            raise HubError(f"starting {user}'s server: {r.status_code} {r.text}")
        # 201 started, 202 starting, 400 already running; JupyterHub 6.1.1 can also answer 500 for a spawn
        # slower than its slow_spawn_timeout (InvalidStateError) while the spawn goes on: wait and see.
        self.wait_ready(user, timeout, started)
        return time.monotonic() - started

    def wait_ready(self, user: str, timeout: float, started: float | None = None) -> None:
        started = started or time.monotonic()
        gone_since = None
        while True:
            model = self.api("GET", f"/users/{user}").json()
            server = model.get("servers", {}).get("", {})
            if server.get("ready"):
                r = self.session.get(f"{self.url}/user/{user}/api/status", timeout=30)
                if r.ok:
                    return
            gone_since = (gone_since or time.monotonic()) if not server else None
            if gone_since and time.monotonic() - gone_since > 20:      # neither starting nor running
                raise HubError(f"{user}'s server stopped while starting: {model}\n{self.log()[-3000:]}")
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{user}'s server not ready after {timeout:g} s: {model}\n{self.log()[-3000:]}")
            time.sleep(0.5)

    def stop_server(self, user: str, timeout: float = 120) -> None:
        self.api("DELETE", f"/users/{user}/server")
        deadline = time.monotonic() + timeout
        while self.api("GET", f"/users/{user}").json().get("servers"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{user}'s server did not stop")
            time.sleep(0.5)

    def server_pid(self, user: str) -> int | None:
        state = self.api("GET", f"/users/{user}").json().get("servers", {}).get("", {}).get("state") or {}
        return state.get("pid")

    # -- a user's own server -----------------------------------------------------------------------
    def user_api(self, user: str, method: str, path: str, timeout: float = 600, **kwargs) -> requests.Response:
        """``METHOD /user/USER/PATH`` through the proxy, with the class admin token (scope access:servers)."""
        return self.session.request(method, f"{self.url}/user/{user}/{path.lstrip('/')}", timeout=timeout, **kwargs)

    def write_file(self, user: str, path: str, text: str) -> None:
        r = self.user_api(user, "PUT", f"api/contents/{path}",
                          json={"type": "file", "format": "text", "content": text})
        r.raise_for_status()

    def read_file(self, user: str, path: str) -> str:
        r = self.user_api(user, "GET", f"api/contents/{path}", params={"format": "text", "type": "file"})
        r.raise_for_status()
        return r.json()["content"]

    def run_code(self, user: str, code: str, timeout: float = 120) -> dict:
        """Run ``code`` in a new kernel of ``user``'s server (so as that Unix user); its stdout and error."""
        r = self.user_api(user, "POST", "api/kernels", json={"name": "python3"})
        r.raise_for_status()
        kernel = r.json()["id"]
        try:
            return asyncio.run(asyncio.wait_for(self._execute(user, kernel, code), timeout))
        finally:
            self.user_api(user, "DELETE", f"api/kernels/{kernel}")

    async def _execute(self, user: str, kernel: str, code: str) -> dict:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = f"ws://127.0.0.1:{self.port}/user/{user}/api/kernels/{kernel}/channels"
        ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {self.token}"}))
        msg_id, out = uuid.uuid4().hex, {"stdout": "", "error": None}
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "username": user, "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        try:
            while True:
                raw = await ws.read_message()
                if raw is None:
                    raise HubError(f"{user}'s kernel closed the connection")
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind == "stream":
                    out["stdout"] += msg["content"]["text"]
                elif kind == "error":
                    out["error"] = f"{msg['content']['ename']}: {msg['content']['evalue']}"
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    return out
        finally:
            ws.close()


MODES = Path(tempfile.gettempdir()) / "aisd-hub-folder-modes.json"


def _other_hubs_running(mine: Path) -> bool:
    """Another ClassHub of this machine still running (its state folder has the pid of a live hub)."""
    for pidfile in Path(tempfile.gettempdir()).glob("aisd-hub-*/hub.pid"):
        if pidfile.parent == mine:
            continue
        try:
            os.kill(int(pidfile.read_text()), 0)
            return True
        except (OSError, ValueError):
            continue
    return False


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def remove_state(state: Path) -> None:
    shutil.rmtree(state, ignore_errors=True)
