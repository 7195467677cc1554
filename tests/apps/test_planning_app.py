"""The planning app's widgets, in process: what the planning team sees before and after booking.

The findings show as the form changes, with their sources; a refused booking is not written
unless overridden; the week view puts each booking in its assessor's row and day; a reschedule
shows its effect on the window before it is done. The browser test drives the served page.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from epa_kernel.apps.planning_app import PlanningApp
from epa_kernel.apps.planning_view import clock
from epa_kernel.errors import InputError
from epa_kernel.store import bookings as rows
from epa_kernel.store.access import Access
from epa_kernel.store.schema import apprentices, assessors
from epa_kernel.store.store import Store
from epa_kernel.store.users import set_user
from helpers import VALID_ULNS, make_record

ULN = VALID_ULNS[0]
TODAY = date(2025, 1, 7)  # a Tuesday


@pytest.fixture
def app(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'epa.sqlite'}", clock=lambda: f"{TODAY}T09:00:00+00:00")
    with store.transaction() as conn:
        conn.execute(insert(apprentices).values(uln=ULN, name="Ada Example", gateway_date=TODAY))
        conn.execute(insert(assessors).values(name="Bea Booth"))
    store.assign(make_record("ST0071", "1.1", uln=ULN, assessor="Alex Ash", judgements={}))
    set_user(store, "ada", "admin")
    made = PlanningApp(Access(store, "ada"), today=TODAY)
    yield made, store
    store.close()


def fill(app: PlanningApp, method: str, on: date, starts="09:00", ends="10:00") -> None:
    app.apprentice.value = ULN
    app.method.value = method
    app.day.value = on
    app.starts.value, app.ends.value = starts, ends
    app.mode.value = "face_to_face"
    app.where.value = "Head office"
    app.assessor.value = "Alex Ash"


def test_findings_show_live_and_a_refusal_is_not_booked_unless_overridden(app):
    app, store = app
    assert "Choose an apprentice" in app.findings.value and app.book_button.disabled
    fill(app, "practical_observation", date(2025, 1, 17))  # ten days' notice
    assert "REFUSAL: Notice of the practical observation" in app.findings.value
    assert "Two weeks&#x27; notice of the practical observation" in app.findings.value
    app.book()
    assert "a rule refuses it" in app.status.value and rows.list_bookings(store) == []
    app.starts.value = "9.30"  # malformed: said on the page, naming the field
    assert "HH:MM" in app.findings.value and "From" in app.findings.value
    app.starts.value = "09:00"
    app.day.value = date(2025, 1, 21)  # two weeks' notice: booked
    assert "REFUSAL" not in app.findings.value
    app.book()
    assert "Booked: booking 1" in app.status.value
    assert "EPA status on 2025-01-07" in app.standing.value  # the window and deadlines beside
    assert "assessment window" in app.standing.value and "2025-04-07" in app.standing.value
    assert "Notice of the practical observation given to the apprentice: by 2025-01-07" in (
        app.booked.value
    )
    assert "Alex Ash" in app.grid.value and "Ada Example" in app.grid.value
    assert "Week of 20 January 2025" in app.week_label.value
    app.prev.click()
    assert "Week of 13 January 2025" in app.week_label.value
    assert "Practical observation" not in app.grid.value


def test_an_admin_books_despite_a_refusal_only_with_a_reason_kept(app):
    app, store = app
    fill(app, "practical_observation", date(2025, 1, 17))  # ten days' notice
    app.override.value = "   "
    app.book()
    assert "a rule refuses it" in app.status.value and rows.list_bookings(store) == []
    app.override.value = "the employer and apprentice agreed to the short notice"
    app.book()
    assert "Booked: booking 1" in app.status.value and app.override.value == ""
    (first,) = rows.booking_history(store, 1)
    assert first["author"] == "ada"
    assert first["override"] == "the employer and apprentice agreed to the short notice"
    assert any(f["rule"] == "observation_notice" for f in first["findings"])


def test_a_reschedule_shows_its_effect_first_and_cancel_needs_a_reason(app):
    app, store = app
    fill(app, "professional_discussion", date(2025, 2, 3))
    app.book()
    manage = app.manage
    manage.choice.value = 1
    assert "As booked now: window 2025-01-07 to 2025-04-07" in manage.effect.value
    assert manage.move_button.disabled  # nothing to move yet
    manage.day.value = date(2025, 4, 8)  # after the window closes: the effect says so
    assert "If moved to 2025-04-08" in manage.effect.value and "REFUSAL" in manage.effect.value
    manage.move()
    assert "Not moved" in manage.status.value and rows.list_bookings(store)[0].live
    manage.day.value = date(2025, 2, 5)
    assert "REFUSAL" not in manage.effect.value and not manage.move_button.disabled
    manage.move()
    assert "booking 2 replaces 1" in manage.status.value
    assert [b.status for b in rows.list_bookings(store)] == ["cancelled", "booked"]
    manage.choice.value = 2
    manage.cancel()
    assert "Give the reason" in manage.status.value
    manage.reason.value = "employer closed that week"
    manage.cancel()
    assert rows.list_bookings(store)[-1].cancel_reason == "employer closed that week"
    assert manage.choice.options == ()


def test_a_time_is_read_as_hh_mm_only():
    assert clock(" 09:30 ", "From").isoformat() == "09:30:00"
    for bad in ("9:30", "24:00", "09:60", "0930", "nine"):
        with pytest.raises(InputError, match="HH:MM"):
            clock(bad, "From")


def test_the_free_assessors_are_listed_for_the_slot_and_a_click_fills_the_form(app):
    from epa_kernel.store.assessor_profiles import change_profile

    app, store = app
    for name in ("Alex Ash", "Bea Booth"):
        approve = lambda p: p.model_copy(update={"standards": ("ST0071",)})  # noqa: E731
        change_profile(store, store.clock, name, approve, by="ada", reason="approved")
    assert "choose the day and times" in app.free.head.value
    fill(app, "professional_discussion", date(2025, 2, 3))
    app.assessor.value = None
    listed = [b.description for b in app.free.list.children]
    assert listed == ["Alex Ash (0 booked this week)", "Bea Booth (0 booked this week)"]
    app.free.list.children[1].click()
    assert app.assessor.value == "Bea Booth" and "REFUSAL" not in app.findings.value
    app.book()
    # Bea is booked then: only Alex is free for the same slot now
    assert [b.description for b in app.free.list.children] == ["Alex Ash (0 booked this week)"]
    app.starts.value = "9"  # not a time: nothing asked
    assert "choose the day and times" in app.free.head.value


def test_the_week_marks_bank_holidays_and_today():
    from datetime import date

    from epa_kernel.apps.planning_view import week_html

    html = week_html(date(2026, 12, 21), ["Ann"], [], {}, today=date(2026, 12, 22))
    assert "Fri 25 Dec<br><small>bank holiday</small>" in html  # Christmas Day (England)
    assert "Thu 24 Dec</th>" in html  # an ordinary day
    assert html.count("class='epa-holiday'") == 1 and html.count("class='epa-today'") == 1


def test_the_week_greys_out_an_assessors_days_away():
    from datetime import date

    from epa_kernel.apps.planning_view import week_html

    away = {"Ann": [date(2026, 12, 22)]}
    html = week_html(date(2026, 12, 21), ["Ann", "Bob"], [], {}, away=away)
    ann, bob = html.split("<th>Ann</th>")[1].split("<th>Bob</th>")
    assert ann.count("<small>away</small>") == 1 and "away" not in bob
    assert ann.count("class='epa-holiday'") == 2  # the day away and Christmas Day
