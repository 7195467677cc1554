"""What the tests share that is not a fixture: paths, the `epa` command, record builders, demo
cohorts, a web app run as a subprocess, and the Hypothesis strategies over the kit's standards.

Test modules import from here, never from one another or from conftest.py (which holds only
fixtures), so moving a test file into another folder cannot break a second one.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from epa_kernel.batch.demo_cohort import cohort_records
from epa_kernel.core.catalogue import catalogue, get_standard
from epa_kernel.core.grading import grade_method
from epa_kernel.core.method_spec import Method
from epa_kernel.core.records import MethodRecord, bind
from epa_kernel.core.spec import Standard
from epa_kernel.core.values import GRADES
from epa_kernel.paths import STANDARDS_DIR

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EPA = [sys.executable, "-m", "epa_kernel.cli"]
# Where the kit's notebooks and templates are, for commands run outside the checkout: a plain
# (non-editable) install needs them named explicitly.
KIT_FOLDERS = {"EPA_NOTEBOOKS": str(ROOT / "notebooks"), "EPA_TEMPLATES": str(ROOT / "templates")}
VALID_ULNS = ("1000000019", "1000000027", "1000000035", "9999999904")


# --- the command line ------------------------------------------------------------------------


def installed_epa() -> list[str]:
    """The console script installed beside this interpreter (a venv's bin/), else on PATH;
    the module only when no script is installed."""
    here = Path(sys.executable).parent
    for name in ("epa", "epa.exe"):
        if (here / name).is_file():
            return [str(here / name)]
    found = shutil.which("epa")
    return [found] if found else list(EPA)


def epa(
    *args,
    cwd: Path = ROOT,
    env: dict | None = None,
    timeout: float = 600,
    command: list[str] = EPA,
    **kwargs,
) -> subprocess.CompletedProcess:
    """`epa ARGS` in a subprocess, its output captured as text; ``env`` adds to the environment."""
    return subprocess.run(
        [*command, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, **env} if env else None,
        **kwargs,
    )


def read_results(out: Path) -> list[dict]:
    """The rows of a run folder's results.csv."""
    with open(out / "results.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- records ---------------------------------------------------------------------------------


def judgements_for(standard, method_id, channels=None, *, pass_="met", distinctions=0, deferred=()):
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


def make_record(
    standard_id="ST0072",
    version=None,
    method="practical_observation",
    *,
    judgements=None,
    channels=None,
    attempt="first",
    uln=VALID_ULNS[0],
    evidence=None,
    **kwargs,
) -> MethodRecord:
    """A valid, bound record built from the standard's own descriptor lists."""
    standard = get_standard(standard_id, version)
    method_obj = standard.method(method)
    if channels is None and method_obj.channels:
        channels = ["face_to_face"]
    if judgements is None:
        judgements = judgements_for(standard, method, channels)
    record = MethodRecord.model_validate(
        {
            "standard": standard_id,
            "version": version,
            "method": method,
            "apprentice": {"uln": uln, "name": "Ada Example"},
            "assessor": "A. Assessor",
            "attempt": attempt,
            "channels": channels,
            "judgements": judgements,
            "evidence": evidence or {},
            **kwargs,
        }
    )
    return bind(record)[0]


def dated_record(standard, method, on, attempt="first", *, grade="Pass", **kwargs):
    """A record of ``method`` assessed ``on``, graded ``grade`` (Pass or Fail) by its
    judgements: what the lifecycle tests place on the calendar."""
    channels = ["face_to_face"] if standard.method(method).channels else None
    pass_ = "not_met" if grade == "Fail" else "met"
    return make_record(
        standard.standard,
        standard.version,
        method,
        judgements=judgements_for(standard, method, channels, pass_=pass_),
        channels=channels,
        attempt=attempt,
        assessed_on=on,
        **kwargs,
    )


def write_cohort(folder: Path, prefixes) -> dict[str, list[Path]]:
    """Demo records whose file names start with one of ``prefixes``; returns files per ULN."""
    folder.mkdir(parents=True, exist_ok=True)
    by_uln: dict[str, list[Path]] = {}
    for name, record in cohort_records():
        if name.startswith(tuple(prefixes)):
            path = folder / name
            path.write_text(json.dumps(record), encoding="utf-8")
            by_uln.setdefault(record["apprentice"]["uln"], []).append(path)
    return by_uln


def names_by_uln(by_uln: dict[str, list[Path]]) -> dict[str, str]:
    """Each apprentice's name, from the records :func:`write_cohort` wrote."""
    return {
        uln: json.loads(files[0].read_text(encoding="utf-8"))["apprentice"]["name"]
        for uln, files in by_uln.items()
    }


# The shared demo run (conftest's ``demo_run``): both standards, both ST0071 versions, a resit
# of each standard, and deferred descriptors.
DEMO_APPRENTICES = ("a07_", "a10_", "a21_", "a22_")  # ST0072 deferrals, ST0072 resit,
#                                                      ST0071 v1.1 resit, ST0071 v1.0


@dataclass(frozen=True)
class DemoRun:
    """An executed `epa run` of :data:`DEMO_APPRENTICES` with the default (HTML) exports.

    Shared by the whole session: read it, never change it. A test that changes a run folder
    works on :meth:`copy`."""

    cohort: Path
    out: Path
    by_uln: dict[str, list[Path]]
    done: subprocess.CompletedProcess

    def uln(self, prefix: str) -> str:
        """The ULN of the demo apprentice whose record files start with ``prefix``."""
        return next(u for u, files in self.by_uln.items() if files[0].name.startswith(prefix))

    def copy(
        self, target: Path, keep=DEMO_APPRENTICES, *, exports: bool = True
    ) -> tuple[Path, Path]:
        """The cohort and run folder copied into ``target`` (``cohort/``, ``out/``), with only
        the apprentices in ``keep``; without ``exports``, as `--format none` would leave it."""
        cohort, out = target / "cohort", target / "out"
        shutil.copytree(self.cohort, cohort)
        shutil.copytree(self.out, out)
        for uln, files in self.by_uln.items():
            if not files[0].name.startswith(tuple(keep)):
                shutil.rmtree(out / uln)
                for f in files:
                    (cohort / f.name).unlink()
        if not exports:
            for path in [
                *out.glob("*/*.html"),
                *out.glob("*/.epa-export.json"),
                *out.glob("*.html"),
                *out.glob("*.xlsx"),
                *out.glob(".epa-export.json"),
            ]:
                path.unlink()
        return cohort, out


def write_standard_variant(folder: Path, mutate) -> Path:
    """The kit's ST0072 v1.0 file, changed by ``mutate(data)``, written into ``folder``."""
    data = yaml.safe_load((STANDARDS_DIR / "st0072_v1.0.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = folder / "st0072_v1.0.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# --- the documents' overall grade tables ---------------------------------------------------------

F, P, D = "Fail", "Pass", "Distinction"
# 002 'Overall grade' (ST0072): showcase, observation, discussion -> overall.
ST0072_TABLE = [
    ((F, "*", "*"), F),
    (("*", F, "*"), F),
    (("*", "*", F), F),
    ((P, P, P), P),
    ((P, P, D), P),
    ((P, D, P), P),
    ((D, P, P), P),
    ((P, D, D), P),
    ((D, P, D), P),
    ((D, D, P), P),
    ((D, D, D), D),
]
# 003 section 2 (ST0071): observation, project, discussion -> overall.
ST0071_TABLE = [
    ((F, "*", "*"), F),
    (("*", F, "*"), F),
    (("*", "*", F), F),
    ((P, P, P), P),
    ((P, P, D), P),
    ((P, D, P), P),
    ((D, P, P), P),
    ((P, D, D), P),
    ((D, P, D), P),
    ((D, D, P), P),
    ((D, D, D), D),
]


def expand(pattern):
    """Every grade combination a table row stands for ("*" is any grade)."""
    choices = [GRADES if g == "*" else (g,) for g in pattern]
    return itertools.product(*choices)


# --- a web app as a subprocess -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """A web app as a subprocess (`epa serve`, or Voilà on one notebook), started and stopped
    by tests. ``command`` is what to run; it must listen on 127.0.0.1:``port``."""

    def __init__(
        self,
        command: list[str],
        port: int,
        log,
        *,
        store_url: str | None = None,
        name: str | None = None,
    ):
        self.command, self.port, self.proc, self.log = command, port, None, log
        self.store_url = store_url
        self.name = name or " ".join(command[1:4])

    @classmethod
    def epa_serve(cls, store_url: str, port: int, log, app: str = "assessor") -> AppServer:
        return cls(
            [*EPA, "serve", "--port", str(port), "--store", store_url, "--app", app],
            port,
            log,
            store_url=store_url,
            name=f"epa serve --app {app}",
        )

    @classmethod
    def voila(cls, notebook, port: int, log) -> AppServer:
        """Voilà on ``notebook`` alone, on loopback without a token (as a trainer runs it)."""
        return cls(
            [
                sys.executable,
                "-m",
                "voila",
                str(notebook),
                "--no-browser",
                f"--port={port}",
                "--Voila.ip=127.0.0.1",
                "--Voila.token=",
                "--Voila.port_retries=0",
            ],
            port,
            log,
            name=f"voila {notebook}",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 60) -> None:
        import time

        self.proc = subprocess.Popen(
            self.command,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
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
        import signal
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


class HubServer:
    """`epa hub` on free loopback ports with its state in ``base``, started and stopped by tests.

    ``api`` calls the hub's REST API with the service token `epa hub` generated in the state.
    """

    def __init__(self, store_url: str, base: Path, log):
        self.store_url, self.state, self.log = store_url, base / "hub-state", log
        self.port, self.proc = free_port(), None
        self.internal = f"{free_port()},{free_port()},{free_port()}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> float:
        """Start the hub; the seconds until its API answered."""
        import time

        started = time.monotonic()
        self.proc = subprocess.Popen(
            [*EPA, "hub", "--port", str(self.port), "--store", self.store_url]
            + ["--state", str(self.state)],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "EPA_HUB_INTERNAL_PORTS": self.internal},
        )
        while time.monotonic() < started + timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"epa hub exited with {self.proc.returncode}")
            if self.api("GET", "/") == 200:
                return time.monotonic() - started
            time.sleep(0.2)
        raise RuntimeError("epa hub did not answer in time")

    def api(self, method: str, path: str) -> int:
        from epa_kernel.apps.hub import hub_api

        return hub_api(self.url, self.state, method, path)[0]

    def stop(self) -> None:
        """SIGTERM, as an operator would: the hub stops the proxy and every user's server."""
        import signal

        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


# --- signing up and in on `epa hub` (NativeAuthenticator) in a browser ---------------------------

HUB_TIMEOUT = 120_000  # ms: a cold user server and kernel on a busy 2-core machine


def submitted_decisions(url: str, decisions, users: dict) -> None:
    """In the store at ``url``: each ``(uln, assessor)`` of ``decisions`` assigned and its record
    submitted by that assessor; each name of ``users`` given its ``(role, assessor)``."""
    from epa_kernel.store.store import Store
    from epa_kernel.store.users import set_user

    store = Store(url)
    for uln, assessor in decisions:
        store.assign(make_record(uln=uln, assessor=assessor, judgements={}))
        record = make_record(uln=uln, assessor=assessor)
        store.submit(store.put(record, author=assessor), author=assessor)
    for name, (role, assessor) in users.items():
        set_user(store, name, role, assessor)
    store.close()


# --- Hypothesis strategies: records drawn from the standards' own descriptor lists ---------------

STANDARDS: tuple[Standard, ...] = tuple(std for _, std in sorted(catalogue().items()))
ATTEMPTS = ("first", "resit", "retake")
OMIT = "omitted"
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Case:
    """One drawn method record, before it is built."""

    standard: Standard
    method: Method
    channels: list[str] | None
    judgements: dict[str, str]
    elsewhere: dict[str, str] = field(default_factory=dict)  # judged in the deferred-to method
    attempt: str = "first"

    def __repr__(self) -> str:  # the Standard's own repr runs to pages
        return (
            f"Case({self.standard.key}, {self.method.id}, channels={self.channels}, "
            f"attempt={self.attempt!r}, judgements={self.judgements}, "
            f"elsewhere={self.elsewhere})"
        )

    def _repr_pretty_(self, printer, cycle):  # how Hypothesis shows a failing example
        printer.text(repr(self))

    def record(self, judgements=None, channels=None) -> MethodRecord:
        return make_record(
            self.standard.standard,
            self.standard.version,
            self.method.id,
            judgements=dict(self.judgements if judgements is None else judgements),
            channels=self.channels if channels is None else channels,
            attempt=self.attempt,
        )

    def grade(self, judgements=None, elsewhere=None):
        return grade_method(
            self.standard,
            self.record(judgements),
            self.elsewhere if elsewhere is None else elsewhere,
        )


def deferred_into(standard: Standard, method: Method) -> list[str]:
    """Keys ("<method>.<id>") under which ``method`` judges descriptors deferred to it."""
    return [
        f"{m.id}.{c.id}"
        for m in standard.methods
        for c in m.criteria
        if c.deferrable_to == method.id
    ]


@st.composite
def channel_sets(draw, method: Method):
    if not method.channels:
        return None
    return draw(
        st.lists(
            st.sampled_from(method.channels), min_size=1, max_size=len(method.channels), unique=True
        )
    )


@st.composite
def cases(
    draw,
    *,
    omit=True,
    defer=True,
    attempts=ATTEMPTS,
    standard=None,
    method=None,
    pass_usual=None,
    pass_exceptions=4,
):
    std = standard or draw(st.sampled_from(STANDARDS))
    m = method or draw(st.sampled_from(std.methods))
    channels = draw(channel_sets(m))
    judgements: dict[str, str] = {}
    elsewhere: dict[str, str] = {}
    # Per band, a usual value and a few descriptors that differ from it; the pass band is
    # mostly met. Drawing every descriptor independently would almost always leave some pass
    # descriptor not met, so nearly every record would be a Fail; this reaches every grade and
    # the distinction thresholds often. Deferrable descriptors are deferred half the time.
    for band in ("pass", "distinction"):
        criteria = [c for c in m.applicable(channels) if c.band == band]
        base = ["met", "not_met"] + ([OMIT] if omit else [])
        usual_options = base if band == "distinction" else (pass_usual or ["met", "met", *base])
        usual = draw(st.sampled_from(usual_options), label=f"usual {band}")
        differ = draw(
            st.sets(
                st.sampled_from([c.id for c in criteria]),
                max_size=len(criteria) if band == "distinction" else pass_exceptions,
            ),
            label=f"other {band}",
        )
        for c in criteria:
            value = usual
            if c.id in differ:
                value = draw(st.sampled_from([o for o in base if o != usual]), label=c.id)
            if defer and c.deferrable_to and draw(st.booleans(), label=f"defer {c.id}"):
                value = "deferred"
            if value == OMIT:
                continue
            judgements[c.id] = value
            if value == "deferred":
                later = draw(st.sampled_from([None, "met", "not_met"]), label=f"{c.id} later")
                if later:
                    elsewhere[c.id] = later
    # Judgements this method makes for another method's deferred descriptors: optional, and
    # they never change this method's own grade.
    for ref in deferred_into(std, m):
        value = draw(st.sampled_from([OMIT, "met", "not_met"]), label=ref)
        if value != OMIT:
            judgements[ref] = value
    return Case(std, m, channels, judgements, elsewhere, draw(st.sampled_from(attempts)))


DEFERRING = [
    (s, m) for s in STANDARDS for m in s.methods if any(c.deferrable_to for c in m.criteria)
]


def varied_cases():
    """Any record; or one with nothing omitted (so "pending" and "complete" are reached); or
    one of a method with deferrable descriptors (rare among all methods, but where deferral,
    and judging a deferred descriptor elsewhere, can go wrong)."""
    return st.one_of(
        cases(),
        cases(omit=False),
        st.sampled_from(DEFERRING).flatmap(lambda sm: cases(standard=sm[0], method=sm[1])),
    )


def lodge_appeal(store, stored, lodged_on, result_notified_on, **changes):
    """An apprentice's appeal against ``stored``, lodged on ``lodged_on`` (fields changeable)."""
    fields = {
        "kind": "appeal",
        "appellant_role": "apprentice",
        "appellant": "Ada Example",
        "lodged_on": lodged_on,
        "result_notified_on": result_notified_on,
        "grounds": "P3 was shown in the second half of the observation.",
        "by": "Rita Records",
        **changes,
    }
    return store.lodge_appeal(stored, **fields)


# One apprentice's practical observation sat three times, each attempt by another assessor.
ATTEMPT_ASSESSORS = {"first": "Ruth Okafor", "resit": "Declan Moss", "resit2": "Morgan Hale"}
ATTEMPT_ULN, ATTEMPT_APPRENTICE = VALID_ULNS[2], {"uln": VALID_ULNS[2], "name": "Viktor Hussain"}


#: In the security suite's team hub: Declan's other apprentice, whose submitted record no other
#: assessor may see or reach (tests/security/conftest.py).
OTHER_ULN, OTHER_NAME = VALID_ULNS[0], "Ophelia Other"


def attempt_record(key: str, **changes) -> MethodRecord:
    """The practical observation's ``key`` attempt (first, resit, resit2) by its assessor."""
    from epa_kernel.core.vocabulary import attempt_parts

    kind, sitting = attempt_parts(key)
    return make_record(
        uln=ATTEMPT_ULN,
        attempt=kind,
        sitting=sitting,
        **{
            "judgements": {},
            "apprentice": ATTEMPT_APPRENTICE,
            "assessor": ATTEMPT_ASSESSORS[key],
            **changes,
        },
    )


def three_attempts(store) -> dict:
    """Each attempt assigned to its assessor (users ruth, declan, morgan); the first submitted,
    the resit a draft, the second resit not started. Returns the stored records by attempt."""
    from epa_kernel.store.users import set_user

    stored = {}
    for key, assessor in ATTEMPT_ASSESSORS.items():
        store.assign(attempt_record(key))
        set_user(store, assessor.split()[0].lower(), "assessor", assessor)
    stored["first"] = store.put(attempt_record("first"), author=ATTEMPT_ASSESSORS["first"])
    stored["first"] = store.submit(stored["first"], author=ATTEMPT_ASSESSORS["first"])
    stored["resit"] = store.put(attempt_record("resit"), author=ATTEMPT_ASSESSORS["resit"])
    return stored


def released_epa(store, uln, last_day, *, fail=None, distinction=False, release=True):
    """An ST0072 EPA of submitted records, its three methods assessed on the three days ending
    on ``last_day`` (the discussion last); ``fail``: the method failed; ``distinction``: every
    distinction descriptor met; released (``Store.release``) unless told."""
    from datetime import date

    standard = get_standard("ST0072", "1.0")
    methods = [m.id for m in standard.methods]
    for offset, method in enumerate(methods):
        channels = ["face_to_face"] if standard.method(method).channels else None
        judgements = judgements_for(
            standard,
            method,
            channels,
            pass_="not_met" if method == fail else "met",
            distinctions=99 if distinction else 0,
        )
        on = date.fromordinal(last_day.toordinal() - (len(methods) - 1 - offset))
        record = make_record(method=method, uln=uln, judgements=judgements, assessed_on=on)
        store.put(record, author="Sam", submitted=True)
    if release:
        store.release(uln, by="Rel")


def redate(store, uln, method, on, reason="date corrected"):
    """Amend the apprentice's submitted ``method`` record to say it was assessed ``on``."""
    stored = store.find(uln, method)
    store.amend(
        stored, stored.record.model_copy(update={"assessed_on": on}), author="Sam", reason=reason
    )


# --- the hub in a browser: signing up, signing in, approving ---------------------------------

HUB_TIMEOUT = 120_000  # ms: a cold user server and kernel on a busy 2-core machine


def hub_password(name: str) -> str:
    return f"Tr0ub4dor-{name}-horse"


def hub_sign_up(browser, hub, name: str, code: str, secret: str | None = None) -> str:
    """Sign up as ``name`` with ``code`` in a fresh browser context; the page's text after."""
    page = browser.new_context().new_page()
    page.goto(f"{hub.url}/hub/signup")
    page.fill("#username_input", name)
    page.fill("#signup_code_input", code)
    page.fill("#password_input", secret or hub_password(name))
    page.fill("#password_confirmation_input", secret or hub_password(name))
    page.click("#signup_submit")
    page.wait_for_load_state()
    text = page.inner_text("body")
    page.context.close()
    return text


def hub_sign_in(browser, hub, name: str, secret: str | None = None, next_url: str = ""):
    """A fresh browser context (no cookies) signed in as ``name``; returns its page."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(HUB_TIMEOUT)
    page.goto(f"{hub.url}/hub/login" + (f"?next={next_url}" if next_url else ""))
    page.fill("#username_input", name)
    page.fill("#password_input", secret or hub_password(name))
    page.click("#login_submit")
    return page


def hub_accounts(browser, hub, names) -> None:
    """Each of ``names`` (their roles already in the store) signs up with a code issued now, as
    `epa users add` prints it, and the password :func:`hub_password` gives: the one place the
    sign-up flow is spelt out for tests."""
    from epa_kernel.store.store import Store
    from epa_kernel.store.user_codes import issue_signup_code

    store = Store(hub.store_url)
    codes = {name: issue_signup_code(store, name) for name in names}
    store.close()
    for name in names:
        hub_sign_up(browser, hub, name, codes[name])


# In the page: a second socket on the kernel's channels (a session of its own) asks for the
# kernel's info until it answers (so the socket is known to reach the kernel), then sends each
# of ``msgs`` ([msg_type, content]) as a user who knows Jupyter's messaging would; every message
# that comes back, as {channel, msg_type, content}.
KERNEL_SOCKET = """async ({url, msgs}) => {
  const own = new URL(url);
  own.searchParams.set("session_id", crypto.randomUUID());
  const ws = new WebSocket(own);
  const seen = [];
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    seen.push({channel: m.channel, msg_type: m.header.msg_type, content: m.content});
  };
  await new Promise((ok) => (ws.onopen = ok));
  const msg = (type, content) => JSON.stringify({
    header: {msg_id: crypto.randomUUID(), msg_type: type, session: "s", username: "u",
             date: new Date().toISOString(), version: "5.3"},
    parent_header: {}, metadata: {}, content, channel: "shell"});
  const wait = (ms) => new Promise((ok) => setTimeout(ok, ms));
  const answered = () => seen.some((m) => m.msg_type === "kernel_info_reply");
  for (let i = 0; i < 30 && !answered(); i++) {
    ws.send(msg("kernel_info_request", {}));
    await wait(1000);
  }
  for (const [type, content] of msgs) ws.send(msg(type, content));
  await wait(4000);
  ws.close();
  return seen;
}"""


# --- the store service (epa_kernel.service) on loopback, tokens answered from a table -------------

SERVICE_SCOPE = "access:services!service=epa-store"
SERVICE_PREFIX = "/services/epa-store/"


class TokenTable:
    """The part of JupyterHub's HubAuth the store service uses, answering from ``tokens``
    (token: the hub's user model with its scopes) instead of asking a hub. JupyterHub's own
    scope check is used as is."""

    access_scopes = {SERVICE_SCOPE}

    def __init__(self, tokens: dict[str, dict]):
        self.tokens = tokens

    async def user_for_token(self, token, sync=True):
        return self.tokens.get(token)

    def check_scopes(self, required, model):
        from jupyterhub.services.auth import check_scopes

        return check_scopes(required, set(model["scopes"]))


def user_tokens(*names: str) -> dict[str, dict]:
    """``<name>-token`` for each name: a user's server token, able to call the store service."""
    return {f"{n}-token": {"kind": "user", "name": n, "scopes": [SERVICE_SCOPE]} for n in names}


@contextmanager
def store_service(store, tokens: dict[str, dict], sample: set[str] | None = None):
    """The store service over ``store`` on a free loopback port, in a thread; yields its URL."""
    import asyncio
    import threading

    from epa_kernel.service.server import make_app

    port, ready, loop = free_port(), threading.Event(), asyncio.new_event_loop()

    def serve():
        asyncio.set_event_loop(loop)
        app = make_app(store, prefix=SERVICE_PREFIX, hub_auth=TokenTable(tokens), sample=sample)
        app.listen(port, "127.0.0.1")
        ready.set()
        loop.run_forever()

    threading.Thread(target=serve, daemon=True).start()
    ready.wait(10)
    try:
        yield f"http://127.0.0.1:{port}{SERVICE_PREFIX}"
    finally:
        loop.call_soon_threadsafe(loop.stop)


# An apprentice's whole ST0072 EPA in the store (release, claims and withdrawal tests).
EPA_DATES = {"apprentice_showcase": 2, "practical_observation": 9, "professional_discussion": 16}


def put_epa(store, uln, *, fail=None, skip=()):
    """An ST0072 EPA of submitted records, assessed in March 2026 (discussion last, on the 16th)."""
    standard = get_standard("ST0072", "1.0")
    for method, day in EPA_DATES.items():
        if method in skip:
            continue
        judgements = None
        if method == fail:
            channels = ["face_to_face"] if standard.method(method).channels else None
            judgements = judgements_for(standard, method, channels, pass_="not_met")
        record = make_record(
            method=method, uln=uln, judgements=judgements, assessed_on=date(2026, 3, day)
        )
        store.put(record, author="Sam", submitted=True)


# --- what a page looks like: boxes and full-page screenshots ----------------------------------

SCREENSHOTS = ROOT / "outputs" / "screenshots"


def box(page, selector: str) -> dict:
    """The first element's bounding box (x, y, width, height, in page pixels)."""
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not on the page"
    return found


def full_page_shot(page, name: str) -> int:
    """A full-page screenshot into outputs/screenshots/``name``; its height in pixels, which is
    more than the viewport's when the document (not a box inside it) scrolls."""
    import struct

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the panels kept in view back in their place
    png = page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    return struct.unpack(">II", png[16:24])[1]  # the PNG header's height


# --- nothing off this machine: what a page asks of other hosts ---------------------------------

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def off_the_machine(page) -> list[str]:
    """Every request ``page`` makes from now on to a host other than this machine (a list that
    fills as the page loads); such requests are also aborted so that none reaches the network."""
    from urllib.parse import urlsplit

    seen: list[str] = []

    def on_request(request):
        if urlsplit(request.url).scheme in ("data", "blob", "about"):
            return
        if urlsplit(request.url).hostname not in LOCAL_HOSTS:
            seen.append(request.url)

    page.on("request", on_request)
    page.route(
        lambda url: (
            urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname not in LOCAL_HOSTS
        ),
        lambda route: route.abort(),
    )
    return seen


# In a page, as a user who knows Jupyter's and JupyterHub's REST APIs would: a request carrying the
# page's XSRF cookie (so the cookie's sign-in counts, and a refusal is the policy's, not a missing
# header's); the answer's status, body and final URL, and whether there was a cookie to send.
PAGE_FETCH = """async ({url, method, body}) => {
  const xsrf = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1] || "";
  const answer = await fetch(url, {method, body,
    headers: {"X-XSRFToken": xsrf, "Content-Type": "application/json"}});
  return {status: answer.status, body: await answer.text(), url: answer.url, xsrf: xsrf !== ""};
}"""


def page_fetch(page, url: str, method: str = "GET", body: str | None = None) -> dict:
    """:data:`PAGE_FETCH` of ``url`` from ``page``."""
    return page.evaluate(PAGE_FETCH, {"url": url, "method": method, "body": body})


# --- an apprentice booked for their EPA (confirmations, invites, e-mail) ----------------------

BOOKED_GATEWAY = date(2025, 1, 6)
BOOKED_TODAY = date(2025, 1, 7)
BOOKED_SLOTS = (  # what, day, from, to, where: venue or link
    ("planning_meeting", date(2025, 1, 8), 10, "https://meet.example/plan"),
    ("work_based_project", date(2025, 3, 10), 10, "Unit 4, Example Park, Leeds"),
    ("professional_discussion", date(2025, 3, 17), 10, "https://meet.example/pd"),
    ("practical_observation", date(2025, 4, 1), 9, "Example Ltd, 1 High Street, Leeds"),
)


def booked_apprentice(store, uln: str = VALID_ULNS[0], assessor: str = "Ann Assessor") -> list:
    """A synthetic ST0071 v1.1 apprentice (gateway 6 January 2025) with contacts, and the
    planning meeting and three assessments booked with ``assessor``; the bookings."""
    from sqlalchemy import insert, select

    from epa_kernel.core.booking import Booking
    from epa_kernel.core.catalogue import get_standard
    from epa_kernel.store.bookings import book
    from epa_kernel.store.contacts import set_contact
    from epa_kernel.store.schema import apprentices, assessors

    with store.transaction() as conn:
        conn.execute(
            insert(apprentices).values(
                uln=uln,
                name="Sam Synthetic",
                employer="Example Ltd",
                provider="Example College",
                gateway_date=BOOKED_GATEWAY,
            )
        )
        if conn.execute(select(assessors).where(assessors.c.name == assessor)).first() is None:
            conn.execute(insert(assessors).values(name=assessor))
    set_contact(store, "apprentice", uln, f"sam.{uln}@example.org", "Sam Synthetic", field="e")
    set_contact(store, "employer", uln, "manager@example.com", "Morgan Manager", field="e")
    set_contact(store, "assessor", assessor, "ann@example.net", assessor, field="e")
    standard = get_standard("ST0071", "1.1")
    made = []
    for what, on, at, where in BOOKED_SLOTS:
        remote = where.startswith("https://")
        booking = Booking(
            kind="planning_meeting" if what == "planning_meeting" else "assessment",
            uln=uln,
            standard="ST0071",
            version="1.1",
            method=None if what == "planning_meeting" else what,
            on=on,
            starts=time(at),
            ends=time(at, 30) if what == "planning_meeting" else time(at + 1),
            mode="remote" if remote else "face_to_face",
            link=where if remote else None,
            venue=None if remote else where,
            assessor=assessor,
        )
        made.append(
            book(store, store.clock, standard, booking, today=BOOKED_TODAY, by="planner")[0]
        )
    return made


def reschedule(store, booking, on: date, at: int, **changes):
    """Move ``booking`` (one of :func:`booked_apprentice`'s) to ``on`` at ``at`` o'clock for an
    hour, with ``changes``; the new booking."""
    from epa_kernel.store.bookings import book, moved

    new = moved(store, booking.id, on, time(at), time(at + 1)).model_copy(update=changes)
    standard = get_standard("ST0071", "1.1")
    return book(
        store, store.clock, standard, new, today=BOOKED_TODAY, by="planner", moving=booking.id
    )[0]


def remote_booking(uln, on, at=9, *, method="professional_discussion", **kw):
    """An hour's remote ST0071 v1.1 booking with Ann at ``at`` o'clock (``kw`` changes it); a
    practical observation is face to face at the workplace, as ST0071's documents require."""
    from datetime import time

    from epa_kernel.core.booking import Booking

    data = dict(
        uln=uln,
        standard="ST0071",
        version="1.1",
        method=method,
        on=on,
        starts=time(at),
        ends=time(at + 1),
        mode="remote",
        link="https://meet.example/x",
        assessor="Ann",
    )
    if method == "practical_observation":
        data |= {"mode": "face_to_face", "venue": "Acme Ltd, Leeds", "link": None}
    return Booking(**(data | kw))


# --- kernels seen from outside: has a pooled kernel done all it does ahead of a page? -------------


def kernel_pids(root: int) -> list[int]:
    """The ids of the IPython kernels running under process ``root`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            try:
                if b"ipykernel_launcher" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(child)
            except OSError:
                continue
    return found


def kernel_connection_files(root: int, count: int, timeout: float = 90) -> list[Path]:
    """The connection files (``kernel-<id>.json``) of at least ``count`` kernels running under
    process ``root``, once they have started (e.g. `epa serve`'s preheated pool)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = []
        for pid in kernel_pids(root):
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
            except OSError:
                continue
            files.append(Path(argv[argv.index("-f") + 1]))
        if len(files) >= count:
            return files
        time.sleep(0.5)
    raise AssertionError(f"{count} kernels under {root} did not start in {timeout} s")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_until_kernels_rest(root: int, count: int, timeout: float = 180) -> list[int]:
    """Wait until at least ``count`` kernels run under ``root`` and none of them has used the
    CPU for two seconds: a pooled kernel has then done all it does before a page asks for it
    (run the whole app notebook, or reach its wait). Their ids."""
    import time

    deadline, quiet_since, last = time.monotonic() + timeout, None, None
    while time.monotonic() < deadline:
        pids = sorted(kernel_pids(root))
        try:
            now = [(pid, cpu_ticks(pid)) for pid in pids]
        except OSError:
            now = None
        if len(pids) >= count and now == last:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 2:
                return pids
        else:
            quiet_since = None
        last = now
        time.sleep(0.25)
    raise AssertionError(f"{count} kernels under {root} did not come to rest in {timeout} s")
