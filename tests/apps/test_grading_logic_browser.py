"""The trainer's grading-logic notebook served by Voilà, in a real browser: a click on a
descriptor changes the grade shown, and the overall-grade table marks the new combination."""

from __future__ import annotations

import pytest

from helpers import ROOT, AppServer, free_port, full_page_shot

NOTEBOOK = ROOT / "notebooks" / "grading_logic.ipynb"
TIMEOUT = 90_000  # ms: Voilà executes the whole notebook for the page, on a busy 2-core machine


@pytest.fixture
def trainer_server(tmp_path):
    with open(tmp_path / "voila.log", "ab") as log:  # read it when the test fails
        server = AppServer.voila(NOTEBOOK, free_port(), log)
        yield server
        server.kill()


def test_clicking_a_descriptor_changes_the_grade_in_the_voila_app(browser, trainer_server):
    from playwright.sync_api import expect

    trainer_server.start()
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.set_default_timeout(TIMEOUT)
    page.goto(trainer_server.url, timeout=TIMEOUT)
    grade = page.locator(".epa-outcome-panel .epa-grade")
    current = page.locator(".epa-trainer-overall tr.epa-current")
    # the notebook's parameters: ST0071 v1.0, practical observation, a sample Pass record
    expect(grade).to_have_text("Pass", timeout=TIMEOUT)
    expect(current).to_have_count(1)
    expect(current.locator("td").last).to_have_text("Pass")

    page.locator(".epa-P1").get_by_role("radio", name="Not met", exact=True).click()
    expect(grade).to_have_text("Fail")
    expect(current.locator("td").nth(1)).to_have_text("Fail")
    expect(current.locator("td").last).to_have_text("Fail")

    page.locator(".epa-P1").get_by_role("radio", name="Met", exact=True).click()
    page.locator(".epa-D2").get_by_role("radio", name="Met", exact=True).click()
    expect(grade).to_have_text("Distinction")
    # under the app: the notebook's sections as tables, no printed text table
    expect(page.locator(".epa-trainer-overall")).to_have_count(2)  # the tab's and the section's
    expect(page.locator(".jp-RenderedText")).to_have_count(0)
    assert full_page_shot(page, "grading_logic.png") > 1000  # the document scrolls
    page.close()
