"""`epa serve` before and after, page to form, side by side: on loopback and over poor Wi-Fi.

    python -m bench.serve_ab --before /tmp/base --runs 10 --out /tmp/serve.json

Two ``epa serve`` servers (two preheated kernels each) on one store: one run from the kit in
``--before`` (a checkout of the commit to compare with), one from this checkout. Their page loads
alternate, in Debian's Chromium, page to the form's first buttons as :mod:`bench.app_latency`
times it, in four conditions:

- **fresh browser** (a new context per load: nothing cached) and **browser cache kept** (one
  context per server, as an assessor's browser);
- **loopback** (the network costs nothing) and **poor Wi-Fi** (Chromium's network emulation:
  20 Mbit/s down, 5 Mbit/s up, 40 ms round trip; compression counts there, as on a real link).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from . import before_after
from .app_latency import CHROMIUM, free_port, open_form, seed, wait_for_port
from .machine import load_average

WIFI = {
    "offline": False,
    "latency": 40,
    "downloadThroughput": 20e6 / 8,
    "uploadThroughput": 5e6 / 8,
}
NETWORKS = {"loopback": None, "poor Wi-Fi": WIFI}
CACHES = ("fresh browser", "browser cache kept")


class Serve:
    """``epa serve`` from the kit in ``kit``, on a free loopback port."""

    def __init__(self, kit: Path, store_url: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "epa_kernel.cli", "serve", "--port", str(self.port)]
            + ["--store", store_url, "--pool-size", "2"],
            cwd=kit,
            env={**os.environ, "PYTHONPATH": str(kit)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.proc, self.port, log)

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def load(context, url: str, uln: str, network: dict | None) -> float:
    page = context.new_page()
    try:
        if network:
            context.new_cdp_session(page).send("Network.emulateNetworkConditions", network)
        return open_form(page, url, uln)["form"]
    finally:
        page.close()


@contextmanager
def serving(before: Path, work: Path):
    """Both kits' ``epa serve`` on one seeded store, stopped afterwards: ``(kits, servers,
    uln)``, ``uln`` an apprentice of the seeded store."""
    work.mkdir(parents=True, exist_ok=True)
    store_url = f"sqlite:///{work / 'serve.sqlite'}"
    uln = seed(store_url)[0]
    kits = before_after.kits(before)
    servers = {name: Serve(kit, store_url, work / f"{name}.log") for name, kit in kits.items()}
    try:
        yield kits, servers, uln
    finally:
        for server in servers.values():
            server.stop()


@contextmanager
def side_by_side(before: Path, work: Path):
    """Both kits' ``epa serve`` on one seeded store (:func:`serving`), Chromium, and one browser
    context per kit kept for its loads (an assessor's browser): ``(kits, servers, browser, kept,
    uln)``."""
    from playwright.sync_api import sync_playwright

    with serving(before, work) as (kits, servers, uln):
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            kept = {name: browser.new_context() for name in kits}
            for name in kits:  # warms each server and the kept browsers' caches
                load(kept[name], servers[name].url, uln, None)
            yield kits, servers, browser, kept, uln
            browser.close()


def measure(before: Path, work: Path, *, runs: int, say=print) -> dict:
    out: dict = {"loads": runs, "load_before": load_average(), "times": {}}
    with side_by_side(before, work) as (kits, servers, browser, kept, uln):
        for network_name, network in NETWORKS.items():
            for cache in CACHES:
                for i in range(runs):
                    for name in before_after.order(kits, i):
                        time.sleep(1.5)  # Voilà refills its pool
                        context = kept[name] if cache == CACHES[1] else browser.new_context()
                        seconds = load(context, servers[name].url, uln, network)
                        if context is not kept[name]:
                            context.close()
                        key = f"{network_name}, {cache}, {name}"
                        out["times"].setdefault(key, []).append(seconds)
                for name in kits:
                    key = f"{network_name}, {cache}, {name}"
                    say(f"  {key}: median {statistics.median(out['times'][key]):.2f} s")
    out["load_after"] = load_average()
    return out


def table(result: dict) -> str:
    lines = ["| case | median | min–max |", "|---|---|---|"]
    for key, times in result["times"].items():
        lines.append(
            f"| {key} | {statistics.median(times):.2f} s | {min(times):.2f}–{max(times):.2f} s |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    return before_after.main(argv, prog=__spec__.name, doc=__doc__, measure=measure, show=table)


if __name__ == "__main__":
    sys.exit(main())
