"""The ``epa confirm`` command: after the EPA planning meeting, each apprentice's confirmation.

``epa confirm --uln ULN [--out DIR]`` confirms the apprentice's booked bookings (a new version
each, status ``confirmed``) and writes ``confirmation.html``, ``confirmation.pdf``,
``confirmation.txt`` and ``invites.ics`` (and ``cancellations.ics`` when a chain the apprentice
was told about is cancelled) into DIR (default ``outputs/confirmations/ULN``); ``--all`` does
it for every apprentice with a booking, each in ``DIR/ULN``. The organisation's name and
sender come from ``[smtp]``, the appeal window from ``[appeals]``
(:mod:`epa_kernel.exports.confirmations`).
"""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path

from epa_kernel.cli.options import STORE_HELP, iso_date, print_json
from epa_kernel.errors import InputError

DEFAULT_OUT = Path("outputs") / "confirmations"


def cmd_confirm(args) -> int:
    from epa_kernel.cli.calendar import organizer
    from epa_kernel.exports.confirmations import (
        make_confirmation,
        to_confirm,
        write_confirmation,
    )
    from epa_kernel.settings import read_settings
    from epa_kernel.store.store import open_store

    if (args.uln is None) == (not args.all):
        raise InputError("give --uln ULN or --all (one of them)", field="--uln/--all")
    appeals = read_settings(args.config).appeals
    sender = organizer(args.config)
    store = open_store(args.store)
    today = args.today or date.today()
    ulns = [args.uln] if args.uln else to_confirm(store)
    out = {}
    for uln in ulns:
        folder = Path(args.out) if args.out and args.uln else Path(args.out or DEFAULT_OUT) / uln
        made = make_confirmation(store, uln, today, by=args.by, organizer=sender, appeals=appeals)
        out[uln] = {
            "folder": str(folder),
            "files": [p.name for p in write_confirmation(folder, made)],
            "booked": len(made.invites.booked),
            "cancelled": len(made.invites.cancelled),
        }
    if args.json:
        print_json(out)
        return 0
    for uln, done in out.items():
        print(
            f"{uln}: {done['booked']} booking(s) confirmed, {done['cancelled']} cancelled; "
            f"wrote {', '.join(done['files'])} in {done['folder']}"
        )
    if not out:
        print("no bookings to confirm")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "confirm",
        help="after the planning meeting: confirm an apprentice's bookings, write the "
        "confirmation (HTML, PDF) and calendar invites",
    )
    p.add_argument("--uln", metavar="ULN")
    p.add_argument("--all", action="store_true", help="every apprentice with a booking")
    p.add_argument("--out", metavar="DIR", help=f"where to write (default: {DEFAULT_OUT}/ULN)")
    p.add_argument("--today", type=iso_date, metavar="DATE", help="the letter's date")
    p.add_argument(
        "--by", default=getpass.getuser(), metavar="NAME", help="who confirms (default: you)"
    )
    p.add_argument(
        "--config", metavar="FILE", help="the organisation's settings ([smtp], [appeals])"
    )
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_confirm)
