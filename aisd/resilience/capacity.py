"""Capacity at 10x and 100x, from measured curves: what a number of replicas costs in cores and memory, and
what runs out first on a machine like this one (notebook 11).

The replica count is an input (notebook 11 takes it from the learner's ``replicas_for`` on the measured
curve); this module only adds up what those replicas need and compares it with one machine.

>>> row = plan_row(60.0, replicas=12, threads_per_replica=1, retrieve_s=0.02, server_gib=0.25, cores_here=2,
...                ram_here_gib=16)
>>> row["cores"], row["machines"], row["first limit here"]
(14, 7, 'cores: 14 needed, 2 here')
>>> plan_row(0.5, 1, 1, 0.02, 0.25, 2, 16)["first limit here"]
'none: one replica carries it'
"""
from __future__ import annotations

import math


def plan_row(target_qps: float, replicas: int | None, threads_per_replica: int, retrieve_s: float,
             server_gib: float, cores_here: int, ram_here_gib: float) -> dict:
    """What ``replicas`` LLM servers (``None``: no count meets the latency budget) and the retrieval work at
    ``target_qps`` need: cores (each replica's threads, plus ``target_qps x retrieve_s`` cores of retrieval,
    rounded up), memory (each replica's ``server_gib``), machines with ``cores_here`` cores, and which of this
    machine's resources runs out first."""
    if replicas is None:
        return {"target QPS": target_qps, "replicas": None, "cores": None, "memory GiB": None, "machines": None,
                "first limit here": "latency: no replica count meets the p95 budget (a faster model or a shorter prompt)"}
    retrieval_cores = math.ceil(target_qps * retrieve_s)
    cores = replicas * threads_per_replica + retrieval_cores
    memory = replicas * server_gib
    if replicas == 1 and cores <= cores_here:
        limit = "none: one replica carries it"
    elif cores > cores_here:
        limit = f"cores: {cores} needed, {cores_here} here"
    elif memory > ram_here_gib:
        limit = f"memory: {memory:.1f} GiB needed, {ram_here_gib:.0f} GiB here"
    else:
        limit = f"one server's queue: {replicas} replicas fit on the {cores_here} cores here"
    return {"target QPS": target_qps, "replicas": replicas, "cores": cores, "memory GiB": round(memory, 2),
            "machines": math.ceil(max(cores / cores_here, memory / ram_here_gib)), "first limit here": limit}
