"""Bookings through the store service: the planning team (admin) books, moves, cancels and
confirms in its own name; an assessor reads only their own bookings and changes none; IQA has
no part in planning. Whatever a caller sends, the day the rules count from is the store's, the
author is the signed-in user, and a booking sent cannot overwrite a stored one.
"""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from sqlalchemy import insert

from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_rules import Finding
from epa_kernel.errors import AccessError, InputError
from epa_kernel.service.client import StoreClient
from epa_kernel.service.server import CALLS
from epa_kernel.store import bookings as rows
from epa_kernel.store.booking_access import CALLS as BOOKING_CALLS
from epa_kernel.store.schema import apprentices, assessors
from epa_kernel.store.store import Store
from epa_kernel.store.users import set_user
from helpers import VALID_ULNS, remote_booking, store_service, user_tokens

A, B = "Alex Ash", "Billie Birch"
A_ULN, B_ULN = VALID_ULNS[0], VALID_ULNS[1]
GATEWAY = date(2025, 1, 6)
TODAY = "2025-01-07T09:00:00+00:00"  # the store's clock: the day bookings are made


@pytest.fixture
def planning(store_url):
    """Two apprentices at the gateway, two assessors, and ada (admin), alex and billie
    (assessors), quinn (IQA) signed in through the service (SQLite and PostgreSQL)."""
    store = Store(store_url, clock=lambda: TODAY)
    with store.transaction() as conn:
        for uln, name in ((A_ULN, "Ada Example"), (B_ULN, "Bea Example")):
            conn.execute(insert(apprentices).values(uln=uln, name=name, gateway_date=GATEWAY))
        for name in (A, B):
            conn.execute(insert(assessors).values(name=name))
    set_user(store, "ada", "admin")
    set_user(store, "alex", "assessor", A)
    set_user(store, "billie", "assessor", B)
    set_user(store, "quinn", "iqa")
    with store_service(store, user_tokens("ada", "alex", "billie", "quinn")) as url:
        yield store, url
    store.close()


def slot(method="professional_discussion", on=date(2025, 2, 10), at=9, **kw) -> Booking:
    """Alex's hour at head office with Ada Example, unless ``kw`` says."""
    where = {"mode": "face_to_face", "venue": "Head office, room 2", "link": None}
    uln = kw.pop("uln", A_ULN)
    return remote_booking(uln, on, at, method=method, **({"assessor": A} | where | kw))


def test_the_planning_team_books_previews_moves_cancels_and_confirms_in_its_own_name(planning):
    store, url = planning
    ada = StoreClient(url, "ada-token")
    # a 10 days' notice observation: the preview says why, with its source; booking is refused
    early = slot("practical_observation", on=date(2025, 1, 17))
    findings, window = ada.preview_booking(early)
    assert all(isinstance(f, Finding) for f in findings)
    refusal = next(f for f in findings if f.level == "refusal")
    assert refusal.rule == "observation_notice" and "Two weeks' notice" in refusal.source
    assert "already past on 2025-01-07" in refusal.reason  # counted from the store's day
    assert "window 2025-01-06 to 2025-04-06" in window
    with pytest.raises(InputError, match="refused: .*notice"):
        ada.book(early)
    assert rows.list_bookings(store) == []

    project, _ = ada.book(slot("work_based_project", on=date(2025, 2, 3)))
    discussion, found = ada.book(slot(on=date(2025, 2, 10)))
    assert isinstance(discussion, Booking) and discussion.id and discussion.on == date(2025, 2, 10)
    assert any(f.rule == "portfolio_submission" for f in found)
    observation, _ = ada.book(slot("practical_observation", on=date(2025, 2, 17), at=13))
    # where the EPA stands before any record: the window counted from the gateway
    assert ada.planning_standing(A_ULN).status.window.closes == date(2025, 4, 6)
    assert [b.what for b in ada.bookings(A_ULN)] == [
        "work_based_project",
        "professional_discussion",
        "practical_observation",
    ]
    # the booking made the assessor's assignments
    assert {a["method"] for a in store.assignments_of(A)} == {
        "work_based_project",
        "professional_discussion",
        "practical_observation",
    }

    # a reschedule: what it would be first, then done; the old one cancelled, linked
    shown = ada.moved_booking(observation.id, date(2025, 2, 18), time(10), time(11))
    assert shown.rescheduled_from == observation.id and shown.id is None
    moved, _ = ada.move_booking(observation.id, date(2025, 2, 18), time(10), time(11))
    assert moved.rescheduled_from == observation.id
    assert {b.id: b.status for b in ada.bookings(A_ULN)}[observation.id] == "cancelled"
    assert ada.confirm_booking(moved.id).status == "confirmed"
    gone = ada.cancel_booking(project.id, reason="apprentice ill")
    assert gone.status == "cancelled" and gone.cancel_reason == "apprentice ill"
    history = rows.booking_history(store, moved.id)
    assert [(h["author"], h["reason"], h["at"]) for h in history] == [
        ("ada", f"rescheduled from booking {observation.id}", TODAY),
        ("ada", "confirmed (was booked)", TODAY),
    ]

    # an admin's override books despite the refusal, its reason kept
    late, _ = ada.book(
        slot("practical_observation", on=date(2025, 1, 17), at=15, uln=B_ULN, assessor=B),
        override="the apprentice agreed to short notice",
    )
    assert rows.booking_history(store, late.id)[0]["override"] == (
        "the apprentice agreed to short notice"
    )


