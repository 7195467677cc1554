"""The confirmation after the planning meeting, as the apprentice reads it: the PDF letter and
HTML e-mail list every booked assessment with what to submit by when and what to bring, the
deadlines, results and appeals (the organisation's window, or its policy); the bookings move
to confirmed once, and nothing booked is refused."""

from __future__ import annotations

from datetime import date, time
from io import BytesIO

import pypdf
import pytest

from epa_kernel.core.booking import Booking
from epa_kernel.core.catalogue import get_standard
from epa_kernel.errors import InputError
from epa_kernel.exports.confirmations import make_confirmation, write_confirmations
from epa_kernel.exports.invites import Party
from epa_kernel.settings import AppealPolicy
from epa_kernel.store import bookings as rows
from helpers import BOOKED_TODAY, VALID_ULNS, booked_apprentice, epa, reschedule

ORG = Party("epa@example.org", "Example EPAO")
POLICY = AppealPolicy(15, "Our EPA Appeals Policy v3, 2.1", "epa.toml")
ULN = VALID_ULNS[0]


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text().split()) for p in pypdf.PdfReader(BytesIO(data)).pages
    )


def test_the_letter_lists_every_booking_with_its_dates_and_what_to_bring(sqlite_store):
    booked_apprentice(sqlite_store)
    made = make_confirmation(
        sqlite_store, ULN, BOOKED_TODAY, by="planner", organizer=ORG, appeals=POLICY
    )
    text = pdf_text(made.pdf)
    for name in (
        "EPA planning meeting",
        "Work-based project supported by an interview",
        "Professional discussion supported by a portfolio of evidence",
        "Practical observation with questions and answers",
    ):
        assert name in text and name in made.html and name in made.text
    assert "Monday 10 March 2025, 10:00 to 11:00 (UK time)" in text
    assert "Unit 4, Example Park, Leeds" in text and "https://meet.example/pd" in text
    # ST0071's project report two weeks before its interview, the portfolio before the discussion
    assert "24 February 2025 Project report submitted ahead of the project interview" in text
    assert "3 March 2025 Completed portfolio of evidence submitted" in text
    assert "Referencing Matrix" in text  # what to bring, from the standard's preparation
    assert "Certificate claim submitted to the ESFA 15 working days after the final result" in text
    assert "within 15 working days of the result notification" in text
    assert "Example EPAO" in text and "Sam Synthetic" in text
    assert made.invites.request is not None and len(made.invites.booked) == 4


def test_without_an_appeal_window_the_letter_points_to_the_policy(sqlite_store):
    booked_apprentice(sqlite_store)
    made = make_confirmation(sqlite_store, ULN, BOOKED_TODAY, by="planner")
    assert "see our appeals policy" in pdf_text(made.pdf)
    assert "working days of the result notification" not in made.text


def test_bookings_are_confirmed_once_and_held_ones_stay_held(sqlite_store):
    made = booked_apprentice(sqlite_store)
    held = rows.moved(sqlite_store, made[1].id, date(2025, 3, 12), time(10), time(11))
    rows.cancel(sqlite_store, sqlite_store.clock, made[1].id, reason="employer asked", by="planner")
    standard = get_standard("ST0071", "1.1")
    rows.book(
        sqlite_store,
        sqlite_store.clock,
        standard,
        Booking(**(held.model_dump() | {"status": "held", "rescheduled_from": None})),
        today=BOOKED_TODAY,
        by="planner",
    )
    first = make_confirmation(sqlite_store, ULN, BOOKED_TODAY, by="planner")
    statuses = sorted(b.status for b in rows.list_bookings(sqlite_store, ULN))
    assert statuses == ["cancelled", "confirmed", "confirmed", "confirmed", "held"]
    make_confirmation(sqlite_store, ULN, BOOKED_TODAY, by="planner")
    history = rows.booking_history(sqlite_store, made[0].id)
    assert [h["reason"] for h in history] == [
        "booked",
        "confirmed (was booked): confirmation sent to the apprentice and employer",
    ]
    assert "Held, not yet confirmed" in first.html and "Cancelled" in first.html
    assert "employer asked" in first.text


def test_what_people_typed_is_text_in_the_letter(sqlite_store):
    made = booked_apprentice(sqlite_store)
    typed = "<script>alert(1)</script> Room {{ 7 }}"
    reschedule(sqlite_store, made[1], date(2025, 3, 11), 10, venue=typed)
    html = make_confirmation(sqlite_store, ULN, BOOKED_TODAY, by="planner").html
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "{{ 7 }}" in html


def test_nothing_booked_is_refused(sqlite_store):
    booked_apprentice(sqlite_store)
    with pytest.raises(InputError, match="nothing booked"):
        make_confirmation(sqlite_store, VALID_ULNS[1], BOOKED_TODAY, by="planner")


def test_write_confirmations_writes_each_booked_apprentice(sqlite_store, tmp_path):
    booked_apprentice(sqlite_store)
    booked_apprentice(sqlite_store, VALID_ULNS[1], assessor="Bob Assessor")
    written = write_confirmations(sqlite_store, tmp_path / "out", today=BOOKED_TODAY, organizer=ORG)
    assert sorted(written) == [VALID_ULNS[0], VALID_ULNS[1]]
    for uln in written:
        names = sorted(p.name for p in (tmp_path / "out" / uln).iterdir())
        assert names == ["confirmation.html", "confirmation.pdf", "confirmation.txt", "invites.ics"]


def test_epa_confirm_writes_the_files_and_refuses_bad_input(tmp_path, booked_url):
    url = booked_url
    config = tmp_path / "epa.toml"
    config.write_text(
        '[appeals]\nwindow_working_days = 15\npolicy_source = "Our policy 2.1"\n'
        '[smtp]\nhost = "smtp.example.org"\nfrom_address = "epa@example.org"\n'
        'from_name = "Example EPAO"\n',
        encoding="utf-8",
    )
    out = tmp_path / "letters"
    args = ("--store", url, "--config", config, "--today", "2025-01-07", "--no-send")
    done = epa("confirm", "--uln", ULN, "--out", out, *args)
    assert done.returncode == 0, done.stderr
    assert "4 booking(s) confirmed" in done.stdout
    assert "Example EPAO" in pdf_text((out / "confirmation.pdf").read_bytes())
    assert (out / "invites.ics").read_bytes().count(b"BEGIN:VEVENT") == 4
    bad = epa("confirm", "--uln", VALID_ULNS[2], "--out", tmp_path / "x", *args)
    assert bad.returncode == 2 and "--uln" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x").exists()
