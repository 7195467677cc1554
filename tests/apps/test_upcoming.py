"""The assessor's upcoming assessments at the top of their app: their own live bookings from
today, with date, time, apprentice, method and where; nothing of another assessor's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from epa_kernel.apps.assessor_app import AssessorApp
from epa_kernel.apps.upcoming import upcoming_html
from epa_kernel.core.catalogue import get_standard
from epa_kernel.store import bookings as rows
from epa_kernel.store.access import Access
from epa_kernel.store.schema import apprentices, assessors
from epa_kernel.store.store import Store
from epa_kernel.store.users import set_user
from helpers import VALID_ULNS, remote_booking

TODAY = date(2025, 1, 7)
FEB_10 = date(2025, 2, 10)
ST0071 = get_standard("ST0071", "1.1")


def planned(tmp_path) -> Store:
    """Ann has a discussion with Ada on 10 February and a cancelled one; Bob one with Bea."""
    store = Store(f"sqlite:///{tmp_path / 'epa.sqlite'}")
    with store.transaction() as conn:
        for uln, name in zip(VALID_ULNS[:2], ("Ada Example", "Bea <b>Example</b>"), strict=True):
            conn.execute(insert(apprentices).values(uln=uln, name=name, gateway_date=TODAY))
        for name in ("Ann", "Bob"):
            conn.execute(insert(assessors).values(name=name))
    book = dict(today=TODAY, by="planner")
    rows.book(store, store.clock, ST0071, remote_booking(VALID_ULNS[0], FEB_10), **book)
    project = remote_booking(VALID_ULNS[0], FEB_10, 13, method="work_based_project")
    gone, _ = rows.book(store, store.clock, ST0071, project, **book)
    rows.cancel(store, store.clock, gone.id, reason="ill", by="planner")
    where = {"mode": "face_to_face", "link": None, "venue": "Depot <3>"}
    other = remote_booking(VALID_ULNS[1], FEB_10, assessor="Bob", **where)
    rows.book(store, store.clock, ST0071, other, **book)
    set_user(store, "ann", "assessor", "Ann")
    return store


def test_an_assessor_sees_their_own_upcoming_assessments_only(tmp_path):
    store = planned(tmp_path)
    shown = upcoming_html(Access(store, "ann"), "Ann", TODAY)
    assert "Mon 10 Feb 2025" in shown and "09:00–10:00" in shown
    assert f"Ada Example ({VALID_ULNS[0]})" in shown and "Professional discussion" in shown
    assert "remote: https://meet.example/x" in shown
    assert "Work-based project" not in shown  # cancelled
    assert "Bea" not in shown and "Depot" not in shown and VALID_ULNS[1] not in shown
    # on a hub another assessor's name asked for is refused, never shown
    assert "may not see another assessor" in upcoming_html(Access(store, "ann"), "Bob", TODAY)
    # after the day, nothing is upcoming
    assert "No assessments booked from 2025-02-11" in upcoming_html(
        Access(store, "ann"), "Ann", date(2025, 2, 11)
    )
    # a laptop's store: the assessor chosen; names escaped
    bob = upcoming_html(store, "Bob", TODAY)
    assert "Bea &lt;b&gt;Example&lt;/b&gt;" in bob and "Depot &lt;3&gt;" in bob
    assert "Ada" not in bob


def test_the_list_is_at_the_top_of_the_assessor_app(tmp_path):
    store = planned(tmp_path)
    app = AssessorApp(Access(store, "ann"), "Ann", banner="<p>signed in</p>")
    assert app.widget.children[1] is app.upcoming
    # its bookings are in 2025: from today's date on, none (the browser test books ahead)
    assert f"No assessments booked from {date.today()}" in app.upcoming.value
