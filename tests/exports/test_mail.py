"""Confirmations by e-mail through a real SMTP server on this machine (aiosmtpd with STARTTLS,
a certificate from a CA made for the test, and AUTH), read back as it arrived: the letter as
text and HTML, the invite as text/calendar (REQUEST, then CANCEL for a cancellation) that
icalendar parses, the PDF that pypdf opens; a reschedule's invite keeps the UID with a higher
SEQUENCE; nothing is sent twice; a server that is down leaves the bookings saved and the
failure recorded, and the retry sends once; no password, address or ULN in any log."""

from __future__ import annotations

import json
import logging
import ssl
from datetime import date
from email import message_from_bytes
from email.policy import default
from io import BytesIO

import icalendar
import pypdf
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from epa_kernel.exports.confirmations import make_confirmation
from epa_kernel.exports.invites import Party
from epa_kernel.exports.mail_send import queue_confirmation, send_unsent
from epa_kernel.exports.mail_settings import smtp_settings
from epa_kernel.store import bookings as rows
from epa_kernel.store.outbox import outbox_rows
from helpers import BOOKED_TODAY, VALID_ULNS, booked_apprentice, epa, free_port, reschedule

USER, PASSWORD, PASSWORD_ENV = "epa-mailer", "s3cret-Horse-Battery", "EPA_TEST_SMTP_PASSWORD"
ULN = VALID_ULNS[0]
EMAILS = (f"sam.{ULN}@example.org", "manager@example.com", "ann@example.net")


class Inbox:
    """What the server accepted: each message with its envelope and whether it came over TLS
    by an authenticated session."""

    def __init__(self):
        self.received: list[dict] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            {
                "tls": session.ssl is not None,
                "login": session.auth_data.login if session.authenticated else None,
                "rcpt": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.original_content, policy=default),
            }
        )
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@pytest.fixture
def mail(tmp_path, monkeypatch):
    """A config file naming a port; ``start()`` starts the server there (tests start it late to
    find it down first)."""
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    port = free_port()
    config = tmp_path / "epa.toml"
    config.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = true\n'
        f'from_address = "epa@example.org"\nfrom_name = "Example EPAO"\n'
        f'username = "{USER}"\npassword_env = "{PASSWORD_ENV}"\nca_file = "{ca_file}"\n'
        "timeout_seconds = 10\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    inbox, running = Inbox(), []

    def start():
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            authenticator=authenticator,
            auth_required=True,
        )
        controller.start()
        running.append(controller)

    class Mail:
        pass

    m = Mail()
    m.config, m.inbox, m.start, m.port = config, inbox, start, port
    yield m
    for controller in running:
        controller.stop()


