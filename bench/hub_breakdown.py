"""Where a sign-in's time goes on ``epa hub``, before and after, measured side by side.

    python -m bench.hub_breakdown --before /tmp/base --runs 10 --out /tmp/hub.json

Two hubs run at once, each with its own store and assessor: one on the kit in ``--before`` (a
checkout of the commit to compare with, e.g. ``git archive BASE | tar -x -C /tmp/base``), one on
this checkout. Sign-ins alternate between them (cold: the user's server stopped first; warm: it
is running), so a busy moment on the shared machine falls on both. Each sign-in, from pressing
*Sign in* to the first descriptor's buttons (as :mod:`bench.hub_latency`), is split by the
browser's own timings of every page request (Resource Timing, through Playwright) and the hub's
log:

- **sign-in**: the POST of the form, to its answer (NativeAuthenticator's bcrypt check);
- **hub to server**: from that answer to the app page asked of the user's server: the hub's
  redirects, the spawn (cold: the spawn-pending page until the server answers) and the OAuth
  round trip that gives the browser the server's cookie; ``spawn`` is the hub's own "took N
  seconds to start" (process start, imports, extensions, until its HTTP answers);
- **kernel and render**: the app page's request to its last byte (Voilà streams the page while
  the kernel runs the notebook; a preheated kernel has run it already); ``kernel`` is from the
  request to the server's log of the kernel started (or the pool's kernel taken);
- **front end to app**: from the page's last byte to the assignment list (Voilà's scripts and
  widgets);
- **app to form**: choosing the assignment to its buttons.

Cold and warm sign-ins are each in a fresh browser context (no cookies, no HTTP cache: Voilà's
5 MB of scripts fetched through the proxy); "warm, cache kept" signs in from one context per hub
whose cookies are cleared each time, as an assessor's own browser the next morning.

Also measured: the imports of a single-user server (``jupyterhub.singleuser``, Voilà's server
extension) in a fresh Python, with and without jsonschema's ``rfc3987_syntax`` grammar.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from . import before_after
from .app_latency import CHROMIUM, TIMEOUT
from .hub_latency import SECRET, USER, Hub, prepare, sign_up
from .machine import load_average

#: cold: the user's server stopped first; warm: running, in a fresh browser; warm, cache kept:
#: running, in a browser that signed in before (its cookies cleared), as an assessor's would be
MODES = ("cold", "warm", "warm, cache kept")
#: seconds between warm sign-ins: the previous page's kernel shut down and the preheated kernel
#: refilled (started, the app imported, waiting for its page), as it is for an assessor's
#: sign-in the next morning
REFILLED = 8
LOG_TIME = re.compile(r"^\[[IWDE] (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) ")
KERNEL = re.compile(r"Kernel started: |Using pre-heated kernel: ")
SPAWN = re.compile(rf"User {USER} took ([\d.]+) seconds to start")
IMPORTS = "import jupyterhub.singleuser, voila.server_extension, jupyter_server.serverapp"


def import_seconds(blocked: bool) -> float:
    """A fresh Python importing what a single-user server imports before it starts."""
    code = ("import sys; sys.modules['rfc3987_syntax'] = None; " if blocked else "") + IMPORTS
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def log_times(path: Path, pattern: re.Pattern, after: float) -> list[tuple[float, re.Match]]:
    """(epoch seconds, match) of the hub log's lines matching ``pattern`` from ``after`` on."""
    found = []
    for line in path.read_text(errors="replace").splitlines():
        stamp, hit = LOG_TIME.match(line), pattern.search(line)
        if stamp and hit:
            at = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
            if at >= after:
                found.append((at, hit))
    return found


