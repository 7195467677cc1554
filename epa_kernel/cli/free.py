"""``epa bookings free --uln ULN [--method M] --on DATE --from HH:MM --to HH:MM``: the
assessors free for a slot (:func:`epa_kernel.store.allocation.free_assessors`), fewest booked
that week first, with their capacity and any warning; the organisation's ``travel_minutes``
kept around their other bookings. With ``--method``, a slot too short for it is refused."""

from __future__ import annotations

from epa_kernel.cli.booking_input import need, organisation_settings, slot_time
from epa_kernel.cli.options import iso_date, print_json
from epa_kernel.errors import InputError


def add_free_options(q) -> None:
    q.add_argument(
        "--uln", dest="free_uln", metavar="ULN", help="free: the apprentice to be assessed"
    )
    q.add_argument("--method", metavar="METHOD", help="free: refuse a slot too short for it")
    q.add_argument("--on", type=iso_date, metavar="DATE", help="free: the day")
    q.add_argument("--from", dest="starts", metavar="HH:MM", help="free: the slot's start")
    q.add_argument("--to", dest="ends", metavar="HH:MM", help="free: the slot's end")
    q.add_argument(
        "--standard",
        metavar="CODE[:VERSION]",
        help="free: when the store names none for the ULN",
    )
    q.add_argument("--config", metavar="FILE", help="the organisation's settings (travel_minutes)")


#: Refusals for the assessor's sake: another assessor could take the slot.
ASSESSOR_REFUSALS = ("independence", "assessor.away", "assessor.standards", "--from/--to")


def with_free_assessors(refused: InputError, store, booking, travel: int) -> InputError:
    """A refusal for the assessor's sake with the assessors free for the slot added (still one
    line); any other refusal as it is."""
    from epa_kernel.store.allocation import free_assessors

    if refused.field not in ASSESSOR_REFUSALS:
        return refused
    code = f"{booking.standard}:{booking.version}"
    free = free_assessors(
        store,
        code,
        booking.on,
        booking.starts,
        booking.ends,
        uln=booking.uln,
        travel_minutes=travel,
    )
    names = ", ".join(s.assessor for s in free) or "none (epa assessors list)"
    return InputError(f"{refused.message}; free for this slot: {names}", field=refused.field)


def fits(standard: str, method: str, starts, ends) -> None:
    """Refuse a slot too short for the method (its timed facts' least): no one is free for
    a slot that cannot hold the assessment."""
    from datetime import date, datetime

    from epa_kernel.core.booking_rules import slot_bounds
    from epa_kernel.core.catalogue import get_standard

    code, _, version = standard.partition(":")
    spec = get_standard(code, version or None)
    if method != "planning_meeting" and spec.method(method) is None:
        known = ", ".join(m.id for m in spec.methods)
        raise InputError(f"not a method of {code}; known: {known}", field="--method")
    minutes = (datetime.combine(date.min, ends) - datetime.combine(date.min, starts)).seconds // 60
    least = slot_bounds(spec, method)[0] if method != "planning_meeting" else 0
    if minutes < least:
        raise InputError(
            f"the slot is {minutes} minutes; the {method} takes at least {least:g}",
            field="--from/--to",
        )


def cmd_free(args) -> int:
    from epa_kernel.store.allocation import free_assessors
    from epa_kernel.store.bookings import apprentice_standard
    from epa_kernel.store.store import open_store

    if args.free_uln is None:
        raise InputError("required here", field="--uln")
    need(args, "--on")
    starts, ends = slot_time(args.starts, "--from"), slot_time(args.ends, "--to")
    if ends <= starts:
        raise InputError("the end time must be after the start time", field="--to")
    travel = organisation_settings(args).travel_minutes
    store = open_store(args.store)
    standard = args.standard
    if standard is None:
        found = apprentice_standard(store, args.free_uln)
        if found is None:
            raise InputError(
                "the store names no standard for this ULN: give it", field="--standard"
            )
        standard = ":".join(found)
    if args.method is not None:
        fits(standard, args.method, starts, ends)
    free = free_assessors(
        store, standard, args.on, starts, ends, uln=args.free_uln, travel_minutes=travel
    )
    if args.json:
        print_json([s.model_dump() for s in free])
        return 0
    for s in free:
        capacity = f"of {s.capacity}" if s.capacity else "(no limit set)"
        warned = "".join(f"\n  warning: {w}" for w in s.warnings)
        print(f"{s.assessor}: {s.booked_this_week} booked that week {capacity}{warned}")
    if not free:
        print("no assessor is free for this slot")
    return 0
