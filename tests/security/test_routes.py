"""Every role against every route of the hub, as someone who knows Jupyter's APIs would try.

For an assessor, an IQA reviewer and an admin, each signed in with their own app open: every
notebook the kit ships rendered on their own server (nothing outside their role on any page, no
server path or traceback); the single-user REST API read and written with every verb (no write
succeeds anywhere); another user's server (nothing of it answers); and the hub's API (nobody
lists users, starts, stops or enters another's server, or makes tokens in their name). Each
request carries the page's XSRF cookie, so a refusal is the policy's, not a missing header's.
"""

from __future__ import annotations

import pytest

from helpers import ATTEMPT_ULN, OTHER_NAME, OTHER_ULN, ROOT, hub_sign_in, page_fetch

ROLE_USERS = {"assessor": "ruth", "iqa": "quinn", "admin": "ada"}
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))

WRITES = [
    ("PUT", "api/contents/planted.ipynb", '{"type": "notebook", "content": {}}'),
    (
        "PUT",
        "api/contents/assessor_app.ipynb",
        '{"type": "file", "format": "text", "content": "x"}',
    ),
    ("PATCH", "api/contents/assessor_app.ipynb", '{"path": "renamed.ipynb"}'),
    ("POST", "api/contents", '{"type": "notebook"}'),
    ("POST", "api/contents/assessor_app.ipynb/checkpoints", None),
    ("DELETE", "api/contents/assessor_app.ipynb", None),
    ("POST", "api/kernels", '{"name": "python3"}'),
    ("POST", "api/sessions", '{"path": "x.ipynb", "type": "notebook", "kernel": {}}'),
    ("PATCH", "api/config/notebook", '{"a": 1}'),
    ("PUT", "api/config/notebook", '{"a": 1}'),
    ("POST", "api/terminals", None),
    ("POST", "api/events", '{"schema_id": "x", "version": 1, "data": {}}'),
    ("POST", "api/shutdown", None),
]


@pytest.fixture(scope="module")
def signed_in(team_hub, browser):
    """Each role's user signed in, on their own app."""
    pages = {}
    for role, name in ROLE_USERS.items():
        page = hub_sign_in(browser, team_hub, name)
        page.wait_for_url(f"**/user/{name}/voila/render/*.ipynb")
        page.locator(".epa-signed-in, .epa-refused").first.wait_for()
        pages[role] = page
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize("role", ROLE_USERS)
def test_no_write_of_any_kind_succeeds_on_a_users_own_server(team_hub, signed_in, role):
    page, name = signed_in[role], ROLE_USERS[role]
    api = f"{team_hub.url}/user/{name}/"
    kernels = page_fetch(page, api + "api/kernels")
    assert kernels["status"] == 200  # reading is allowed: the page's own kernels
    kernel = page.evaluate("(t) => JSON.parse(t)[0].id", kernels["body"])
    writes = [
        *WRITES,
        ("DELETE", f"api/kernels/{kernel}", None),
        ("POST", f"api/kernels/{kernel}/restart", None),
        ("POST", f"api/kernels/{kernel}/interrupt", None),
    ]
    for method, path, body in writes:
        said = page_fetch(page, api + path, method, body)
        assert said["status"] in (403, 404, 405), (role, method, path, said["status"])
    assert page_fetch(page, api + "api/config/notebook")["body"] == "{}"  # nothing was written
    assert not (ROOT / "notebooks" / "planted.ipynb").exists()
    assert page_fetch(page, api + "api/kernels")["body"] != "[]"  # the kernel still runs


@pytest.mark.parametrize("role", ROLE_USERS)
def test_another_users_server_answers_nothing_of_itself(team_hub, signed_in, role):
    page = signed_in[role]
    other = "morgan"
    for path in (
        "api/contents",
        "api/kernels",
        "api/sessions",
        "api/config/notebook",
        "files/assessor_app.ipynb",
        "nbconvert/html/assessor_app.ipynb",
        "voila/render/assessor_app.ipynb",
        "voila/render/standardisation.ipynb",
    ):
        said = page_fetch(page, f"{team_hub.url}/user/{other}/{path}")
        inside = f"/user/{other}/" in said["url"] and said["status"] == 200
        assert not inside, (role, path, said["status"], said["url"])
        assert "Morgan Hale" not in said["body"] and ATTEMPT_ULN not in said["body"]


@pytest.mark.parametrize("role", ROLE_USERS)
def test_the_hubs_api_gives_nobody_other_users_or_their_servers(team_hub, signed_in, role):
    page, name = signed_in[role], ROLE_USERS[role]
    page.goto(f"{team_hub.url}/hub/home")
    hub_api = f"{team_hub.url}/hub/api/"
    assert page_fetch(page, hub_api + f"users/{name}")["status"] == 200  # their own model
    for method, path, body in (
        ("GET", "users", None),
        ("GET", "users/morgan", None),
        ("POST", "users", '{"usernames": ["mallory"]}'),
        ("PATCH", "users/morgan", '{"admin": true}'),
        ("PATCH", f"users/{name}", '{"admin": true}'),
        ("POST", "users/morgan/server", "{}"),
        ("DELETE", "users/morgan/server", None),
        ("POST", "users/morgan/tokens", "{}"),
        ("GET", "users/morgan/tokens", None),
        ("GET", "proxy", None),
        ("POST", "shutdown", None),
    ):
        said = page_fetch(page, hub_api + path, method, body)
        assert said["status"] in (403, 404), (role, method, path, said["status"])
    for path in ("/hub/admin", "/hub/authorize", "/hub/change-password/morgan"):
        assert page_fetch(page, team_hub.url + path)["status"] in (403, 404), (role, path)


@pytest.mark.parametrize("role", ROLE_USERS)
def test_every_notebook_of_the_kit_shows_a_role_nothing_outside_it(team_hub, signed_in, role):
    page, name = signed_in[role], ROLE_USERS[role]
    for notebook in NOTEBOOKS:
        page.goto(f"{team_hub.url}/user/{name}/voila/render/{notebook}")
        page.wait_for_load_state("networkidle")
        text = page.content()
        assert "Traceback" not in text and "site-packages" not in text, (role, notebook)
        assert str(ROOT) + "/" not in text.replace(f"{ROOT}/notebooks", ""), (role, notebook)
        if role == "assessor":  # Ruth: her first attempt only, never Declan's other apprentice
            assert OTHER_ULN not in text and OTHER_NAME not in text, notebook
