"""The kit's JupyterHub configuration: sign-in, one server per user, the app as their page.

``epa hub`` runs ``jupyterhub -f`` on this file with its settings in the environment
(``EPA_HUB_*``, ``EPA_STORE_URL``); the state (database, cookie secret, API token, users' homes)
lives in ``EPA_HUB_STATE``, never in git. Read top to bottom it is the set-up an assessment
organisation runs:

- **Loopback only** unless ``epa hub --host`` says otherwise: the hub's proxy, its API and
  every user's server listen on 127.0.0.1. Put TLS in front (a reverse proxy) before anyone
  reaches it from another machine.
- **NativeAuthenticator** signs people in (:mod:`epa_kernel.apps.hub_signup`): a person whose
  sign-in name an admin registered in the store (``epa users add``, which prints a one-time
  sign-up code) creates their account at ``/hub/signup`` with that code, and nobody else can;
  neither page tells a stranger which names exist. A name whose role is withdrawn
  (``epa users remove``) cannot sign in. Passwords are stored as bcrypt hashes by it; repeated
  wrong passwords lock the name for a while. For production, OAuthenticator (Azure AD, Google)
  replaces it: see the README's "Serving a team".
- **The store service** (:mod:`epa_kernel.service`, a hub-managed service) is the only process
  that holds the store's URL. Users' servers and their kernels hold their user's hub token
  instead, scoped to call it, and the service applies that user's role to every call.
- **Each user's server** runs Voilà on the kit's apps (the assessor app as its default page), no
  terminals, no JupyterLab; as root, as an OS user of its own (:mod:`epa_kernel.apps.os_users`),
  otherwise as the hub's user with its home in the state folder. ``JUPYTERHUB_USER`` in its
  environment is the identity the apps show; the token is what the store believes.
- **Nobody is the hub's admin**: the kit's admins amend records through the amendments app in
  their own name and never reach another user's server (no ``access:servers``, no admin role).
- **The servers' limits**: through Jupyter's REST API a user reads and talks to their page's
  kernel, nothing more (:mod:`epa_kernel.apps.server_policy`); a server holds at most
  ``MAX_KERNELS`` kernels (:mod:`epa_kernel.apps.kernel_cap`), idle ones culled after 10 minutes,
  one kept preheated on the assessor app up to its wait for a page (the user's part runs when
  the page is asked for, with the user's role then: :mod:`epa_kernel.apps.hub_preheat`); a
  server stops after ``EPA_HUB_SERVER_IDLE_HOURS`` (10) idle hours, so it lasts the working day.
- **Private files**: ``epa hub`` runs the hub with umask 077, so everything it and the users'
  servers write (its database, the kernels' connection files, the homes) is theirs alone.

An organisation's own settings (``epa hub --config FILE``: OAuth, TLS certificates, another
spawner) are loaded last and win.
"""

import os
import sys
from pathlib import Path

from epa_kernel.apps import quick_start
from epa_kernel.apps.hub_signup import TEMPLATES as SIGNUP_TEMPLATES
from epa_kernel.apps.hub_signup import KitAuthenticator
from epa_kernel.apps.kernel_cap import MAX_KERNELS
from epa_kernel.apps.serve import JUPYTER_DATA, VOILA_SETTINGS, culling
from epa_kernel.apps.static_gzip import STATIC_GZIP_ENV, worth_it

c = get_config()  # noqa: F821 - JupyterHub provides it when it loads this file

STATE = os.environ["EPA_HUB_STATE"]
HOST = os.environ.get("EPA_HUB_HOST", "127.0.0.1")
PORT = int(os.environ.get("EPA_HUB_PORT", "8000"))
INTERNAL = os.environ.get("EPA_HUB_INTERNAL_PORTS", f"{PORT + 1},{PORT + 2},{PORT + 3}")
HUB_PORT, PROXY_API_PORT, STORE_PORT = (int(p) for p in INTERNAL.split(","))
BIN = os.path.dirname(sys.executable)
SERVER_CONFIG = Path(__file__).with_name("server_config")

