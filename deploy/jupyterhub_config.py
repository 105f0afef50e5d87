"""JupyterHub for a class on one machine: `make hub` (as root) runs `jupyterhub -f deploy/jupyterhub_config.py`.

- Users: the roster of deploy/class.toml (or AISD_HUB_INSTRUCTORS / AISD_HUB_STUDENTS). Each is a real
  Unix user, created by the hub on first start with a private home under the state folder; each logs in
  with their own password from STATE/passwords.json (generated per install, root only).
- Servers: LocalProcessSpawner runs each user's `jupyterhub-singleuser` (the course environment, .venv)
  as that user, on 127.0.0.1. Students get nbgrader's assignment list and Validate button; instructors
  get the formgrader in their own server, on their course folder ~/course.
- nbgrader: one exchange folder, STATE/exchange (mode 1777); course id and hub groups from class.toml.
- The proxy is configurable-http-proxy from npm (deploy/package.json, `npm ci`); the idle culler is
  jupyterhub-idle-culler (PyPI), a hub service.
- Everything listens on 127.0.0.1 only: ports AISD_HUB_PORT (8000, the one users open), AISD_HUB_API_PORT
  (8081) and AISD_PROXY_API_PORT (8001).

Environment: AISD_HUB_STATE (the state folder; `make hub` uses .hub/ in the repository).
"""
import os
import sys
from pathlib import Path

from aisd.course import hub

c = get_config()  # noqa: F821 (given by traitlets when JupyterHub loads this file)

S = hub.settings()
STATE = hub.prepare_state(os.environ.get("AISD_HUB_STATE", hub.paths.ROOT / ".hub"), S)
INSTRUCTORS, STUDENTS = list(S["roster"]["instructors"]), list(S["roster"]["students"])
BIN = Path(sys.executable).parent
# Users' servers run this environment as their own Unix user: they must pass through the folders that
# hold it (o+x only: they can open known paths there, not list them), e.g. /root under pyenv.
for _folder, _mode in hub.open_for_users().items():
    print(f"[aisd hub] {_folder}: mode {_mode:o} -> {_mode | 1:o} so users' servers can reach Python", file=sys.stderr)

# --- network: loopback only -------------------------------------------------------------------
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("AISD_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("AISD_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.command = [str(hub.PROXY)]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('AISD_PROXY_API_PORT', '8001')}"
c.Spawner.ip = "127.0.0.1"

# --- state and secrets (per install, never in the repository) ----------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")   # made by JupyterHub, mode 600
c.JupyterHub.cleanup_servers = True                                         # stopping the hub stops every server

# --- users, groups, login ----------------------------------------------------------------------
c.JupyterHub.authenticator_class = hub.ClassAuthenticator
c.ClassAuthenticator.passwords_file = str(STATE / "passwords.json")
c.ClassAuthenticator.create_system_users = True
c.ClassAuthenticator.add_user_cmd = ["useradd", "--create-home", "--home-dir", str(STATE / "home" / "USERNAME"),
                                     "--shell", "/bin/bash"]
c.Authenticator.allowed_users = set(INSTRUCTORS + STUDENTS)
c.Authenticator.admin_users = set(INSTRUCTORS)       # manage servers in the admin panel; not open students' servers
c.JupyterHub.load_groups = {
    S["course"]["instructor_group"]: {"users": INSTRUCTORS},
    S["course"]["student_group"]: {"users": STUDENTS},
}

# --- each user's server: the course environment ------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.args = [f"--LabApp.app_settings_dir={hub.LAB_SETTINGS}"]          # no news pop-up
c.Spawner.default_url = S["hub"]["default_url"]
c.Spawner.start_timeout = S["hub"]["start_timeout"]
c.Spawner.http_timeout = S["hub"]["http_timeout"]
c.Spawner.mem_limit = S["limits"]["mem_limit"]          # LocalProcessSpawner passes these on, does not enforce them
c.Spawner.mem_guarantee = S["limits"]["mem_guarantee"]
c.Spawner.cpu_limit = S["limits"]["cpu_limit"]
c.Spawner.cpu_guarantee = S["limits"]["cpu_guarantee"]
c.Spawner.environment = {**hub.server_environment(S, STATE / "exchange"),
                         "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin"}
c.JupyterHub.concurrent_spawn_limit = S["hub"]["concurrent_spawn_limit"]
c.JupyterHub.shutdown_on_logout = S["hub"]["shutdown_on_logout"]


def roles(spawner):
    """Instructor or student: private home, Jupyter config of the role, the instructor's course folder."""
    who = hub.role(S, spawner.user.name)
    hub.prepare_home(spawner.user.name, who)
    spawner.environment["JUPYTER_CONFIG_PATH"] = hub.config_path(who)
    if who == "instructor":
        spawner.notebook_dir = "~/course"


c.Spawner.pre_spawn_hook = roles

# --- services: the idle culler; an admin token for the class's scripts and tests ---------------
# AISD_HUB_CULL_TIMEOUT / AISD_HUB_CULL_EVERY shorten the culler's clock (the capacity measurement does).
CULL = dict(S["culler"], timeout=int(os.environ.get("AISD_HUB_CULL_TIMEOUT", S["culler"]["timeout"])),
            every=int(os.environ.get("AISD_HUB_CULL_EVERY", S["culler"]["every"])))
if CULL["timeout"] < 1200:   # a short clock (a measurement): activity must reach the hub sooner than every 5 min
    c.JupyterHub.last_activity_interval = max(5, CULL["timeout"] // 6)
    c.Spawner.environment["JUPYTERHUB_ACTIVITY_INTERVAL"] = str(max(5, CULL["timeout"] // 6))
c.JupyterHub.services = [
    {"name": "idle-culler",
     "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={CULL['timeout']}",
                 f"--cull-every={CULL['every']}", f"--max-age={CULL['max_age']}"]},
    {"name": "class-admin", "api_token": hub.secret_file(STATE / "admin-token")},
]
c.JupyterHub.load_roles = [
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
    {"name": "class-admin", "services": ["class-admin"],
     "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users",
                "list:groups", "read:groups"]},
]