def ours(caplog) -> str:
    """Everything the kit (and any library but the test's own server, "mail.log") logged."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")


def confirm_and_send(store, config):
    smtp = smtp_settings(config)
    organiser = Party(smtp.from_address, smtp.from_name)
    made = make_confirmation(store, ULN, BOOKED_TODAY, by="planner", organizer=organiser)
    queue_confirmation(store, made, smtp, by="planner")
    return send_unsent(store, smtp)


def calendar_of(message):
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part, icalendar.Calendar.from_ical(part.get_content())


def uid_sequence(cal, summary_start):
    (event,) = [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).startswith(summary_start)]
    return str(event["UID"]), int(event["SEQUENCE"])


def test_the_confirmation_arrives_with_its_invite_and_letter(sqlite_store, mail):
    booked_apprentice(sqlite_store)
    mail.start()
    report = confirm_and_send(sqlite_store, mail.config)
    assert len(report.sent) == 1 and not report.failed
    (got,) = mail.inbox.received
    assert got["tls"] and got["login"] == USER.encode()
    assert sorted(got["rcpt"]) == sorted(EMAILS[:2])
    message = got["message"]
    assert message["From"].addresses[0].addr_spec == "epa@example.org"
    alternative = next(p for p in message.walk() if p.get_content_type() == "multipart/alternative")
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    part, cal = calendar_of(message)
    assert part.get_param("method") == "REQUEST" and str(cal["METHOD"]) == "REQUEST"
    assert len(cal.walk("VEVENT")) == 4
    assert (
        "Work-based project supported by an interview"
        in alternative.get_body(("plain",)).get_content()
    )
    (pdf,) = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    text = pypdf.PdfReader(BytesIO(pdf.get_content())).pages[0].extract_text()
    assert "Sam Synthetic" in text and pdf.get_filename() == "confirmation.pdf"
    assert {b.status for b in rows.list_bookings(sqlite_store, ULN)} == {"confirmed"}


def test_a_rerun_sends_nothing_and_a_reschedule_updates_the_invite(sqlite_store, mail):
    made = booked_apprentice(sqlite_store)
    mail.start()
    confirm_and_send(sqlite_store, mail.config)
    again = confirm_and_send(sqlite_store, mail.config)
    assert again.sent == [] and len(mail.inbox.received) == 1
    reschedule(sqlite_store, made[2], date(2025, 3, 18), 14)
    confirm_and_send(sqlite_store, mail.config)
    assert len(mail.inbox.received) == 2
    _, first = calendar_of(mail.inbox.received[0]["message"])
    _, second = calendar_of(mail.inbox.received[1]["message"])
    before = uid_sequence(first, "Professional discussion")
    after = uid_sequence(second, "Professional discussion")
    assert after[0] == before[0] and after[1] > before[1]
    assert len(second.walk("VEVENT")) == 4


def test_a_cancellation_is_sent_as_method_cancel(sqlite_store, mail):
    made = booked_apprentice(sqlite_store)
    mail.start()
    confirm_and_send(sqlite_store, mail.config)
    rows.cancel(sqlite_store, sqlite_store.clock, made[3].id, reason="site closed", by="planner")
    report = confirm_and_send(sqlite_store, mail.config)
    assert len(report.sent) == 2  # the updated confirmation and the cancellation
    kinds = [r["kind"] for r in outbox_rows(sqlite_store)]
    assert kinds == ["confirmation", "confirmation", "cancellation"]
    cancel = mail.inbox.received[-1]["message"]
    part, cal = calendar_of(cancel)
    assert part.get_param("method") == "CANCEL" and str(cal["METHOD"]) == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    _, first = calendar_of(mail.inbox.received[0]["message"])
    assert str(event["UID"]) == uid_sequence(first, "Practical observation")[0]
    assert "site closed" in cancel.get_body(("plain",)).get_content()


def test_server_down_keeps_the_bookings_then_the_retry_sends_once(
    sqlite_store, mail, caplog, capsys
):
    caplog.set_level(logging.DEBUG)
    booked_apprentice(sqlite_store)
    down = confirm_and_send(sqlite_store, mail.config)
    assert down.sent == [] and len(down.failed) == 1 and "Connection" in down.problem
    assert {b.status for b in rows.list_bookings(sqlite_store, ULN)} == {"confirmed"}
    (row,) = outbox_rows(sqlite_store)
    assert (row["state"], row["tries"]) == ("failed", 1)
    mail.start()
    retry = send_unsent(sqlite_store, smtp_settings(mail.config))
    assert len(retry.sent) == 1 and len(mail.inbox.received) == 1
    assert send_unsent(sqlite_store, smtp_settings(mail.config)).sent == []
    assert len(mail.inbox.received) == 1
    (row,) = outbox_rows(sqlite_store)
    assert (row["state"], row["tries"]) == ("sent", 2)
    logged = ours(caplog)
    answers = " ".join(r["answer"] for r in outbox_rows(sqlite_store))
    said = logged + "".join(capsys.readouterr()) + answers
    assert "outbox: 1 sent, 0 failed" in logged
    for secret in (PASSWORD, ULN, *EMAILS, "Sam Synthetic"):
        assert secret not in said


def test_a_wrong_password_is_a_recorded_failure_that_names_no_secret(
    sqlite_store, mail, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    booked_apprentice(sqlite_store)
    mail.start()
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    report = confirm_and_send(sqlite_store, mail.config)
    assert report.failed and "SMTPAuthenticationError" in report.problem
    assert mail.inbox.received == []
    assert "not-the-password" not in ours(caplog) + report.problem
    assert PASSWORD not in ours(caplog)


def test_epa_confirm_then_outbox_send_end_to_end(tmp_path, booked_url, mail):
    env = {PASSWORD_ENV: PASSWORD}
    args = ("--store", booked_url, "--config", mail.config)
    down = epa(
        "confirm", "--uln", ULN, "--out", tmp_path / "c", *args, "--today", "2025-01-07", env=env
    )
    assert down.returncode == 3 and "retry with epa outbox send" in down.stderr
    assert (tmp_path / "c" / "confirmation.pdf").is_file()
    listed = json.loads(epa("outbox", "--json", *args, env=env).stdout)
    assert [(r["state"], r["tries"]) for r in listed] == [("failed", 1)]
    mail.start()
    sent = epa("outbox", "send", *args, env=env)
    assert sent.returncode == 0 and "1 sent" in sent.stdout
    rerun = epa("confirm", "--uln", ULN, "--out", tmp_path / "c", *args, env=env)
    assert rerun.returncode == 0 and "0 e-mail(s) queued" in rerun.stdout
    assert len(mail.inbox.received) == 1
    for done in (down, sent, rerun):
        for secret in (PASSWORD, *EMAILS):
            assert secret not in done.stdout + done.stderr
    nothing = epa("outbox", "send", *args)  # no password given: nothing unsent, no login
    assert nothing.returncode == 0 and "0 sent, 0 not sent" in nothing.stdout


def test_two_senders_at_once_send_each_message_once(tmp_path, sqlite_store, mail):
    """Two admins press send together (each its own process's store): one message arrives."""
    import threading

    from epa_kernel.exports.mail_send import queue_confirmation
    from epa_kernel.store.store import Store

    booked_apprentice(sqlite_store)
    smtp = smtp_settings(mail.config)
    organiser = Party(smtp.from_address, smtp.from_name)
    made = make_confirmation(sqlite_store, ULN, BOOKED_TODAY, by="planner", organizer=organiser)
    queue_confirmation(sqlite_store, made, smtp, by="planner")
    mail.start()
    senders = [Store(sqlite_store.url) for _ in range(4)]
    start = threading.Barrier(len(senders))
    reports = []

    def send(store):
        start.wait()
        reports.append(send_unsent(store, smtp))

    threads = [threading.Thread(target=send, args=(s,)) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in senders:
        s.close()
    assert len(mail.inbox.received) == 1
    assert sum(len(r.sent) for r in reports) == 1 and not any(r.failed for r in reports)
    (row,) = outbox_rows(sqlite_store)
    assert (row["state"], row["tries"]) == ("sent", 1)
