"""The planning app in a real browser (`epa serve --app planning`, Voilà, Debian's chromium).

What the EPAO's planning team relies on: an ST0071 apprentice's three assessments booked from
the page, each checked by the standard's rules as the form is filled; an observation with ten
days' notice refused on the page with the reason and its source (003 2.5: two weeks' notice,
counted back from the observation's day to the day it is booked) and nothing written; a
reschedule whose effect on the window shows before it is done; the free assessors for a slot,
one click to choose; the week view with each booking
in its assessor's row; and the assessor's app listing what is booked for them.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from epa_kernel.store import bookings as rows
from epa_kernel.store.assessor_profiles import change_profile
from epa_kernel.store.store import Store
from helpers import VALID_ULNS, AppServer, box, free_port, full_page_shot, make_record

ULN = VALID_ULNS[0]
ASSESSOR, OTHER = "Morgan Hale", "Sam Reed"
TIMEOUT = 60_000  # ms: a cold kernel on a busy 2-core machine
TODAY = date.today()  # the app and the store count from the real day: the dates follow it
pytestmark = pytest.mark.usefixtures("patient_expect")
MONDAY = TODAY - timedelta(days=TODAY.weekday()) + timedelta(days=21)  # >= 15 days ahead


def seed(store_url: str) -> None:
    """An ST0071 v1.1 apprentice a week past the gateway, and two assessors."""
    store = Store(store_url)
    for uln, assessor in ((ULN, ASSESSOR), (VALID_ULNS[1], OTHER)):
        record = make_record("ST0071", "1.1", uln=uln, assessor=assessor, judgements={})
        apprentice = record.apprentice.model_copy(
            update={"gateway_date": TODAY - timedelta(days=7)}
        )
        store.assign(record.model_copy(update={"apprentice": apprentice}))
        approve = lambda p: p.model_copy(update={"standards": ("ST0071",), "capacity": 5})  # noqa: E731
        change_profile(store, store.clock, assessor, approve, by="ada", reason="approved")
    store.close()


@pytest.fixture
def servers(tmp_path):
    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    seed(url)
    with open(tmp_path / "serve.log", "ab") as log:
        made = {
            app: AppServer.epa_serve(url, free_port(), log, app=app)
            for app in ("planning", "assessor")
        }
        yield url, made
        for server in made.values():
            server.kill()


def fill(page, method: str, on: date, starts: str, ends: str, assessor: str = ASSESSOR):
    page.locator(".epa-plan-method select").select_option(label=method)
    page.locator(".epa-plan-day input").fill(on.isoformat())
    page.locator(".epa-plan-from input").fill(starts)
    page.locator(".epa-plan-to input").fill(ends)
    page.locator(".epa-plan-where input").fill("Head office, room 2")
    page.locator(".epa-plan-assessor select").select_option(label=assessor)


def book(page, expect, method: str, on: date, starts: str, ends: str) -> None:
    fill(page, method, on, starts, ends)
    expect(page.locator(".epa-plan-findings")).to_contain_text(f"on {on}")
    expect(page.locator(".epa-plan-findings")).not_to_contain_text("REFUSAL")
    page.locator(".epa-plan-book").click()
    expect(page.locator(".epa-plan-status")).to_contain_text("Booked: booking")


def test_the_planning_team_books_an_epa_sees_a_refusal_and_reschedules(browser, servers):
    from playwright.sync_api import expect

    url, server = servers
    server["planning"].start()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT)
    page.goto(server["planning"].url, timeout=TIMEOUT)
    choice = page.locator(".epa-plan-apprentice select")
    choice.wait_for()
    choice.select_option(label=f"Ada Example ({ULN}) — ST0071")
    expect(page.locator(".epa-plan-standing")).to_contain_text("assessment window open")

    # an observation with ten days' notice: refused on the page, with the reason and source
    fill(page, "Practical observation", TODAY + timedelta(days=10), "13:00", "14:00")
    findings = page.locator(".epa-plan-findings")
    expect(findings).to_contain_text("REFUSAL: Notice of the practical observation")
    expect(findings).to_contain_text("003 2.5: 'Two weeks' notice of the practical observation")
    page.locator(".epa-plan-book").click()
    expect(page.locator(".epa-plan-status")).to_contain_text("Not booked: a rule refuses it")
    assert rows.list_bookings(Store(url)) == []
    assert full_page_shot(page, "planning_refusal.png") > 1000

    # the free assessors for the slot: a click puts one in the form
    fill(page, "Work-based project", MONDAY, "09:00", "10:00", OTHER)
    free = page.locator(".epa-plan-free")
    expect(free.locator("button")).to_have_count(2)
    expect(free).to_contain_text(f"{ASSESSOR} (0 booked this week of 5)")
    free.locator("button", has_text=ASSESSOR).click()
    expect(page.locator(".epa-plan-findings")).not_to_contain_text("REFUSAL")
    page.locator(".epa-plan-book").click()
    expect(page.locator(".epa-plan-status")).to_contain_text(f"with {ASSESSOR}")
    expect(free.locator("button")).to_have_count(1)  # booked then: no longer free
    expect(free).to_contain_text(OTHER)
    book(page, expect, "Professional discussion", MONDAY + timedelta(days=1), "09:00", "10:00")
    book(page, expect, "Practical observation", MONDAY + timedelta(days=2), "13:00", "14:00")
    week = page.locator(".epa-plan-week")
    expect(page.locator(".epa-plan-week-label")).to_contain_text(f"Week of {MONDAY:%d %B %Y}")
    row = week.locator("tr", has_text=ASSESSOR)
    expect(row.locator(".epa-slot")).to_have_count(3)
    expect(row).to_contain_text("13:00–14:00 Practical observation")
    expect(week.locator("tr", has_text=OTHER).locator(".epa-slot")).to_have_count(0)
    expect(page.locator(".epa-plan-booked")).to_contain_text("Due before the assessments")

    # reschedule the observation: the effect on the window first, then done
    manage = page.locator(".epa-plan-manage-booking select")
    manage.select_option(
        label=manage.locator("option", has_text="Practical observation").inner_text()
    )
    effect = page.locator(".epa-plan-effect")
    expect(effect).to_contain_text("As booked now: window")
    moved_to = MONDAY + timedelta(days=3)
    page.locator(".epa-plan-move-day input").fill(moved_to.isoformat())
    expect(effect).to_contain_text(f"If moved to {moved_to} 13:00")
    expect(effect).to_contain_text("day(s) before it closes")
    expect(effect).to_contain_text("If cancelled: its window (3 months from the gateway) closes")
    assert full_page_shot(page, "planning_reschedule_effect.png") > 1000
    page.locator(".epa-plan-reschedule").click()
    expect(page.locator(".epa-plan-manage-status")).to_contain_text("Rescheduled: booking 4")
    expect(row).to_contain_text("Practical observation")
    thursday = row.locator("td").nth(3)  # Mon, Tue, Wed, Thu (the assessor is a th)
    expect(thursday).to_contain_text("13:00–14:00 Practical observation")
    expect(page.locator(".epa-plan-booked")).to_contain_text("rescheduled to booking 4")
    assert full_page_shot(page, "planning_booked.png") > 1000
    page.close()

    store = Store(url)
    found = {(b.what, b.on, b.status) for b in rows.list_bookings(store, ULN)}
    store.close()
    assert found == {
        ("work_based_project", MONDAY, "booked"),
        ("professional_discussion", MONDAY + timedelta(days=1), "booked"),
        ("practical_observation", MONDAY + timedelta(days=2), "cancelled"),
        ("practical_observation", moved_to, "booked"),
    }

    # the assessor's app lists what is booked for them, the rescheduled day, nothing of others
    server["assessor"].start()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT)
    page.goto(server["assessor"].url, timeout=TIMEOUT)
    page.locator(".epa-assessor select").select_option(label=ASSESSOR)
    upcoming = page.locator(".epa-upcoming-panel")
    expect(upcoming).to_contain_text("Your upcoming assessments")
    listed = upcoming.locator("tr")
    expect(listed).to_have_count(4)  # the heading and three assessments, by day
    expect(listed.nth(1)).to_contain_text(f"{MONDAY:%a %d %b %Y}")
    expect(listed.nth(1)).to_contain_text(f"Ada Example ({ULN})")
    expect(listed.nth(1)).to_contain_text("Work-based project")
    expect(listed.nth(3)).to_contain_text(f"{moved_to:%a %d %b %Y}")
    expect(listed.nth(3)).to_contain_text("13:00–14:00")
    expect(listed.nth(3)).to_contain_text("Head office, room 2")
    expect(upcoming).not_to_contain_text(f"{MONDAY + timedelta(days=2):%a %d %b %Y}")
    assert box(page, ".epa-upcoming-panel")["y"] < box(page, ".epa-assignment")["y"]
    assert full_page_shot(page, "assessor_upcoming.png") > 500
    page.locator(".epa-assessor select").select_option(label=OTHER)
    expect(upcoming).to_contain_text("No assessments booked")
    page.close()
