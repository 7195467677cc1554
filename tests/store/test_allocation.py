"""Allocation in the store, on SQLite and PostgreSQL: a conflicted assessor refused (and never
overridden), days away and unapproved standards refused unless an admin overrides, capacity a
warning; the profiles' versions; and the free assessors for a slot."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import insert

from epa_kernel.core.assessor_profile import Away, Link
from epa_kernel.core.catalogue import get_standard
from epa_kernel.errors import InputError
from epa_kernel.store import assessor_profiles as profiles
from epa_kernel.store import bookings as rows
from epa_kernel.store.allocation import free_assessors
from epa_kernel.store.schema import apprentices
from epa_kernel.store.users import set_user
from helpers import VALID_ULNS, remote_booking

ULN, OTHER = VALID_ULNS[:2]
GATEWAY, TODAY, DAY = date(2025, 1, 6), date(2025, 1, 7), date(2025, 2, 11)
ST0071 = get_standard("ST0071", "1.1")


def seed(store, names=("Ann", "Bob", "Cat")) -> None:
    with store.transaction() as conn:
        for uln in (ULN, OTHER):
            conn.execute(
                insert(apprentices).values(
                    uln=uln,
                    name="X",
                    gateway_date=GATEWAY,
                    provider="North College",
                    employer="Acme Ltd" if uln == ULN else "Beta plc",
                )
            )
    for name in names:
        profiles.add_assessor(store, store.clock, name, by="planner")
        change(store, name, standards=("ST0071",), capacity=2)


def change(store, name, **values):
    def apply(p):
        return p.model_copy(update=values)

    return profiles.change_profile(store, store.clock, name, apply, by="planner", reason="test")


def slot(uln=ULN, on=DAY, at=9, assessor="Ann", method="professional_discussion"):
    return remote_booking(uln, on, at, method=method, assessor=assessor)


def book(store, booking, **kw):
    kw = {"today": TODAY, "by": "planner"} | kw
    return rows.book(store, store.clock, ST0071, booking, **kw)


def test_a_conflicted_assessor_is_refused_even_by_an_admin(store):
    seed(store)
    change(store, "Ann", conflicts=(Link(kind="employer", organisation="acme ltd"),))
    set_user(store, "boss", "admin")
    for override in (None, "we know"):
        with pytest.raises(InputError) as refused:
            book(store, slot(), by="boss", override=override)
        assert refused.value.field == "independence"
        assert "employer acme ltd" in str(refused.value) and "IEPA" in str(refused.value)
    assert "cannot be overridden" in str(refused.value)
    assert rows.list_bookings(store) == []
    made, _ = book(store, slot(uln=OTHER))  # another employer: independent of that apprentice
    assert made.id


def test_away_and_unapproved_refused_unless_an_admin_overrides(store):
    seed(store)
    change(store, "Ann", away=(Away(starts=DAY, ends=DAY, reason="leave"),))
    change(store, "Bob", standards=("ST0072",))
    set_user(store, "boss", "admin")
    for assessor, rule in (("Ann", "assessor.away"), ("Bob", "assessor.standards")):
        with pytest.raises(InputError) as refused:
            book(store, slot(assessor=assessor))
        assert refused.value.field == rule
        made, findings = book(store, slot(assessor=assessor), by="boss", override="agreed")
        assert rule in {f.rule for f in findings}
        rows.cancel(store, store.clock, made.id, reason="test", by="boss")


def test_capacity_is_a_warning_and_profiles_keep_their_versions(store):
    seed(store)
    methods = ("professional_discussion", "work_based_project", "practical_observation")
    findings = [book(store, slot(at=9 + 2 * i, method=m))[1] for i, m in enumerate(methods)]
    warned = ["assessor.capacity" in {f.rule for f in f_} for f_ in findings]
    assert warned == [False, False, True]  # capacity 2: the third is over
    history = profiles.profile_history(store, "Ann")
    assert [(h["version"], h["author"], h["reason"]) for h in history] == [
        (1, "planner", "added"),
        (2, "planner", "test"),
    ]
    assert history[0]["profile"].standards == () and history[1]["profile"].capacity == 2


def names(found):
    return [(s.assessor, s.booked_this_week, bool(s.warnings)) for s in found]


def test_free_assessors_for_a_slot(store):
    seed(store, names=("Ann", "Bob", "Cat", "Dan", "Eve"))
    change(store, "Dan", conflicts=(Link(kind="provider", organisation="North College"),))
    change(store, "Eve", away=(Away(starts=DAY, ends=DAY, reason="leave"),))
    book(store, slot(uln=OTHER, at=9, assessor="Ann"))  # 09:00-10:00 on the day
    book(store, slot(uln=OTHER, at=14, assessor="Bob", method="work_based_project"))
    book(
        store,
        slot(uln=OTHER, on=date(2025, 2, 10), assessor="Bob", method="practical_observation"),
    )
    free = free_assessors(store, "ST0071", DAY, time(10, 30), time(11, 30), uln=ULN)
    # Ann's 10:00 end leaves 30 minutes; Bob has two this week and capacity 2: a warning
    assert names(free) == [("Cat", 0, False), ("Ann", 1, False), ("Bob", 2, True)]
    assert "capacity 2" in free[2].warnings[0]
    with_travel = free_assessors(
        store, "ST0071", DAY, time(10, 30), time(11, 30), uln=ULN, travel_minutes=30
    )
    assert names(with_travel)[1][0] == "Ann"  # exactly 30 minutes: still free
    tighter = free_assessors(
        store, "ST0071", DAY, time(10, 30), time(11, 30), uln=ULN, travel_minutes=31
    )
    assert [s.assessor for s in tighter] == ["Cat", "Bob"]
    overlapping = free_assessors(store, "ST0071:1.1", DAY, time(9, 30), time(10), uln=ULN)
    assert [s.assessor for s in overlapping] == ["Cat", "Bob"]
    assert free_assessors(store, "ST0072", DAY, time(12), time(13), uln=ULN) == []
    with pytest.raises(InputError):
        free_assessors(store, "ST0071", DAY, time(12), time(13), uln=VALID_ULNS[2])


def test_the_preview_of_a_move_finds_what_the_move_would(store):
    from epa_kernel.store.reschedule import preview

    seed(store)
    made, _ = book(store, slot(at=9))
    book(store, slot(uln=OTHER, at=11))
    new = rows.moved(store, made.id, DAY, time(10, 30), time(11, 30))
    found, window = preview(store, ST0071, new, today=TODAY, moving=made.id)
    assert found[0].rule == "double_booking" and "booking 2" in found[0].reason
    assert window.endswith(
        "2025-02-11 is 54 day(s) before it closes (was 2025-02-11: 54 day(s) before it closes)"
    )
    later = rows.moved(store, made.id, DAY, time(12, 30), time(13, 30))
    found, _ = preview(store, ST0071, later, today=TODAY, moving=made.id, travel_minutes=30)
    assert "double_booking" not in {f.rule for f in found}
    found, _ = preview(store, ST0071, later, today=TODAY, moving=made.id, travel_minutes=31)
    assert found[0].rule == "double_booking"
