"""The assessor app as an assessor meets it: Voilà (``epa serve``), Debian's Chromium, Playwright.

For a server already running and warmed by one page load, in a browser that has visited it
before (one Chromium context per server, so its HTTP cache holds Voilà's scripts, as an
assessor's browser would):

- **page to form**: from asking for the page to the first descriptor's buttons on screen, the
  assessor and assignment chosen as soon as their lists appear (also: page to the assessor list,
  the point where the app answers). With ``--pool-size 2`` (preheated kernels: the app notebook
  has already run when the page asks) and ``--pool-size 0`` (a kernel starts per page). Between
  page loads the bench waits for Voilà to refill its pool, as a pause between assessors would.
- **tick to grade, tick to saved**: from a click on a descriptor's "Met"/"Not met" to the grade
  shown in the outcome panel, and to the status line saying the new version was saved in the
  store. Alternating ticks (Fail / not yet graded), on a preheated server.

Times are taken in this process around Playwright calls; the page is watched on every animation
frame, so they include a few milliseconds of Playwright's own round trips.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
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


def seed(store_url: str) -> str:
    """One not-yet-started practical observation assigned to the bench's assessor; its ULN."""
    from epa_kernel.batch.demo_cohort import cohort_records
    from epa_kernel.core.records import parse_record
    from epa_kernel.store.store import Store

    name, data = next(
        (n, d)
        for n, d in cohort_records()
        if d["method"] == "practical_observation" and d["standard"] == "ST0072"
    )
    record, _ = parse_record(dict(data, judgements={}, notes={}, assessor=ASSESSOR), file=name)
    store = Store(store_url)
    store.assign(record)
    store.close()
    return record.apprentice.uln


class Server:
    """``epa serve`` as a subprocess of its own session (stopped with its kernels)."""

    def __init__(self, store_url: str, pool_size: int, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "epa_kernel.cli",
                "serve",
                "--port",
                str(self.port),
                "--store",
                store_url,
                "--pool-size",
                str(pool_size),
            ],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"epa serve exited with {self.proc.returncode}; see {log}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("epa serve did not open its port in 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def open_form(page, url: str, uln: str) -> tuple[float, float]:
    """Load the app and open the assignment; (seconds to the assessor list, to the form)."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT)
    assessor = page.locator(".epa-assessor select")
    assessor.wait_for(timeout=TIMEOUT)
    t_app = time.perf_counter() - t0
    assessor.select_option(label=ASSESSOR)
    option = page.locator(".epa-assignment select option", has_text=uln)
    option.wait_for(state="attached", timeout=TIMEOUT)
    page.locator(".epa-assignment select").select_option(label=option.inner_text())
    page.locator(".epa-P1 button").first.wait_for(timeout=TIMEOUT)
    return t_app, time.perf_counter() - t0


def _version(page) -> int:
    found = re.search(r"version (\d+)", page.locator(".epa-status").inner_text())
    return int(found[1]) if found else 0


def ticks(page, count: int) -> tuple[list[float], list[float]]:
    """Click P1 "Not met" / "Met" alternately; seconds to the grade shown and to "Saved"."""
    to_grade, to_saved = [], []
    for i in range(count):
        label, grade = ("Not met", "Fail") if i % 2 == 0 else ("Met", "Not yet graded")
        version = _version(page)
        button = page.locator(".epa-P1").get_by_role("button", name=label, exact=True)
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


def measure(
    work: Path,
    *,
    loads: int = 5,
    tick_count: int = 10,
    refill: float = 6.0,
    pool_sizes=(2, 0),
    say=print,
) -> dict:
    from playwright.sync_api import sync_playwright

    work.mkdir(parents=True, exist_ok=True)
    out: dict = {"loads": loads, "refill": refill}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            for pool_size in pool_sizes:
                store_url = f"sqlite:///{work / f'app-{pool_size}.sqlite'}"
                uln = seed(store_url)
                server = Server(store_url, pool_size, work / f"serve-{pool_size}.log")
                context = browser.new_context()
                try:
                    page = context.new_page()
                    t_first = open_form(page, server.url, uln)[1]  # warms the server
                    page.close()
                    apps, forms = [], []
                    for _ in range(loads):
                        time.sleep(refill)
                        page = context.new_page()
                        t_app, t_form = open_form(page, server.url, uln)
                        apps.append(t_app)
                        forms.append(t_form)
                        if pool_size and "ticks" not in out:
                            grade, saved = ticks(page, tick_count)
                            out["ticks"] = {"grade": grade, "saved": saved}
                        page.close()
                    out[pool_size] = {"first": t_first, "app": apps, "form": forms}
                    say(
                        f"  pool {pool_size}: page to form median "
                        f"{statistics.median(forms):.2f} s (first load {t_first:.2f} s)"
                    )
                finally:
                    context.close()
                    server.stop()
        finally:
            browser.close()
    if "ticks" in out:
        say(
            f"  tick to grade median {statistics.median(out['ticks']['grade']) * 1000:.0f} ms, "
            f"to saved {statistics.median(out['ticks']['saved']) * 1000:.0f} ms"
        )
    return out
