"""A class on JupyterHub: what ``deploy/jupyterhub_config.py`` (one machine) and the Kubernetes values share.

The settings that do not depend on where servers run live in ``deploy/class.toml``: the local hub reads
them through :func:`settings`, and ``deploy/z2jh-values.yaml`` is generated from them by :func:`z2jh_values`
(``python -m aisd.course.hub z2jh > deploy/z2jh-values.yaml``), so the two cannot drift apart unseen
(``tests/hub/test_settings.py``).

On one machine every user is a real Unix user (created by the hub, as root, with a home under the
hub's state folder, mode 700) and their server runs as that user (LocalProcessSpawner): the file
permissions of the system keep a student out of another student's home and out of the instructor's
course folder (solutions, hidden tests, gradebook). nbgrader's exchange is one shared folder (mode 1777).
Each user logs in with their own password, generated per install into the state folder (mode 600).

>>> s = settings()
>>> s["course"]["id"], s["hub"]["default_url"]
('aisd', '/lab')
>>> role(s, s["roster"]["instructors"][0]), role(s, s["roster"]["students"][0])
('instructor', 'student')
"""
from __future__ import annotations

import functools
import json
import os
import secrets
import sys
import tomllib
from pathlib import Path

from aisd.core import paths

DEPLOY = paths.ROOT / "deploy"
SETTINGS = DEPLOY / "class.toml"
JUPYTER = DEPLOY / "jupyter"              # per-role Jupyter config folders (put on JUPYTER_CONFIG_PATH)
LAB_SETTINGS = paths.ROOT / "binder" / "jupyter" / "settings"
STUDENT_LAB = paths.ROOT / "binder" / "jupyter" / "student"
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
EXCHANGE_ENV = "AISD_NBGRADER_EXCHANGE"   # read by deploy/jupyter/common/nbgrader_config.py
K8S_REPO = "/srv/aisd"                    # where the course image keeps the repository (repo2docker --target-repo-dir)
K8S_EXCHANGE = "/srv/nbgrader/exchange"   # the shared volume on Kubernetes


def settings(path: str | Path = SETTINGS) -> dict:
    """``deploy/class.toml``, with the roster taken from ``AISD_HUB_INSTRUCTORS``/``AISD_HUB_STUDENTS`` when set."""
    s = tomllib.loads(Path(path).read_text())
    for key, var in (("instructors", "AISD_HUB_INSTRUCTORS"), ("students", "AISD_HUB_STUDENTS")):
        if var in os.environ:                   # set, even empty (a class with no instructor account)
            s["roster"][key] = [n.strip() for n in os.environ[var].split(",") if n.strip()]
    return s


def role(s: dict, username: str) -> str:
    return "instructor" if username in s["roster"]["instructors"] else "student"


def users(s: dict) -> list[str]:
    return list(s["roster"]["instructors"]) + list(s["roster"]["students"])


def config_path(who: str, root: str | Path = paths.ROOT) -> str:
    """JUPYTER_CONFIG_PATH of a role: the student one turns nbgrader's instructor panels off, the
    instructor one turns them on (the Binder image turns them off for everyone)."""
    root = Path(root)
    if who == "instructor":
        dirs = [root / "deploy/jupyter/instructor", root / "deploy/jupyter/common"]
    else:
        dirs = [root / "deploy/jupyter/student", root / "deploy/jupyter/common", root / "binder/jupyter/student"]
    return os.pathsep.join(str(d) for d in dirs)


def server_environment(s: dict, exchange: str | Path) -> dict[str, str]:
    """The environment of every user's server: class.toml's, the course id and the exchange folder."""
    return {**s["environment"], "AISD_COURSE_ID": s["course"]["id"], EXCHANGE_ENV: str(exchange)}


def group_of(s: dict, who: str) -> str:
    return s["course"]["instructor_group"] if who == "instructor" else s["course"]["student_group"]


