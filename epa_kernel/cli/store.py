"""The ``epa`` commands on the record store: import, export-records, purge.

Each names what it did in counts a person can check; files refused on import, and run folders
a purge could not read, make the command exit 1.
"""

from __future__ import annotations

from pathlib import Path

from epa_kernel.cli.options import STORE_HELP, iso_date, positive_int


def cmd_import(args) -> int:
    from epa_kernel.batch.cohort import read_cohort
    from epa_kernel.store.store import open_store
    from epa_kernel.store.transfer import import_records

    cohort = read_cohort(args.cohort)
    records = [
        (record, path.name)
        for entry in cohort.apprentices.values()
        for record, path in entry.records
    ]
    added, kept = import_records(
        open_store(args.store), records, author=args.author, submitted=args.submitted
    )
    problems = [p for e in cohort.apprentices.values() for p in e.problems] + cohort.unattributed
    print(
        f"imported {added} records; {kept} already stored and left unchanged; "
        f"{len(problems)} files refused"
    )
    for problem in problems:
        print(f"  refused: {problem}")
    return 1 if problems else 0


def cmd_export_records(args) -> int:
    from epa_kernel.store.store import open_store
    from epa_kernel.store.transfer import export_records

    count = export_records(open_store(args.store), args.dir)
    print(f"wrote {count} records to {args.dir}")
    return 0


def cmd_purge(args) -> int:
    from datetime import date

    from epa_kernel.exports.retention import check_run_folder, purge_run_folder
    from epa_kernel.store.retention import cutoff_date, purge_store
    from epa_kernel.store.store import open_store

    cutoff_date(args.before, args.retention_years, today=date.today())  # refuse before touching
    if args.out is not None:
        check_run_folder(args.out)
    verb = "would remove" if args.dry_run else "removed"
    status = 0
    if args.store is not None or args.out is None:
        r = purge_store(
            open_store(args.store), args.before, args.retention_years, dry_run=args.dry_run
        )
        print(
            f"store: cut-off {r.cutoff} ({r.retention_years} years before {r.as_of}): {verb} "
            f"{r.records} records ({r.versions} versions) and {r.apprentices} apprentices"
        )
    if args.out is not None:
        r = purge_run_folder(args.out, args.before, args.retention_years, dry_run=args.dry_run)
        print(
            f"run folder: cut-off {r.cutoff}: {verb} {r.folders} apprentice folders "
            f"({r.notebooks} method records)"
        )
        if r.kept_unreadable:
            print(
                f"  kept {r.kept_unreadable} apprentice folders with a notebook that could not "
                "be read; check them by hand"
            )
            status = 1
    if not args.dry_run:
        print(
            "audit: a line without personal data in the store's purge_audit table"
            + (f" and {args.out / 'purge-audit.log'}" if args.out is not None else "")
        )
    return status


def register(sub) -> None:
    p = sub.add_parser("import", help="load a cohort folder's records into the store")
    p.add_argument("cohort", metavar="COHORT")
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--submitted", action="store_true", help="store them as submitted (immutable)")
    p.add_argument("--author", default="import", help="who the history names (default: import)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export-records", help="write the store's records as JSON files")
    p.add_argument("dir", metavar="DIR", type=Path)
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.set_defaults(func=cmd_export_records)

    p = sub.add_parser("purge", help="remove records past their retention period")
    p.add_argument(
        "--before",
        required=True,
        type=iso_date,
        metavar="DATE",
        help="the date to purge as of (YYYY-MM-DD, not in the future): records whose "
        "last change is more than the retention period before it are removed",
    )
    p.add_argument(
        "--retention-years",
        type=positive_int,
        default=6,
        metavar="N",
        help="the retention period in years (default: 6)",
    )
    p.add_argument(
        "--store", metavar="URL", help=f"{STORE_HELP} (not purged when only --out is given)"
    )
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="also purge this run folder (epa run --out)"
    )
    p.add_argument(
        "--dry-run", action="store_true", help="say what would be removed; remove nothing"
    )
    p.set_defaults(func=cmd_purge)
