"""The hub attacked from inside: an admin past the consent page, and code run in a kernel.

The message whitelist keeps a browser from running code in its page's kernel, but a hole in it,
in Voilà or in a widget would hand that kernel to an attacker. So these tests assume the worst:
they run code as the assessor's own server process would (the same OS user, the same
environment, read from the live kernel), and check that it reaches only what the assessor's role
allows: not the store's file or URL, not the hub's secrets or database, not another user's home
or server, not the hub's API, and through the store service only the assessor's own attempt.
An admin, who once reached an assessor's app by clicking Authorize on JupyterHub's consent
page, is taken past that page here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from epa_kernel.apps.os_users import os_user_name
from helpers import ATTEMPT_ULN, hub_sign_in

APP = "voila/render/assessor_app.ipynb"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the OS boundary is made as root")


def open_app(browser, hub, name: str):
    """``name`` signed in with their app open (so their server and a kernel run)."""
    page = hub_sign_in(browser, hub, name)
    page.wait_for_url(f"**/user/{name}/{APP}")
    page.locator(".epa-signed-in, .epa-refused").first.wait_for()
    return page


def kernel_environment(name: str) -> dict[str, str]:
    """The environment of a running kernel of ``name``'s server, read as root from /proc."""
    import pwd

    uid = pwd.getpwnam(os_user_name(name)).pw_uid
    for proc in Path("/proc").iterdir():
        try:
            if proc.stat().st_uid != uid or b"ipykernel" not in (proc / "cmdline").read_bytes():
                continue
            raw = (proc / "environ").read_bytes()
        except OSError:
            continue
        return dict(e.split("=", 1) for e in raw.decode().split("\0") if "=" in e)
    raise AssertionError(f"no kernel of {name} is running as {os_user_name(name)}")


ATTACK = r"""
import json, os, sys, urllib.request
hub, state, store_file, other_home, uln, proxy_api = sys.argv[1:7]
token = os.environ["JUPYTERHUB_API_TOKEN"]
seen = {}

def attempt(what, action):
    try:
        action()
        seen[what] = "reached"
    except Exception as exc:
        seen[what] = type(exc).__name__

def get(url):
    request = urllib.request.Request(url, headers={"Authorization": "token " + token})
    urllib.request.urlopen(request, timeout=30).read()

attempt("the store's file", lambda: open(store_file, "rb").read(16))
attempt("the store's folder", lambda: os.listdir(os.path.dirname(store_file)))
attempt("the store's URL", lambda: os.environ["EPA_STORE_URL"])
attempt("the hub's cookie secret", lambda: open(os.path.join(state, "cookie_secret")).read())
attempt("the hub's service token", lambda: open(os.path.join(state, "api_token")).read())
attempt("the hub's database", lambda: open(os.path.join(state, "jupyterhub.sqlite"), "rb").read(1))
attempt("another user's home", lambda: os.listdir(other_home))
attempt("the hub's user list", lambda: get(hub + "/hub/api/users"))
attempt("another user's server", lambda: get(hub + "/user/ruth/api/contents"))
attempt("another user's kernels", lambda: get(hub + "/user/ruth/api/kernels"))
attempt("the proxy's routes", lambda: get(proxy_api + "/api/routes"))

from epa_kernel.service.client import StoreClient
store = StoreClient.from_environment()
seen["signed in as"] = store.user.name
attempt("the first attempt (Ruth's)", lambda: store.find(uln, "practical_observation", "first"))
attempt("the resit (Declan's)", lambda: store.find(uln, "practical_observation", "resit"))
attempt("every record", lambda: [s.id for s in store.all_records()] or 1 / 0)
seen["own attempt"] = str(store.find(uln, "practical_observation", "resit2"))
print(json.dumps(seen))
"""


