"""The assessor app behind sign-in (``epa hub``) against the same app served directly.

One assessor ("morgan", a hub user whose store role is assessor) and one assignment.
Measured, in Debian's Chromium through Playwright, each time in a fresh browser context (no
cookies, as a new sign-in is):

- **hub start-up**: from starting ``epa hub`` to its API answering;
- **sign-in to form, cold**: from pressing "Sign in" to the first descriptor's buttons on screen,
  the assignment chosen as soon as the list appears, with the user's server stopped before each
  sign-in (JupyterHub starts it: the first sign-in of the day);
- **sign-in to form, warm**: the same with the user's server already running (a second tab or a
  sign-in after a sign-out);
- **direct, page to form**: ``epa serve`` (two preheated kernels) on the same store, page load to
  the same buttons, as :mod:`bench.app_latency` measures it, for comparison.

The sign-up is made once in the browser, with the one-time code ``epa users add`` would print.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .app_latency import ASSESSOR, CHROMIUM, ROOT, TIMEOUT, Server, free_port, open_form, seed

USER, SECRET = "morgan", "Bench-mark-pass-2026"


def available() -> str | None:
    """Why this section cannot run here (the hub extra or the proxy missing), or None."""
    from epa_kernel.apps.hub import check_hub_installed, find_proxy
    from epa_kernel.errors import InputError

    try:
        check_hub_installed()
        find_proxy()
    except InputError as exc:
        return str(exc)
    return None


class Hub:
    """``epa hub`` on free loopback ports with its state in ``work``."""

    def __init__(self, store_url: str, work: Path, *, kit: Path = ROOT):
        """``kit``: the checkout whose ``epa hub`` runs (another one for a before/after run)."""
        ports = [free_port() for _ in range(4)]
        self.port, self.state = ports[0], work / "hub-state"
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = work / "hub.log"
        self.log = open(self.log_path, "ab")
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "epa_kernel.cli", "hub", "--port", str(self.port)]
            + ["--store", store_url, "--state", str(self.state)],
            cwd=kit,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={
                **os.environ,
                "PYTHONPATH": str(kit),  # the hub and the users' servers it starts
                "EPA_HUB_INTERNAL_PORTS": ",".join(map(str, ports[1:])),
            },
        )
        while self.api("GET", "/") != 200:
            if self.proc.poll() is not None or time.perf_counter() - started > 120:
                raise RuntimeError(f"epa hub did not start; see {work / 'hub.log'}")
            time.sleep(0.1)
        self.startup = time.perf_counter() - started

    def api(self, method: str, path: str) -> int:
        from epa_kernel.apps.hub import hub_api

        return hub_api(self.url, self.state, method, path)[0]

    def stop_server(self, name: str) -> None:
        from epa_kernel.apps.hub import hub_api

        self.api("DELETE", f"/users/{name}/server")
        for _ in range(600):
            if not hub_api(self.url, self.state, "GET", f"/users/{name}")[1]["servers"]:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def sign_in_to_form(browser, hub: Hub, uln: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{hub.url}/hub/login", timeout=TIMEOUT)
        page.fill("#username_input", USER)
        page.fill("#password_input", SECRET)
        t0 = time.perf_counter()
        page.click("#login_submit")
        option = page.locator(".epa-assignment select option", has_text=uln)
        option.wait_for(state="attached", timeout=TIMEOUT)
        page.locator(".epa-assignment select").select_option(label=option.inner_text())
        page.locator(".epa-P1 button").first.wait_for(timeout=TIMEOUT)
        return time.perf_counter() - t0
    finally:
        context.close()  # Voilà shuts the page's kernel down


def prepare(work: Path) -> tuple[str, str, str]:
    """A store in ``work`` with the bench's records, the assessor and an admin: (its URL, the
    timed record's ULN, the assessor's one-time sign-up code as `epa users add` prints it)."""
    from epa_kernel.store.store import Store
    from epa_kernel.store.user_codes import issue_signup_code
    from epa_kernel.store.users import set_user

    work.mkdir(parents=True, exist_ok=True)
    store_url = f"sqlite:///{work / 'hub.sqlite'}"
    uln = seed(store_url)[0]  # the first of the bench's records is the one timed
    store = Store(store_url)
    set_user(store, USER, "assessor", ASSESSOR)
    set_user(store, "ada", "admin")
    code = issue_signup_code(store, USER)
    store.close()
    return store_url, uln, code


def sign_up(browser, hub: Hub, code: str) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{hub.url}/hub/signup", timeout=TIMEOUT)
    page.fill("#username_input", USER)
    page.fill("#signup_code_input", code)
    page.fill("#password_input", SECRET)
    page.fill("#password_confirmation_input", SECRET)
    page.click("#signup_submit")
    page.wait_for_load_state()
    page.context.close()


def measure(work: Path, *, runs: int = 10, say=print) -> dict:
    from playwright.sync_api import sync_playwright

    store_url, uln, code = prepare(work)
    out: dict = {"runs": runs}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        hub = Hub(store_url, work)
        try:
            out["startup"] = hub.startup
            say(f"  hub start-up {hub.startup:.2f} s")
            sign_up(browser, hub, code)
            sign_in_to_form(browser, hub, uln)  # the first sign-in creates the hub's user
            for mode in ("cold", "warm"):
                times = []
                for _ in range(runs):
                    if mode == "cold":
                        hub.stop_server(USER)
                    else:
                        time.sleep(2)  # the previous page's kernel shut down
                    times.append(sign_in_to_form(browser, hub, uln))
                out[mode] = times
                say(f"  sign-in to form, {mode}: median {statistics.median(times):.2f} s")
        finally:
            hub.stop()
        server = Server(store_url, 2, work / "serve.log")
        context = browser.new_context()
        try:
            page = context.new_page()
            open_form(page, server.url, uln)  # warms the server, as bench.app_latency does
            page.close()
            forms = []
            for _ in range(runs):
                time.sleep(6.0)  # Voilà refills its pool
                page = context.new_page()
                forms.append(open_form(page, server.url, uln)["form"])
                page.close()
            out["direct"] = forms
            say(f"  epa serve page to form: median {statistics.median(forms):.2f} s")
        finally:
            context.close()
            server.stop()
            browser.close()
    return out
