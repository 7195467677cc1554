"""Shared builders for tests: records made from a standard's own descriptor lists."""

from __future__ import annotations

import pytest

from epa_kernel.core.records import MethodRecord, bind
from epa_kernel.core.spec import get_standard

VALID_ULNS = ("1000000019", "1000000027", "1000000035", "9999999904")


def judgements_for(standard, method_id, channels=None, *, pass_="met", distinctions=0,
                   deferred=()):
    """Judgements for every applicable descriptor: pass ones set to ``pass_``, the first
    ``distinctions`` distinction descriptors met and the rest not met."""
    method = standard.method(method_id)
    out = {}
    d_seen = 0
    for c in method.applicable(channels):
        if c.band == "pass":
            out[c.id] = "deferred" if c.id in deferred else pass_
        else:
            out[c.id] = "met" if d_seen < distinctions else "not_met"
            d_seen += 1
    return out


def make_record(standard_id="ST0072", version=None, method="practical_observation", *,
                judgements=None, channels=None, attempt="first", uln=VALID_ULNS[0],
                evidence=None, **kwargs) -> MethodRecord:
    standard = get_standard(standard_id, version)
    method_obj = standard.method(method)
    if channels is None and method_obj.channels:
        channels = ["face_to_face"]
    if judgements is None:
        judgements = judgements_for(standard, method, channels)
    record = MethodRecord.model_validate({
        "standard": standard_id, "version": version, "method": method,
        "apprentice": {"uln": uln, "name": "Ada Example"}, "assessor": "A. Assessor",
        "attempt": attempt, "channels": channels, "judgements": judgements,
        "evidence": evidence or {}, **kwargs})
    return bind(record)[0]


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

def _pg_bin() -> "Path":
    from pathlib import Path
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL is not installed (apt-get install postgresql): the store's "
                    "tests run against a real server, not only SQLite")
    return found[-1].parent


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """Start a throwaway PostgreSQL server on 127.0.0.1 and yield a SQLAlchemy URL to it."""
    import os
    import shutil
    import socket
    import subprocess

    import tempfile
    from pathlib import Path

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
    subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "epa",
                    "--auth=trust", "-E", "UTF8"], check=True, capture_output=True)
    subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l",
                    str(base / "log"), "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1",
                    "start"], check=True, capture_output=True)
    try:
        subprocess.run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "epa",
                        "epa"], check=True, capture_output=True)
        yield f"postgresql+psycopg://epa@127.0.0.1:{port}/epa"
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True)
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
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("EPA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)  # developer machines without a browser; CI sets the variable
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield browser
        browser.close()


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """A web app as a subprocess (`epa serve`, or Voilà on one notebook), started and stopped
    by tests. ``command`` is what to run; it must listen on 127.0.0.1:``port``."""

    def __init__(self, command: list[str], port: int, log, *, store_url: str | None = None,
                 name: str | None = None):
        self.command, self.port, self.proc, self.log = command, port, None, log
        self.store_url = store_url
        self.name = name or " ".join(command[1:4])

    @classmethod
    def epa_serve(cls, store_url: str, port: int, log, app: str = "assessor") -> "AppServer":
        import sys
        return cls([sys.executable, "-m", "epa_kernel.cli", "serve", "--port", str(port),
                    "--store", store_url, "--app", app], port, log, store_url=store_url,
                   name=f"epa serve --app {app}")

    @classmethod
    def voila(cls, notebook, port: int, log) -> "AppServer":
        """Voilà on ``notebook`` alone, on loopback without a token (as a trainer runs it)."""
        import sys
        return cls([sys.executable, "-m", "voila", str(notebook), "--no-browser",
                    f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.token=",
                    "--Voila.port_retries=0"], port, log, name=f"voila {notebook}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 60) -> None:
        import socket
        import subprocess
        import time
        from pathlib import Path

        self.proc = subprocess.Popen(
            self.command, cwd=Path(__file__).resolve().parents[1],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not open its port in time")

    def kill(self) -> None:
        """Stop the server the hard way (its kernels too), as a crash would."""
        import os
        import signal
        import socket
        import time
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # Voilà's kernels run in sessions of their own and notice the dead server within a few
        # seconds; until then one may still hold the listening port open.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.2)


@pytest.fixture
def app_server(tmp_path):
    with open(tmp_path / "serve.log", "ab") as log:  # read it when a browser test fails
        server = AppServer.epa_serve(f"sqlite:///{tmp_path / 'epa.sqlite'}", free_port(), log)
        yield server
        server.kill()
