"""How many students fit: N servers started at once through a real class hub, memory per idle and per
busy user, and the idle culler reclaiming it. As root (the hub creates a Unix user per student; they are
removed at the end):

    .venv/bin/python -m aisd.course.hubcapacity --students 10 [--busy 1] [--json deploy/capacity.json]

- start: every server is asked for at once (the hub's REST API); each one's seconds from the request
  until it answers through the proxy;
- memory of a user = the proportional set size (PSS: shared pages split between the processes sharing
  them) and the resident size (RSS) of every process running as that Unix user, read from /proc;
- busy: ``--busy`` users each execute notebook 02 (RAG, the heaviest of the first notebooks) in their own
  server, and their memory is sampled every second; the peak is reported;
- culler: the hub's jupyterhub-idle-culler runs with a short clock here (``--cull-timeout``, default 120 s)
  and the run waits until it has stopped every server, then reads memory again.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import threading
import time
from pathlib import Path

from aisd.core import paths
from aisd.course.hubrun import ClassHub, remove_state

MiB = 1024 * 1024


def user_memory(users: list[str]) -> dict[str, dict[str, float]]:
    """``{user: {"pss_mib", "rss_mib", "processes"}}`` over every process running as that user."""
    import pwd

    import psutil

    uids = {pwd.getpwnam(u).pw_uid: u for u in users}
    out = {u: {"pss_mib": 0.0, "rss_mib": 0.0, "processes": 0} for u in users}
    for p in psutil.process_iter(["uids"]):
        try:
            user = uids.get(p.info["uids"].real) if p.info["uids"] else None
            if user is None:
                continue
            info = p.memory_full_info()
            out[user]["pss_mib"] += info.pss / MiB
            out[user]["rss_mib"] += info.rss / MiB
            out[user]["processes"] += 1
        except psutil.Error:
            continue
    return out


BUSY_CODE = '''
import os, subprocess, sys, time
start = time.perf_counter()
r = subprocess.run([os.path.join(os.path.dirname(sys.executable), "jupyter"), "nbconvert", "--to", "notebook",
                    "--execute", "--ExecutePreprocessor.timeout=600", "--output-dir", os.path.expanduser("~"),
                    {notebook!r}], capture_output=True, text=True)
print(r.returncode, round(time.perf_counter() - start, 1), r.stderr[-300:] if r.returncode else "")
'''


def measure(students: int, busy: int, cull_timeout: int, cull_every: int) -> dict:
    import psutil

    names = [f"cap{i:02d}" for i in range(1, students + 1)]
    result = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
                         f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
              "students": students, "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    hub = ClassHub([], names, cull_timeout=cull_timeout, cull_every=cull_every)
    try:
        t0 = time.monotonic()
        hub.start()
        result["hub_start_s"] = round(time.monotonic() - t0, 1)
        used_before = psutil.virtual_memory().used / MiB

        # N servers asked for at once, each timed until it answers through the proxy.
        times: dict[str, float] = {}
        t0 = time.monotonic()

        def wait(name):                      # each user's request, in its own thread: all at once
            times[name] = hub.start_server(name, 900)

        threads = [threading.Thread(target=wait, args=(n,)) for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result["all_ready_s"] = round(time.monotonic() - t0, 1)
        result["start_s"] = {"median": round(statistics.median(times.values()), 1),
                             "max": round(max(times.values()), 1), "min": round(min(times.values()), 1)}
        result["load_average_after_start"] = [round(x, 2) for x in os.getloadavg()]
        time.sleep(10)
        idle = user_memory(names)
        result["idle_per_user_mib"] = {
            "pss_median": round(statistics.median(m["pss_mib"] for m in idle.values()), 1),
            "rss_median": round(statistics.median(m["rss_mib"] for m in idle.values()), 1),
            "pss_total": round(sum(m["pss_mib"] for m in idle.values()), 1)}
        result["system_used_mib_increase_idle"] = round(psutil.virtual_memory().used / MiB - used_before, 1)

        # Busy users: notebook 02 executed in their own server, memory sampled each second.
        if busy:
            notebook = str(paths.SOLUTIONS / "02_rag_customer_support.ipynb")
            peaks, runs, stop = {n: 0.0 for n in names[:busy]}, {}, threading.Event()

            def sample():
                while not stop.is_set():
                    for n, m in user_memory(names[:busy]).items():
                        peaks[n] = max(peaks[n], m["pss_mib"])
                    time.sleep(1)

            sampler = threading.Thread(target=sample)
            sampler.start()

            def run(n):
                try:
                    runs[n] = hub.run_code(n, BUSY_CODE.format(notebook=notebook), timeout=900)
                except Exception as exc:   # recorded, not hidden
                    runs[n] = {"stdout": "", "error": f"{type(exc).__name__}: {exc}"}

            workers = [threading.Thread(target=run, args=(n,)) for n in names[:busy]]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            stop.set()
            sampler.join()
            result["busy"] = {n: {"peak_pss_mib": round(peaks[n], 1), "notebook": "02_rag_customer_support",
                                  "returncode_and_seconds": runs[n]["stdout"].strip() or runs[n]["error"]}
                              for n in names[:busy]}
        # The culler: every server idle for cull_timeout s is stopped; wait for it, then read memory.
        t0 = time.monotonic()
        while any(hub.api("GET", f"/users/{n}").json().get("servers") for n in names):
            if time.monotonic() - t0 > cull_timeout + 10 * cull_every + 300:
                raise TimeoutError("the idle culler did not stop every server")
            time.sleep(2)
        result["culler"] = {"timeout_s": cull_timeout, "every_s": cull_every,
                            "all_stopped_after_s": round(time.monotonic() - t0, 1)}
        time.sleep(3)
        after = user_memory(names)
        result["after_cull_mib"] = {"pss_total": round(sum(m["pss_mib"] for m in after.values()), 1),
                                    "processes_left": sum(m["processes"] for m in after.values())}
        result["system_used_mib_increase_after_cull"] = round(psutil.virtual_memory().used / MiB - used_before, 1)
        result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        hub.close()
        if hub.log_path.exists():
            Path(os.environ.get("TMPDIR", "/tmp"), "hubcapacity-hub.log").write_bytes(hub.log_path.read_bytes())
        remove_state(hub.state)
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m aisd.course.hubcapacity", description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=10)
    p.add_argument("--busy", type=int, default=1, help="users who execute notebook 02 in their server")
    p.add_argument("--cull-timeout", type=int, default=120)
    p.add_argument("--cull-every", type=int, default=15)
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)
    result = measure(args.students, args.busy, args.cull_timeout, args.cull_every)
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
