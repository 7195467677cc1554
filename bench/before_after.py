"""What the before/after benches share: the two kits compared and their command line.

``bench.hub_breakdown`` and ``bench.serve_ab`` each run the kit in ``--before`` (a checkout of
the commit to compare with, e.g. ``git archive BASE | tar -x -C /tmp/base``) beside this one,
their measurements interleaved so that a busy moment on the shared machine falls on both.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from .app_latency import ROOT


def kits(before: Path) -> dict[str, Path]:
    """The kits compared, by name: ``before`` and this checkout (``after``)."""
    return {"before": before.resolve(), "after": ROOT}


def order(names, i: int) -> list[str]:
    """The kits' turn in round ``i``: alternately first, so neither always follows the other."""
    names = list(names)
    return names if i % 2 == 0 else names[::-1]


def main(argv, *, prog: str, doc: str, measure: Callable, show: Callable[[dict], str]) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {prog}", description=doc)
    parser.add_argument("--before", type=Path, required=True, help="the kit to compare with")
    parser.add_argument("--runs", type=int, default=10, help="measurements per kit and case")
    parser.add_argument("--work", type=Path, default=Path(f"/tmp/epa-{prog.split('.')[-1]}"))
    parser.add_argument("--out", type=Path, help="the raw figures as JSON")
    args = parser.parse_args(argv)
    result = measure(args.before, args.work, runs=args.runs)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"load {result['load_before']} -> {result['load_after']}")
    print(show(result))
    return 0