def test_code_run_in_an_assessors_kernel_reaches_only_what_the_assessor_may(team_hub, browser):
    hub = team_hub
    ruth = open_app(browser, hub, "ruth")  # her server and home exist
    morgan = open_app(browser, hub, "morgan")
    env = kernel_environment("morgan")
    store_file = hub.store_url.removeprefix("sqlite:///")
    assert "EPA_STORE_URL" not in env and "EPA_STORE_SERVICE" in env
    assert not any(store_file in v or "sqlite" in v or "postgresql" in v for v in env.values())
    ran = subprocess.run(
        [sys.executable, "-c", ATTACK, hub.url, str(hub.state), store_file]
        + [f"/home/{os_user_name('ruth')}", ATTEMPT_ULN]
        + [f"http://127.0.0.1:{hub.internal.split(',')[1]}"],
        user=os_user_name("morgan"),
        env=env,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout)
    assert seen.pop("signed in as") == "morgan"
    assert seen.pop("own attempt") == "None"  # his resit2, not started: his to open
    assert seen.pop("the store's URL") == "KeyError"
    assert seen.pop("every record") == "ZeroDivisionError"  # Morgan has none stored yet
    assert seen.pop("the first attempt (Ruth's)") == "AccessError"
    assert seen.pop("the resit (Declan's)") == "AccessError"
    assert {
        what: how for what, how in seen.items() if how not in ("PermissionError", "HTTPError")
    } == {}
    ruth.context.close()
    morgan.context.close()


def test_an_admin_past_the_consent_page_is_still_not_in_an_assessors_app(team_hub, browser):
    hub = team_hub
    morgan = open_app(browser, hub, "morgan")
    page = hub_sign_in(browser, hub, "ada")
    page.wait_for_url(f"**/user/ada/{APP}")
    answer = page.goto(f"{hub.url}/user/morgan/{APP}")
    consent = page.get_by_role("button", name="Authorize")
    if consent.count():  # JupyterHub's consent page: an attacker clicks through it
        with page.expect_navigation():
            consent.click()
        answer = None
    page.wait_for_load_state()
    content = page.content()
    assert "Signed in as <b>morgan" not in content and "morgan (assessor)" not in content
    assert ATTEMPT_ULN not in content
    if answer is not None:
        assert answer.status in (403, 404), answer.status
    # nor through the hub's API: Morgan's server cannot be started, stopped or entered by Ada
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf")
    for method, path in (("POST", "users/morgan/server"), ("DELETE", "users/morgan/server")):
        said = page.request.fetch(
            f"{hub.url}/hub/api/{path}", method=method, headers={"X-XSRFToken": xsrf}
        )
        assert said.status == 403, (method, path, said.status)
    said = page.request.post(
        f"{hub.url}/hub/api/users/morgan/tokens", data={}, headers={"X-XSRFToken": xsrf}
    )
    assert said.status == 403
    page.context.close()
    morgan.context.close()


def test_each_assessor_lists_and_opens_only_the_attempt_assigned_to_them(team_hub, browser):
    """Once, Morgan's list held the apprentice, and opening it showed Ruth's first attempt,
    which he could change in his own name; his own second resit was out of his reach."""
    from playwright.sync_api import expect

    page = open_app(browser, team_hub, "morgan")
    options = page.locator(".epa-assignment select option")
    expect(options).to_have_count(1)
    label = options.inner_text().replace("\xa0", " ")  # the list's spaces do not break
    assert "second resit" in label and ATTEMPT_ULN in label
    page.locator(".epa-assignment select").select_option(label=options.inner_text())
    owner = page.locator(".epa-record-owner")
    expect(owner).to_contain_text("Morgan Hale's record")
    expect(owner).to_contain_text("second resit")
    expect(page.locator(".epa-status")).to_contain_text("Draft")  # his, new, editable
    page.context.close()

    page = open_app(browser, team_hub, "ruth")
    options = page.locator(".epa-assignment select option")
    expect(options).to_have_count(1)
    assert "first attempt" in options.inner_text().replace("\xa0", " ")
    page.locator(".epa-assignment select").select_option(label=options.inner_text())
    expect(page.locator(".epa-record-owner")).to_contain_text("Ruth Okafor's record")
    expect(page.locator(".epa-status")).to_contain_text("Submitted")  # read-only, as it was
    page.context.close()