# --- network ---------------------------------------------------------------------------------
c.JupyterHub.bind_url = f"http://{HOST}:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = HUB_PORT
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PROXY_API_PORT}"
c.ConfigurableHTTPProxy.command = [os.environ.get("EPA_HUB_PROXY", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "proxy.pid")
c.Spawner.ip = "127.0.0.1"

# --- state: outside git, secrets 0600 (written by `epa hub` at first start) --------------------
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "cookie_secret")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.pid_file = os.path.join(STATE, "jupyterhub.pid")
c.JupyterHub.cookie_max_age_days = 1  # sign in again every day

# --- sign-in: NativeAuthenticator, sign-up only with an admin's one-time code (hub_signup) ----
c.JupyterHub.authenticator_class = KitAuthenticator
c.KitAuthenticator.store_url = os.environ["EPA_STORE_URL"]
# the sign-up page asks for the code, and loads nothing off the machine
c.JupyterHub.template_paths = [str(SIGNUP_TEMPLATES)]
c.NativeAuthenticator.enable_signup = True
c.NativeAuthenticator.open_signup = False
c.NativeAuthenticator.minimum_password_length = 10
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 120
# Nobody is the hub's admin and nobody approves, blocks or resets accounts in the browser: an
# account comes from a one-time code (`epa users add` / `epa users code`) and `epa users remove`
# ends it. So a kit admin holds no access:servers or admin:users: they cannot enter another
# user's server, nor set someone's password and sign in as them.
c.Authenticator.admin_users = set()
# JupyterHub 5 refuses everyone without this; NativeAuthenticator's approval still gates sign-in.
c.Authenticator.allow_all = True

# --- each user's server: Voilà on the kit's apps, nothing else --------------------------------
#: hours without activity after which a user's server stops (EPA_HUB_SERVER_IDLE_HOURS)
SERVER_IDLE_HOURS = float(os.environ.get("EPA_HUB_SERVER_IDLE_HOURS", "10"))
AS_ROOT = os.geteuid() == 0
# the spawners return once the server listens, not when it is launched (hub_quick_spawn)
if AS_ROOT:  # each server as an OS user of its own (epa-<name>), made on first start
    c.JupyterHub.spawner_class = "epa_kernel.apps.hub_quick_spawn.QuickOwnUserSpawner"
else:
    c.JupyterHub.spawner_class = "epa_kernel.apps.hub_quick_spawn.QuickLocalSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(STATE, "homes", "{username}")
