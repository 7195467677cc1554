"""The assessor app as an assessor meets it: Voilà (``epa serve``), Debian's Chromium, Playwright.

Two forms side by side in one run: the one-widget checklist the kit ships
(:mod:`epa_kernel.apps.checklist`) and today's baseline built from ipywidgets
(:mod:`bench.legacy_form`, served by the same app notebook with the form class swapped), a
server each, their page loads taken in turn so that a busy moment on the shared machine falls on
both. For each, on a server already running and warmed by one page load, in a browser that has
visited it before (one Chromium context per server, so its HTTP cache holds Voilà's scripts, as
an assessor's browser would):

- **page to form**: from asking for the page to the first descriptor's buttons on screen, the
  assessor and assignment chosen as soon as their lists appear (also: page to the assessor list,
  the point where the app answers). With ``--pool-size 2`` (preheated kernels: the app notebook
  has already run when the page asks) and ``--pool-size 0`` (a kernel starts per page). Between
  page loads the bench waits for Voilà to refill its pool, as a pause between assessors would.
- **tick to grade, tick to saved**: from a click on a descriptor's "Met"/"Not met" to the grade
  shown in the outcome panel, and to the status line saying the new version was saved in the
  store. Alternating ticks (Fail / not yet graded), on a preheated server.
- **the next form in an open app**: the assessor, with the app still open, chooses their other
  assignment; from the choice to its form on screen (alternately, on a preheated server).
- **where the time goes** (:mod:`bench.app_breakdown`): one more load per form on the
  preheated server, traced by Chromium, split into waiting for the page, the app and the form.

Times are taken in this process around Playwright calls; the page is watched on every animation
frame, so they include a few milliseconds of Playwright's own round trips.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
#: The forms compared: what a descriptor's choices are in each (ipywidgets toggle buttons; the
#: checklist's radio groups).
FORMS = {"checklist": "radio", "ipywidgets": "button"}
ASSESSOR = "Morgan Hale"
TIMEOUT = 60_000  # ms
GRADE = ".epa-outcome-panel .epa-grade"


def available() -> str | None:
    """Why this section cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (it comes with the test extra)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_records(count: int = 2) -> list:
    """Not-yet-started ST0072 practical observations of the demo cohort, for the bench."""
    from epa_kernel.batch.demo_cohort import cohort_records
    from epa_kernel.core.records import parse_record

    chosen = [
        (n, d)
        for n, d in cohort_records()
        if d["method"] == "practical_observation" and d["standard"] == "ST0072"
    ][:count]
    return [
        parse_record(dict(d, judgements={}, notes={}, assessor=ASSESSOR), file=n)[0]
        for n, d in chosen
    ]


def seed(store_url: str) -> list[str]:
    """Assign the bench's records to its assessor; their ULNs (the first is the one timed)."""
    from epa_kernel.store.store import Store

    store = Store(store_url)
    records = bench_records()
    for record in records:
        store.assign(record)
    store.close()
    return [r.apprentice.uln for r in records]


def legacy_notebook(work: Path) -> Path:
    """The assessor app notebook serving the ipywidgets baseline form instead of the checklist."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "assessor_app.ipynb", as_version=4)
    code = next(c for c in nb.cells if "show_app" in c.source)
    code.source = (
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "import epa_kernel.apps.assessor_app as assessor_app\n"
        "from bench.legacy_form import LegacyMethodForm\n"
        "assessor_app.MethodForm = LegacyMethodForm\n" + code.source
    )
    path = work / "assessor_app_ipywidgets.ipynb"
    nbformat.write(nb, path)
    return path


def wait_for_port(proc, port: int, log: Path, seconds: float = 90) -> None:
    """Until ``proc`` (a server starting) answers on ``port``; an error naming its log if not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}; see {log}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not open its port in {seconds:.0f} s; see {log}")


