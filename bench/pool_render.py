"""`epa serve`'s page from its pool, before and after: the page's HTML, request to last byte.

    python -m bench.pool_render --before /tmp/base --runs 10 --out /tmp/pool.json

Two ``epa serve`` servers (two preheated kernels each) on one store, one from the kit in
``--before``, one from this checkout, asked in turn for the assessor app's page with nothing
but an HTTP GET. Voilà streams the page while the kernel runs the notebook, so the last byte is
the "kernel + render" part of a page load, without the browser's front end: a pool that ran the
app ahead answers with its render at once (as of when it ran), one whose kernels wait for their
page (:mod:`epa_kernel.apps.page_pool`) draws the app when asked. Each GET waits for the pool to
refill first (Voilà starts the next kernel a second after one is taken).
"""

from __future__ import annotations

import statistics
import sys
import time
import urllib.request
from pathlib import Path

from . import before_after
from .machine import load_average
from .serve_ab import serving, table

#: seconds between two GETs of one server: its pool refilled (kernel started, app imported)
REFILLED = 6


def page_seconds(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as answer:
        while answer.read(65536):
            pass
    return time.perf_counter() - started


def measure(before: Path, work: Path, *, runs: int, say=print) -> dict:
    out: dict = {"runs": runs, "load_before": load_average(), "times": {}}
    with serving(before, work) as (kits, servers, _):
        time.sleep(REFILLED)
        for server in servers.values():  # the first page: Python's and the disk's caches warm
            page_seconds(server.url)
        for i in range(runs):
            time.sleep(REFILLED)
            for name in before_after.order(kits, i):
                out["times"].setdefault(name, []).append(page_seconds(servers[name].url))
        for name in kits:
            say(f"  {name}: median {statistics.median(out['times'][name]):.2f} s")
    out["load_after"] = load_average()
    return out


def main(argv=None) -> int:
    return before_after.main(argv, prog=__spec__.name, doc=__doc__, measure=measure, show=table)


if __name__ == "__main__":
    sys.exit(main())
