"""The browser's main thread per page load: the kit's page before and after, side by side.

    python -m bench.page_trace --before /tmp/base --runs 10 --out /tmp/trace.json

Two ``epa serve`` servers (:func:`bench.serve_ab.side_by_side`, two preheated kernels each) on one
store, one from the kit in ``--before`` (e.g. Voilà's JupyterLab page) and one from this checkout
(the light page). Their loads alternate, each in a browser whose cache is kept (an assessor's
browser, the warm case) and under Chromium's tracer as :mod:`bench.app_breakdown` reads it: the
renderer's main thread busy (any task) and running scripts, from asking for the page to the app
shown (``page to app``) and to the form on screen (``page to form``), beside the wall time.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from . import before_after
from .app_breakdown import PHASES, traced_load
from .app_latency import open_form
from .machine import load_average
from .serve_ab import side_by_side

FIGURES = ("wall", "busy", "script")
SPANS = {"page to app": PHASES[:1], "page to form": PHASES}


def spans(phases: dict) -> dict[str, dict[str, float]]:
    """The traced phases summed into :data:`SPANS`."""
    return {
        span: {f: sum(phases[name][f] for name, _, _ in parts) for f in FIGURES}
        for span, parts in SPANS.items()
    }


def measure(before: Path, work: Path, *, runs: int, say=print) -> dict:
    out: dict = {"loads": runs, "load_before": load_average(), "times": {}}
    with side_by_side(before, work) as (kits, servers, browser, kept, uln):
        for i in range(runs):
            for name in before_after.order(kits, i):
                time.sleep(1.5)  # Voilà refills its pool
                url = servers[name].url
                load = traced_load(
                    browser, kept[name], lambda page, url=url: open_form(page, url, uln)
                )
                for span, figures in spans(load["phases"]).items():
                    for figure, seconds in figures.items():
                        out["times"].setdefault(f"{span}, {figure}, {name}", []).append(seconds)
    for key, seconds in out["times"].items():
        say(f"  {key}: median {statistics.median(seconds):.3f} s")
    out["load_after"] = load_average()
    return out


def table(result: dict) -> str:
    lines = ["| span, figure | before | after | after/before |", "|---|---|---|---|"]
    for span in SPANS:
        for figure in FIGURES:
            b, a = (
                statistics.median(result["times"][f"{span}, {figure}, {kit}"])
                for kit in ("before", "after")
            )
            lines.append(f"| {span}, {figure} | {b:.3f} s | {a:.3f} s | {a / b:.2f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    return before_after.main(argv, prog=__spec__.name, doc=__doc__, measure=measure, show=table)


if __name__ == "__main__":
    sys.exit(main())
