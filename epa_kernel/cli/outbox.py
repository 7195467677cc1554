"""The ``epa outbox`` command: the e-mails the kit queued and whether they were sent.

``epa outbox [--json]`` lists each message (id, ULN, kind, when queued, sent / failed /
queued, tries, the last answer; never an address); ``epa outbox send`` sends those not yet
sent through the ``[smtp]`` server (:mod:`epa_kernel.exports.mail_send`): a retry after a
failure. ``epa confirm`` sends through the same :func:`send_and_report`.
"""

from __future__ import annotations

import sys

from epa_kernel.cli.options import STORE_HELP, print_json
from epa_kernel.errors import InputError

EXIT_NOT_SENT = 3  # the cli's EXIT_SYSTEM: a system (the mail server) failed under the kit


def smtp_or_refuse(config):
    from epa_kernel.exports.mail_settings import smtp_settings

    smtp = smtp_settings(config)
    if smtp is None:
        raise InputError(
            "no [smtp] table in the organisation's settings: nothing can be sent",
            field="--config",
        )
    return smtp


def send_and_report(store, smtp, *, quiet: bool = False) -> tuple[int, dict]:
    """Send what is unsent; say what happened (counts, the problem: printed unless ``quiet``)
    and give the exit status and the summary."""
    from epa_kernel.exports.mail_send import send_unsent

    report = send_unsent(store, smtp)
    summary = {"sent": report.sent, "failed": report.failed, "problem": report.problem}
    if not quiet:
        print(f"e-mail: {len(report.sent)} sent, {len(report.failed)} not sent")
    if report.failed:
        why = f": {report.problem}" if report.problem else ""
        print(
            f"epa: {len(report.failed)} message(s) not sent{why}; the bookings are saved and "
            "the failure recorded: retry with epa outbox send",
            file=sys.stderr,
        )
        return EXIT_NOT_SENT, summary
    return 0, summary


def cmd_outbox(args) -> int:
    from epa_kernel.store.outbox import outbox_rows
    from epa_kernel.store.store import open_store

    store = open_store(args.store)
    if args.action == "send":
        code, summary = send_and_report(store, smtp_or_refuse(args.config), quiet=args.json)
        if args.json:
            print_json(summary)
        return code
    if args.action is not None:
        raise InputError("the only action is send", field="ACTION")
    rows = outbox_rows(store)
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(
            f"{r['id']:>5}  {r['uln']}  {r['kind']:<12}  {r['state']:<6}  {r['tries']} tr"
            f"{'y' if r['tries'] == 1 else 'ies'}  {r['queued'][:19]}  {r['answer']}"
        )
    if not rows:
        print("the outbox is empty")
    return 0


def register(sub) -> None:
    p = sub.add_parser("outbox", help="e-mails queued and sent; 'outbox send' retries unsent")
    p.add_argument("action", nargs="?", metavar="send")
    p.add_argument("--config", metavar="FILE", help="the organisation's settings ([smtp])")
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_outbox)
