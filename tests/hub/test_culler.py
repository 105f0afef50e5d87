"""The idle culler of the class hub (jupyterhub-idle-culler, a hub service of deploy/jupyterhub_config.py)
stops a server left idle and so gives its memory back: with its clock shortened to 10 s, a student's idle
server is gone within a minute, and no process of that student is left. deploy/README.md has the same
measured for ten servers (``python -m aisd.course.hubcapacity``)."""
from __future__ import annotations

import os
import secrets
import time

import pytest

from conftest import slowness

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]


def test_the_idle_culler_stops_an_idle_server_and_its_memory_is_given_back():
    if os.geteuid() != 0:
        reason = "the class hub runs as root (it creates a Unix user per student)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason + " (CI=true: not skipping)")
        pytest.skip(reason)
    from aisd.course.hubcapacity import user_memory
    from aisd.course.hubrun import ClassHub, remove_state

    student = "h" + secrets.token_hex(2) + "-idle"
    hub = ClassHub([], [student], cull_timeout=10, cull_every=5)
    try:
        hub.start(timeout=120 * slowness())
        hub.start_server(student, 300 * slowness())
        before = user_memory([student])[student]
        assert before["processes"] >= 1 and before["pss_mib"] > 50, before
        started = time.monotonic()
        while hub.api("GET", f"/users/{student}").json().get("servers"):
            assert time.monotonic() - started < 60 * slowness(), "the culler left an idle server running"
            time.sleep(1)
        time.sleep(2)
        after = user_memory([student])[student]
        assert after["processes"] == 0 and after["pss_mib"] == 0, f"left after culling: {after}"
        assert "Culling server" in hub.log() or "culling" in hub.log().lower()
    finally:
        hub.close()
        remove_state(hub.state)
