"""The IQA review app in a real browser: a reviewer records a moderation decision."""

from __future__ import annotations

from epa_kernel.core.catalogue import get_standard
from epa_kernel.store.store import Store
from helpers import AppServer, free_port, full_page_shot, judgements_for, make_record

TIMEOUT = 60_000


def test_a_reviewer_records_a_moderation_in_the_voila_app(browser, tmp_path):
    from playwright.sync_api import expect

    store_url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(store_url)
    j = judgements_for(get_standard("ST0072"), "professional_discussion", distinctions=3)
    record = make_record(method="professional_discussion", judgements=j)
    stored = store.submit(store.put(record, author="Sam"), author="Sam")
    store.close()

    with open(tmp_path / "serve.log", "ab") as log:
        server = AppServer.epa_serve(store_url, free_port(), log, app="iqa_review")
        try:
            server.start()
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT)
            page.goto(server.url)
            page.locator(".epa-reviewer input").fill("Iris Reviewer")
            choice = page.locator(".epa-decision select")
            choice.select_option(
                label=choice.locator(
                    "option", has_text="professional_discussion"
                ).first.inner_text()
            )
            expect(page.locator(".epa-standing-panel")).to_contain_text("appeals: none open")
            page.locator(".epa-P3").get_by_role("radio", name="Disagree", exact=True).click()
            page.locator(".epa-save-moderation").click()
            expect(page.locator(".epa-status")).to_contain_text("a disagreement needs a rationale")
            page.locator(".epa-P3 .epa-note").fill("The example given was from a colleague's case.")
            page.locator(".epa-moderation-rationale textarea").fill("Referred back for P3.")
            page.locator(".epa-moderation-outcome select").select_option(
                label="Referred back to the assessor"
            )
            page.locator(".epa-save-moderation").click()
            expect(page.locator(".epa-status")).to_contain_text("Moderation saved")
            height = page.viewport_size["height"]
            assert full_page_shot(page, "iqa_review.png") > height  # the document scrolls
            page.close()
        finally:
            server.kill()

    store = Store(store_url)
    ((version, moderation),) = store.moderations(stored.id)
    assert version.author == "Iris Reviewer" and moderation.outcome == "referred_back"
    assert moderation.disagreements == ["P3"]
    assert "colleague" in moderation.descriptors["P3"].rationale
    assert store.verify() == []
    store.close()