# jupyterhub.singleuser without jsonschema's 1.3-second grammar at import (quick_start)
c.Spawner.cmd = quick_start.command("singleuser")
c.Spawner.args = [
    "--ServerApp.terminals_enabled=False",
    # read and the page's kernel socket only: nothing written through the REST API, no kernel
    # started by it (epa_kernel.apps.server_policy)
    "--ServerApp.authorizer_class=epa_kernel.apps.server_policy.AppsOnly",
    # at most MAX_KERNELS kernels per user's server, the least recently active shut down first
    # (every page load starts one; epa_kernel.apps.kernel_cap), one of them preheated on the
    # assessor app, held before the user's part until the page asks (epa_kernel.apps.hub_preheat)
    "--ServerApp.kernel_manager_class=epa_kernel.apps.hub_preheat.PreheatedKernelManager",
    f"--CappedKernelManager.max_kernels={MAX_KERNELS}",
    "--VoilaConfiguration.show_tracebacks=False",
    # the kit's Voilà template (nothing loaded off the machine) and only the widget managers'
    # front-end extensions, as under `epa serve` (epa_kernel.apps.serve)
    *VOILA_SETTINGS,
    # Voilà runs the notebook in the server; the page only talks widgets to its kernel. Any other
    # message from a browser (an execute_request typed by hand) is dropped. Should code run there
    # all the same, it holds no store URL: only its user's token for the store service.
    "--MappingKernelManager.allowed_message_types="
    "['comm_open','comm_msg','comm_close','comm_info_request','kernel_info_request']",
    # a Voilà kernel whose tab died without saying so is shut down after 10 idle minutes (an
    # open page's widgets keep it active; cull_connected stays False)
    *culling(),
    # a server is kept through the working day (the morning's sign-in starts it, later ones find
    # it running) and stops after SERVER_IDLE_HOURS without activity: overnight
    f"--ServerApp.shutdown_no_activity_timeout={int(SERVER_IDLE_HOURS * 3600)}",
]
c.Spawner.notebook_dir = os.environ["EPA_NOTEBOOKS"]
c.Spawner.default_url = "/voila/render/assessor_app.ipynb"
STORE_SERVICE = "epa-store"
c.Spawner.environment = {
    # the store service, not the store: the kernel calls it with its user's token
    "EPA_STORE_SERVICE": f"http://127.0.0.1:{STORE_PORT}/services/{STORE_SERVICE}/",
    "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
    # the servers' own config and kernel spec, read-only package data: only the Voilà extension,
    # and kernels whose logs stay in the server's log (epa_kernel.apps.kernel_log); the kit's
    # Voilà template from the package's jupyter_data. The config's tornado_settings leave
    # Voilà's page config without a MathJax URL: the page then typesets with the MathJax it
    # bundles, not MathJax 2 from cdnjs.cloudflare.com (Voilà's default on a Jupyter server).
    "JUPYTER_CONFIG_DIR": str(SERVER_CONFIG),
    "JUPYTER_PATH": os.pathsep.join((str(SERVER_CONFIG), str(JUPYTER_DATA))),
    **{k: os.environ[k] for k in ("EPA_NOTEBOOKS", "EPA_TEMPLATES") if k in os.environ},
    # scripts and styles gzipped only when browsers reach the hub over a network (as `epa serve
    # --allow-remote`): on loopback it costs time and saves nothing (epa_kernel.apps.static_gzip)
    STATIC_GZIP_ENV: "1" if worth_it(HOST) else "0",
}
# The server's token (JUPYTERHUB_API_TOKEN, which its kernels inherit) may call the store
# service, as its user and no one else; every user holds that scope.
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    f"access:services!service={STORE_SERVICE}",
]
c.Spawner.start_timeout = 120  # a cold server on a busy 2-core machine
c.Spawner.http_timeout = 120
c.JupyterHub.redirect_to_server = True

# --- services: the store (holds the store's URL) and a token for `epa hub` checks and tests ----
with open(os.path.join(STATE, "api_token"), encoding="utf-8") as token_file:
    ADMIN_TOKEN = token_file.read().strip()
c.JupyterHub.services = [
    {"name": "epa-admin", "api_token": ADMIN_TOKEN},
    {
        "name": STORE_SERVICE,
        "url": f"http://127.0.0.1:{STORE_PORT}",
        "command": [sys.executable, "-m", "epa_kernel.service"],
        "environment": {
            "EPA_STORE_URL": os.environ["EPA_STORE_URL"],
            **{k: os.environ[k] for k in ("EPA_IQA_SAMPLE", "PYTHONPATH") if k in os.environ},
        },
        "display": False,
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "epa-admin",
        "scopes": ["admin:users", "admin:servers", "list:users", "read:users"],
        "services": ["epa-admin"],
    },
    {"name": "user", "scopes": ["self", f"access:services!service={STORE_SERVICE}"]},
]
c.JupyterHub.log_level = os.environ.get("EPA_HUB_LOG_LEVEL", "INFO")

# --- the organisation's own settings last (`epa hub --config FILE`), e.g. OAuth sign-in ------
if os.environ.get("EPA_HUB_EXTRA_CONFIG"):
    load_subconfig(os.environ["EPA_HUB_EXTRA_CONFIG"])  # noqa: F821 - given by JupyterHub
