"""`epa serve` before and after, page to form, side by side: on loopback and over poor Wi-Fi.

    python -m bench.serve_ab --before /tmp/base --loads 10 --out /tmp/serve.json

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

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .app_latency import CHROMIUM, ROOT, free_port, open_form, seed
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
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"epa serve exited; see {log}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("epa serve did not open its port in 90 s")

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


def measure(before: Path, work: Path, *, loads: int, say=print) -> dict:
    from playwright.sync_api import sync_playwright

    work.mkdir(parents=True, exist_ok=True)
    store_url = f"sqlite:///{work / 'serve.sqlite'}"
    uln = seed(store_url)[0]
    kits = {"before": before.resolve(), "after": ROOT}
    out: dict = {"loads": loads, "load_before": load_average(), "times": {}}
    servers = {name: Serve(kit, store_url, work / f"{name}.log") for name, kit in kits.items()}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            kept = {name: browser.new_context() for name in kits}
            for name in kits:  # warms each server and the kept browsers' caches
                load(kept[name], servers[name].url, uln, None)
            for network_name, network in NETWORKS.items():
                for cache in CACHES:
                    for i in range(loads):
                        for name in kits if i % 2 == 0 else reversed(list(kits)):
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
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    out["load_after"] = load_average()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_ab", description=__doc__)
    parser.add_argument("--before", type=Path, required=True, help="the kit to compare with")
    parser.add_argument("--loads", type=int, default=10, help="page loads per server and case")
    parser.add_argument("--work", type=Path, default=Path("/tmp/epa-serve-ab"))
    parser.add_argument("--out", type=Path, help="the raw figures as JSON")
    args = parser.parse_args(argv)
    result = measure(args.before, args.work, loads=args.loads)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"load {result['load_before']} -> {result['load_after']}")
    for key, times in result["times"].items():
        print(f"| {key} | {statistics.median(times):.2f} | {min(times):.2f}–{max(times):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
