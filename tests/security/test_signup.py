"""A stranger at the hub's door learns nothing and claims nothing; a broken widget message shows
nothing of the server.

What a hostile tester tried, on a real `epa hub` in Chromium: telling registered names from
others by the sign-up and sign-in pages' answers, claiming a registered name before its person
signs up (and hoping an admin approves it), re-using a sign-up code, and sending the page's
kernel malformed ``comm_open`` messages to get a traceback with the server's paths back.
"""

from __future__ import annotations

import json

import pytest

from epa_kernel.apps.hub_signup import SIGN_IN_REFUSED, SIGN_UP_ANSWER
from epa_kernel.store.store import Store
from epa_kernel.store.user_codes import issue_signup_code
from epa_kernel.store.users import remove_user, set_user
from helpers import (
    HUB_TIMEOUT,
    KERNEL_SOCKET,
    hub_password,
    hub_sign_in,
    hub_sign_up,
)

USERS = {"ada": "admin", "alex": "assessor", "sam": "assessor", "quinn": "iqa", "blair": "iqa"}
ATTACKER = "Att4cker-owns-this-1"
NEW = "N3w-password-for-me"
APP = "voila/render/assessor_app.ipynb"


def code_for(hub, name: str) -> str:
    store = Store(hub.store_url)
    try:
        return issue_signup_code(store, name)
    finally:
        store.close()


@pytest.fixture(scope="module")
def hub(hub_server, browser):
    """Ada (admin), Sam, Quinn and Blair signed up with their codes; Alex registered, not yet."""
    from playwright.sync_api import expect

    expect.set_options(timeout=HUB_TIMEOUT)
    store = Store(hub_server.store_url)
    for name, role in USERS.items():
        set_user(store, name, role, name.title() if role == "assessor" else None)
    store.close()
    hub_server.start()
    for name in ("ada", "sam", "quinn", "blair"):
        hub_sign_up(browser, hub_server, name, code_for(hub_server, name))
    yield hub_server
    expect.set_options(timeout=5_000)


def signed_in(browser, hub, name: str, secret: str | None = None) -> bool:
    """Whether the hub lets ``name`` in (to a hub page: no user server started)."""
    page = hub_sign_in(browser, hub, name, secret, next_url="/hub/token")
    page.wait_for_load_state()
    inside = "/hub/login" not in page.url
    page.context.close()
    return inside


def sign_in_text(browser, hub, name: str, secret: str) -> str:
    page = hub_sign_in(browser, hub, name, secret)
    page.wait_for_load_state()
    assert "/hub/login" in page.url
    text = page.inner_text("body")
    page.context.close()
    return text


def test_sign_up_says_the_same_for_a_stranger_a_wrong_code_and_a_name_already_signed_up(
    hub, browser
):
    answers = {
        "unregistered": hub_sign_up(browser, hub, "mallory", "7KQ2-XM4D-9HTB"),
        "wrong code": hub_sign_up(browser, hub, "alex", "7KQ2-XM4D-9HTB"),
        "signed up": hub_sign_up(browser, hub, "sam", "7KQ2-XM4D-9HTB"),
        "signed up, new code": hub_sign_up(browser, hub, "blair", code_for(hub, "blair"), NEW),
    }
    assert len(set(answers.values())) == 1, answers
    assert SIGN_UP_ANSWER in answers["unregistered"]
    assert "Something went wrong" not in answers["unregistered"]
    # a new code (`epa users code blair`: a lost password) lets blair set a new one, once
    assert signed_in(browser, hub, "blair", NEW)
    assert not signed_in(browser, hub, "blair")
    hub_sign_up(browser, hub, "blair", code_for(hub, "blair"), hub_password("blair"))
    assert signed_in(browser, hub, "blair")

    weak = {name: hub_sign_up(browser, hub, name, "7KQ2-XM4D-9HTB", "short") for name in USERS}
    weak["mallory"] = hub_sign_up(browser, hub, "mallory", "7KQ2-XM4D-9HTB", "short")
    assert len(set(weak.values())) == 1 and "at least 10 characters" in weak["mallory"]