# ----------------------------------------------------------------------------------------------
# one machine: state folder, passwords, users
# ----------------------------------------------------------------------------------------------
def prepare_state(state: str | Path, s: dict) -> Path:
    """The hub's state folder: database, cookie secret, passwords and admin token (root only),
    the users' homes and nbgrader's exchange. Secrets are made here, once per install."""
    state = Path(state).resolve()
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o755)                        # users pass through to their homes and the exchange
    (state / "home").mkdir(exist_ok=True)
    os.chmod(state / "home", 0o755)
    exchange = state / "exchange"
    exchange.mkdir(exist_ok=True)
    os.chmod(exchange, 0o1777)                    # nbgrader's multi-user exchange: everyone writes, sticky
    secret_file(state / "admin-token")
    passwords(state, users(s))
    return state


def blocked_folders() -> list[Path]:
    """Folders that users' servers must pass through (the repository, the venv's interpreter and its
    standard library) but that other users cannot (e.g. /root when Python was installed by pyenv as root)."""
    needed = {paths.ROOT, Path(os.path.realpath(sys.executable)).parent, Path(sys.base_prefix)}
    found = set()
    for path in needed:
        for p in [path, *path.parents]:
            if not os.stat(p).st_mode & 0o001:
                found.add(p)
    return sorted(found)


def open_for_users() -> dict[str, int]:
    """Let other users pass through (not list: o+x only) each blocked folder; ``{folder: old mode}``."""
    changed = {}
    for p in blocked_folders():
        mode = os.stat(p).st_mode & 0o7777
        os.chmod(p, mode | 0o001)
        changed[str(p)] = mode
    return changed


