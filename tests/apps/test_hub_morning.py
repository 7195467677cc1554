"""The settings behind a quick sign-in on the hub and a quick `epa serve` start.

An assessor signs in every morning; what keeps that wait short (bench/RESULTS.md, measured by
``bench.hub_breakdown``) is configuration, kept here: the servers start without jsonschema's
1.3-second grammar while the validation the kit relies on still works, each user's server has a
kernel that has already imported the assessor app and waits for the page to draw it, and a
server lasts the working day.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config import Config

from epa_kernel.apps import quick_start, serve
from epa_kernel.apps.hub_preheat import POOL_SIZE, PREHEATED, PreheatedKernelManager
from epa_kernel.apps.kernel_cap import MAX_KERNELS, CappedKernelManager
from epa_kernel.apps.page_pool import PageSignals

HUB_CONFIG = Path(serve.__file__).with_name("jupyterhub_config.py")
NOTEBOOKS = serve.notebooks_dir()


def hub_config(tmp_path, monkeypatch, **env) -> Config:
    """The kit's hub configuration as JupyterHub loads it, for a state folder in tmp_path."""
    (tmp_path / "api_token").write_text("t" * 64)
    for name, value in {
        "EPA_HUB_STATE": str(tmp_path),
        "EPA_STORE_URL": f"sqlite:///{tmp_path / 's.sqlite'}",
        "EPA_NOTEBOOKS": str(NOTEBOOKS),
        **env,
    }.items():
        monkeypatch.setenv(name, value)
    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(HUB_CONFIG)}
    exec(compile(HUB_CONFIG.read_text(encoding="utf-8"), str(HUB_CONFIG), "exec"), namespace)
    return config


def arg(args: list[str], name: str) -> str:
    found = [a.split("=", 1)[1] for a in args if a.startswith(f"--{name}=")]
    assert len(found) == 1, (name, args)
    return found[0]


def test_both_servers_start_through_quick_start(tmp_path, monkeypatch):
    hub = hub_config(tmp_path, monkeypatch)
    assert hub.Spawner.cmd == [sys.executable, "-m", "epa_kernel.apps.quick_start", "singleuser"]
    command = serve.voila_command(port=8866, host="127.0.0.1", token=None, pool_size=2)
    assert command[:4] == [sys.executable, "-m", "epa_kernel.apps.quick_start", "voila"]


def test_quick_start_runs_each_server_and_refuses_anything_else():
    for server in quick_start.SERVERS:
        done = subprocess.run(
            [*quick_start.command(server), "--version"], capture_output=True, text=True
        )
        assert done.returncode == 0 and done.stdout.strip()[0].isdigit(), done
    done = subprocess.run([*quick_start.command("lab")], capture_output=True, text=True)
    assert done.returncode == 2 and "singleuser,voila" in done.stderr


VALIDATION = """
import sys
from epa_kernel.imports import skip_slow_imports
skip_slow_imports()
import jsonschema, nbformat
from jupyter_events import EventLogger
assert sys.modules["rfc3987_syntax"] is None
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
nb.cells[0]["cell_type"] = "no such cell"
try:
    nbformat.validate(nb)
except nbformat.ValidationError:
    pass
else:
    raise SystemExit("a broken notebook passed")
import io, logging
logger = EventLogger()
logger.register_handler(logging.StreamHandler(io.StringIO()))  # events are validated when kept
schema = {"$id": "https://example.org/epa/test", "version": "1", "type": "object",
          "properties": {"n": {"type": "integer"}}, "required": ["n"]}
logger.register_event_schema(schema)
logger.emit(schema_id=schema["$id"], data={"n": 1})
try:
    logger.emit(schema_id=schema["$id"], data={"n": "one"})
except jsonschema.ValidationError:
    pass
else:
    raise SystemExit("a bad event passed")
print("validated")
"""


