"""The planning app behind real sign-in (`epa hub`, the store service, Voilà) in Chromium.

What an EPAO relies on: only an admin plans (an assessor or IQA opening the planning page is
refused and sees nothing of it); the admin books through the store service in their own name,
the rules' refusal shown on the page as on a laptop; and the assessor then finds the booking at
the top of their own app, through their own Access.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from epa_kernel.store import bookings as rows
from epa_kernel.store.store import Store
from epa_kernel.store.users import set_user
from helpers import VALID_ULNS, hub_accounts, hub_sign_in, make_record

ULN = VALID_ULNS[0]
A = "Alex Ash"
USERS = {"ada": "admin", "alex": "assessor", "quinn": "iqa"}
APP = "voila/render/assessor_app.ipynb"
PLAN = "voila/render/planning_app.ipynb"
TODAY = date.today()
WEDNESDAY = TODAY - timedelta(days=TODAY.weekday()) + timedelta(days=23)  # >= 17 days ahead

pytestmark = pytest.mark.usefixtures("patient_expect")


@pytest.fixture(scope="module")
def hub(hub_server):
    """An ST0071 apprentice a week past the gateway, assigned to Alex; Ada admin, Quinn IQA."""
    store = Store(hub_server.store_url)
    record = make_record("ST0071", "1.1", uln=ULN, assessor=A, judgements={})
    apprentice = record.apprentice.model_copy(update={"gateway_date": TODAY - timedelta(days=7)})
    store.assign(record.model_copy(update={"apprentice": apprentice}))
    for name, role in USERS.items():
        set_user(store, name, role, A if name == "alex" else None)
    store.close()
    hub_server.start()
    return hub_server


def signed_in(browser, hub, name: str):
    page = hub_sign_in(browser, hub, name)
    page.wait_for_url(f"**/user/{name}/{APP}")
    return page


def test_only_an_admin_plans_on_the_hub_and_the_assessor_sees_the_booking(hub, browser):
    from playwright.sync_api import expect

    hub_accounts(browser, hub, USERS)
    for name in ("alex", "quinn"):
        page = signed_in(browser, hub, name)
        page.goto(f"{hub.url}/user/{name}/{PLAN}")
        expect(page.locator(".epa-refused")).to_contain_text(f"not for the {USERS[name]} role")
        assert page.locator(".epa-plan-apprentice").count() == 0
        assert ULN not in page.content()
        page.context.close()

    page = signed_in(browser, hub, "ada")
    page.goto(f"{hub.url}/user/ada/{PLAN}")
    expect(page.locator(".epa-signed-in")).to_contain_text("ada (admin)")
    expect(page.locator(".epa-plan-planner")).to_be_hidden()  # the author is who signed in
    choice = page.locator(".epa-plan-apprentice select")
    choice.select_option(label=f"Ada Example ({ULN}) — ST0071")
    expect(page.locator(".epa-plan-standing")).to_contain_text("assessment window open")
    page.locator(".epa-plan-method select").select_option(label="Practical observation")
    page.locator(".epa-plan-day input").fill((TODAY + timedelta(days=10)).isoformat())
    page.locator(".epa-plan-from input").fill("13:00")
    page.locator(".epa-plan-to input").fill("14:00")
    page.locator(".epa-plan-where input").fill("Head office")
    page.locator(".epa-plan-assessor select").select_option(label=A)
    expect(page.locator(".epa-plan-findings")).to_contain_text("REFUSAL: Notice of the practical")
    page.locator(".epa-plan-day input").fill(WEDNESDAY.isoformat())
    expect(page.locator(".epa-plan-findings")).not_to_contain_text("REFUSAL")
    page.locator(".epa-plan-book").click()
    expect(page.locator(".epa-plan-status")).to_contain_text("Booked: booking 1")
    expect(page.locator(".epa-plan-week tr", has_text=A)).to_contain_text("13:00–14:00")
    page.context.close()

    store = Store(hub.store_url)
    (first,) = rows.booking_history(store, 1)
    store.close()
    assert (first["author"], first["booking"].on) == ("ada", WEDNESDAY)

    page = signed_in(browser, hub, "alex")
    upcoming = page.locator(".epa-upcoming-panel")
    expect(upcoming).to_contain_text(f"{WEDNESDAY:%a %d %b %Y}")
    expect(upcoming).to_contain_text("13:00–14:00")
    expect(upcoming).to_contain_text("Practical observation")
    page.context.close()