def test_an_assessor_reads_only_their_own_bookings_and_changes_none(planning):
    store, url = planning
    ada = StoreClient(url, "ada-token")
    mine, _ = ada.book(slot())
    theirs, _ = ada.book(slot(uln=B_ULN, assessor=B, on=date(2025, 2, 11)))
    alex = StoreClient(url, "alex-token")
    assert [b.id for b in alex.bookings()] == [mine.id]
    assert alex.bookings(B_ULN) == []  # another's apprentice: nothing of theirs
    with pytest.raises(AccessError, match="another assessor's bookings"):
        alex.bookings(assessor=B)
    upcoming = alex.upcoming(date(2025, 1, 7))
    assert [(u["on"], u["starts"], u["name"], u["what"], u["where"]) for u in upcoming] == [
        (
            date(2025, 2, 10),
            time(9),
            "Ada Example",
            "professional_discussion",
            "Head office, room 2",
        )
    ]
    for call in (
        lambda: alex.book(slot(on=date(2025, 2, 12))),
        lambda: alex.preview_booking(slot(on=date(2025, 2, 12))),
        lambda: alex.move_booking(mine.id, date(2025, 2, 12), time(9), time(10)),
        lambda: alex.moved_booking(theirs.id, date(2025, 2, 12), time(9), time(10)),
        lambda: alex.cancel_booking(theirs.id, reason="mine now"),
        lambda: alex.confirm_booking(mine.id),
        lambda: alex.planning_apprentices(),
        lambda: alex.planning_standing(A_ULN),
        lambda: alex.upcoming(date(2025, 1, 7), assessor=B),
    ):
        with pytest.raises(AccessError):
            call()
    assert [b.status for b in rows.list_bookings(store)] == ["booked", "booked"]
    assert len(rows.booking_history(store, theirs.id)) == 1


def test_iqa_has_no_part_in_planning(planning):
    _, url = planning
    quinn = StoreClient(url, "quinn-token")
    for call in (
        lambda: quinn.bookings(),
        lambda: quinn.upcoming(date(2025, 1, 7)),
        lambda: quinn.planning_apprentices(),
        lambda: quinn.planning_standing(A_ULN),
        lambda: quinn.preview_booking(slot()),
        lambda: quinn.book(slot()),
        lambda: quinn.cancel_booking(1, reason="x"),
    ):
        with pytest.raises(AccessError):
            call()


