"""The ``epa ofqual-return`` command: the Ofqual EPA outcomes return of a period, and its checker.

``epa ofqual-return --store URL --from DATE --to DATE --out FILE`` (or ``--quarter 2026-Q1``)
writes the return (:mod:`epa_kernel.exports.ofqual_return`); ``epa ofqual-return --check FILE``
lists every problem of a file against the format, by row and column, and exits 1 when there is
one. Like ``epa certificates`` it prints ULNs, never names, and never a value from a checked file.
"""

from __future__ import annotations

from pathlib import Path

from epa_kernel.cli.options import STORE_HELP, iso_date
from epa_kernel.errors import InputError


def _period(args) -> tuple:
    from epa_kernel.exports.ofqual_return import quarter

    if args.quarter is not None:
        if args.start is not None or args.end is not None:
            raise InputError("give --quarter or --from and --to, not both", field="--quarter")
        return quarter(args.quarter)
    for value, option in ((args.start, "--from"), (args.end, "--to")):
        if value is None:
            raise InputError(
                "the period needs --from DATE and --to DATE (or --quarter)", field=option
            )
    return args.start, args.end


def _existing_store(url: str | None):
    """The store at ``url``; a SQLite file that is not there is refused, not created empty."""
    from epa_kernel.paths import store_url
    from epa_kernel.store.store import open_store

    url = store_url(url)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            raise InputError(f"no store at {path}", field="--store")
    return open_store(url)


def cmd_check(args) -> int:
    from epa_kernel.exports.ofqual_format import check_file, ofqual_format

    problems = check_file(args.check)
    for p in problems:
        print(p)
    if problems:
        print(f"{args.check}: {len(problems)} problems against the Ofqual EPA outcomes format")
        return 1
    print(f"{args.check} fits the kit's format; not verified against Ofqual's published table:")
    print(f"  {ofqual_format().caveat()}")
    return 0


def cmd_ofqual_return(args) -> int:
    from epa_kernel.exports.ofqual_format import ofqual_format
    from epa_kernel.exports.ofqual_return import return_rows, write_rows

    if args.check is not None:
        if args.out is not None:
            raise InputError("--check reads a file; give it without --out", field="--check")
        return cmd_check(args)
    if args.out is None:
        raise InputError("give --out FILE for the return (or --check FILE)", field="--out")
    start, end = _period(args)
    store = _existing_store(args.store)
    try:
        rows, skipped = return_rows(
            store,
            start,
            end,
            reporting_date=args.reporting_date,
            organisation=args.organisation,
            organisation_id=args.organisation_id,
        )
        write_rows(rows, args.out)
    finally:
        store.close()
    # Skipped results are part of the report (stdout, like certificates'): stderr reaches logs.
    for s in skipped:
        print(f"skipped {s.uln}: {s.reason}")
    epas = sum(r["OutcomeLevel"] == "EPA" for r in rows)
    print(
        f"wrote {len(rows)} rows ({epas} EPA results and their components) for {start} to {end} "
        f"to {args.out}; {len(skipped)} released results skipped"
    )
    print(f"  not verified against Ofqual's published table: {ofqual_format().caveat()}")
    return 1 if skipped else 0


def register(sub) -> None:
    p = sub.add_parser(
        "ofqual-return",
        help="the Ofqual EPA outcomes return of a period (CSV), or check one (--check FILE)",
    )
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--from", dest="start", type=iso_date, metavar="DATE", help="first day")
    p.add_argument("--to", dest="end", type=iso_date, metavar="DATE", help="last day (included)")
    p.add_argument("--quarter", metavar="YYYY-QN", help="a calendar quarter instead: 2026-Q1")
    p.add_argument("--out", type=Path, metavar="FILE.csv")
    p.add_argument(
        "--reporting-date",
        type=iso_date,
        metavar="DATE",
        help="the day Ofqual set for the file (its ReportingDate; default: the period's last day)",
    )
    p.add_argument(
        "--organisation", metavar="NAME", help="as on Ofqual's Register (default: EPA_ORGANISATION)"
    )
    p.add_argument("--organisation-id", metavar="EPAxxxx", help="default: EPA_ORGANISATION_ID")
    p.add_argument("--check", type=Path, metavar="FILE.csv", help="check a file against the format")
    p.set_defaults(func=cmd_ofqual_return)