def test_a_registered_name_is_claimed_only_with_its_own_code_and_the_code_works_once(hub, browser):
    quinns_code = code_for(hub, "quinn")  # a code, but another name's
    for code in ("7KQ2-XM4D-9HTB", quinns_code, "alex"):
        assert SIGN_UP_ANSWER in hub_sign_up(browser, hub, "alex", code, ATTACKER)
    assert not signed_in(browser, hub, "alex", ATTACKER)
    # nothing waits for an unwary admin to approve: nobody approves, blocks or resets an account
    # in the browser (an admin who could set alex's password could sign in as alex)
    admin = hub_sign_in(browser, hub, "ada")
    admin.wait_for_url(f"**/user/ada/{APP}")
    for path in ("/hub/authorize", "/hub/authorize/alex", "/hub/change-password/sam"):
        assert admin.goto(hub.url + path).status == 403, path
    admin.context.close()

    code = code_for(hub, "alex")  # `epa users add alex` printed it; alex uses it
    assert SIGN_UP_ANSWER in hub_sign_up(browser, hub, "alex", code)
    assert signed_in(browser, hub, "alex")
    assert SIGN_UP_ANSWER in hub_sign_up(browser, hub, "alex", code, ATTACKER)  # used up
    assert not signed_in(browser, hub, "alex", ATTACKER)
    assert signed_in(browser, hub, "alex")


def test_sign_in_says_the_same_for_a_stranger_a_wrong_password_a_withdrawn_and_a_locked_name(
    hub, browser
):
    answers = {"unregistered": sign_in_text(browser, hub, "mallory", ATTACKER)}
    answers["wrong password"] = sign_in_text(browser, hub, "sam", ATTACKER)
    store = Store(hub.store_url)
    remove_user(store, "quinn")  # `epa users remove quinn`: the role withdrawn
    answers["withdrawn"] = sign_in_text(browser, hub, "quinn", hub_password("quinn"))
    for _ in range(5):  # five wrong passwords lock blair for two minutes
        sign_in_text(browser, hub, "blair", ATTACKER)
    answers["locked"] = sign_in_text(browser, hub, "blair", hub_password("blair"))
    assert len(set(answers.values())) == 1, answers
    assert SIGN_IN_REFUSED in answers["withdrawn"]
    set_user(store, "quinn", "iqa")  # given back: the account is as it was
    store.close()
    assert signed_in(browser, hub, "quinn")


def test_a_malformed_or_unknown_comm_open_sends_the_page_no_traceback(hub, browser):
    from playwright.sync_api import expect

    page = hub_sign_in(browser, hub, "sam")  # the hub starts sam's server: the app
    page.wait_for_url(f"**/user/sam/{APP}")
    channels: list[str] = []
    page.on("websocket", lambda ws: channels.append(ws.url) if "/channels" in ws.url else None)
    page.goto(f"{hub.url}/user/sam/{APP}")  # again, listening for the kernel's socket
    expect(page.locator(".epa-signed-in")).to_contain_text("sam (assessor)")
    opens = [
        ["comm_open", {"comm_id": "bad-widget", "target_name": "jupyter.widget", "data": {}}],
        [
            "comm_open",
            {"comm_id": "junk-widget", "target_name": "jupyter.widget", "data": {"state": 7}},
        ],
        ["comm_open", {"comm_id": "nobody", "target_name": "no.such.target", "data": {}}],
        # every other target a kit kernel registers, with data it cannot use
        ["comm_open", {"comm_id": "ctl", "target_name": "jupyter.widget.control", "data": 1}],
        ["comm_open", {"comm_id": "ver", "target_name": "jupyter.widget.version", "data": "x"}],
        # a message to a widget that was never opened, setting state as a form's update would
        ["comm_msg", {"comm_id": "no-such-widget", "data": {"method": "update", "state": {}}}],
    ]
    seen = page.evaluate(KERNEL_SOCKET, {"url": channels[-1], "msgs": opens})
    page.context.close()
    closed = {m["content"].get("comm_id") for m in seen if m["msg_type"] == "comm_close"}
    assert {"bad-widget", "junk-widget", "nobody"} <= closed  # the kernel did get them
    said = json.dumps([m["content"] for m in seen if m["channel"] == "iopub"])
    for leak in ("Traceback", "site-packages", 'File \\"', "No such comm target"):
        assert leak not in said, leak
    hub.log.flush()
    server_log = (hub.state.parent / "hub.log").read_text(errors="replace")
    assert "Exception opening comm with target: jupyter.widget" in server_log  # kept there
