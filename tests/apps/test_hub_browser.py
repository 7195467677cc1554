"""The apps behind real sign-in: `epa hub` (JupyterHub, NativeAuthenticator, Voilà) in Chromium.

What an assessment organisation relies on: nobody gets in without the sign-up code an admin
gave them and the right password, a signed-out browser reaches nothing, an assessor sees and
reaches only their own apprentices (not by the list, not by a URL, not by another user's
server), their work survives a reload through the hub, and IQA moderates without being able
to change a judgement.
"""

from __future__ import annotations

import re

import pytest

from epa_kernel.apps.hub_signup import SIGN_UP_ANSWER
from epa_kernel.store.store import Store
from epa_kernel.store.user_codes import issue_signup_code
from epa_kernel.store.users import remove_user, set_user
from helpers import (
    HUB_TIMEOUT,
    KERNEL_SOCKET,
    ROOT,
    VALID_ULNS,
    hub_accounts,
    hub_password,
    hub_sign_in,
    hub_sign_up,
    make_record,
)

TIMEOUT = HUB_TIMEOUT
A, B = "Alex Ash", "Billie Birch"
A_ULN, B_ULN, C_ULN = VALID_ULNS[0], VALID_ULNS[1], VALID_ULNS[2]
USERS = {"ada": "admin", "alex": "assessor", "billie": "assessor", "quinn": "iqa"}
APP = "voila/render/assessor_app.ipynb"
password, sign_in = hub_password, hub_sign_in


pytestmark = pytest.mark.usefixtures("patient_expect")


@pytest.fixture(scope="module")
def hub(hub_server):
    """Alex holds one apprentice, Billie two (both records submitted: one for IQA, one for an
    amendment), Quinn is IQA, Ada the admin; the hub started on that store."""
    store = Store(hub_server.store_url)
    for uln, assessor in ((A_ULN, A), (B_ULN, B), (C_ULN, B)):
        store.assign(make_record(uln=uln, assessor=assessor, judgements={}))
    for uln in (B_ULN, C_ULN):
        store.submit(store.put(make_record(uln=uln, assessor=B), author=B), author=B)
    for name, role in USERS.items():
        set_user(store, name, role, {"alex": A, "billie": B}.get(name))
    store.close()
    hub_server.start()
    return hub_server


def sign_up(browser, hub, name: str) -> str:
    """Sign up with a code issued now (as `epa users add` / `epa users code` print it)."""
    store = Store(hub.store_url)
    code = issue_signup_code(store, name)
    store.close()
    return hub_sign_up(browser, hub, name, code)


@pytest.fixture(scope="module")
def accounts(hub, browser):
    """Everyone signed up with the code an admin gave them: approved by the code."""
    hub_accounts(browser, hub, USERS)
    return hub


def test_only_a_name_with_its_code_signs_up_and_a_withdrawn_role_ends_access(
    hub, accounts, browser
):
    from playwright.sync_api import expect

    said = hub_sign_up(browser, hub, "mallory", "0000-0000-0000")  # no role in the store
    assert SIGN_UP_ANSWER in said and "Something went wrong" not in said
    page = sign_in(browser, hub, "mallory")
    expect(page.locator("body")).to_contain_text("Invalid username or password")
    page.context.close()

    store = Store(hub.store_url)
    set_user(store, "casey", "assessor", "Casey Cole")  # an admin registers casey
    said = sign_up(browser, hub, "casey")
    assert SIGN_UP_ANSWER in said
    page = sign_in(browser, hub, "casey")  # the code approved the account
    expect(page.locator(".epa-signed-in")).to_contain_text("casey (assessor)")
    expect(page.locator(".epa-assignment select option")).to_have_count(0)

    remove_user(store, "casey")  # the role withdrawn while casey's server runs
    store.close()
    page.reload()
    expect(page.locator(".epa-refused")).to_contain_text("casey has no role in this store")
    assert page.locator(".epa-assignment").count() == 0
    page.context.close()
    page = sign_in(browser, hub, "casey")
    expect(page.locator("body")).to_contain_text("Invalid username or password")
    page.context.close()