def raw(url: str, name: str, body: dict) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{url}api/call/{name}",
        data=json.dumps(body).encode(),
        headers={"Authorization": "token ada-token"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_forged_booking_arguments_are_refused_and_change_nothing(planning):
    store, url = planning
    ada = StoreClient(url, "ada-token")
    made, _ = ada.book(slot())
    before = rows.booking_history(store, made.id)
    # a booking sent with a stored booking's id (or a reschedule link, or a status) would
    # overwrite or fake history: refused
    for forged in (
        slot(id=made.id, on=date(2025, 3, 3)),
        slot(rescheduled_from=made.id, on=date(2025, 3, 3)),
    ):
        with pytest.raises(AccessError, match="over a stored booking"):
            ada.book(forged)
    with pytest.raises(InputError, match="held or booked"):
        ada.book(slot(on=date(2025, 3, 3), status="confirmed"))
    assert rows.booking_history(store, made.id) == before
    good = {"$": "booking", "data": slot(on=date(2025, 3, 3)).model_dump(mode="json")}
    for bad in (
        {**good["data"], "starts": "25:00:00"},  # a malformed time
        {**good["data"], "uln": "12"},
        {**good["data"], "mode": "remote"},  # remote without a link
        {**good["data"], "today": "2030-01-01"},  # the day is the store's, not the caller's
        {**good["data"], "assessor": ""},
    ):
        status, said = raw(url, "book", {"args": [{"$": "booking", "data": bad}]})
        assert status == 400 and said["error"] == "input", bad
    for args, kwargs in (
        ([good], {"today": {"$": "date", "iso": "2024-01-01"}}),  # not an argument it takes
        ([good], {"by": "someone else"}),
        ([good], {"travel_minutes": -60}),
        ([{"$": "time", "iso": "nonsense"}], {}),
        (["1"], {"reason": "x"}),  # an id as text
    ):
        name = "cancel_booking" if kwargs.get("reason") else "book"
        status, _ = raw(url, name, {"args": args, "kwargs": kwargs})
        assert status == 400, (args, kwargs)
    assert [b.id for b in rows.list_bookings(store)] == [made.id]
    # only the public booking calls are served, none of their helpers
    assert BOOKING_CALLS <= CALLS and not any(n.startswith("_") for n in CALLS)
    for name in ("_book", "_new", "_today", "_id", "_names"):
        assert raw(url, name, {})[0] == 404, name


def profile(store, name: str, **changes) -> None:
    from epa_kernel.store.assessor_profiles import change_profile

    change_profile(
        store,
        store.clock,
        name,
        lambda p: p.model_copy(update=changes),
        by="ada",
        reason="test",
    )


def test_the_free_assessors_for_a_slot_are_the_planning_teams_to_ask(planning):
    store, url = planning
    profile(store, A, standards=("ST0071",), capacity=1)
    profile(store, B, standards=("ST0071:1.1",), capacity=5)
    ada = StoreClient(url, "ada-token")
    ada.book(slot())  # Alex: Monday 10 February, 09:00-10:00
    at_nine = ada.free_assessors(date(2025, 2, 10), time(9), time(10), uln=A_ULN)
    assert [(s.assessor, s.booked_this_week) for s in at_nine] == [(B, 0)]
    later = ada.free_assessors(date(2025, 2, 11), time(9), time(10), uln=A_ULN)
    assert [s.assessor for s in later] == [B, A]  # fewest booked that week first
    assert later[1].capacity == 1 and later[1].warnings  # Alex's week is full: a warning
    alex, quinn = StoreClient(url, "alex-token"), StoreClient(url, "quinn-token")
    for who in (alex, quinn):
        with pytest.raises(AccessError):
            who.free_assessors(date(2025, 2, 11), time(9), time(10), uln=A_ULN)
    for args in (["2025-02-11", "09:00", "10:00"], [{"$": "date", "iso": "2025-02-11"}, 9, 10]):
        status, _ = raw(url, "free_assessors", {"args": args, "kwargs": {"uln": A_ULN}})
        assert status == 400, args
    with pytest.raises(InputError, match="no standard"):
        ada.free_assessors(date(2025, 2, 11), time(9), time(10), uln=B_ULN)


def test_the_planning_week_shows_the_assessors_days_away_to_admins_only(planning):
    from epa_kernel.core.assessor_profile import Away

    store, url = planning
    leave = Away(starts=date(2025, 2, 11), ends=date(2025, 2, 12), reason="annual leave")
    profile(store, A, away=(leave,))
    profile(store, B)  # a profile with no days away
    ada = StoreClient(url, "ada-token")
    week = ada.days_away(date(2025, 2, 10))  # Monday 10 to Sunday 16 February
    assert week == {A: [date(2025, 2, 11), date(2025, 2, 12)]}
    assert ada.days_away(date(2025, 2, 12), 1) == {A: [date(2025, 2, 12)]}
    assert ada.days_away(date(2025, 2, 13)) == {}  # the day after: nothing away
    for who in ("alex", "quinn"):
        with pytest.raises(AccessError):
            StoreClient(url, f"{who}-token").days_away(date(2025, 2, 10))
    with pytest.raises(InputError, match="1 to 31 days"):
        ada.days_away(date(2025, 2, 10), 400)
