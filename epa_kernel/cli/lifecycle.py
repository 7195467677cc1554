"""The ``epa status`` and ``epa withdraw`` commands: where each apprentice's EPA stands on a day,
as of ``--today``; an apprentice leaving the EPA (or coming back, ``--undo``).

Today's date is read here, once, and passed in: the lifecycle engine reads no clock. The report
is for the EPAO, who need each apprentice's ULN to find them; it prints no names.
"""

from __future__ import annotations

from datetime import date

from epa_kernel.cli.options import STORE_HELP, iso_date, print_json
from epa_kernel.errors import InputError


def cmd_status(args) -> int:
    from epa_kernel.batch.cohort import from_store, read_cohort
    from epa_kernel.batch.status import cohort_status, raise_for_invalid_attempts
    from epa_kernel.batch.status_done import read_done
    from epa_kernel.batch.status_view import status_json, status_lines
    from epa_kernel.core.booking_status import bookings_json, bookings_section

    if (args.cohort is None) == (args.store is None):
        raise InputError("give a COHORT folder or --store URL (one of them)", field="COHORT")
    today = args.today or date.today()
    withdrawals, notes = None, None  # the store's, when the records are the store's
    booked = None  # the store's live bookings, shown when there are any
    if args.store is None:
        cohort, source = read_cohort(args.cohort), str(args.cohort)
    else:
        from epa_kernel.store.booking_status import booking_states
        from epa_kernel.store.store import open_store

        store = open_store(args.store)
        cohort, source = from_store(store), "the store's submitted records"
        withdrawals = {w.uln: w for w in store.withdrawals()}
        notes = flagged_appeals(store)
        booked = booking_states(store, today)
    done = read_done(args.done, today=today) if args.done else None
    rows = cohort_status(
        cohort,
        today,
        done,
        done_file=args.done,
        source=source,
        withdrawals=withdrawals,
        notes=notes,
    )
    if args.json:
        extra = {"bookings": bookings_json(booked)} if booked else {}
        print_json(status_json(rows, today) | extra)
    else:
        extra = ["", *bookings_section(booked)] if booked else []
        print("\n".join([*status_lines(rows, today), *extra]))
    raise_for_invalid_attempts(rows)  # after the report, which lists every one of them
    return 0


def flagged_appeals(store) -> dict[str, tuple[str, ...]]:
    """Each apprentice's appeals lodged with a flag (no organisation window), as notes."""
    notes: dict[str, tuple[str, ...]] = {}
    for stored in store.all_records(submitted_only=True):
        r = stored.record
        for a in store.appeals(stored.id):
            if a.flag:
                note = f"{a.kind} {a.number} on {r.method} ({r.attempt_key}) flagged: {a.flag}"
                notes[r.apprentice.uln] = (*notes.get(r.apprentice.uln, ()), note)
    return notes


def cmd_withdraw(args) -> int:
    from epa_kernel.store.store import open_store

    store = open_store(args.store)
    act = store.reinstate if args.undo else store.withdraw
    row = act(args.uln, on=args.on, reason=args.reason, by=args.by)
    what = "back in the EPA (withdrawal undone)" if row.reinstated else "withdrawn from the EPA"
    print(f"{row.uln} {what} on {row.on}, recorded by {row.by}")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "status", help="where each apprentice's EPA stands: attempts, windows, deadlines"
    )
    p.add_argument("cohort", metavar="COHORT", nargs="?", help="folder of method-record JSON files")
    p.add_argument("--store", metavar="URL", help=f"the store's submitted records ({STORE_HELP})")
    p.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the report is for (default: today's date)",
    )
    p.add_argument(
        "--done",
        metavar="FILE.json",
        default=None,
        help="deadlines done and event dates per apprentice (format: README, Lifecycle)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("withdraw", help="record that an apprentice left the EPA (or --undo it)")
    p.add_argument("uln", metavar="ULN")
    p.add_argument("--on", type=iso_date, required=True, metavar="DATE", help="the day they left")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why they left (or came back)")
    p.add_argument("--by", default="epa withdraw", metavar="NAME", help="who records it")
    p.add_argument(
        "--undo", action="store_true", help="undo their withdrawal by a new row (none is deleted)"
    )
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.set_defaults(func=cmd_withdraw)