def test_a_wrong_password_is_refused_and_a_signed_out_browser_reaches_nothing(
    hub, accounts, browser
):
    from playwright.sync_api import expect

    page = sign_in(browser, hub, "alex", "not-" + password("alex"))
    expect(page.locator("body")).to_contain_text("Invalid username or password")
    assert "/hub/login" in page.url
    for path in (f"/user/alex/{APP}", "/user/alex/api/contents", "/hub/authorize"):
        answer = page.goto(hub.url + path)
        assert "/hub/login" in page.url or answer.status == 403, path
        assert "Alex" not in page.content() and "billie" not in page.content()
    page.context.close()


def test_an_assessor_sees_and_reaches_only_their_own_apprentices_and_saves_through_the_hub(
    hub, accounts, browser, tmp_path
):
    from playwright.sync_api import expect

    page = sign_in(browser, hub, "alex")
    page.wait_for_url(f"**/user/alex/{APP}")
    expect(page.locator(".epa-signed-in")).to_contain_text("alex (assessor)")
    expect(page.locator("body")).not_to_contain_text("Served by")  # nothing of `epa serve`
    expect(page.locator("a.epa-sign-out")).to_have_css("border-top-style", "solid")
    expect(page.locator(".epa-assessor")).to_be_hidden()  # identity is not a choice
    options = page.locator(".epa-assignment select option")
    expect(options).to_have_count(1)
    assert A_ULN in options.inner_text()
    assert B_ULN not in page.content() and C_ULN not in page.content()

    choice = page.locator(".epa-assignment select")
    choice.select_option(label=options.inner_text())
    page.locator(".epa-P1").get_by_role("radio", name="Met", exact=True).click()
    page.locator(".epa-status", has_text=re.compile(r"Saved \(version \d+\)")).wait_for()
    page.reload()  # the same state, read back from the store through the hub
    choice.select_option(label=page.locator(".epa-assignment select option").inner_text())
    expect(page.locator(".epa-P1 [role=radio][aria-checked=true]")).to_have_text("Met")

    # a URL parameter naming another assessor changes nothing
    channels: list[str] = []
    page.on("websocket", lambda ws: channels.append(ws.url) if "/channels" in ws.url else None)
    page.goto(f"{hub.url}/user/alex/{APP}?assessor={B.replace(' ', '%20')}")
    expect(page.locator(".epa-assignment select option")).to_have_count(1)
    assert B_ULN not in page.content()
    # the shared notebooks folder cannot be written, nor a kernel started, through Jupyter's API
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf")
    api = f"{hub.url}/user/alex/api"
    tamper = ROOT / "notebooks" / "tamper-check.txt"
    try:
        wrote = page.request.put(
            f"{api}/contents/{tamper.name}",
            data={"type": "file", "format": "text", "content": "x"},
            headers={"X-XSRFToken": xsrf},
        )
        assert wrote.status == 403 and not tamper.exists()
    finally:
        tamper.unlink(missing_ok=True)
    started = page.request.post(f"{api}/kernels", data={}, headers={"X-XSRFToken": xsrf})
    assert started.status == 403
    assert page.request.get(f"{api}/contents/assessor_app.ipynb").status == 200  # reading is fine
    # nor can code be run in the page's kernel by hand: only widget messages reach it
    marker = tmp_path / "ran.txt"
    code = f"open({str(marker)!r}, 'w')"
    execute = {"code": code, "silent": False, "store_history": False}
    execute |= {"user_expressions": {}, "allow_stdin": False}
    seen = page.evaluate(
        KERNEL_SOCKET, {"url": channels[-1], "msgs": [["execute_request", execute]]}
    )
    replies = [m["msg_type"] for m in seen]
    assert "execute_reply" not in replies and not marker.exists()
    assert "kernel_info_reply" in replies  # the same socket does reach the kernel
    # another user's server is not Alex's to open
    answer = page.goto(f"{hub.url}/user/billie/{APP}")
    assert "/user/billie/" not in page.url or answer.status in (403, 404)
    assert B_ULN not in page.content()

    # signing out from the app's own link: the app is then out of reach in that browser
    page.goto(f"{hub.url}/user/alex/{APP}")
    page.get_by_role("link", name="Sign out").click()
    page.wait_for_url("**/hub/login**")
    page.goto(f"{hub.url}/user/alex/{APP}")
    assert "/hub/login" in page.url and A_ULN not in page.content()
    page.context.close()

    store = Store(hub.store_url)
    stored = store.find(A_ULN, "practical_observation")
    assert stored.record.judgements == {"P1": "met"}
    assert {v.author for v in store.history(stored.id)} == {A}
    store.close()


