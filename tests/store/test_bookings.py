"""Bookings in the store: versions with who, when and why; the attempt's assignment; no
assessor double-booked, even by 20 bookings at once; refusals overridden only by an admin."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from sqlalchemy import insert, select

from epa_kernel.core.catalogue import get_standard
from epa_kernel.errors import AccessError, InputError
from epa_kernel.store import bookings as rows
from epa_kernel.store.people import assignments_of
from epa_kernel.store.schema import apprentices, assessors
from epa_kernel.store.users import set_user
from helpers import VALID_ULNS, remote_booking

GATEWAY = date(2025, 1, 6)
TODAY = date(2025, 1, 7)
ST0071 = get_standard("ST0071", "1.1")


def seed(store, ulns=VALID_ULNS[:2], names=("Ann", "Bob")) -> None:
    with store.transaction() as conn:
        for uln in ulns:
            conn.execute(insert(apprentices).values(uln=uln, name="X", gateway_date=GATEWAY))
        for name in names:
            conn.execute(insert(assessors).values(name=name))


def slot(uln=VALID_ULNS[0], method="professional_discussion", on=date(2025, 2, 10), at=9, **kw):
    return remote_booking(uln, on, at, method=method, **kw)


def book(store, booking, **kw):
    kw = {"today": TODAY, "by": "planner"} | kw
    return rows.book(store, store.clock, ST0071, booking, **kw)


def test_booking_is_versioned_and_assigns_the_attempt(store):
    seed(store)
    made, findings = book(store, slot())
    assert made.id and any(f.rule == "portfolio_submission" for f in findings)
    assert [(a["uln"], a["method"], a["attempt"]) for a in assignments_of(store, "Ann")] == [
        (VALID_ULNS[0], "professional_discussion", "first")
    ]
    rows.cancel(store, store.clock, made.id, reason="apprentice ill", by="planner")
    history = rows.booking_history(store, made.id)
    assert [(h["version"], h["author"], h["reason"]) for h in history] == [
        (1, "planner", "booked"),
        (2, "planner", "cancelled: apprentice ill"),
    ]
    assert history[1]["booking"].cancel_reason == "apprentice ill"
    assert rows.list_bookings(store, VALID_ULNS[0])[0].status == "cancelled"


def test_move_cancels_the_old_and_links_the_new(store):
    seed(store)
    made, _ = book(store, slot())
    new = rows.moved(store, made.id, date(2025, 2, 12), time(10), time(11))
    moved, _ = book(store, new, moving=made.id)
    assert moved.rescheduled_from == made.id
    old = rows.booking_history(store, made.id)[-1]
    assert (
        old["booking"].status == "cancelled"
        and old["reason"] == f"rescheduled to booking {moved.id}"
    )
    assert [b.status for b in rows.list_bookings(store, VALID_ULNS[0])] == ["cancelled", "booked"]


def test_overlap_and_travel_margin_are_refused(store):
    seed(store)
    book(store, slot())
    with pytest.raises(InputError, match="already booked then"):
        book(store, slot(VALID_ULNS[1], at=9))
    with pytest.raises(InputError, match="30 minutes' travel"):
        book(store, slot(VALID_ULNS[1], at=10), travel_minutes=30)
    made, _ = book(store, slot(VALID_ULNS[1], at=10))  # back to back without a margin
    assert made.id and len(rows.list_bookings(store)) == 2


def test_unknown_people_and_refusals_change_nothing(store):
    seed(store)
    with pytest.raises(InputError, match="no such assessor"):
        book(store, slot(assessor="Zed"))
    with pytest.raises(InputError, match="no apprentice"):
        book(store, slot(uln=VALID_ULNS[2]))
    late = slot(on=date(2025, 4, 7))  # the window closed on 2025-04-06
    with pytest.raises(InputError, match="outside the window"):
        book(store, late)
    assert rows.list_bookings(store) == [] and assignments_of(store, "Ann") == []


def test_only_an_admin_overrides_a_refusal_and_the_reason_is_kept(store):
    seed(store)
    set_user(store, "clerk", "iqa")
    set_user(store, "boss", "admin")
    late = slot(on=date(2025, 4, 7))
    with pytest.raises(AccessError):
        book(store, late, by="clerk", override="agreed")
    made, findings = book(store, late, by="boss", override="exceptional circumstances agreed")
    assert findings[0].level == "refusal"
    version = rows.booking_history(store, made.id)[0]
    assert version["override"] == "exceptional circumstances agreed"
    assert version["findings"][0]["level"] == "refusal"


def test_twenty_concurrent_bookings_never_double_book(store):
    ulns = [f"{n:09d}0" for n in range(1, 21)]  # valid-looking rows: the store checks no digit
    seed(store, ulns=ulns)
    same, errors = [], []

    def one(i: int, out: list, at: int) -> None:
        try:
            out.append(book(store, slot(ulns[i], at=at, assessor="Ann")))
        except InputError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=one, args=(i, same, 9)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(same) == 1 and len(errors) == 19
    assert all("already booked then" in e for e in errors)
    with store.connection() as conn:
        count = conn.execute(select(rows.bookings.c.id)).all()
    assert len(count) == 1


def test_twenty_concurrent_bookings_in_free_slots_lose_nothing(store):
    ulns = [f"{n:09d}0" for n in range(1, 21)]
    seed(store, ulns=ulns)
    made, errors = [], []

    def one(i: int) -> None:
        day = date(2025, 2, 3 + i // 8)
        try:
            made.append(book(store, slot(ulns[i], on=day, at=8 + i % 8, assessor="Bob")))
        except Exception as exc:  # noqa: BLE001 - any failure is the test's finding
            errors.append(repr(exc))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(made) == 20
    assert len(rows.list_bookings(store, assessor="Bob")) == 20


def test_a_withdrawal_cancels_the_bookings_from_its_day_and_blocks_new_ones(store):
    seed(store)
    before, _ = book(store, slot(on=date(2025, 2, 10)))
    after, _ = book(store, slot(method="work_based_project", on=date(2025, 2, 20), at=13))
    store.withdraw(VALID_ULNS[0], on=date(2025, 2, 12), reason="left the employer", by="admin")
    status = {b.id: (b.status, b.cancel_reason) for b in rows.list_bookings(store, VALID_ULNS[0])}
    assert status[before.id] == ("booked", None)  # the day before the withdrawal stands
    assert status[after.id] == ("cancelled", "the apprentice withdrew from the EPA on 2025-02-12")
    assert rows.booking_history(store, after.id)[-1]["author"] == "admin"
    with pytest.raises(InputError, match="withdrew from the EPA on 2025-02-12"):
        book(store, slot(method="work_based_project", on=date(2025, 2, 24), at=13))
    assert len(rows.list_bookings(store, VALID_ULNS[0])) == 2  # nothing written
    store.reinstate(VALID_ULNS[0], on=date(2025, 2, 14), reason="back", by="admin")
    again, _ = book(store, slot(method="work_based_project", on=date(2025, 2, 24), at=13))
    assert again.status == "booked"


@pytest.mark.parametrize(("told", "refused"), [(date(2025, 3, 17), False), (None, True)])
def test_a_resit_window_counts_from_the_recorded_fail_notification(store, told, refused):
    """003: a resit "within three months of the fail notification": the date is read from the
    failed attempt's record; with none recorded, the window counts from the assessment."""
    from sqlalchemy import update

    from helpers import make_record

    failed = make_record(
        "ST0071", "1.1", "work_based_project", assessed_on="2025-03-03", result_notified_on=told
    )
    store.assign(failed)
    store.submit(store.put(failed, author="A. Assessor"), author="A. Assessor")
    with store.transaction() as conn:
        conn.execute(update(apprentices).values(gateway_date=GATEWAY))
    who = {"method": "work_based_project", "assessor": "A. Assessor"}
    book(store, slot(on=date(2025, 3, 3), **who))  # the failed attempt, as booked
    resit = slot(on=date(2025, 6, 10), attempt="resit", **who)
    if refused:  # 2025-06-10 is after 2025-06-03, three months from the assessment
        with pytest.raises(InputError, match="attempts.window"):
            book(store, resit)
    else:  # three months from the notification: to 2025-06-17
        made, findings = book(store, resit)
        assert made.id and not any(f.rule == "attempts.window" for f in findings)
