"""The preheated kernel in a user's server on the hub (apps.hub_preheat), in Chromium.

What an assessor relies on: the page their sign-in or reload gets from the pool shows their
work as the store holds it when they ask (an attempt assigned to them since the kernel started is
listed), and the pooled kernel asked the store service nothing of theirs before the page was
asked for: it stands after the app's imports until then.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from epa_kernel.store.store import Store
from epa_kernel.store.users import set_user
from helpers import VALID_ULNS, hub_accounts, hub_sign_in, make_record, wait_until_kernels_rest

A = "Alex Ash"
USERS = {"ada": "admin", "alex": "assessor"}
APP = "voila/render/assessor_app.ipynb"

pytestmark = pytest.mark.usefixtures("patient_expect")


@pytest.fixture(scope="module")
def hub(hub_server):
    store = Store(hub_server.store_url)
    store.assign(make_record(uln=VALID_ULNS[0], assessor=A, judgements={}))
    for name, role in USERS.items():
        set_user(store, name, role, A if name == "alex" else None)
    store.close()
    hub_server.start()
    return hub_server


def log_count(hub, words: str) -> int:
    """How many lines of the hub's log (the store service's and the users' servers' too) hold
    ``words``."""
    hub.log.flush()
    return Path(hub.log.name).read_text(errors="replace").count(words)


def test_a_page_from_the_pool_is_drawn_on_request_with_what_was_assigned_since(hub, browser):
    from playwright.sync_api import expect

    hub_accounts(browser, hub, USERS)
    page = hub_sign_in(browser, hub, "alex")
    page.wait_for_url(f"**/user/alex/{APP}")
    options = page.locator(".epa-assignment select option")
    expect(options).to_have_count(1)
    # the sign-in's page and the pool's next kernel, at rest: the pooled kernel has done all
    # it does ahead of a page
    wait_until_kernels_rest(hub.proc.pid, 2)
    assert log_count(hub, "Using pre-heated kernel") == 1  # the sign-in's page was the pool's
    assert log_count(hub, "alex whoami: ok") == 1  # one page drawn: nothing asked ahead

    store = Store(hub.store_url)
    store.assign(make_record(uln=VALID_ULNS[1], assessor=A, judgements={}))
    store.close()
    page.reload()
    expect(options).to_have_count(2)
    assert VALID_ULNS[1] in " ".join(options.all_inner_texts())
    assert log_count(hub, "Using pre-heated kernel") == 2  # the reload's page too
    assert log_count(hub, "alex whoami: ok") == 2
    page.context.close()
