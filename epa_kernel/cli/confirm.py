"""The ``epa confirm`` command: after the EPA planning meeting, each apprentice's confirmation.

``epa confirm --uln ULN [--out DIR]`` confirms the apprentice's booked bookings (a new version
each, status ``confirmed``) and writes ``confirmation.html``, ``confirmation.pdf``,
``confirmation.txt`` and ``invites.ics`` (and ``cancellations.ics`` when a chain the apprentice
was told about is cancelled) into DIR (default ``outputs/confirmations/ULN``); ``--all`` does
it for every apprentice with a booking, each in ``DIR/ULN``. The organisation's name and
sender come from ``[smtp]``, the appeal window from ``[appeals]``
(:mod:`epa_kernel.exports.confirmations`). With ``[smtp]`` set (and no ``--no-send``) the
confirmation is queued in the outbox and sent (:mod:`epa_kernel.exports.mail_send`); what
was queued before is not queued again; ``--retry`` only sends what is still unsent.
"""

from __future__ import annotations

import getpass
import sys
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
    from epa_kernel.exports.mail_settings import smtp_settings
    from epa_kernel.settings import read_settings
    from epa_kernel.store.store import open_store

    if args.retry:
        from epa_kernel.cli.outbox import send_and_report, smtp_or_refuse

        return send_and_report(open_store(args.store), smtp_or_refuse(args.config))[0]
    if (args.uln is None) == (not args.all):
        raise InputError("give --uln ULN or --all (one of them)", field="--uln/--all")
    appeals = read_settings(args.config).appeals
    sender = organizer(args.config)
    smtp = smtp_settings(args.config)
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
            "queued": _queue(store, made, smtp, args) if smtp and not args.no_send else None,
        }
    code, email = 0, None
    if smtp and not args.no_send:
        from epa_kernel.cli.outbox import send_and_report

        code, email = send_and_report(store, smtp, quiet=True)
    if args.json:
        print_json({"confirmations": out, "email": email})
        return code
    for uln, done in out.items():
        queued = "" if done["queued"] is None else f"; {done['queued']} e-mail(s) queued"
        print(
            f"{uln}: {done['booked']} booking(s) confirmed, {done['cancelled']} cancelled; "
            f"wrote {', '.join(done['files'])} in {done['folder']}{queued}"
        )
    if not out:
        print("no bookings to confirm")
    if email is not None:
        print(f"e-mail: {len(email['sent'])} sent, {len(email['failed'])} not sent")
    return code


def _queue(store, made, smtp, args) -> int | str:
    """Queue the confirmation's e-mails: how many were new (an apprentice with no address is
    said, not fatal: the others are still sent)."""
    from epa_kernel.exports.mail_send import queue_confirmation

    try:
        return len(queue_confirmation(store, made, smtp, by=args.by))
    except InputError as exc:
        print(f"epa: {exc}", file=sys.stderr)
        return "no address"


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
    p.add_argument("--no-send", action="store_true", help="write the files, e-mail nothing")
    p.add_argument(
        "--retry", action="store_true", help="only send the e-mails still unsent (as outbox send)"
    )
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_confirm)
