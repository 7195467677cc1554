"""Page to form behind a firewall that drops the CDN silently: Voilà's ``lab`` template against
the kit's ``epa`` template, side by side in one run.

``python -m bench.offline_page [--loads N]`` prints a Markdown section (pasted into
bench/RESULTS.md by hand). Two `epa serve` servers on the same store (preheated kernels, pool of
2), one per template; one Chromium context each, in which every request to cdn.jsdelivr.net is
held and never answered (a Playwright route that neither continues nor aborts: what a firewall
that drops packets does to the browser). The loads alternate between the two servers. Page to
form as in :mod:`bench.app_latency`: from asking for the page to the first descriptor's buttons
on screen; a load that has not reached its form within that bench's 60 s wait counts as 60 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.app_latency import CHROMIUM, TIMEOUT, Server, open_form, seed

TEMPLATES = ("lab", "epa")


def black_hole(route) -> None:
    """Never answer: the request stays pending, as behind a firewall dropping its packets."""


def measure(work: Path, loads: int) -> dict[str, list[float]]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    store_url = f"sqlite:///{work / 'epa.sqlite'}"
    from epa_kernel.store.store import Store

    Store(store_url).close()
    ulns = seed(store_url)
    servers = {t: Server(store_url, 2, work / f"serve-{t}.log", template=t) for t in TEMPLATES}
    took: dict[str, list[float]] = {t: [] for t in TEMPLATES}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            contexts = {t: browser.new_context() for t in TEMPLATES}
            for context in contexts.values():
                context.route("**/cdn.jsdelivr.net/**", black_hole)
            for i in range(loads + 1):  # the first load of each warms its server
                for t in TEMPLATES:
                    page = contexts[t].new_page()
                    t0 = time.perf_counter()
                    try:
                        seconds = open_form(page, servers[t].url, ulns[0])["form"]
                    except PlaywrightTimeout:
                        seconds = time.perf_counter() - t0
                    page.close()
                    if i:
                        took[t].append(seconds)
                    time.sleep(3)  # Voilà refills its pool of preheated kernels
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    return took


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="epa-bench-offline-") as work:
        took = measure(Path(work), args.loads)
    print("| template | loads | median page to form | min | max |\n|---|---|---|---|---|")
    for t, seconds in took.items():
        shown = [f"{s:.2f} s" + (" (gave up)" if s >= TIMEOUT / 1000 else "") for s in seconds]
        print(
            f"| {t} | {len(seconds)} | {statistics.median(seconds):.2f} s "
            f"| {min(seconds):.2f} s | {max(seconds):.2f} s |  <!-- {', '.join(shown)} -->"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