def test_with_the_grammar_left_out_notebooks_and_server_events_are_still_validated():
    notebook = NOTEBOOKS / serve.APPS["assessor"]
    done = subprocess.run(
        [sys.executable, "-c", VALIDATION, str(notebook)], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.strip() == "validated", done.stderr


def test_each_users_server_keeps_one_kernel_preheated_on_the_assessor_app_within_the_cap(
    tmp_path, monkeypatch
):
    """The pooled kernel is one of the capped kernels, culled never, and holds its page's part
    back until the page asks (a kernel that drew the page ahead showed a withdrawn role)."""
    args = hub_config(tmp_path, monkeypatch).Spawner.args
    manager = arg(args, "ServerApp.kernel_manager_class")
    assert manager == "epa_kernel.apps.hub_preheat.PreheatedKernelManager"
    assert issubclass(PreheatedKernelManager, CappedKernelManager)  # the cap still applies
    assert issubclass(PreheatedKernelManager, PageSignals)  # held until its page asks
    assert int(arg(args, "CappedKernelManager.max_kernels")) == MAX_KERNELS
    assert POOL_SIZE == 1 and PREHEATED == serve.APPS["assessor"]
    assert "comm_msg" in arg(args, "MappingKernelManager.allowed_message_types")
    assert "execute_request" not in arg(args, "MappingKernelManager.allowed_message_types")
    default = hub_config(tmp_path, monkeypatch).Spawner.default_url
    assert default == f"/voila/render/{PREHEATED}"  # the page a sign-in lands on is the one


def test_the_culler_leaves_the_pooled_kernel_alone_and_culls_a_pages(monkeypatch):
    """The pooled kernel waits for a page for hours (the whole working day): culling it as idle
    would leave the morning's sign-in without one; a page's kernel is culled as before."""
    from concurrent.futures import Future

    culled = []

    async def cull(self, kernel_id):
        culled.append(kernel_id)

    monkeypatch.setattr(CappedKernelManager, "cull_kernel_if_idle", cull, raising=False)
    manager = PreheatedKernelManager.__new__(PreheatedKernelManager)  # no server to start
    pooled = Future()
    pooled.set_result({"kernel_id": "pooled"})
    manager._pools = {PREHEATED: [pooled]}
    for kernel_id in ("pooled", "a-page"):
        run_alone(manager.cull_kernel_if_idle(kernel_id))
    assert culled == ["a-page"]


@pytest.mark.parametrize(("hours", "seconds"), [(None, 36000), ("12", 43200)])
def test_a_users_server_lasts_the_working_day_and_stops_overnight(
    tmp_path, monkeypatch, hours, seconds
):
    env = {"EPA_HUB_SERVER_IDLE_HOURS": hours} if hours else {}
    monkeypatch.delenv("EPA_HUB_SERVER_IDLE_HOURS", raising=False)
    args = hub_config(tmp_path, monkeypatch, **env).Spawner.args
    assert int(arg(args, "ServerApp.shutdown_no_activity_timeout")) == seconds
    assert int(arg(args, "MappingKernelManager.cull_idle_timeout")) == 600  # kernels still go


def compressed(content_type: str) -> bool:
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from epa_kernel.apps.static_gzip import StaticGzip

    request = HTTPServerRequest(
        start_line=RequestStartLine("GET", "/", "HTTP/1.1"),
        headers=HTTPHeaders({"Accept-Encoding": "gzip", "Host": "127.0.0.1"}),
    )
    headers = HTTPHeaders({"Content-Type": content_type})
    _, headers, _ = StaticGzip(request).transform_first_chunk(200, headers, b"x" * 5000, True)
    return headers.get("Content-Encoding") == "gzip"


def test_scripts_and_styles_are_sent_compressed_never_pages_or_api_answers():
    assert compressed("text/javascript") and compressed("application/javascript")
    assert compressed("text/css; charset=UTF-8")
    for secret_bearing in ("text/html", "text/html; charset=UTF-8", "application/json"):
        assert not compressed(secret_bearing), secret_bearing


def test_the_hubs_servers_and_epa_serve_beyond_loopback_compress_scripts(tmp_path, monkeypatch):
    import json

    from tornado.web import Application
    from voila.app import Voila

    from epa_kernel.apps.static_gzip import StaticGzip

    config = Path(serve.__file__).with_name("server_config") / "jupyter_server_config.json"
    extensions = json.loads(config.read_text())["ServerApp"]["jpserver_extensions"]
    assert extensions["epa_kernel.apps.static_gzip"] is True  # the hub's users' servers
    from epa_kernel.apps.static_gzip import STATIC_GZIP_ENV, _load_jupyter_server_extension

    for hub_host, flag in (("0.0.0.0", "1"), ("127.0.0.1", "0")):  # reached over a network or not
        config = hub_config(tmp_path, monkeypatch, EPA_HUB_HOST=hub_host)
        assert config.Spawner.environment[STATIC_GZIP_ENV] == flag
        monkeypatch.setenv(STATIC_GZIP_ENV, flag)
        server = type("Server", (), {"web_app": Application()})()
        _load_jupyter_server_extension(server)
        assert (StaticGzip in server.web_app.transforms) is (flag == "1"), hub_host
    monkeypatch.setattr(Voila, "init_handlers", lambda self: [])  # Voilà's own: not under test
    for host, gzipped in (("0.0.0.0", True), ("127.0.0.1", False)):  # --allow-remote or not
        voila = quick_start.kit_voila()(ip=host)
        voila.app = Application()
        voila.init_handlers()  # as Voilà's start calls it, once its application is made
        assert (StaticGzip in voila.app.transforms) is gzipped, host


def test_the_hubs_spawners_wait_for_the_server_to_listen(tmp_path, monkeypatch):
    import os

    from jupyterhub.spawner import SimpleLocalProcessSpawner

    from epa_kernel.apps import hub_quick_spawn
    from epa_kernel.apps.hub_spawner import OwnUserSpawner

    spawner = hub_config(tmp_path, monkeypatch).JupyterHub.spawner_class
    as_root = os.geteuid() == 0  # each server as an OS user of its own, else as the hub's user
    quick = "QuickOwnUserSpawner" if as_root else "QuickLocalSpawner"
    assert spawner == f"epa_kernel.apps.hub_quick_spawn.{quick}"
    assert "QuickOwnUserSpawner" in HUB_CONFIG.read_text(encoding="utf-8")
    assert "QuickLocalSpawner" in HUB_CONFIG.read_text(encoding="utf-8")
    assert issubclass(hub_quick_spawn.QuickLocalSpawner, SimpleLocalProcessSpawner)
    assert issubclass(hub_quick_spawn.QuickOwnUserSpawner, OwnUserSpawner)


def run_alone(coroutine):
    """Run ``coroutine`` on an event loop of its own thread: in the full suite the browser
    fixture (Playwright's sync API) keeps a loop running in this one, where asyncio.run fails."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_spawn_returns_once_the_server_listens_or_dies():
    import socket
    import threading

    from epa_kernel.apps.hub_quick_spawn import PortWait

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    listening = []

    def listen_later():
        server = socket.socket()
        server.bind(("127.0.0.1", port))
        server.listen()
        listening.append(server)

    class Launched:  # a local spawner whose server listens 0.5 s after its launch
        start_timeout = 30

        class proc:
            @staticmethod
            def poll():
                return None

        async def start(self):
            threading.Timer(0.5, listen_later).start()
            return "127.0.0.1", port

    class Quick(PortWait, Launched):
        pass

    assert run_alone(Quick().start()) == ("127.0.0.1", port)
    assert listening, "start returned before the server listened"
    listening[0].close()

    class Died(Launched):
        class proc:
            @staticmethod
            def poll():
                return 1

        async def start(self):
            return "127.0.0.1", port

    class QuickDied(PortWait, Died):
        pass

    assert run_alone(asyncio.wait_for(QuickDied().start(), 5)) == ("127.0.0.1", port)
