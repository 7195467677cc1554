"""`epa book`, `epa book cancel|move` and `epa bookings`: exit codes, one line naming the field
on bad input, and nothing changed by a refusal."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import insert

from epa_kernel.cli import main
from epa_kernel.store.bookings import booking_history, list_bookings
from epa_kernel.store.schema import apprentices, assessors
from epa_kernel.store.store import Store
from helpers import VALID_ULNS

ULN = VALID_ULNS[0]
TODAY = ["--today", "2025-01-07", "--by", "planner"]


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    with store.transaction() as conn:
        conn.execute(insert(apprentices).values(uln=ULN, name="X", gateway_date=date(2025, 1, 6)))
        conn.execute(insert(assessors).values(name="Ann"))
    store.close()
    return url


def book(url, *args):
    return main(["book", *args, "--store", url, *TODAY])


def booked(url):
    store = Store(url)
    try:
        return list_bookings(store)
    finally:
        store.close()


SLOT = ["--on", "2025-02-10", "--from", "09:00", "--to", "10:00", "--assessor", "Ann"]
ST = ["--standard", "ST0071:1.1"]


def test_book_list_move_cancel(url, capsys):
    assert (
        book(url, ULN, "professional_discussion", *SLOT, "--link", "https://m.example/1", *ST) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("booking 1: professional_discussion on 2025-02-10 09:00-10:00")
    assert "warning: Completed portfolio of evidence submitted to the EPAO: by 2025-01-27" in out
    assert main(["bookings", ULN, "--store", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["assessor"] == "Ann"
    move = ["move", "1", "--on", "2025-02-12", "--from", "10:00", "--to", "11:00"]
    assert book(url, *move) == 0
    out = capsys.readouterr().out
    assert (
        "window 2025-01-06 to 2025-04-06 (3 months from the gateway): 2025-02-12 is 53 day(s) "
        "before it closes (was 2025-02-10: 55 day(s) before it closes)"
    ) in out
    assert "nothing changed: add --yes to move it" in out
    assert [b.on for b in booked(url)] == [date(2025, 2, 10)]
    assert book(url, *move, "--yes") == 0
    assert [(b.id, b.status, b.rescheduled_from) for b in booked(url)] == [
        (1, "cancelled", None),
        (2, "booked", 1),
    ]
    assert book(url, "cancel", "2", "--reason", "employer closed") == 0
    out = capsys.readouterr().out
    assert "closes on 2025-04-06: 89 day(s) from 2025-01-07 to book it again" in out
    assert "nothing changed: add --yes to cancel it" in out
    assert booked(url)[1].status == "booked"
    assert book(url, "cancel", "2", "--reason", "employer closed", "--yes") == 0
    store = Store(url)
    assert booking_history(store, 2)[-1]["reason"] == "cancelled: employer closed"
    store.close()


def test_refusals_exit_2_and_change_nothing(url, capsys):
    ok = [*SLOT, "--link", "https://m.example/1", *ST]
    assert book(url, ULN, "professional_discussion", *ok) == 0
    capsys.readouterr()
    before = booked(url)
    cases = [
        ([ULN, "work_based_project", *SLOT[:-1], "Zed", "--venue", "Acme", *ST], "--assessor"),
        (
            [ULN, "work_based_project", *SLOT[:2], "--from", "9am", *SLOT[4:], "--venue", "A", *ST],
            "--from",
        ),
        (
            [ULN, "work_based_project", "--on", "2025-04-07", *SLOT[2:], "--venue", "A", *ST],
            "assessment_window",
        ),
        (
            [ULN, "work_based_project", *SLOT, "--venue", "A", "--link", "https://x.example", *ST],
            "--venue/--link",
        ),
        ([VALID_ULNS[1], "work_based_project", *SLOT, "--venue", "A", *ST], "ULN"),
        ([ULN, "work_based_project", *SLOT, "--venue", "A", *ST], "--from/--to"),  # Ann is busy
        (["cancel", "9", "--reason", "x"], "ID"),
        (["move", "1", "--on", "2025-04-07", "--from", "09:00", "--to", "10:00"], "window"),
        (
            ["move", "1", "--on", "2025-04-07", "--from", "09:00", "--to", "10:00", "--yes"],
            "window",
        ),
    ]
    for args, field in cases:
        assert book(url, *args) == 2, args
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and field in err, (args, err)
    assert booked(url) == before