class Server:
    """Voilà as ``epa serve`` starts it, in a session of its own (stopped with its kernels)."""

    def __init__(
        self,
        store_url: str,
        pool_size: int,
        log: Path,
        notebook: Path | None = None,
        template: str = "epa",
    ):
        from epa_kernel.apps.serve import absolute_store_url, jupyter_path, voila_command

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = open(log, "ab")
        command = voila_command(port=self.port, host="127.0.0.1", token=None, pool_size=pool_size)
        if notebook is not None:
            command = [str(notebook) if a.endswith(".ipynb") else a for a in command]
        command = [
            f"--VoilaConfiguration.template={template}" if "template=" in a else a for a in command
        ]
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=dict(
                os.environ,
                EPA_STORE_URL=absolute_store_url(store_url),
                JUPYTER_PATH=jupyter_path(os.environ),
            ),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.proc, self.port, log)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def open_form(page, url: str, uln: str) -> dict[str, float]:
    """Load the app and open the assignment; seconds from asking for the page to the assessor
    list (``app``), to the assignment chosen (``chosen``) and to the form on screen (``form``)."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT)
    assessor = page.locator(".epa-assessor select")
    assessor.wait_for(timeout=TIMEOUT)
    t_app = time.perf_counter() - t0
    assessor.select_option(label=ASSESSOR)
    option = page.locator(".epa-assignment select option", has_text=uln)
    option.wait_for(state="attached", timeout=TIMEOUT)
    page.locator(".epa-assignment select").select_option(label=option.inner_text())
    t_chosen = time.perf_counter() - t0
    page.locator(".epa-P1 button").first.wait_for(timeout=TIMEOUT)
    return {"app": t_app, "chosen": t_chosen, "form": time.perf_counter() - t0}


def switches(page, ulns: list[str], count: int) -> list[float]:
    """In an open app, choose the other assignment, alternately; seconds to its form on screen."""
    choice = page.locator(".epa-assignment select")
    took = []
    for i in range(count):
        uln = ulns[(i + 1) % len(ulns)]
        label = choice.locator("option", has_text=uln).inner_text()
        page.evaluate("window.epaBefore = document.querySelector('.epa-P1')")
        t0 = time.perf_counter()
        choice.select_option(label=label)
        page.wait_for_function(
            "() => !window.epaBefore.isConnected && document.querySelector('.epa-P1 button')",
            polling="raf",
            timeout=TIMEOUT,
        )
        took.append(time.perf_counter() - t0)
    return took


def _version(page) -> int:
    """The version the status line names (the form may be drawn a moment before it)."""
    status = page.locator(".epa-status", has_text=re.compile(r"version \d+"))
    return int(re.search(r"version (\d+)", status.inner_text(timeout=TIMEOUT))[1])


def ticks(page, count: int, role: str) -> tuple[list[float], list[float]]:
    """Click P1 "Not met" / "Met" alternately; seconds to the grade shown and to "Saved"."""
    to_grade, to_saved = [], []
    for i in range(count):
        label, grade = ("Not met", "Fail") if i % 2 == 0 else ("Met", "Not yet graded")
        version = _version(page)
        button = page.locator(".epa-P1").get_by_role(role, name=label, exact=True)
        t0 = time.perf_counter()
        button.click(timeout=TIMEOUT)
        page.wait_for_function(
            "([sel, text]) => (document.querySelector(sel)?.textContent || '').trim() === text",
            arg=[GRADE, grade],
            polling="raf",
            timeout=TIMEOUT,
        )
        to_grade.append(time.perf_counter() - t0)
        page.wait_for_function(
            "([sel, text]) => (document.querySelector(sel)?.textContent || '').includes(text)",
            arg=[".epa-status", f"Saved (version {version + 1})"],
            polling="raf",
            timeout=TIMEOUT,
        )
        to_saved.append(time.perf_counter() - t0)
    return to_grade, to_saved


def side_by_side(browser, work: Path, forms, pool_size: int, *, loads, tick_count, refill):
    """Every figure for each form, one server each, their page loads taken in turn (so a busy
    moment on the machine falls on both): first load, warm loads, ticks, breakdown."""
    from bench import app_breakdown

    servers, contexts, ulns = {}, {}, {}
    out: dict = {form: {} for form in forms}
    try:
        for form in forms:
            name = f"{form}-{pool_size}"
            store_url = f"sqlite:///{work / f'app-{name}.sqlite'}"
            ulns[form] = seed(store_url)
            notebook = legacy_notebook(work) if form == "ipywidgets" else None
            servers[form] = Server(store_url, pool_size, work / f"serve-{name}.log", notebook)
            contexts[form] = browser.new_context()

        def load(form, page):
            return open_form(page, servers[form].url, ulns[form][0])

        for form in forms:
            page = contexts[form].new_page()
            out[form]["first"] = load(form, page)["form"]  # warms the server
            page.close()
        loaded: dict = {form: [] for form in forms}
        # Each server gets ``refill`` seconds between its loads for Voilà to refill its pool;
        # without a pool nothing refills, and a short pause between assessors is enough.
        pause = refill / len(forms) if pool_size else 1.0
        for _ in range(loads):
            for form in forms:
                time.sleep(pause)
                page = contexts[form].new_page()
                loaded[form].append(load(form, page))
                if pool_size and "ticks" not in out[form]:
                    grade, saved = ticks(page, tick_count, FORMS[form])
                    out[form]["ticks"] = {"grade": grade, "saved": saved}
                    out[form]["switch"] = switches(page, ulns[form], tick_count)
                page.close()
        for form in forms:
            out[form].update({k: [m[k] for m in loaded[form]] for k in ("app", "chosen", "form")})
            if pool_size:
                time.sleep(pause)
                out[form]["breakdown"] = app_breakdown.traced_load(
                    browser, contexts[form], lambda page, form=form: load(form, page)
                )
    finally:
        for form in contexts:
            contexts[form].close()
        for form in servers:
            servers[form].stop()
    return out


def measure(
    work: Path,
    *,
    loads: int = 10,
    tick_count: int = 10,
    refill: float = 6.0,
    pool_sizes=(2, 0),
    forms=tuple(FORMS),
    say=print,
) -> dict:
    from playwright.sync_api import sync_playwright

    from bench import app_breakdown

    work.mkdir(parents=True, exist_ok=True)
    out: dict = {"loads": loads, "refill": refill, "forms": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            for form in forms:
                out["forms"][form] = {"build": app_breakdown.kernel_build(form)}
            for pool_size in pool_sizes:
                figures = side_by_side(
                    browser,
                    work,
                    forms,
                    pool_size,
                    loads=loads,
                    tick_count=tick_count,
                    refill=refill,
                )
                for form, r in figures.items():
                    out["forms"][form][pool_size] = r
                    say(
                        f"  {form}, pool {pool_size}: page to form median "
                        f"{statistics.median(r['form']):.2f} s (first load {r['first']:.2f} s)"
                    )
                    if "ticks" in r:
                        say(
                            f"  {form}: tick to grade median "
                            f"{statistics.median(r['ticks']['grade']) * 1000:.0f} ms, to saved "
                            f"{statistics.median(r['ticks']['saved']) * 1000:.0f} ms"
                        )
        finally:
            browser.close()
    (work / "app.json").write_text(json.dumps(out, indent=1, default=str), encoding="utf-8")
    return out
