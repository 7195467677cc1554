"""`epa assessors ...` (profiles with their versions), a conflicted assessor refused by
`epa book` (exit 2, even with --override), and `epa bookings free`; bad input is exit 2 with
one line naming the field, and nothing changed."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import insert

from epa_kernel.cli import main
from epa_kernel.store.assessor_profiles import profile_history
from epa_kernel.store.bookings import list_bookings
from epa_kernel.store.people import assignments_of
from epa_kernel.store.schema import apprentices
from epa_kernel.store.store import Store
from helpers import VALID_ULNS

ULN = VALID_ULNS[0]


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    with store.transaction() as conn:
        conn.execute(
            insert(apprentices).values(
                uln=ULN,
                name="X",
                gateway_date=date(2025, 1, 6),
                provider="North College",
                employer="Acme Ltd",
            )
        )
    store.close()
    return url


def epa(url, *args):
    return main([*args, "--store", url])


def history(url, name="Ann"):
    store = Store(url)
    try:
        return [(h["version"], h["reason"]) for h in profile_history(store, name)]
    finally:
        store.close()


def test_profiles_are_built_by_commands_and_kept_as_versions(url, capsys):
    for args in (
        ["add", "Ann"],
        ["standards", "Ann", "ST0071", "ST0072:1.0"],
        ["capacity", "Ann", "6"],
        ["away", "Ann", "--from", "2025-03-03", "--to", "2025-03-07", "--reason", "leave"],
        ["conflict", "Ann", "--employer", "Acme Ltd", "--from", "2024-09-01"],
    ):
        assert epa(url, "assessors", *args, "--by", "planner") == 0, args
    capsys.readouterr()
    assert epa(url, "assessors", "show", "Ann") == 0
    out = capsys.readouterr().out
    assert "standards: ST0071, ST0072:1.0" in out and "capacity: 6 a week" in out
    assert "away 1: 2025-03-03 to 2025-03-07 (leave)" in out
    assert "conflict 1: employer Acme Ltd (from 2024-09-01, ongoing)" in out
    assert epa(url, "assessors", "list", "--json") == 0
    [ann] = json.loads(capsys.readouterr().out)
    assert ann["conflicts"] == [
        {"kind": "employer", "organisation": "Acme Ltd", "starts": "2024-09-01", "ends": None}
    ]
    assert len(history(url)) == 5
    assert epa(url, "assessors", "conflict", "Ann", "--remove", "2", "--reason", "x") == 2
    assert "--remove" in capsys.readouterr().err
    assert epa(url, "assessors", "conflict", "Ann", "--remove", "1") == 2
    assert "--reason" in capsys.readouterr().err
    assert len(history(url)) == 5
    why = "declared in error: another Acme"
    assert epa(url, "assessors", "conflict", "Ann", "--remove", "1", "--reason", why) == 0
    assert "conflict" not in capsys.readouterr().out
    assert history(url)[-1] == (6, f"conflict 1 removed: {why}")


def test_bad_input_exits_2_naming_the_field_and_changes_nothing(url, capsys):
    assert epa(url, "assessors", "add", "Ann") == 0
    capsys.readouterr()
    cases = [
        (["standards", "Ann", "ST9999"], "STANDARD"),
        (["standards", "Ann", "ST0071:9.9"], "STANDARD"),
        (["standards", "Ann"], "STANDARD"),
        (["capacity", "Ann", "0"], "N"),
        (["capacity", "Ann", "eight"], "N"),
        (["away", "Ann", "--from", "2025-03-07", "--to", "2025-03-03", "--reason", "x"], "--to"),
        (["away", "Ann", "--from", "2025-03-03", "--to", "2025-03-07"], "--reason"),
        (["conflict", "Ann"], "--provider/--employer"),
        (["conflict", "Ann", "--provider", "A", "--employer", "B"], "--provider/--employer"),
        (
            ["conflict", "Ann", "--employer", "A", "--from", "2025-02-01", "--to", "2025-01-01"],
            "--to",
        ),
        (["capacity", "Zed", "5"], "NAME"),
        (["show", "Zed"], "NAME"),
        (["add", "Ann"], "NAME"),
    ]
    for args, field in cases:
        assert epa(url, "assessors", *args) == 2, args
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and field in err, (args, err)
    with pytest.raises(SystemExit) as exit:
        epa(url, "assessors", "away", "Ann", "--from", "2025-13-01", "--to", "x")
    assert exit.value.code == 2
    assert "--from" in capsys.readouterr().err
    assert history(url) == [(1, "added")]


SLOT = ["--on", "2025-02-11", "--from", "09:00", "--to", "10:00", "--link", "https://m.example/1"]
BOOK = ["--standard", "ST0071:1.1", "--today", "2025-01-07", "--by", "boss"]


def test_a_conflicted_assessor_is_refused_at_booking_and_not_suggested(url, capsys):
    main(["users", "add", "boss", "--role", "admin", "--store", url])
    for name in ("Ann", "Bob"):
        epa(url, "assessors", "add", name)
        epa(url, "assessors", "standards", name, "ST0071")
    epa(url, "assessors", "conflict", "Ann", "--provider", "north college", "--to", "2025-06-30")
    capsys.readouterr()
    for extra in ([], ["--override", "we know"]):
        args = ["book", ULN, "professional_discussion", *SLOT, "--assessor", "Ann", *BOOK]
        assert epa(url, *args, *extra) == 2
        err = capsys.readouterr().err
        assert "independence" in err and "provider north college" in err
        assert err.strip().endswith("free for this slot: Bob") and len(err.splitlines()) == 1
    store = Store(url)
    assert list_bookings(store) == []
    store.close()
    free = ["bookings", "free", "--uln", ULN, "--on", "2025-02-11", "--from", "09:00"]
    assert epa(url, *free, "--to", "10:00", "--standard", "ST0071") == 0
    assert capsys.readouterr().out == "Bob: 0 booked that week (no limit set)\n"
    assert epa(url, "book", ULN, "professional_discussion", *SLOT, "--assessor", "Bob", *BOOK) == 0
    capsys.readouterr()
    assert epa(url, *free, "--to", "10:00", "--json") == 0  # the stored standard now
    assert json.loads(capsys.readouterr().out) == []
    cases = [
        (["--to", "08:00"], "--to"),
        (["--to", "9:30"], "--to"),
        (["--to", "09:30", "--method", "professional_discussion"], "--from/--to"),
        (["--to", "10:00", "--method", "showcase"], "--method"),
    ]
    for args, field in cases:
        assert epa(url, *free, *args) == 2, args
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and field in err, (args, err)
    assert epa(url, *free, "--to", "10:00", "--method", "professional_discussion") == 0


def test_a_move_shows_the_assessors_refusals_first_and_changes_nothing(url, capsys):
    main(["users", "add", "boss", "--role", "admin", "--store", url])
    epa(url, "assessors", "add", "Bob")
    epa(url, "assessors", "standards", "Bob", "ST0071")
    book = ["book", ULN, "professional_discussion", *SLOT, "--assessor", "Bob", *BOOK]
    assert epa(url, *book) == 0
    epa(url, "assessors", "conflict", "Bob", "--employer", "Acme Ltd", "--from", "2025-02-12")
    capsys.readouterr()
    move = ["book", "move", "1", "--on", "2025-02-12", "--from", "09:00", "--to", "10:00"]
    shown = []
    for extra in ([], ["--override", "agreed"], ["--override", "agreed", "--yes"]):
        assert epa(url, *move, *BOOK, *extra) == 2
        captured = capsys.readouterr()
        assert "independence" in captured.err and len(captured.err.splitlines()) == 1
        shown.append(captured.out)
    for out in shown[:2]:  # the effect shown, the refusal first
        assert out.splitlines()[2].startswith(
            "  refusal: Bob declared a link to the apprentice's employer Acme Ltd"
        )
    store = Store(url)
    assert [(b.id, b.on, b.status) for b in list_bookings(store)] == [
        (1, date(2025, 2, 11), "booked")
    ]
    store.close()
    assert epa(url, *move[:4], "2025-02-10", *move[5:], *BOOK) == 0  # before the link: free
    assert "nothing changed: add --yes to move it" in capsys.readouterr().out


def test_a_hand_assignment_to_a_conflicted_assessor_is_refused(url, capsys):
    for name in ("Ann", "Bob"):
        epa(url, "assessors", "add", name)
        epa(url, "assessors", "standards", name, "ST0071")
    assert epa(url, "book", ULN, "professional_discussion", *SLOT, "--assessor", "Bob", *BOOK) == 0
    assign = ["assign", ULN, "professional_discussion", "--assessor", "Ann"]
    epa(url, "assessors", "conflict", "Ann", "--provider", "North College", "--to", "2999-12-31")
    capsys.readouterr()
    assert epa(url, *assign) == 2
    assert capsys.readouterr().err.startswith("epa: independence: refused: Ann declared a link")
    store = Store(url)
    assert [a["assessor"] for a in assignments_of(store, "Bob")] == ["Bob"]
    store.close()
    epa(url, "assessors", "conflict", "Ann", "--remove", "1", "--reason", "corrected")
    epa(url, "assessors", "conflict", "Ann", "--provider", "North College", "--to", "2001-01-31")
    assert epa(url, *assign) == 0  # a link that ended long ago
