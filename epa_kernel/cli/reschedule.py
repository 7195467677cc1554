"""``epa book move ID --on DATE --from HH:MM --to HH:MM [--yes]`` and ``epa book cancel ID
--reason TEXT [--yes]``: the effect shown first (:mod:`epa_kernel.store.reschedule`: where the
day falls in the apprentice's window, against the old day; what the rules and the assessor's
profile find; for a cancellation, the days left to book it again), and nothing changed without
``--yes``. A move that would be refused prints its effect and exits 2 with the refusal.
"""

from __future__ import annotations

from datetime import date

from epa_kernel.cli.booking_input import (
    booking_id,
    need,
    organisation_settings,
    print_booking,
    slot_time,
    standard_for,
)
from epa_kernel.errors import InputError


def cmd_cancel(args) -> int:
    from epa_kernel.store.bookings import cancel, list_bookings
    from epa_kernel.store.reschedule import cancel_effect
    from epa_kernel.store.store import open_store

    need(args, "--reason")
    if not args.reason.strip():
        raise InputError("give the reason for cancelling", field="--reason")
    store = open_store(args.store)
    which = booking_id(args)
    live = [b for b in list_bookings(store) if b.id == which and b.live]
    if not live:
        raise InputError(f"no live booking {which}", field="ID")
    standard = standard_for(store, args, live[0].uln)
    effect = cancel_effect(store, standard, which, today=args.today or date.today())
    if not args.yes:
        print("\n  ".join([*effect, "nothing changed: add --yes to cancel it"]))
        return 0
    gone = cancel(store, store.clock, which, reason=args.reason, by=args.by)
    print("\n  ".join(effect[1:]))
    print_booking(gone, [], args)
    return 0


def cmd_move(args) -> int:
    from epa_kernel.core.allocation import NEVER_OVERRIDDEN
    from epa_kernel.core.booking_rules import refusals
    from epa_kernel.store.bookings import book, moved
    from epa_kernel.store.reschedule import preview
    from epa_kernel.store.store import open_store

    need(args, "--on")
    starts, ends = slot_time(args.starts, "--from"), slot_time(args.ends, "--to")
    travel = organisation_settings(args).travel_minutes
    store = open_store(args.store)
    old = booking_id(args)
    new = moved(store, old, args.on, starts, ends)
    standard = standard_for(store, args, new.uln)
    today = args.today or date.today()
    findings, window = preview(store, standard, new, today=today, moving=old, travel_minutes=travel)
    if not args.yes:
        print(f"booking {old} would move to: {new.describe()}")
        print(f"  {window}")
        for f in findings:
            print(f"  {f.level}: {f.reason} [{f.rule}]")
        refused = refusals(findings)
        stands = [f for f in refused if args.override is None or f.rule in NEVER_OVERRIDDEN]
        if stands:
            first = stands[0]
            raise InputError(f"the move would be refused: {first.reason}", field=first.rule)
        print("  nothing changed: add --yes to move it")
        return 0
    made, findings = book(
        store,
        store.clock,
        standard,
        new,
        today=today,
        by=args.by,
        travel_minutes=travel,
        override=args.override,
        moving=old,
    )
    print(f"  {window}")
    print_booking(made, findings, args)
    return 0
