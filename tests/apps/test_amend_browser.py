"""The amendments app in a real browser (`epa serve --app amend`): its labels are whole and the
form starts clear of the Amend button; a full-page picture of it for people to look at."""

from __future__ import annotations

from epa_kernel.store.store import Store
from helpers import VALID_ULNS, AppServer, box, free_port, full_page_shot, make_record

TIMEOUT = 60_000  # ms: a cold kernel on a busy 2-core machine
CUT = "(el) => el.scrollWidth > el.clientWidth + 1"


def test_the_amend_apps_labels_are_whole_and_its_button_clear_of_the_form(browser, tmp_path):
    from playwright.sync_api import expect

    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    record = make_record(uln=VALID_ULNS[0])
    store.assign(record)
    store.submit(store.put(record, author="A. Assessor"), author="A. Assessor")
    store.close()
    with open(tmp_path / "serve.log", "ab") as log:
        server = AppServer.epa_serve(url, free_port(), log, app="amend")
        server.start()
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(TIMEOUT)
            page.goto(server.url, timeout=TIMEOUT)
            choice = page.locator(".epa-amend-record select")
            choice.locator("option").first.wait_for(state="attached")
            choice.select_option(index=0)
            page.locator(".epa-outcome-panel").wait_for()
            for field in (".epa-amend-record", ".epa-amend-author", ".epa-amend-reason"):
                label = page.locator(f"{field} .widget-label")
                assert not label.evaluate(CUT), f"{field}: {label.inner_text()!r} is cut"
            expect(page.locator(".epa-amend-author .widget-label")).to_have_text("Amended by")
            button, channels = box(page, ".epa-amend"), box(page, ".epa-channels")
            assert channels["y"] - (button["y"] + button["height"]) >= 12, (button, channels)
            assert full_page_shot(page, "amend.png") > 900
            page.close()
        finally:
            server.kill()
