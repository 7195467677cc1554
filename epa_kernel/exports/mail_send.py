"""Confirmations by e-mail through the organisation's SMTP server, by way of the outbox.

:func:`queue_confirmation` puts a confirmation's messages in the outbox
(:mod:`epa_kernel.store.outbox`) under keys made from the booking versions they tell about:
the confirmation (with the REQUEST invite and the PDF) and, when a chain the apprentice was
told about is cancelled, the cancellation (CANCEL). :func:`send_unsent` sends every message
not yet sent: one connection, STARTTLS (the certificate checked) before AUTH, each message's
outcome recorded as a try. A server that is down or refuses leaves the messages unsent with
the failure recorded; the next :func:`send_unsent` tries them again, and a sent one never.

Nothing personal is logged or recorded as an answer: not an address, not a name, not a ULN,
and never the password (read from the environment only to log in).
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import SMTP
from email.utils import getaddresses

from epa_kernel.core.uln import redact_ulns
from epa_kernel.exports.confirmations import Confirmation
from epa_kernel.exports.mail_message import cancellation_message, confirmation_message
from epa_kernel.exports.mail_settings import SmtpSettings
from epa_kernel.store.booking_chains import versions_of
from epa_kernel.store.contacts import contact
from epa_kernel.store.outbox import claim, message_key, queue, record_try, unsent

log = logging.getLogger(__name__)
_ADDRESS = re.compile(r"[^\s<>\"'@,;:]+@[^\s<>\"',;:]+")


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)  # outbox ids
    failed: list[int] = field(default_factory=list)
    problem: str | None = None  # why nothing could be sent (a connection or login failure)


def queue_confirmation(store, made: Confirmation, smtp: SmtpSettings, *, by: str) -> list[int]:
    """Queue the confirmation's messages not queued before; their outbox ids. Refused (bad
    input) when the store holds no address for the apprentice."""
    from epa_kernel.errors import InputError

    to = contact(store, "apprentice", made.uln)
    if to is None:
        raise InputError(
            "no e-mail address for this apprentice: epa contact ULN --email ADDRESS "
            "(the bookings are confirmed and the files written; nothing was sent)",
            field="--uln",
        )
    cc = contact(store, "employer", made.uln)
    versions = versions_of(store, [b.id for b in made.bookings])
    parts = [("confirmation", made.invites.booked, confirmation_message)]
    if made.invites.cancel is not None:
        parts.append(("cancellation", made.invites.cancelled, cancellation_message))
    queued = []
    for kind, told, build in parts:
        if not told:
            continue
        key = message_key(made.uln, kind, [(b.id, versions[b.id]) for b in told])
        message = build(made, smtp, to, cc)
        found = queue(store, store.clock, key=key, uln=made.uln, kind=kind, message=message, by=by)
        if found is not None:
            queued.append(found)
    log.info("outbox: %d message(s) queued", len(queued))
    return queued


def safe_answer(exc: BaseException) -> str:
    """What went wrong, without addresses or ULNs (an SMTP error can quote a recipient)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"SMTPRecipientsRefused: {len(exc.recipients)} recipient(s) refused"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        detail = f"{exc.smtp_code} {text.splitlines()[0] if text else ''}".strip()
    else:
        detail = str(exc) or "no detail"
    return redact_ulns(_ADDRESS.sub("[address]", f"{type(exc).__name__}: {detail}"))[:500]


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    password = smtp.password()  # first: a missing variable is bad input, not a failed send
    server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
    try:
        server.ehlo()
        if smtp.starttls:
            server.starttls(context=smtp.tls_context())
            server.ehlo()
        if smtp.username is not None:
            server.login(smtp.username, password)
    except BaseException:
        server.close()
        raise
    return server


def send_unsent(store, smtp: SmtpSettings) -> SendReport:
    """Send every message of the outbox not yet sent (see the module's text)."""
    report = SendReport()
    waiting = unsent(store)
    if not waiting:
        return report
    try:
        server = _connect(smtp)
    except (OSError, smtplib.SMTPException) as exc:
        report.problem = safe_answer(exc)
        for q in waiting:
            if claim(store, store.clock, q.id):  # every ended try follows its claim
                record_try(store, store.clock, q.id, "failed", report.problem)
                report.failed.append(q.id)
        log.info("outbox: %d message(s) not sent: %s", len(waiting), report.problem)
        return report
    with server:
        for q in waiting:
            if not claim(store, store.clock, q.id):  # sent or being sent by another sender
                continue
            msg = message_from_bytes(q.message, policy=SMTP)
            rcpt = [a for h in ("To", "Cc") for a in msg.get_all(h, [])]
            try:
                refused = server.send_message(
                    msg, from_addr=smtp.from_address, to_addrs=[a for _, a in getaddresses(rcpt)]
                )
            except (OSError, smtplib.SMTPException) as exc:
                record_try(store, store.clock, q.id, "failed", safe_answer(exc))
                report.failed.append(q.id)
                continue
            partly = f"; {len(refused)} recipient(s) refused" if refused else ""
            record_try(store, store.clock, q.id, "sent", f"accepted by the server{partly}")
            report.sent.append(q.id)
    log.info("outbox: %d sent, %d failed", len(report.sent), len(report.failed))
    return report