def traced_sign_in(browser, hub: Hub, uln: str, kept=None) -> dict[str, float]:
    """One sign-in to the form, in a fresh context (or in ``kept``, a context whose HTTP cache
    holds the previous sign-ins' scripts, its cookies cleared): its phases in seconds."""
    context = kept or browser.new_context()
    context.clear_cookies()
    page = context.new_page()
    documents = []
    page.on("request", lambda r: documents.append(r) if r.resource_type == "document" else None)
    try:
        page.goto(f"{hub.url}/hub/login", timeout=TIMEOUT)
        page.fill("#username_input", USER)
        page.fill("#password_input", SECRET)
        documents.clear()
        t0, wall0 = time.perf_counter(), time.time()
        page.click("#login_submit")
        option = page.locator(".epa-assignment select option", has_text=uln)
        option.wait_for(state="attached", timeout=TIMEOUT)
        at_app = time.perf_counter() - t0
        page.locator(".epa-assignment select").select_option(label=option.inner_text())
        page.locator(".epa-P1 button").first.wait_for(timeout=TIMEOUT)
        total = time.perf_counter() - t0
        chain = []  # (path, start, end) in seconds from the click, redirect hops included
        for request in documents:
            hops = []
            while request is not None:
                hops.append(request)
                request = request.redirected_from
            for hop in hops:
                t = hop.timing
                start = t["startTime"] / 1000 - wall0
                end = start + max(t["responseEnd"], t["responseStart"], 0) / 1000
                chain.append((hop.method + " " + hop.url.split(hub.url)[-1], start, end))
        chain = sorted(set(chain), key=lambda c: c[1])
    finally:
        page.close() if kept else context.close()  # Voilà shuts the page's kernel down
    post = next(c for c in chain if c[0].startswith("POST /hub/login"))
    app_page = [c for c in chain if "/voila/render/" in c[0]][-1]
    kernel = log_times(hub.log_path, KERNEL, wall0 + app_page[1] - 0.05)
    spawn = log_times(hub.log_path, SPAWN, wall0)
    return {
        "sign_in": post[2],
        "hub_to_server": app_page[1] - post[2],
        "kernel_render": app_page[2] - app_page[1],
        "kernel": (kernel[0][0] - wall0 - app_page[1]) if kernel else float("nan"),
        "spawn": float(spawn[0][1].group(1)) if spawn else 0.0,
        "front_to_app": at_app - app_page[2],
        "app_to_form": total - at_app,
        "total": total,
        "requests": len(chain),
    }


def measure(before: Path, work: Path, *, runs: int, say=print) -> dict:
    from playwright.sync_api import sync_playwright

    kits = before_after.kits(before)
    out: dict = {"runs": runs, "load_before": load_average(), "kits": {}}
    imports = {"with grammar": [], "without": []}
    for _ in range(5):
        imports["with grammar"].append(import_seconds(False))
        imports["without"].append(import_seconds(True))
    out["imports"] = {k: statistics.median(v) for k, v in imports.items()}
    say(f"  server imports: {out['imports']}")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        hubs, ulns = {}, {}
        try:
            for name, kit in kits.items():
                store_url, ulns[name], code = prepare(work / name)
                hubs[name] = Hub(store_url, work / name, kit=kit)
                sign_up(browser, hubs[name], code)
                traced_sign_in(browser, hubs[name], ulns[name])  # creates the hub's user
            kept = {name: browser.new_context() for name in kits}
            for mode in MODES:
                for i in range(runs):
                    for name in kits if i % 2 == 0 else reversed(list(kits)):
                        if mode == "cold":
                            hubs[name].stop_server(USER)
                        else:
                            time.sleep(REFILLED)
                        context = kept[name] if mode == "warm, cache kept" else None
                        row = traced_sign_in(browser, hubs[name], ulns[name], context)
                        out["kits"].setdefault(name, {}).setdefault(mode, []).append(row)
                for name in kits:
                    total = statistics.median(r["total"] for r in out["kits"][name][mode])
                    say(f"  {name} {mode}: median {total:.2f} s")
        finally:
            for hub in hubs.values():
                hub.stop()
            browser.close()
    out["load_after"] = load_average()
    return out


def table(result: dict) -> str:
    """The medians of each phase, before and after, cold and warm, as Markdown."""
    keys = ("sign_in", "hub_to_server", "spawn", "kernel_render", "kernel", "front_to_app")
    lines = [
        "| sign-in | " + " | ".join(keys + ("app_to_form", "total")) + " |",
        "|---" * (len(keys) + 3) + "|",
    ]
    for mode in MODES:
        for name, modes in result["kits"].items():
            rows = modes[mode]
            cells = [statistics.median(r[k] for r in rows) for k in (*keys, "app_to_form", "total")]
            lines.append(f"| {mode}, {name} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    return before_after.main(argv, prog=__spec__.name, doc=__doc__, measure=measure, show=table)


if __name__ == "__main__":
    sys.exit(main())