def test_iqa_records_a_moderation_but_has_no_form_to_change_a_judgement(hub, accounts, browser):
    from playwright.sync_api import expect

    page = sign_in(browser, hub, "quinn")
    page.wait_for_url(f"**/user/quinn/{APP}")
    expect(page.locator(".epa-refused")).to_contain_text("not for the iqa role")
    assert page.locator(".epa-assignment").count() == 0
    page.get_by_role("link", name="the IQA review app").click()
    page.wait_for_url("**/user/quinn/voila/render/iqa_review.ipynb")
    reviewer = page.locator(".epa-reviewer input")
    expect(reviewer).to_have_value("quinn")
    expect(reviewer).to_be_disabled()
    choice = page.locator(".epa-decision select")
    choice.select_option(label=choice.locator("option", has_text=B_ULN).inner_text())
    page.locator(".epa-moderation-rationale textarea").fill("Evidence supports the grade.")
    page.locator(".epa-save-moderation").click()
    expect(page.locator(".epa-status")).to_contain_text("Moderation saved")
    page.context.close()

    store = Store(hub.store_url)
    stored = store.find(B_ULN, "practical_observation")
    ((version, moderation),) = store.moderations(stored.id)
    assert (version.author, moderation.reviewer) == ("quinn", "quinn")
    assert [v.kind for v in store.history(stored.id)] == ["created", "submitted", "moderated"]
    store.close()


def test_an_admin_amends_a_submitted_record_with_a_reason_and_opens_nobody_elses_server(
    hub, accounts, browser
):
    from playwright.sync_api import expect

    page = sign_in(browser, hub, "ada")
    page.wait_for_url(f"**/user/ada/{APP}")
    expect(page.locator(".epa-refused")).to_contain_text("not for the admin role")
    assert page.get_by_role("link", name="the amendments app").get_attribute("href") == (
        "amend.ipynb"
    )
    planning = page.get_by_role("link", name="the planning app")
    assert planning.get_attribute("href") == "planning_app.ipynb"
    page.goto(f"{hub.url}/user/ada/voila/render/amend.ipynb")
    expect(page.locator(".epa-amend-author input")).to_have_value("ada")
    signed_in_bar = page.locator(".epa-signed-in")
    expect(signed_in_bar.get_by_role("link", name="the planning app")).to_be_visible()
    choice = page.locator(".epa-amend-record select")
    choice.select_option(label=choice.locator("option", has_text=C_ULN).inner_text())
    page.locator(".epa-P1").get_by_role("radio", name="Not met", exact=True).click()
    expect(page.locator(".epa-status")).to_contain_text("Changed, not saved")
    page.locator(".epa-amend-reason textarea").fill("P1 mis-keyed: the notes say not met")
    page.locator(".epa-amend").click()
    expect(page.locator(".epa-status")).to_contain_text("Amended")
    expect(page.locator(".epa-history-view")).to_contain_text("P1 mis-keyed")

    # the hub's admin is not a way into an assessor's server, and there is no JupyterLab
    answer = page.goto(f"{hub.url}/user/alex/{APP}")
    assert "/user/alex/" not in page.url or answer.status in (403, 404)
    assert A_ULN not in page.content()
    assert page.goto(f"{hub.url}/user/ada/lab").status == 404
    page.context.close()

    store = Store(hub.store_url)
    stored = store.find(C_ULN, "practical_observation")
    last = store.history(stored.id)[-1]
    assert (last.kind, last.author, last.reason) == (
        "amended",
        "ada",
        "P1 mis-keyed: the notes say not met",
    )
    assert stored.record.judgements["P1"] == "not_met"
    store.close()
