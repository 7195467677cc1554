"""Starting JupyterHub for a team (``epa hub``): state prepared, proxy found, URLs printed.

The hub itself is configured by :mod:`epa_kernel.apps.jupyterhub_config`; this module gets
everything it needs ready and runs it until interrupted:

- the **state folder** (default ``outputs/hub``, outside git): created private (0700), with a
  cookie secret and an API token generated at first start (0600), the hub's database and, when
  not run as root, the users' homes;
- as root, the **OS boundary**: each user's server runs as an OS user of its own
  (:mod:`epa_kernel.apps.os_users`), so the Python, the kit and its notebooks must be readable
  by other users; the hub refuses to start, naming what is not;
- the users' servers' own Jupyter config and kernel spec, read-only package data
  (``apps/server_config``): only the Voilà extension, and kernels that log to the server, never
  to the page (:mod:`epa_kernel.apps.kernel_log`);
- the **store**, created or checked before the hub starts, which must have an admin
  (``epa users add NAME --role admin``), who amends records in their own name;
- **configurable-http-proxy**, from npm: ``EPA_HUB_PROXY``, else on ``PATH``, else in a
  ``node_modules`` folder of the kit's or the current folder (``npm install --prefix``);
- **loopback** unless asked: another host needs ``--allow-remote`` and, said at start, TLS.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from epa_kernel.apps.serve import absolute_store_url, is_loopback
from epa_kernel.errors import InputError
from epa_kernel.paths import CHECKOUT, notebooks_dir

CONFIG = Path(__file__).with_name("jupyterhub_config.py")
DEFAULT_STATE = Path("outputs") / "hub"
PROXY = "configurable-http-proxy"
SECRETS = ("cookie_secret", "api_token")


def find_proxy() -> str:
    """The configurable-http-proxy to run, or an error saying how to install it."""
    candidates = [os.environ.get("EPA_HUB_PROXY"), shutil.which(PROXY)]
    for base in (CHECKOUT, Path.cwd()):
        for folder in (base, base / "outputs" / "hub-tools"):
            candidates.append(str(folder / "node_modules" / ".bin" / PROXY))
    for found in candidates:
        if found and Path(found).is_file() and os.access(found, os.X_OK):
            return found
    raise InputError(
        f"{PROXY} is not installed; install it from npm (`npm install -g {PROXY}`, or "
        f"`npm install --prefix outputs/hub-tools {PROXY}`) or set EPA_HUB_PROXY to it",
        field="proxy",
    )


def prepare_state(state: Path) -> Path:
    """Create the private state folder and its secrets (once; kept across restarts)."""
    state = state.resolve()
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o700)
    for name in SECRETS:
        path = state / name
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
        path.chmod(0o600)  # JupyterHub refuses a cookie secret others could read
    return state


def check_servers_can_run() -> None:
    """As root, every user's server runs as an OS user of its own: refuse to start when what it
    runs (the Python, the kit, its notebooks and templates) is private to root."""
    if os.geteuid() != 0:
        return
    import epa_kernel
    from epa_kernel.apps.os_users import unreachable
    from epa_kernel.paths import templates_dir

    needed = [
        Path(sys.executable),
        Path(epa_kernel.__file__),
        notebooks_dir() / "assessor_app.ipynb",
    ]
    problems = unreachable([*needed, templates_dir()])
    if problems:
        raise InputError(
            "as root, each user's server runs as an OS user of its own, which cannot read "
            f"{'; '.join(problems)}. Install the kit where other users can read it (e.g. "
            "`/usr/bin/python3 -m venv /opt/epa` and the kit there)",
            field="install",
        )


def hub_admins(url: str) -> list[str]:
    from epa_kernel.store.store import Store  # SQLAlchemy: not for `epa --help`
    from epa_kernel.store.users import list_users

    store = Store(url)
    try:
        admins = [u.name for u in list_users(store) if u.role == "admin"]
    finally:
        store.close()
    if not admins:
        raise InputError(
            "the store has no admin to manage the hub's accounts; add one first with "
            "`epa users add NAME --role admin`",
            field="users",
        )
    return admins


def hub_environment(
    *, state: Path, host: str, port: int, url: str, admins: list[str], proxy: str
) -> dict[str, str]:
    return dict(
        os.environ,
        EPA_HUB_STATE=str(state),
        EPA_HUB_HOST=host,
        EPA_HUB_PORT=str(port),
        EPA_HUB_PROXY=proxy,
        EPA_STORE_URL=url,
        EPA_NOTEBOOKS=str(notebooks_dir()),
    )


def hub_api(url: str, state: Path, method: str, path: str) -> tuple[int, object]:
    """Call the running hub's REST API at ``url`` with the service token in ``state``:
    (HTTP status, the JSON answer or None); status 0 when the hub is not answering."""
    import urllib.error
    import urllib.request

    token_file = Path(state) / "api_token"
    token = token_file.read_text().strip() if token_file.exists() else ""
    request = urllib.request.Request(
        f"{url}/hub/api{path}", method=method, headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            body = answer.read()
            return answer.status, json.loads(body) if body else None
    except urllib.error.HTTPError as exc:
        return exc.code, None
    except OSError:
        return 0, None


def hub_command() -> list[str]:
    return [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)]


def check_hub_installed() -> None:
    import importlib.util

    for module, package in (("jupyterhub", "jupyterhub"), ("nativeauthenticator", "")):
        if importlib.util.find_spec(module) is None:
            raise InputError(
                f"{package or 'jupyterhub-nativeauthenticator'} is not installed; "
                "install the kit with its hub extra: pip install 'epa-kernel[hub]'",
                field="hub",
            )


def urls(host: str, port: int) -> dict[str, str]:
    base = f"http://{host}:{port}/hub"
    return {
        "sign in": f"{base}/login",
        "sign up (with the code `epa users add` printed)": f"{base}/signup",
    }


def hub(
    *,
    port: int,
    host: str = "127.0.0.1",
    allow_remote: bool = False,
    state: Path = DEFAULT_STATE,
    store_url: str | None = None,
    iqa_sample: Path | None = None,
    config: Path | None = None,
) -> int:
    """Run the hub until interrupted; returns JupyterHub's exit status. ``iqa_sample``: a
    sampling plan (``epa iqa sample --out``), the only records IQA users can open; ``config``:
    a JupyterHub config file of the organisation's, loaded after the kit's."""
    if not is_loopback(host) and not allow_remote:
        raise InputError(
            f"{host} is not a loopback address: put the hub behind TLS first, then add "
            "--allow-remote",
            field="--host",
        )
    check_hub_installed()
    proxy = find_proxy()
    url = absolute_store_url(store_url)
    admins = hub_admins(url)
    if iqa_sample is not None:
        from epa_kernel.iqa.sampling_plan import sampled_ids

        sampled_ids(iqa_sample)  # a file that is not a plan is refused now, not at sign-in
    if config is not None and not Path(config).is_file():
        raise InputError("no such file", file=str(config), field="--config")
    check_servers_can_run()
    state = prepare_state(state)
    env = hub_environment(state=state, host=host, port=port, url=url, admins=admins, proxy=proxy)
    if config is not None:
        env["EPA_HUB_EXTRA_CONFIG"] = str(Path(config).resolve())
    if iqa_sample is not None:
        env["EPA_IQA_SAMPLE"] = str(Path(iqa_sample).resolve())
    print(f"EPA hub on http://{host}:{port}/ (state in {state})", flush=True)
    for what, link in urls(host, port).items():
        print(f"  {what}: {link}", flush=True)
    print(f"  admins: {', '.join(admins)} (each signs up once, with their code)", flush=True)
    if not is_loopback(host):
        print("Not loopback: serve it only behind TLS (see the README).", flush=True)
    return run_until_stopped(hub_command(), env=env, cwd=state)


def run_until_stopped(command: list[str], **kwargs) -> int:
    """Run the hub; SIGTERM or Ctrl-C stop it cleanly (it stops the proxy and users' servers)."""
    import signal

    proc = subprocess.Popen(command, umask=0o077, **kwargs)  # all it writes: private
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:  # the hub got the same Ctrl-C and is shutting down
        proc.wait()
        return 0
