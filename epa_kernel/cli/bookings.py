"""The ``epa book`` and ``epa bookings`` commands: assessments booked under the standard's rules.

``epa book ULN METHOD --on DATE --from HH:MM --to HH:MM --assessor NAME (--venue TEXT | --link
URL)`` books one assessment (METHOD ``planning_meeting`` the planning meeting); ``epa book
confirm ID`` marks one confirmed; ``epa book move ID --on DATE --from --to`` and ``epa book
cancel ID --reason TEXT`` print their effect on the window and change nothing without ``--yes``
(:mod:`epa_kernel.cli.reschedule`). ``epa bookings [ULN] [--assessor NAME]`` lists them;
``epa bookings free`` the assessors free for a slot (:mod:`epa_kernel.cli.free`). The rules
and the double-booking check are the store's (:mod:`epa_kernel.store.bookings`); bad input is
one line naming the field (exit 2), nothing written.
"""

from __future__ import annotations

import getpass
from datetime import date

from epa_kernel.cli.booking_input import booking_id as _id
from epa_kernel.cli.booking_input import need as _need
from epa_kernel.cli.booking_input import organisation_settings as _settings
from epa_kernel.cli.booking_input import print_booking as _print
from epa_kernel.cli.booking_input import slot_time as _time
from epa_kernel.cli.booking_input import standard_for as _standard
from epa_kernel.cli.free import add_free_options, cmd_free, with_free_assessors
from epa_kernel.cli.options import STORE_HELP, attempt_key_option, iso_date, print_json
from epa_kernel.cli.reschedule import cmd_cancel, cmd_move
from epa_kernel.errors import InputError


def cmd_book(args) -> int:
    if args.first in ("cancel", "move", "confirm"):
        return {"cancel": cmd_cancel, "move": cmd_move, "confirm": cmd_confirm}[args.first](args)
    from epa_kernel.core.booking import PLANNING_MEETING, Booking
    from epa_kernel.core.model import validate_input
    from epa_kernel.store.bookings import book
    from epa_kernel.store.store import open_store

    _need(args, "--on", "--assessor")
    if (args.venue is None) == (args.link is None):
        raise InputError(
            "give one of --venue (face to face) or --link (remote)", field="--venue/--link"
        )
    starts, ends = _time(args.starts, "--from"), _time(args.ends, "--to")
    travel = _settings(args).travel_minutes
    store = open_store(args.store)
    standard = _standard(store, args, args.first)
    meeting = args.second == PLANNING_MEETING
    data = {
        "kind": "planning_meeting" if meeting else "assessment",
        "uln": args.first,
        "standard": standard.standard,
        "version": standard.version,
        "method": None if meeting else args.second,
        "attempt": args.attempt,
        "on": args.on,
        "starts": starts,
        "ends": ends,
        "mode": "face_to_face" if args.venue else "remote",
        "venue": args.venue,
        "link": args.link,
        "assessor": args.assessor,
        "status": "held" if args.hold else "booked",
    }
    booking = validate_input(Booking, data, file="epa book", what="a booking")
    try:
        made, findings = book(
            store,
            store.clock,
            standard,
            booking,
            today=args.today or date.today(),
            by=args.by,
            travel_minutes=travel,
            override=args.override,
        )
    except InputError as refused:
        raise with_free_assessors(refused, store, booking, travel) from None
    _print(made, findings, args)
    return 0


def cmd_confirm(args) -> int:
    from epa_kernel.store.booking_status import confirm
    from epa_kernel.store.store import open_store

    store = open_store(args.store)
    _print(confirm(store, store.clock, _id(args), by=args.by), [], args)
    return 0


def cmd_bookings(args) -> int:
    from epa_kernel.store.bookings import list_bookings
    from epa_kernel.store.store import open_store

    if args.uln == "free":
        return cmd_free(args)
    found = list_bookings(open_store(args.store), args.uln, args.assessor)
    if args.json:
        print_json([b.model_dump(mode="json") for b in found])
        return 0
    for b in found:
        print(f"{b.id:>5}  {b.uln}  {b.describe()}")
    if not found:
        print("no bookings")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "book",
        help="book an assessment (or the planning meeting) under the standard's rules; "
        "'book cancel ID', 'book move ID', 'book confirm ID'",
    )
    p.add_argument("first", metavar="ULN|cancel|move|confirm")
    p.add_argument(
        "second", metavar="METHOD|ID", help="a method id or planning_meeting; a booking id"
    )
    p.add_argument("--on", type=iso_date, metavar="DATE")
    p.add_argument("--from", dest="starts", metavar="HH:MM")
    p.add_argument("--to", dest="ends", metavar="HH:MM")
    p.add_argument("--assessor", metavar="NAME")
    p.add_argument("--venue", metavar="TEXT", help="face to face: the workplace or venue")
    p.add_argument("--link", metavar="URL", help="remote: the meeting link")
    p.add_argument(
        "--attempt",
        default="first",
        type=attempt_key_option,
        help="first (default), resit, resit2...",
    )
    p.add_argument("--hold", action="store_true", help="hold the slot provisionally")
    p.add_argument(
        "--standard", metavar="CODE:VERSION", help="when the store names none for the ULN"
    )
    p.add_argument(
        "--override", metavar="REASON", help="book despite a refusal (admins only: --by)"
    )
    p.add_argument("--reason", metavar="TEXT", help="cancel: why")
    p.add_argument(
        "--yes", action="store_true", help="move, cancel: do it (without: show the effect only)"
    )
    p.add_argument(
        "--by", default=getpass.getuser(), metavar="NAME", help="who books (default: you)"
    )
    p.add_argument(
        "--today",
        type=iso_date,
        metavar="DATE",
        help="the day the booking is made (default: today)",
    )
    p.add_argument(
        "--config", metavar="FILE", help="the organisation's settings ([bookings] travel_minutes)"
    )
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_book)
    q = sub.add_parser(
        "bookings", help="list bookings; 'bookings free' the assessors free for a slot"
    )
    q.add_argument("uln", nargs="?", metavar="ULN|free")
    add_free_options(q)
    q.add_argument("--assessor", metavar="NAME")
    q.add_argument("--store", metavar="URL", help=STORE_HELP)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_bookings)
