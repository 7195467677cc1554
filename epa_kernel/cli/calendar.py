"""The ``epa calendar`` and ``epa contact`` commands: calendar invites and who they go to.

``epa calendar ASSESSOR [--out FILE]`` writes the assessor's feed: every live booking as one
``.ics`` (METHOD:PUBLISH); ``epa calendar --uln ULN [--out FILE]`` the apprentice's invite
(METHOD:REQUEST, their booked assessments and planning meeting) and, beside it as
``FILE-cancel.ics``, the cancellation of chains they were told about (METHOD:CANCEL). Without
``--out`` the calendar goes to standard output. ``epa contact ULN --email E [--employer-email
E]`` and ``epa contact --assessor NAME --email E`` keep the addresses the invites and the
confirmations go to (:mod:`epa_kernel.store.contacts`; never printed back).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from epa_kernel.cli.options import STORE_HELP, print_json
from epa_kernel.errors import InputError


def organizer(config):
    """The organisation as the invites' ORGANIZER: the ``[smtp]`` sender, when configured."""
    from epa_kernel.exports.invites import Party
    from epa_kernel.exports.mail_settings import smtp_settings

    smtp = smtp_settings(config)
    return Party(smtp.from_address, smtp.from_name, role="CHAIR") if smtp else None


def _emit(data: bytes, out: str | None) -> None:
    from epa_kernel.files import write_atomic

    if out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        write_atomic(out, data)


def cmd_calendar(args) -> int:
    from epa_kernel.exports.calendar_feed import apprentice_invites, assessor_feed
    from epa_kernel.store.store import open_store

    if (args.assessor is None) == (args.uln is None):
        raise InputError("give an ASSESSOR or --uln ULN (one of them)", field="ASSESSOR/--uln")
    store = open_store(args.store)
    stamp = datetime.now(UTC)
    if args.assessor is not None:
        if args.assessor not in store.assessors():
            raise InputError("no such assessor in the store", field="ASSESSOR")
        data, count = assessor_feed(store, args.assessor, stamp)
        _emit(data, args.out)
        summary = {"events": count, "file": args.out}
    else:
        invites = apprentice_invites(store, args.uln, stamp, organizer(args.config))
        if invites.request is None and invites.cancel is None:
            raise InputError("nothing booked or cancelled for this ULN", field="--uln")
        cancel_file = None
        if invites.request is not None:
            _emit(invites.request, args.out)
        if invites.cancel is not None:
            cancel_file = str(Path(args.out).with_suffix("")) + "-cancel.ics" if args.out else None
            _emit(invites.cancel, cancel_file)
        summary = {
            "events": len(invites.booked),
            "cancelled": len(invites.cancelled),
            "file": args.out,
            "cancel_file": cancel_file,
        }
    if args.json and args.out:
        print_json(summary)
    elif args.out:
        also = f"; {summary['cancel_file']}" if summary.get("cancel_file") else ""
        print(f"wrote {args.out}: {summary['events']} event(s){also}")
    return 0


def cmd_contact(args) -> int:
    from epa_kernel.store.contacts import set_contact
    from epa_kernel.store.store import open_store

    store = open_store(args.store)
    if (args.uln is None) == (args.assessor is None):
        raise InputError("give a ULN or --assessor NAME (one of them)", field="ULN/--assessor")
    if args.assessor is not None:
        set_contact(store, "assessor", args.assessor, args.email, args.name, field="--email")
        print("assessor's address kept")
        return 0
    if args.email is None and args.employer_email is None:
        raise InputError("give --email and/or --employer-email", field="--email")
    if args.email is not None:
        set_contact(store, "apprentice", args.uln, args.email, args.name, field="--email")
    if args.employer_email is not None:
        set_contact(
            store,
            "employer",
            args.uln,
            args.employer_email,
            args.employer_name,
            field="--employer-email",
        )
    print("address(es) kept")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "calendar", help="calendar invites: an assessor's feed, or an apprentice's (--uln)"
    )
    p.add_argument("assessor", nargs="?", metavar="ASSESSOR")
    p.add_argument("--uln", metavar="ULN", help="the apprentice's invites instead")
    p.add_argument("--out", metavar="FILE", help="write the .ics here (default: standard output)")
    p.add_argument("--config", metavar="FILE", help="the organisation's settings ([smtp] sender)")
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_calendar)
    q = sub.add_parser("contact", help="keep the e-mail address confirmations and invites go to")
    q.add_argument("uln", nargs="?", metavar="ULN")
    q.add_argument("--assessor", metavar="NAME", help="an assessor's address instead")
    q.add_argument("--email", metavar="ADDRESS", help="the apprentice's (or assessor's) address")
    q.add_argument("--name", metavar="TEXT", help="the name shown with it")
    q.add_argument("--employer-email", metavar="ADDRESS", help="the employer contact's address")
    q.add_argument("--employer-name", metavar="TEXT")
    q.add_argument("--store", metavar="URL", help=STORE_HELP)
    q.set_defaults(func=cmd_contact)
