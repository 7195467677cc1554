"""The e-mails a confirmation makes: MIME messages for the organisation's mail server.

A confirmation: ``multipart/mixed`` holding a ``multipart/alternative`` (the letter as text and
as HTML, and the invite as ``text/calendar; method=REQUEST``, where mail programs look for a
meeting request) and the PDF letter attached. A cancellation: the same alternative with a short
notice and ``text/calendar; method=CANCEL``. To the apprentice, a copy to the employer contact
(:mod:`epa_kernel.store.contacts`). Each message carries its own Message-ID and Date, fixed
when it is queued, so a retry sends the very same message.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, make_msgid
from html import escape

from epa_kernel.exports.confirmations import Confirmation
from epa_kernel.exports.mail_settings import SmtpSettings
from epa_kernel.store.contacts import Contact


def _envelope(smtp: SmtpSettings, to: Contact, cc: Contact | None, subject: str) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = formataddr((smtp.from_name or "", smtp.from_address))
    msg["To"] = formataddr((to.name or "", to.email))
    if cc is not None:
        msg["Cc"] = formataddr((cc.name or "", cc.email))
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=smtp.from_address.rpartition("@")[2])
    return msg


def _alternative(msg: EmailMessage, text: str, html: str, ics: bytes, method: str) -> None:
    msg.set_content(text, subtype="plain", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    msg.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        cte="base64",
        params={"method": method, "charset": "utf-8"},
    )


def confirmation_message(
    made: Confirmation, smtp: SmtpSettings, to: Contact, cc: Contact | None
) -> bytes:
    """The confirmation e-mail (see the module's text), as the bytes the server is sent."""
    standard = made.view["standard"]
    msg = _envelope(smtp, to, cc, f"Your end-point assessment bookings: {standard['title']}")
    _alternative(msg, made.text, made.html, made.invites.request, "REQUEST")
    msg.make_mixed()
    msg.add_attachment(made.pdf, maintype="application", subtype="pdf", filename="confirmation.pdf")
    return msg.as_bytes()


def cancellation_message(
    made: Confirmation, smtp: SmtpSettings, to: Contact, cc: Contact | None
) -> bytes:
    """The cancellation e-mail: what is cancelled, and ``text/calendar; method=CANCEL``."""
    told = {b.id for b in made.invites.cancelled}
    gone = [c for c in made.view["cancelled"] if c["id"] in told]
    lines = [f"{c['what']}: {c['when']} ({c['reason']})" for c in gone]
    text = "Cancelled:\n" + "\n".join(f"* {line}" for line in lines) + "\n"
    html = "<p>Cancelled:</p><ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>"
    msg = _envelope(smtp, to, cc, "Cancelled: your end-point assessment booking")
    _alternative(msg, text, html, made.invites.cancel, "CANCEL")
    return msg.as_bytes()
