"""The class's settings have one source, deploy/class.toml: the local hub (deploy/jupyterhub_config.py,
loaded here the way JupyterHub loads it) and the Kubernetes values (deploy/z2jh-values.yaml) carry every
value of it that does not depend on the spawner, and the committed values file is the generated one."""
from __future__ import annotations

import yaml
from traitlets.config.loader import PyFileConfigLoader

from aisd.core import paths
from aisd.course import hub

LOCAL_ONLY_ENV = {"PATH", hub.EXCHANGE_ENV}     # paths on this machine (the exchange is a volume on k8s)


def local_config(tmp_path, monkeypatch):
    for var in ("AISD_HUB_INSTRUCTORS", "AISD_HUB_STUDENTS", "AISD_HUB_CULL_TIMEOUT", "AISD_HUB_CULL_EVERY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AISD_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setattr(hub, "open_for_users", lambda: {})          # loading the config changes no folder
    return PyFileConfigLoader("jupyterhub_config.py", path=str(hub.DEPLOY)).load_config()


def test_the_values_file_is_generated_from_class_toml(monkeypatch):
    for var in ("AISD_HUB_INSTRUCTORS", "AISD_HUB_STUDENTS"):
        monkeypatch.delenv(var, raising=False)
    committed = (hub.DEPLOY / "z2jh-values.yaml").read_text()
    assert committed == hub.z2jh_yaml(hub.settings()), (
        "deploy/z2jh-values.yaml is stale: .venv/bin/python -m aisd.course.hub z2jh > deploy/z2jh-values.yaml")


def test_local_hub_and_kubernetes_agree_on_every_spawner_independent_setting(tmp_path, monkeypatch):
    c = local_config(tmp_path, monkeypatch)
    s = hub.settings()
    v = yaml.safe_load((hub.DEPLOY / "z2jh-values.yaml").read_text())
    single, hub_cfg = v["singleuser"], v["hub"]["config"]

    pairs = {   # name: (local hub, Kubernetes, class.toml)
        "default url": (c.Spawner.default_url, single["defaultUrl"], s["hub"]["default_url"]),
        "start timeout": (c.Spawner.start_timeout, single["startTimeout"], s["hub"]["start_timeout"]),
        "http timeout": (c.Spawner.http_timeout, hub_cfg["KubeSpawner"]["http_timeout"], s["hub"]["http_timeout"]),
        "memory limit": (c.Spawner.mem_limit, single["memory"]["limit"], s["limits"]["mem_limit"]),
        "memory guarantee": (c.Spawner.mem_guarantee, single["memory"]["guarantee"], s["limits"]["mem_guarantee"]),
        "cpu limit": (c.Spawner.cpu_limit, single["cpu"]["limit"], s["limits"]["cpu_limit"]),
        "cpu guarantee": (c.Spawner.cpu_guarantee, single["cpu"]["guarantee"], s["limits"]["cpu_guarantee"]),
        "concurrent spawns": (c.JupyterHub.concurrent_spawn_limit, v["hub"]["concurrentSpawnLimit"],
                              s["hub"]["concurrent_spawn_limit"]),
        "shutdown on logout": (c.JupyterHub.shutdown_on_logout, hub_cfg["JupyterHub"]["shutdown_on_logout"],
                               s["hub"]["shutdown_on_logout"]),
        "groups": (c.JupyterHub.load_groups, hub_cfg["JupyterHub"]["load_groups"],
                   {s["course"]["instructor_group"]: {"users": s["roster"]["instructors"]},
                    s["course"]["student_group"]: {"users": s["roster"]["students"]}}),
        "allowed users": (sorted(c.Authenticator.allowed_users), sorted(hub_cfg["Authenticator"]["allowed_users"]),
                          sorted(hub.users(s))),
        "admin users": (sorted(c.Authenticator.admin_users), sorted(hub_cfg["Authenticator"]["admin_users"]),
                        sorted(s["roster"]["instructors"])),
        "server environment": ({k: x for k, x in c.Spawner.environment.items() if k not in LOCAL_ONLY_ENV},
                               {k: x for k, x in single["extraEnv"].items() if k not in LOCAL_ONLY_ENV},
                               {**s["environment"], "AISD_COURSE_ID": s["course"]["id"]}),
    }
    culler = next(svc for svc in c.JupyterHub.services if svc["name"] == "idle-culler")["command"]
    flags = dict(arg[2:].split("=", 1) for arg in culler if arg.startswith("--") and "=" in arg)
    pairs["culler"] = ((int(flags["timeout"]), int(flags["cull-every"]), int(flags["max-age"])),
                       (v["cull"]["timeout"], v["cull"]["every"], v["cull"]["maxAge"]),
                       (s["culler"]["timeout"], s["culler"]["every"], s["culler"]["max_age"]))
    disagree = {name: values for name, values in pairs.items() if not values[0] == values[1] == values[2]}
    assert not disagree, f"local hub / Kubernetes / class.toml differ: {disagree}"
    assert v["cull"]["enabled"] is True


def test_the_course_id_is_the_one_nbgrader_uses():
    text = paths.NBGRADER_CONFIG.read_text()
    assert f'c.CourseDirectory.course_id = "{hub.settings()["course"]["id"]}"' in text


def test_both_hubs_serve_every_user_on_loopback_only_locally(tmp_path, monkeypatch):
    c = local_config(tmp_path, monkeypatch)
    assert c.JupyterHub.ip == c.JupyterHub.hub_ip == c.Spawner.ip == "127.0.0.1"
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert "cookie_secret" not in c.JupyterHub, "the cookie secret is made per install, never in the config"
    secret_files = [p.name for p in (tmp_path / "state").iterdir() if p.name in ("admin-token", "passwords.json")]
    for name in secret_files:
        assert (tmp_path / "state" / name).stat().st_mode & 0o077 == 0, f"{name} must be readable by root only"
    assert sorted(secret_files) == ["admin-token", "passwords.json"]
