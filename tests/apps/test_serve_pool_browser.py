"""`epa serve`'s pool of preheated kernels in Chromium: a page shows the store as it is when the
page is asked for, not as it was when the pool's kernel started.

Each pooled kernel used to run the whole app notebook as soon as the pool was filled, and a page
got that render later: an assessor assigned since, or any other change, was missing from it.
"""

from __future__ import annotations

from epa_kernel.store.store import Store
from helpers import VALID_ULNS, make_record, wait_until_kernels_rest

TIMEOUT = 60_000  # ms: a cold kernel on a busy 2-core machine
FIRST, LATER = "Morgan Hale", "Nia Newby"


def assign(store_url: str, uln: str, assessor: str) -> None:
    store = Store(store_url)
    store.assign(make_record(uln=uln, assessor=assessor, judgements={}))
    store.close()


def test_a_page_from_the_pool_shows_what_was_assigned_after_the_pool_filled(
    browser, app_server, tmp_path
):
    assign(app_server.store_url, VALID_ULNS[0], FIRST)
    app_server.start()
    wait_until_kernels_rest(app_server.proc.pid, 2)  # epa serve's pool: 2 kernels, at rest
    assign(app_server.store_url, VALID_ULNS[1], LATER)  # after the pool filled

    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(app_server.url, timeout=TIMEOUT)
    assessors = page.locator(".epa-assessor select option")
    assessors.first.wait_for(state="attached")
    names = [n.replace("\xa0", " ") for n in assessors.all_inner_texts()]
    assert FIRST in names and LATER in names, names
    page.locator(".epa-assessor select").select_option(label=LATER)
    choice = page.locator(".epa-assignment select option", has_text=VALID_ULNS[1])
    choice.wait_for(state="attached")
    page.close()
    assert "Using pre-heated kernel" in (tmp_path / "serve.log").read_text()  # from the pool
