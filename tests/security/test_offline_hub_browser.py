"""The hub's pages load nothing off this machine: its sign-in and sign-up pages, an error page,
the wait while a user's server starts, and the assessor's app on that server. Every request the
browser makes goes to 127.0.0.1 or localhost (the pages served by `epa serve` are checked in
tests/apps/test_offline_browser.py)."""

from __future__ import annotations

from helpers import HUB_TIMEOUT, hub_password, off_the_machine


def test_the_hubs_pages_and_an_assessors_app_load_nothing_off_the_machine(browser, team_hub):
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(HUB_TIMEOUT)
    outside = off_the_machine(page)

    page.goto(f"{team_hub.url}/hub/signup")
    # the password's show/hide button says so in words: no glyph from a font the page lacks
    eye = page.locator("#eye")
    expect(eye).to_have_text("Show")
    eye.click()
    expect(page.locator("#password_input")).to_have_attribute("type", "text")
    expect(eye).to_have_text("Hide")
    page.goto(f"{team_hub.url}/hub/no-such-page")
    expect(page.locator("body")).to_contain_text("404")

    page.goto(f"{team_hub.url}/hub/login")
    page.fill("#username_input", "morgan")
    page.fill("#password_input", hub_password("morgan"))
    page.click("#login_submit")  # through the spawn-pending page when the server is cold
    page.locator(".epa-signed-in").wait_for()
    page.locator(".epa-assignment select").wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    page.context.close()
    assert outside == []
