"""`epa serve`: loopback by default; anywhere else only when asked, and then behind a token."""

from __future__ import annotations

from epa_kernel.apps.serve import absolute_store_url, is_loopback, voila_command
from helpers import epa, kernel_connection_files


def test_a_non_loopback_address_is_refused_without_allow_remote(tmp_path):
    done = epa(
        "serve", "--host", "0.0.0.0", "--store", f"sqlite:///{tmp_path / 's.sqlite'}", timeout=60
    )
    assert done.returncode == 2
    assert "0.0.0.0 is not a loopback address" in done.stderr and "--allow-remote" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "s.sqlite").exists()


def test_loopback_needs_no_token_and_remote_always_gets_one():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")
    local = voila_command(port=8866, host="127.0.0.1", token=None, pool_size=2)
    assert "--Voila.token=" in local and "--preheat_kernel=True" in local
    remote = voila_command(port=8866, host="0.0.0.0", token="s3cret", pool_size=0)
    assert "--token=s3cret" in remote and "--preheat_kernel=False" in remote


def test_the_store_url_given_to_kernels_is_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EPA_STORE_URL", raising=False)
    assert (
        absolute_store_url("sqlite:///outputs/x.sqlite") == f"sqlite:///{tmp_path}/outputs/x.sqlite"
    )
    assert absolute_store_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_the_apps_use_the_kits_template_and_only_the_widget_managers_extensions():
    """Kept defaults: the kit's Voilà template ``epa`` (no link off the machine), found on the
    JUPYTER_PATH `epa serve` and the hub's servers give Voilà, and only the front-end extensions
    of ipywidgets and anywidget, which exist under those names."""
    import json
    import re
    import sys
    from pathlib import Path

    from epa_kernel.apps import serve

    command = voila_command(port=8866, host="127.0.0.1", token=None, pool_size=2)
    assert "--VoilaConfiguration.template=epa" in command
    assert serve.EXTENSIONS == [
        "@jupyter-widgets/jupyterlab-manager",
        "@voila-dashboards/widgets-manager8",
        "anywidget",
    ]
    assert f"--VoilaConfiguration.extension_allowlist={serve.EXTENSIONS}" in command
    share = Path(sys.prefix) / "share" / "jupyter"
    installed = [*(share / "labextensions").glob("**/package.json")]
    installed += (share / "voila" / "labextensions").glob("**/package.json")
    names = {json.loads(p.read_text(encoding="utf-8")).get("name") for p in installed}
    assert set(serve.EXTENSIONS) <= names

    template = serve.JUPYTER_DATA / "voila" / "templates" / "epa"
    assert str(serve.JUPYTER_DATA) == serve.jupyter_path({}).split(":")[0]
    page = (template / "index.html.j2").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", page)
    hub = (serve.JUPYTER_DATA.parent / "jupyterhub_config.py").read_text(encoding="utf-8")
    assert "*VOILA_SETTINGS," in hub and "str(JUPYTER_DATA)" in hub


def test_the_apps_kernels_talk_over_private_unix_sockets(app_server):
    """A kernel on TCP opens five random ports on loopback: any local user may knock on them, and
    two kernels starting together can draw the same port, when the loser dies and leaves its page
    waiting for ever (seen in CI). The kernels of `epa serve` talk over Unix sockets in a folder
    only the server's user may enter. (ipykernel still binds one PULL socket on a random TCP port
    for forked subprocesses' output, retried until free, taking only messages with its random id.)
    """
    import json
    import stat
    from pathlib import Path

    app_server.start()
    for connection in kernel_connection_files(app_server.proc.pid, 2):  # the preheated pool
        info = json.loads(connection.read_text())
        assert info["transport"] == "ipc"
        assert Path(info["ip"]).parent == connection.parent
        assert stat.S_IMODE(connection.parent.stat().st_mode) & 0o077 == 0


def test_no_unauthenticated_request_info_socket_for_pooled_kernels(app_server):
    """Voilà's pool opens ``/voila/query/<kernel id>``, a websocket without the server's token
    that hands whoever names a kernel its page request (query string and all). The kit's pool
    waits through its own FIFO (apps.page_pool), so `epa serve` serves no such route: asked
    for a pooled kernel's id, as an attacker who learnt one would, no websocket opens."""
    from http.client import HTTPConnection

    app_server.start()
    pooled = kernel_connection_files(app_server.proc.pid, 1)[0].stem.removeprefix("kernel-")
    upgrade = {  # a websocket's opening handshake
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    ask = HTTPConnection("127.0.0.1", app_server.port, timeout=30)
    ask.request("GET", f"/voila/query/{pooled}", headers=upgrade)
    answer = ask.getresponse()
    # 101 Switching Protocols while Voilà's route was on; now the path is only a file's name
    assert answer.status != 101 and answer.getheader("Upgrade") is None, answer.status


def test_a_closed_pages_kernel_is_shut_down_once_idle_by_default():
    """Every page load takes a kernel; Voilà's page asks the server to end it when the page
    closes, a request the server refuses (no XSRF cookie), so without the culler each load left
    a kernel running until `epa serve` stopped."""
    local = voila_command(port=8866, host="127.0.0.1", token=None, pool_size=2)
    assert "--MappingKernelManager.cull_idle_timeout=600" in local
    assert "--MappingKernelManager.cull_interval=60" in local


def test_a_bad_idle_time_is_refused_before_anything_starts(tmp_path):
    for bad in ("ten", "0", "-5", "1.5"):
        done = epa(
            "serve",
            "--store",
            f"sqlite:///{tmp_path / 's.sqlite'}",
            env={"EPA_KERNEL_IDLE_SECONDS": bad},
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert "EPA_KERNEL_IDLE_SECONDS" in done.stderr and "whole number of seconds" in done.stderr
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "s.sqlite").exists()
