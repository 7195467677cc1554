"""Starting Voilà on the assessor app (or the IQA review or amendments app).

Voilà runs as its own process (``python -m voila``) on the kit's ``assessor_app.ipynb`` with a
pool of preheated kernels: each kernel has already started and imported the app when a page asks
for it, and draws the page then, with the store as it is (:mod:`epa_kernel.apps.page_pool`; a
pool that had run the whole notebook ahead took a warm page load from 2.16 s to 1.24 s, but
showed the store as of its fill, MEASURED.md). The store is passed to the kernels through
``EPA_STORE_URL`` as an absolute URL, because kernels run in the notebooks folder, not where
``epa serve`` was started.

Loopback only unless asked: binding elsewhere needs ``allow_remote`` and always gets a token.

Nothing off the machine, and little to load: the pages use the kit's Voilà template ``epa``
from the package's ``jupyter_data`` folder, a light page whose one script (built from the
repository's ``js/``) holds the kernel connection and the widgets, in place of Voilà's
JupyterLab front end (README: "The apps' page"). Voilà's ``lab`` page less its two Font Awesome
links to a CDN (which held a page 30 s behind a firewall that drops them silently) is the
template ``epa-lab``, which loads only the widget managers' front-end extensions. The hub's
servers get the same settings (``VOILA_SETTINGS``).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
from pathlib import Path

from epa_kernel.apps import quick_start
from epa_kernel.apps.addresses import is_loopback
from epa_kernel.errors import InputError
from epa_kernel.paths import notebooks_dir, store_url

APPS = {
    "assessor": "assessor_app.ipynb",
    "iqa_review": "iqa_review.ipynb",
    "amend": "amend.ipynb",  # an admin's amendments of submitted records
    "grading_logic": "grading_logic.ipynb",  # the trainer's: how every grade is reached
    "planning": "planning_app.ipynb",  # the planning team's: bookings under the rules
}

#: package data on Jupyter's data path (JUPYTER_PATH): the kit's Voilà template ``epa``
JUPYTER_DATA = Path(__file__).with_name("jupyter_data")
#: the front-end extensions a page of Voilà's own front end (template ``epa-lab``) loads: the
#: widget managers (ipywidgets, Voilà's manager for ipywidgets 8, anywidget), no others; the
#: light page ``epa`` loads none
EXTENSIONS = [
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "anywidget",
]
#: Voilà's settings for the kit's pages, under `epa serve` and on the hub's servers
VOILA_SETTINGS = [
    "--VoilaConfiguration.template=epa",
    f"--VoilaConfiguration.extension_allowlist={EXTENSIONS}",
]


def jupyter_path(env: dict[str, str]) -> str:
    """``JUPYTER_PATH`` with the kit's data folder first (the template ``epa`` is found there)."""
    return os.pathsep.join(p for p in (str(JUPYTER_DATA), env.get("JUPYTER_PATH", "")) if p)


def absolute_store_url(url: str | None) -> str:
    url = store_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return "sqlite:///" + str(Path(url.removeprefix("sqlite:///")).resolve())
    return url


#: the environment variable that sets how long a page's kernel may sit idle, in seconds
KERNEL_IDLE_ENV = "EPA_KERNEL_IDLE_SECONDS"
#: its default: 10 minutes, as on the hub's servers
KERNEL_IDLE_SECONDS = 600


def kernel_idle_seconds(env: dict[str, str]) -> int:
    """How long a page's kernel may sit idle (its page closed, or its tab dead without saying
    so) before it is shut down. Voilà's page asks the server to end its kernel when it closes,
    but the server refuses that request (the page holds no XSRF cookie), so every page load
    left a kernel running until the server stopped. A kernel whose page is open is never idle
    (its widgets' socket); the pool's waiting kernels are never culled (Voilà's manager)."""
    given = env.get(KERNEL_IDLE_ENV, "").strip()
    if not given:
        return KERNEL_IDLE_SECONDS
    if not given.isdigit() or int(given) < 1:
        raise InputError(
            f"{given!r} is not a whole number of seconds of at least 1", field=KERNEL_IDLE_ENV
        )
    return int(given)


def culling(idle_seconds: int = KERNEL_IDLE_SECONDS) -> list[str]:
    """Jupyter's settings that shut a page's kernel down once idle for ``idle_seconds`` (looked
    for each minute, or sooner for a shorter time), under `epa serve` and on the hub's servers."""
    return [
        f"--MappingKernelManager.cull_idle_timeout={idle_seconds}",
        f"--MappingKernelManager.cull_interval={min(60, idle_seconds)}",
    ]


def voila_command(
    *,
    port: int,
    host: str,
    token: str | None,
    pool_size: int,
    app: str = "assessor",
    idle_seconds: int = KERNEL_IDLE_SECONDS,
) -> list[str]:
    command = [
        *quick_start.command("voila"),  # without jsonschema's 1.3-second grammar
        str(notebooks_dir() / APPS[app]),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        f"--preheat_kernel={pool_size > 0}",
        f"--pool_size={max(pool_size, 0)}",
        "--show_tracebacks=False",
        # Kernels talk over Unix sockets in Voilà's private folder, not TCP ports: no port for
        # another local user to reach, and no collision between two kernels' random ports
        # (a kernel that loses that race dies and leaves the page waiting for ever).
        "--KernelManager.transport=ipc",
        *culling(idle_seconds),  # a closed page's kernel is shut down once idle
        *VOILA_SETTINGS,
    ]
    command.append(f"--token={token}" if token else "--Voila.token=")
    return command


def serve(
    *,
    port: int,
    host: str = "127.0.0.1",
    allow_remote: bool = False,
    store_url: str | None = None,
    pool_size: int = 2,
    app: str = "assessor",
) -> int:
    """Run the app until interrupted; returns Voilà's exit status."""
    if not is_loopback(host) and not allow_remote:
        raise InputError(
            f"{host} is not a loopback address: anyone who can reach it could open "
            "the app. Add --allow-remote to serve it there, protected by a token",
            field="--host",
        )
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Voilà's own socket does
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InputError(
                f"cannot listen on {host}:{port} ({exc.strerror})", field="--port"
            ) from None
    idle_seconds = kernel_idle_seconds(os.environ)
    url = absolute_store_url(store_url)
    from epa_kernel.store.store import Store  # SQLAlchemy: not for `epa --help`

    Store(url).close()  # create or check the database before any kernel needs it
    token = secrets.token_urlsafe(24) if not is_loopback(host) else None
    env = dict(os.environ, EPA_STORE_URL=url, JUPYTER_PATH=jupyter_path(os.environ))
    shown = f"http://{host}:{port}/" + (f"?token={token}" if token else "")
    print(f"EPA {app.replace('_', ' ')} app: {shown}", flush=True)
    if token:
        print("Access needs the token in that address; share it only with assessors.", flush=True)
    try:
        return subprocess.call(
            voila_command(
                port=port,
                host=host,
                token=token,
                pool_size=pool_size,
                app=app,
                idle_seconds=idle_seconds,
            ),
            env=env,
        )
    except KeyboardInterrupt:
        return 0