def secret_file(path: Path, nbytes: int = 32) -> str:
    """A random secret kept in ``path`` (mode 600), made the first time."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(nbytes))
    return path.read_text().strip()


def passwords(state: str | Path, names: list[str]) -> dict[str, str]:
    """Each user's password (``STATE/passwords.json``, mode 600): new users get a random one, nobody's changes."""
    path = Path(state) / "passwords.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    missing = [n for n in names if n not in known]
    if missing or not path.exists():
        known.update({n: secrets.token_urlsafe(12) for n in missing})
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(known, f, indent=1, sort_keys=True)
        os.replace(tmp, path)
    return known


@functools.cache
def _authenticator_class():
    from jupyterhub.auth import LocalAuthenticator
    from secrets import compare_digest
    from traitlets import Unicode

    class ClassAuthenticator(LocalAuthenticator):
        """One password per user, from the hub's root-only passwords file (a trial class on one machine).
        A student knows only their own, so nobody logs in as anyone else."""

        passwords_file = Unicode(config=True, help="JSON {user: password}, mode 600")

        async def authenticate(self, handler, data):
            name = self.normalize_username(data.get("username", ""))
            known = json.loads(Path(self.passwords_file).read_text())
            given = data.get("password", "")
            if name in known and compare_digest(known[name].encode(), given.encode()):
                return name
            return None

    return ClassAuthenticator


def __getattr__(name):                           # ClassAuthenticator imports jupyterhub only when asked for
    if name == "ClassAuthenticator":
        return _authenticator_class()
    raise AttributeError(name)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        os.chown(dirpath, uid, gid)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), uid, gid)


def prepare_home(username: str, who: str) -> Path:
    """Before a user's server starts (as root): the home is private (700); an instructor's holds the
    nbgrader course folder ``~/course`` with every notebook of solutions/ as a source (never overwritten)."""
    import pwd

    from aisd.course.nbgrader import Course

    entry = pwd.getpwnam(username)
    home = Path(entry.pw_dir)
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, 0o700)
    if who == "instructor":
        course_dir = home / "course"
        if not course_dir.exists():
            course = Course(course_dir)
            for assignment in paths.assignment_names():
                course.add_source(assignment)
            _chown_tree(course_dir, entry.pw_uid, entry.pw_gid)
    return home


# ----------------------------------------------------------------------------------------------
# Kubernetes: Zero to JupyterHub values from the same settings
# ----------------------------------------------------------------------------------------------
Z2JH_HOOK = '''\
# Instructors get nbgrader's formgrader in their own server, on their course folder; students get
# the student panels only (the same split as deploy/jupyterhub_config.py).
INSTRUCTORS = @INSTRUCTORS@
REPO = @REPO@

def aisd_roles(spawner):
    name = spawner.user.name
    who = "instructor" if name in INSTRUCTORS else "student"
    dirs = (["deploy/jupyter/instructor", "deploy/jupyter/common"] if who == "instructor" else
            ["deploy/jupyter/student", "deploy/jupyter/common", "binder/jupyter/student"])
    spawner.environment["JUPYTER_CONFIG_PATH"] = ":".join(REPO + "/" + d for d in dirs)
    if who == "instructor":
        spawner.notebook_dir = "~/course"
        # The course folder on the instructor's own volume, made once from solutions/ (aisd course-dir).
        spawner.lifecycle_hooks = {"postStart": {"exec": {"command": [
            "sh", "-c", "test -d ~/course || aisd course-dir --course ~/course >/tmp/course-dir.log 2>&1"]}}}

c.KubeSpawner.pre_spawn_hook = aisd_roles
'''


def z2jh_values(s: dict) -> dict:
    """The Zero to JupyterHub chart values of the class (what :mod:`deploy/jupyterhub_config.py` sets locally)."""
    hub, limits, course = s["hub"], s["limits"], s["course"]
    env = server_environment(s, K8S_EXCHANGE)
    return {
        "hub": {
            "concurrentSpawnLimit": hub["concurrent_spawn_limit"],
            "config": {
                "JupyterHub": {
                    "shutdown_on_logout": hub["shutdown_on_logout"],
                    "load_groups": {
                        course["instructor_group"]: {"users": list(s["roster"]["instructors"])},
                        course["student_group"]: {"users": list(s["roster"]["students"])},
                    },
                },
                "Authenticator": {
                    "allowed_users": users(s),
                    "admin_users": list(s["roster"]["instructors"]),
                },
                "KubeSpawner": {"http_timeout": hub["http_timeout"]},
            },
            "extraConfig": {"aisd-roles": Z2JH_HOOK.replace("@INSTRUCTORS@", repr(list(s["roster"]["instructors"])))
                                                   .replace("@REPO@", repr(K8S_REPO))},
        },
        "singleuser": {
            "image": {"name": "REGISTRY/aisd-course", "tag": "VERSION"},
            "cmd": "jupyterhub-singleuser",
            "defaultUrl": hub["default_url"],
            "startTimeout": hub["start_timeout"],
            "memory": {"guarantee": limits["mem_guarantee"], "limit": limits["mem_limit"]},
            "cpu": {"guarantee": limits["cpu_guarantee"], "limit": limits["cpu_limit"]},
            "extraEnv": env,
            "storage": {
                "type": "dynamic",
                "extraVolumes": [{"name": "nbgrader-exchange",
                                  "persistentVolumeClaim": {"claimName": "nbgrader-exchange"}}],
                "extraVolumeMounts": [{"name": "nbgrader-exchange", "mountPath": K8S_EXCHANGE}],
            },
        },
        "cull": {
            "enabled": True,
            "users": False,
            "timeout": s["culler"]["timeout"],
            "every": s["culler"]["every"],
            "maxAge": s["culler"]["max_age"],
        },
    }


Z2JH_HEADER = """\
# Zero to JupyterHub (Kubernetes) values of the class. GENERATED from deploy/class.toml, do not edit:
#     .venv/bin/python -m aisd.course.hub z2jh > deploy/z2jh-values.yaml
# tests/hub/test_settings.py checks that this file, the local hub and class.toml agree.
# Before installing: build the course image from binder/ (see deploy/README.md) and set
# singleuser.image; create the ReadWriteMany claim `nbgrader-exchange`; choose an authenticator.
"""


def z2jh_yaml(s: dict) -> str:
    import yaml

    class Literal(str):
        pass

    def literal(dumper, data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")

    yaml.add_representer(Literal, literal, Dumper=yaml.SafeDumper)
    values = z2jh_values(s)
    values["hub"]["extraConfig"] = {k: Literal(v) for k, v in values["hub"]["extraConfig"].items()}
    return Z2JH_HEADER + yaml.safe_dump(values, sort_keys=False, width=110)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["z2jh"]:
        print("usage: python -m aisd.course.hub z2jh   (prints the Zero to JupyterHub values)", file=sys.stderr)
        return 2
    # The committed file holds the class.toml roster, not one from the environment.
    for var in ("AISD_HUB_INSTRUCTORS", "AISD_HUB_STUDENTS"):
        os.environ.pop(var, None)
    sys.stdout.write(z2jh_yaml(settings()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
