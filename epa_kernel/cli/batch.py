"""The ``epa`` commands that run notebooks and export them: run, export (``epa demo``: cli.demo).

Each prints a summary a person can act on: counts, then one line per failure, then where the
outputs are. A run or export with any failure exits 1, so a script notices.
"""

from __future__ import annotations

from pathlib import Path

from epa_kernel.cli.options import (
    add_executor_options,
    add_export_options,
    make_executor_from,
    positive_int,
)
from epa_kernel.errors import InputError

DEMO_ORGANISATION = "Demo End-Point Assessment Organisation (synthetic)"


def print_run(summary) -> None:
    print(
        f"{summary.apprentices} apprentices: {summary.ran} notebooks run, {summary.skipped} "
        f"already done and unchanged, {len(summary.failed) + len(summary.unattributed)} "
        f"failed, in {summary.seconds:.1f} s"
    )
    for message in [*summary.failed.values(), *summary.unattributed]:
        print(f"  failed: {message}")
    print(f"results: {summary.out / 'results.csv'}")
    if summary.export is not None:
        print_export(summary.export)


def print_export(summary) -> None:
    print(
        f"export ({', '.join(summary.formats) or 'cohort outputs only'}) of "
        f"{summary.folders} apprentices: {summary.written} files written, {summary.unchanged} "
        f"already done and unchanged, {len(summary.problems)} failed, in {summary.seconds:.1f} s"
    )
    for message in summary.problems:
        print(f"  failed: {message}")
    for fmt in summary.formats:
        print(f"records: {summary.out}/<uln>/<method>.{fmt} and statement.{fmt}")
    print(f"cohort: {', '.join(str(p) for p in summary.cohort_outputs)}")


def cmd_run(args) -> int:
    from epa_kernel.batch.cohort import from_store
    from epa_kernel.store.store import open_store

    if (args.cohort is None) == (args.store is None):
        raise InputError("give a COHORT folder or --store URL (one of them)", field="COHORT")
    executor = make_executor_from(args)
    source = args.cohort if args.store is None else from_store(open_store(args.store))
    summary = run(args, source, organisation=args.organisation, executor=executor)
    print_run(summary)
    return 0 if summary.ok else 1


def run(args, source, *, organisation: str | None, executor=None):
    """``epa run`` and ``epa demo``: the cohort run with the options both commands take."""
    from epa_kernel.batch.run import run_cohort

    return run_cohort(
        source,
        args.out,
        workers=args.workers,
        progress=not args.quiet,
        formats=args.format,
        organisation=organisation,
        executor=executor,
    )


def cmd_export(args) -> int:
    from epa_kernel.exports.folder import export_run

    summary = export_run(
        args.dir,
        args.format,
        organisation=args.organisation,
        workers=args.workers,
        progress=not args.quiet,
        store_url=args.store,
    )
    print_export(summary)
    return 0 if summary.ok else 1


def register(sub) -> None:
    p = sub.add_parser("run", help="execute the workbooks for a cohort folder of method records")
    p.add_argument("cohort", metavar="COHORT", nargs="?", help="folder of method-record JSON files")
    p.add_argument("--store", metavar="URL", help="run the store's submitted records instead")
    p.add_argument(
        "--out", required=True, type=Path, help="where executed notebooks and results go"
    )
    add_executor_options(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_export_options(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "export",
        help="write HTML/PDF records, statements and cohort outputs for a batch run's output",
    )
    p.add_argument("dir", metavar="DIR", type=Path, help="the --out folder of `epa run`")
    add_export_options(p)
    p.add_argument(
        "--workers", type=positive_int, default=None, help="processes for PDFs (default: all cores)"
    )
    p.add_argument(
        "--store",
        metavar="URL",
        help="add each record's IQA moderations from this store to its record",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_export)
