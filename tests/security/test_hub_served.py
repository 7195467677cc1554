"""On a real `epa hub`: what a signed-in assessor can reach through their own server.

Served pages go through their Access (the standardisation page shows only their own figures),
Jupyter's REST API writes nothing (not even a config file every other user's server would read),
the hub's own files are private, and however many pages they load their server holds at most
``MAX_KERNELS`` kernels.
"""

from __future__ import annotations

import os
import stat

import pytest

from epa_kernel.apps.kernel_cap import MAX_KERNELS
from helpers import (
    HUB_TIMEOUT,
    VALID_ULNS,
    hub_accounts,
    hub_sign_in,
    page_fetch,
    submitted_decisions,
)

A, B = "Alex Ash", "Billie Birch"
USERS = {"ada": ("admin", None), "alex": ("assessor", A), "billie": ("assessor", B)}

pytestmark = pytest.mark.usefixtures("patient_expect")


@pytest.fixture(scope="module")
def hub(hub_server):
    """Alex and Billie each decided one apprentice (submitted); Ada is the admin."""
    submitted_decisions(hub_server.store_url, ((VALID_ULNS[0], A), (VALID_ULNS[1], B)), USERS)
    hub_server.start()
    return hub_server


@pytest.fixture(scope="module")
def alex(hub, browser):
    """Alex signed in, on their own app (their server started)."""
    hub_accounts(browser, hub, USERS)
    page = hub_sign_in(browser, hub, "alex")
    page.locator(".epa-signed-in").wait_for()
    yield page
    page.context.close()


def test_an_assessor_sees_only_their_own_figures_on_the_standardisation_page(hub, alex):
    from playwright.sync_api import expect

    alex.goto(f"{hub.url}/user/alex/voila/render/standardisation.ipynb")
    # shown (the page's cells are in the document, hidden under the spinner, while they arrive)
    expect(alex.get_by_text("Grades per assessor")).to_be_visible()
    text = alex.inner_text("body")
    assert A in text and B not in text and "Billie" not in alex.content()
    assert alex.locator("img").count() >= 1 and "<Figure" not in alex.content()


def test_the_rest_api_writes_no_config_file_for_another_users_server_to_read(hub, alex):
    config = f"{hub.url}/user/alex/api/config/notebook"
    assert page_fetch(alex, config)["status"] == 200  # reading is allowed: the cookie is good
    written = page_fetch(alex, config, "PATCH", '{"a": 1}')
    assert written["xsrf"] and written["status"] == 403, written
    assert page_fetch(alex, config)["body"].strip() == "{}"
    assert not list(hub.state.rglob("nbconfig"))
    events = page_fetch(alex, f"{hub.url}/user/alex/api/events", "POST", "{}")
    assert events["status"] == 403, events


def test_the_hubs_own_files_are_private(hub, alex):
    from epa_kernel.apps.os_users import HOMES, os_user_name

    home = HOMES / os_user_name("alex") if os.geteuid() == 0 else hub.state / "homes" / "alex"
    for path in (hub.state, hub.state / "jupyterhub.sqlite", hub.state / "cookie_secret", home):
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, path


def test_loading_pages_again_and_again_never_holds_more_than_the_cap_of_kernels(hub, alex):
    import json

    page = f"{hub.url}/user/alex/voila/render/epa_result.ipynb"  # refused on a hub: cheap
    for _ in range(MAX_KERNELS + 3):  # each GET starts a kernel
        assert alex.request.get(page, timeout=HUB_TIMEOUT).status == 200
    kernels = json.loads(page_fetch(alex, f"{hub.url}/user/alex/api/kernels")["body"])
    assert 1 <= len(kernels) <= MAX_KERNELS, kernels


def test_a_page_whose_kernel_the_cap_ended_says_so(hub, alex):
    """The kit's page, left open while more pages start kernels, loses its kernel to the cap:
    as soon as the assessor acts on it, it says so rather than leaving a form that saves
    nothing (it asks the server for its kernel, which a user's server allows reading)."""
    from playwright.sync_api import expect

    page = alex.context.new_page()
    page.goto(f"{hub.url}/user/alex/voila/render/assessor_app.ipynb", timeout=HUB_TIMEOUT)
    page.locator(".epa-signed-in").wait_for(timeout=HUB_TIMEOUT)
    page.locator("body").click()
    later = f"{hub.url}/user/alex/voila/render/epa_result.ipynb"  # refused on a hub: cheap
    for _ in range(MAX_KERNELS):  # each GET starts a kernel; the cap ends the older ones
        assert alex.request.get(later, timeout=HUB_TIMEOUT).status == 200
    expect(page.locator(".epa-page-notice")).to_have_count(0)
    page.locator("body").click()
    expect(page.locator(".epa-page-notice")).to_contain_text("session has ended", timeout=15_000)
    page.close()
