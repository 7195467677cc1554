"""The kit's JupyterHub configuration: sign-in, one server per user, the app as their page.

``epa hub`` runs ``jupyterhub -f`` on this file with its settings in the environment
(``EPA_HUB_*``, ``EPA_STORE_URL``); the state (database, cookie secret, API token, users' homes)
lives in ``EPA_HUB_STATE``, never in git. Read top to bottom it is the set-up an assessment
organisation runs:

- **Loopback only** unless ``epa hub --host`` says otherwise: the hub's proxy, its API and
  every user's server listen on 127.0.0.1. Put TLS in front (a reverse proxy) before anyone
  reaches it from another machine.
- **NativeAuthenticator** signs people in: a person whose sign-in name an admin registered in
  the store (``epa users add``) asks for an account at ``/hub/signup``, and gets in once an admin
  approves them at ``/hub/authorize``; other names cannot sign up, and a name whose role is
  withdrawn (``epa users remove``) cannot sign in. Passwords are stored as bcrypt hashes by it;
  repeated wrong passwords lock the name for a while. The kit's admins
  (``epa users add NAME --role admin``) are the hub's admins. For production, OAuthenticator
  (Azure AD, Google) replaces it: see the README's "Serving a team".
- **SimpleLocalProcessSpawner** starts each user's server as a local process with its home in
  the state folder, Voilà as its default page (the assessor app), no terminals, no JupyterLab;
  ``JUPYTERHUB_USER`` in its environment is the identity the apps use. Through Jupyter's REST
  API a user reads and talks to their page's kernel, nothing more
  (:mod:`epa_kernel.apps.server_policy`); a server holds at most ``MAX_KERNELS`` kernels
  (:mod:`epa_kernel.apps.kernel_cap`), idle ones culled after 10 minutes.
- **Private files**: ``epa hub`` runs the hub with umask 077, so everything it and the users'
  servers write (its database, the kernels' connection files, the homes) is theirs alone.

An organisation's own settings (``epa hub --config FILE``: OAuth, TLS certificates, another
spawner) are loaded last and win.
"""

import os
import sys

from nativeauthenticator import NativeAuthenticator

from epa_kernel.apps.kernel_cap import MAX_KERNELS
from epa_kernel.store.store import Store
from epa_kernel.store.users import get_user

c = get_config()  # noqa: F821 - JupyterHub provides it when it loads this file

STATE = os.environ["EPA_HUB_STATE"]
HOST = os.environ.get("EPA_HUB_HOST", "127.0.0.1")
PORT = int(os.environ.get("EPA_HUB_PORT", "8000"))
HUB_PORT, PROXY_API_PORT = (
    int(p) for p in os.environ.get("EPA_HUB_INTERNAL_PORTS", f"{PORT + 1},{PORT + 2}").split(",")
)
ADMINS = {n for n in os.environ.get("EPA_HUB_ADMINS", "").split(",") if n}
BIN = os.path.dirname(sys.executable)

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

# --- sign-in: NativeAuthenticator, every sign-up approved by an admin --------------------------
STORE = Store(os.environ["EPA_STORE_URL"])


class KitAuthenticator(NativeAuthenticator):
    """NativeAuthenticator for names the store gives a role: nobody else can sign up or in.

    The sign-up page says only "Something went wrong" to other names, so it does not tell a
    stranger which names exist.
    """

    def validate_username(self, username):
        return super().validate_username(username) and get_user(STORE, username) is not None


c.JupyterHub.authenticator_class = KitAuthenticator
c.NativeAuthenticator.enable_signup = True
c.NativeAuthenticator.open_signup = False
c.NativeAuthenticator.minimum_password_length = 10
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 120
c.Authenticator.admin_users = ADMINS
# JupyterHub 5 refuses everyone without this; NativeAuthenticator's approval still gates sign-in.
c.Authenticator.allow_all = True

# --- each user's server: Voilà on the kit's apps, nothing else --------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(STATE, "homes", "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.args = [
    *(["--allow-root"] if os.geteuid() == 0 else []),
    "--ServerApp.terminals_enabled=False",
    # read and the page's kernel socket only: nothing written through the REST API, no kernel
    # started by it (epa_kernel.apps.server_policy)
    "--ServerApp.authorizer_class=epa_kernel.apps.server_policy.AppsOnly",
    # at most MAX_KERNELS kernels per user's server, the least recently active shut down first
    # (every page load starts one; epa_kernel.apps.kernel_cap)
    "--ServerApp.kernel_manager_class=epa_kernel.apps.kernel_cap.CappedKernelManager",
    f"--CappedKernelManager.max_kernels={MAX_KERNELS}",
    "--VoilaConfiguration.show_tracebacks=False",
    # Voilà runs the notebook in the server; the page only talks widgets to its kernel. Any other
    # message from a browser (an execute_request typed by hand) is dropped, so a signed-in user
    # cannot run their own code with the store's credentials.
    "--MappingKernelManager.allowed_message_types="
    "['comm_open','comm_msg','comm_close','comm_info_request','kernel_info_request']",
    # a Voilà kernel whose tab died without saying so is shut down after 10 idle minutes (an
    # open page's widgets keep it active; cull_connected stays False)
    "--MappingKernelManager.cull_idle_timeout=600",
    "--MappingKernelManager.cull_interval=60",
    "--ServerApp.shutdown_no_activity_timeout=3600",  # a forgotten server stops after an hour
]
c.Spawner.notebook_dir = os.environ["EPA_NOTEBOOKS"]
c.Spawner.default_url = "/voila/render/assessor_app.ipynb"
c.Spawner.environment = {
    "EPA_STORE_URL": os.environ["EPA_STORE_URL"],
    "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
    # the server's own config folder: only the Voilà extension, read-only (epa_kernel.apps.hub)
    "JUPYTER_CONFIG_DIR": os.path.join(STATE, "jupyter_config"),
    **{
        k: os.environ[k]
        for k in ("EPA_NOTEBOOKS", "EPA_TEMPLATES", "EPA_IQA_SAMPLE")
        if k in os.environ
    },
}
c.Spawner.start_timeout = 120  # a cold server on a busy 2-core machine
c.Spawner.http_timeout = 120
c.JupyterHub.redirect_to_server = True

# --- automation: a service token for `epa hub` checks and the tests (admin of users/servers) ---
with open(os.path.join(STATE, "api_token"), encoding="utf-8") as token_file:
    c.JupyterHub.services = [{"name": "epa-admin", "api_token": token_file.read().strip()}]
c.JupyterHub.load_roles = [
    {
        "name": "epa-admin",
        "scopes": ["admin:users", "admin:servers", "list:users", "read:users"],
        "services": ["epa-admin"],
    }
]
c.JupyterHub.log_level = os.environ.get("EPA_HUB_LOG_LEVEL", "INFO")

# --- the organisation's own settings last (`epa hub --config FILE`), e.g. OAuth sign-in ------
if os.environ.get("EPA_HUB_EXTRA_CONFIG"):
    load_subconfig(os.environ["EPA_HUB_EXTRA_CONFIG"])  # noqa: F821 - given by JupyterHub
