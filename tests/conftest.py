"""Fixtures shared by the tests: standards, stores (SQLite and a real PostgreSQL), a browser, a
served app, and one executed demo run. Everything else tests share is in helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from epa_kernel.core.catalogue import get_standard
from helpers import (
    DEMO_APPRENTICES,
    HUB_TIMEOUT,
    AppServer,
    DemoRun,
    HubServer,
    epa,
    free_port,
    write_cohort,
)


@pytest.fixture
def st0072():
    return get_standard("ST0072", "1.0")


@pytest.fixture
def st0071():
    return get_standard("ST0071", "1.1")


@pytest.fixture
def st0071_v10():
    return get_standard("ST0071", "1.0")


# --- a real PostgreSQL server on loopback, for the store's tests -------------------------------


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail(
            "PostgreSQL is not installed (apt-get install postgresql): the store's "
            "tests run against a real server, not only SQLite"
        )
    return found[-1].parent


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """Start a throwaway PostgreSQL server on 127.0.0.1 and yield a SQLAlchemy URL to it."""
    import os
    import shutil
    import socket
    import subprocess
    import tempfile

    bin_dir = _pg_bin()
    # Not under pytest's tmp folder: that is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="epa-pg-"))
    data = base / "data"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    as_user = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *as_user,
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "epa",
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_user,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-l",
            str(base / "log"),
            "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "epa", "epa"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://epa@127.0.0.1:{port}/epa"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh, empty store of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'epa.sqlite'}"
        return
    base = request.getfixturevalue("postgres_url")
    from sqlalchemy import create_engine, text

    name = f"t{abs(hash(request.node.nodeid)) % 10**12}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    yield base.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def store(store_url):
    from epa_kernel.store.store import Store

    s = Store(store_url)
    yield s
    s.close()


# --- the browser: Debian's chromium driven by Playwright -------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium. Missing browser: a failure when EPA_REQUIRE_BROWSER=1 (as in CI)."""
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        require_or_skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def require_or_skip(message: str):
    """A missing part of the browser tests: a failure when EPA_REQUIRE_BROWSER=1 (as in CI)."""
    import os

    if os.environ.get("EPA_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def hub_tools():
    """JupyterHub and configurable-http-proxy installed (else a skip, or a failure in CI)."""
    from epa_kernel.apps.hub import check_hub_installed, find_proxy
    from epa_kernel.errors import InputError

    try:
        check_hub_installed()
        find_proxy()
    except InputError as exc:
        require_or_skip(str(exc))


@pytest.fixture(scope="module")
def hub_server(hub_tools, tmp_path_factory):
    """`epa hub` on loopback (JupyterHub, NativeAuthenticator, configurable-http-proxy) on a
    fresh store; the test module seeds the store before calling ``start()``."""
    base = tmp_path_factory.mktemp("hub")
    with open(base / "hub.log", "ab") as log:  # read it when a hub test fails
        server = HubServer(f"sqlite:///{base / 'epa.sqlite'}", base, log)
        yield server
        server.stop()


@pytest.fixture(scope="module")
def patient_expect():
    """Playwright's expectations wait as long as a cold hub server and kernel take."""
    from playwright.sync_api import expect

    expect.set_options(timeout=HUB_TIMEOUT)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def app_server(tmp_path):
    with open(tmp_path / "serve.log", "ab") as log:  # read it when a browser test fails
        server = AppServer.epa_serve(f"sqlite:///{tmp_path / 'epa.sqlite'}", free_port(), log)
        yield server
        server.kill()


# --- one executed demo run for the whole session ---------------------------------------------


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> DemoRun:
    """`epa run` of a few demo apprentices, once for every test that reads an executed run
    folder (batch, exports, IQA). Tests that change a run folder change ``demo_run.copy(...)``."""
    base = tmp_path_factory.mktemp("demo")
    by_uln = write_cohort(base / "cohort", DEMO_APPRENTICES)
    done = epa("run", base / "cohort", "--out", base / "out", "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    return DemoRun(base / "cohort", base / "out", by_uln, done)
