"""Run the benchmarks and write ``bench/RESULTS.md``.

    python -m bench                                  # everything, about 12 minutes on 2 cores
    python -m bench --only floors,app                # some sections: printed, RESULTS.md kept
    python -m bench --sizes 10,50 --loop-notebooks 12 --out /tmp/quick.md

Run from the kit's folder (the notebooks and templates are found there). Sections:
``throughput`` (``epa run`` at each of ``--sizes`` apprentices; at ``--loop-size`` also the
papermill CLI loop on ``--loop-notebooks`` of its notebooks, 0 for all, and ``epa run`` without
kernels started ahead), ``floors`` (bare kernel; grading 100,000 records), ``app`` (the assessor
app in Chromium: the checklist form and the ipywidgets form before it, each with and without
preheated kernels, and where a page load's time goes), ``hub`` (the same app behind ``epa hub``'s
sign-in, beside ``epa serve``), ``exports`` (HTML/PDF per record; ``epa iqa verify``). Scratch
files go to a temporary folder, deleted at the end unless ``--keep``. ``bench/RESULTS.md`` is
written only by a run of every section (or to ``--out FILE``), so a partial run never replaces
the committed one.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

# jsonschema's rfc3987_syntax builds a grammar for 1.3 s at import; nothing measured here needs
# it (see epa_kernel.imports.skip_slow_imports). Subprocesses (epa run, papermill) decide for
# themselves.
sys.modules.setdefault("rfc3987_syntax", None)

from . import app_latency, exports, floors, hub_latency, machine, report, throughput  # noqa: E402

SECTIONS = ("throughput", "floors", "app", "hub", "exports")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _sizes(text: str) -> list[int]:
    sizes = [int(x) for x in text.split(",") if x.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give apprentice counts such as 10,50,200")
    return sizes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[10, 50, 200],
        help="cohort sizes in apprentices (default: 10,50,200)",
    )
    parser.add_argument(
        "--loop-size",
        type=int,
        default=50,
        help="the size at which the papermill loop runs beside epa run",
    )
    parser.add_argument(
        "--loop-notebooks",
        type=int,
        default=30,
        help="notebooks of that cohort the loop runs (0: all of them)",
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"sections to run (default: {','.join(SECTIONS)})",
    )
    parser.add_argument("--loads", type=int, default=10, help="page loads per app server")
    parser.add_argument(
        "--hub-runs", type=int, default=10, help="sign-ins per mode through epa hub (median of)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write the results here (default: bench/RESULTS.md, when every section runs)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; known: {', '.join(SECTIONS)}")
    if "throughput" in only and args.loop_size not in args.sizes:
        parser.error("--loop-size must be one of --sizes")

    work = Path(tempfile.mkdtemp(prefix="epa-bench-"))
    results: dict = {"machine": machine.describe(), "skipped": {}}
    m = results["machine"]
    print(f"{m['date']}: {m['cores']} cores, {m['memory_gib']:.1f} GiB, {m['cpu']}; scratch {work}")
    started = time.perf_counter()
    try:
        if "throughput" in only:
            print("throughput")
            results["throughput"] = throughput.measure(
                work / "throughput",
                args.sizes,
                loop_size=args.loop_size,
                loop_notebooks=args.loop_notebooks or None,
            )
        if "floors" in only:
            print("floors")
            results["floors"] = {"kernel": floors.kernel_floor()}
            k = results["floors"]["kernel"]
            print(f"  bare kernel start + 1+1 + shutdown: {k['median']:.2f} s median")
            results["floors"]["grading"] = floors.grading()
            g = results["floors"]["grading"]
            print(
                f"  grading {g['records']:,} records: {g['wall']:.2f} s "
                f"({g['us_per_record']:.1f} µs each)"
            )
        if "app" in only:
            why = app_latency.available()
            if why:
                results["skipped"]["assessor app"] = why
                print(f"app: skipped: {why}")
            else:
                print("app")
                results["app"] = app_latency.measure(work / "app", loads=args.loads)
        if "hub" in only:
            why = app_latency.available() or hub_latency.available()
            if why:
                results["skipped"]["assessor app behind epa hub"] = why
                print(f"hub: skipped: {why}")
            else:
                print("hub")
                results["hub"] = hub_latency.measure(work / "hub", runs=args.hub_runs)
        if "exports" in only:
            print("exports")
            runs = (results.get("throughput") or {}).get("run_folders", {})
            run = runs.get(min(runs)) if runs else None
            if run is None:
                cohort = throughput.cohorts.make(work / "cohort-exports", 10)
                run = work / "run-exports"
                throughput.epa_run(cohort, run, size=10)
            results["exports"] = exports.measure(run, work / "exports")
    finally:
        if args.keep:
            print(f"scratch kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    m["load_after"] = machine.load_average()
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    text = report.render(results, command.strip())
    print(f"\n{text}")
    print(f"{', '.join(only)}: {time.perf_counter() - started:.0f} s")
    target = args.out or (RESULTS if set(only) == set(SECTIONS) else None)
    if target is None and not args.no_write:
        print("not written: a partial run does not replace bench/RESULTS.md (--out FILE)")
    elif target is not None and not args.no_write:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
