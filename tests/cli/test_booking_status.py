"""`epa status --store` shows each apprentice's live bookings: held, booked, confirmed, and
missed (the day passed with no submitted record of that attempt); `epa book confirm ID`."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import update

from epa_kernel.cli import main
from epa_kernel.store.bookings import booking_history
from epa_kernel.store.schema import apprentices
from epa_kernel.store.store import Store
from helpers import VALID_ULNS, put_epa

ULN = VALID_ULNS[0]
BY = [
    "--today",
    "2026-02-03",
    "--by",
    "planner",
    "--assessor",
    "A. Assessor",
    "--standard",
    "ST0072:1.0",
]


def test_status_shows_live_bookings_and_the_missed_one(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    put_epa(store, ULN, skip=("professional_discussion",))  # its record never submitted
    with store.transaction() as conn:
        conn.execute(update(apprentices).values(gateway_date=date(2026, 2, 2)))
    store.close()
    assert main(["assessors", "add", "A. Assessor", "--store", url]) == 0
    assert main(["assessors", "standards", "A. Assessor", "ST0072", "--store", url]) == 0
    slots = [
        ("practical_observation", "2026-03-09", "10:00", "11:00", []),
        ("professional_discussion", "2026-03-16", "10:00", "11:00", []),
        ("planning_meeting", "2026-02-04", "09:00", "09:30", []),
        ("apprentice_showcase", "2026-04-20", "10:00", "10:30", ["--hold"]),
    ]
    for what, on, starts, ends, extra in slots:
        args = [ULN, what, "--on", on, "--from", starts, "--to", ends, "--venue", "Acme", *BY]
        assert main(["book", *args, *extra, "--store", url]) == 0, what
    assert main(["book", "confirm", "1", "--store", url, "--by", "planner"]) == 0
    assert main(["book", "confirm", "1", "--store", url]) == 2  # already confirmed
    assert "ID" in capsys.readouterr().err
    capsys.readouterr()
    assert main(["status", "--store", url, "--today", "2026-03-20"]) == 0
    out = capsys.readouterr().out
    shown = out[out.index("Bookings (live; 1 missed)") :].splitlines()
    assert shown[1] == f"  {ULN}"
    assert shown[2].startswith("    booking 3: planning_meeting on 2026-02-04")  # never missed
    assert shown[3].startswith("    booking 1: practical_observation") and "confirmed" in shown[3]
    assert shown[4].startswith("    booking 2: professional_discussion")
    assert shown[4].endswith("MISSED: the day has passed and no record of it is submitted")
    assert shown[5].startswith("    booking 4: apprentice_showcase") and "held" in shown[5]
    assert main(["status", "--store", url, "--today", "2026-03-16", "--json"]) == 0
    states = [b["state"] for b in json.loads(capsys.readouterr().out)["bookings"][ULN]]
    assert states == ["booked", "confirmed", "booked", "held"]  # on the day: not missed yet
    store = Store(url)
    assert [h["reason"] for h in booking_history(store, 1)] == ["booked", "confirmed (was booked)"]
    store.close()
