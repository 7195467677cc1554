"""The kit's light page (Voilà template ``epa``): one script and one stylesheet built from js/
and shipped as package data, instead of Voilà's JupyterLab front end.

What users and the lead rely on: the committed script is the build of the committed sources
(no npm needed to check it), a plain install ships it, a warm browser never asks for it again,
a widget from a module the page does not carry fails on the page in words (never fetched from
anywhere), and a page whose session has ended says so.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tomllib
import urllib.request
from urllib.parse import urlsplit

import pytest

from epa_kernel.apps import serve
from helpers import ROOT, AppServer, free_port, off_the_machine

TEMPLATES = serve.JUPYTER_DATA / "voila" / "templates"
STATIC = TEMPLATES / "epa" / "static"
JS = ROOT / "js"
TIMEOUT = 60_000  # ms: a cold kernel on a busy 2-core machine
#: tornado's StaticFileHandler.CACHE_MAX_AGE: ten years, for a URL that names its content
TEN_YEARS = 86400 * 365 * 10


def source_hash() -> str:
    """What js/build.mjs writes on each output's first line: the sha256 over every file under
    js/src in the order of their paths as strings, then js/build.mjs and js/package-lock.json
    (each as its path, NUL, bytes, NUL)."""
    files = sorted((p for p in (JS / "src").rglob("*") if p.is_file()), key=lambda p: p.as_posix())
    digest = hashlib.sha256()
    for path in [*files, JS / "build.mjs", JS / "package-lock.json"]:
        digest.update(path.relative_to(JS).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def test_the_committed_page_is_the_build_of_the_committed_sources():
    header = f"/* epa-page sources sha256:{source_hash()} */"
    for name in ("epa-page.js", "epa-page.css"):
        with open(STATIC / name, encoding="utf-8") as built:
            first = built.readline().rstrip("\n")
        assert first == header, f"{name} is not the build of js/: cd js && npm ci && npm run build"
    # the static folder holds that build alone: the two files and the fonts the stylesheet names
    css = (STATIC / "epa-page.css").read_text(encoding="utf-8")
    fonts = set(re.findall(r"url\(\"?\./([^\")]+)\"?\)", css))
    assert fonts and all(f.endswith(".woff2") for f in fonts)
    assert {p.name for p in STATIC.iterdir()} == {"epa-page.js", "epa-page.css", *fonts}


def test_the_page_carries_the_anywidget_front_end_of_the_installed_anywidget():
    """The checklist is an anywidget: the page draws it only with the front end of the version
    the Python package names (``~0.11.*`` for 0.11.0). Upgrading one without the other (and a
    rebuild) would leave every form undrawn."""
    import json

    import anywidget

    pinned = json.loads((JS / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert pinned["anywidget"].split(".")[:2] == anywidget.__version__.split(".")[:2]


def test_a_plain_install_ships_both_templates_and_the_built_page():
    """Every file of the kit's Voilà templates is package data (`pip install .`, not editable)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["epa_kernel"]
    package = ROOT / "epa_kernel"
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    files = {p for p in TEMPLATES.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert {"index.html.j2", "conf.json", "epa-page.js"} <= {p.name for p in files}
    assert files - shipped == set()


def page_links(html: str) -> list[str]:
    """The addresses of the page's scripts and stylesheets."""
    return re.findall(r"<(?:script|link)[^>]*\s(?:src|href)=\"([^\"]+)\"", html)


def test_the_page_loads_the_kits_script_once_for_a_warm_browser(app_server):
    """The page's only script and stylesheets are the kit's template files, each linked with its
    content's hash and answered with a ten-year cache lifetime: a browser that has loaded the
    page once asks for none of them again until a new version of the kit changes the hash.
    Voilà's JupyterLab front end (voila.js and its hundred chunks) is not loaded at all."""
    app_server.start()
    with urllib.request.urlopen(app_server.url, timeout=120) as answer:
        html = answer.read().decode("utf-8")
    links = [u for u in page_links(html) if not u.startswith("data:")]
    assert "voila.js" not in html and "voila-style.js" not in html
    scripts = [u for u in links if "/epa-page.js" in u]
    assert len(scripts) == 1 and "epa-page.css" in " ".join(links)
    for url in links:
        assert url.startswith("/voila/templates/epa/static/") and "?v=" in url, url
        with urllib.request.urlopen(app_server.url.rstrip("/") + url, timeout=30) as answer:
            assert answer.status == 200
            cache = answer.headers["Cache-Control"]
        assert cache == f"max-age={TEN_YEARS}", (url, cache)


UNKNOWN_WIDGET = '''import ipywidgets as w
from traitlets import Unicode


class Elsewhere(w.DOMWidget):
    """A widget whose front end the kit's page does not carry (a CDN would have it)."""

    _model_module = Unicode("widget-from-a-cdn").tag(sync=True)
    _view_module = Unicode("widget-from-a-cdn").tag(sync=True)
    _model_name = Unicode("ElsewhereModel").tag(sync=True)
    _view_name = Unicode("ElsewhereView").tag(sync=True)


HOSTILE = (
    "<b class='allowed'>bold</b><img src=x onerror='window.ran=1'><script>window.ran=2</script>"
    "<a href='javascript:window.ran=3'>link</a>"
)
ticked = w.Checkbox(description=HOSTILE, description_allow_html=True)
shown = w.Output()
shown.append_display_data(w.HTML("<b class='inside-output'>a widget inside the output</b>"))
clicked = w.Output()


def click(_):
    with clicked:
        print("captured by the output widget")


button = w.Button(description="Still here")
button.on_click(click)
display(Elsewhere(), button, ticked, shown, clicked)
'''


@pytest.fixture()
def unknown_widget_page(tmp_path, monkeypatch):
    """Voilà with the kit's settings (template ``epa``) on a notebook showing a widget from a
    module the page does not carry, a button, a checkbox with a hostile HTML description and an
    Output widget."""
    import nbformat

    notebook = tmp_path / "elsewhere.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(UNKNOWN_WIDGET)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, notebook)
    monkeypatch.setenv("JUPYTER_PATH", serve.jupyter_path(dict(os.environ)))
    port = free_port()
    command = [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}"]
    command += ["--Voila.ip=127.0.0.1", "--Voila.token=", *serve.VOILA_SETTINGS]
    with open(tmp_path / "voila.log", "ab") as log:
        server = AppServer(command, port, log, name="voila elsewhere.ipynb")
        server.start()
        yield server
        server.kill()


def test_a_widget_the_page_does_not_carry_fails_in_words_and_nothing_is_fetched(
    browser, unknown_widget_page
):
    from playwright.sync_api import expect

    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    outside = off_the_machine(page)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(unknown_widget_page.url, timeout=TIMEOUT)
    expect(page.locator(".epa-page-error")).to_contain_text(
        "widget-from-a-cdn is not one of the widget modules the kit's page carries"
    )
    expect(page.get_by_role("button", name="Still here")).to_be_visible()
    # an HTML description keeps its markup, less anything that could run
    label = page.locator(".widget-checkbox")
    expect(label.locator("b.allowed")).to_have_text("bold")
    expect(label.locator("script, [onerror], a[href]")).to_have_count(0)
    expect(label.locator("a")).to_have_text("link")
    assert page.evaluate("window.ran") is None
    # the Output widget, without JupyterLab's output area: widgets inside it, and what the
    # kernel prints into it while a click is handled (captured by the page)
    expect(page.locator(".widget-output .inside-output")).to_have_text("a widget inside the output")
    page.get_by_role("button", name="Still here").click()
    expect(page.locator(".widget-output pre")).to_have_text("captured by the output widget")
    page.close()
    assert outside == []
    scripts = {urlsplit(u).path for u in asked if urlsplit(u).path.endswith(".js")}
    assert scripts == {"/voila/templates/epa/static/epa-page.js"}


#: what Voilà's page sends when it is closed: its kernel ended, by the server's API
END_KERNEL = r"""async (kernel) => {
    const body = new FormData();
    body.append("_xsrf", (document.cookie.match(/\b_xsrf=([^;]*)/) || [])[1] || "");
    const answer = await fetch(`/voila/api/shutdown/${kernel}`, {method: "POST", body});
    return answer.status;
}"""


def test_a_page_whose_session_has_ended_says_so(browser, app_server):
    """The kernel behind an open page is ended (here as Voilà's own page ends it when closed; on
    the hub the cap on kernels or the idle cull does it): as soon as the assessor acts on it,
    the page says so at the top, rather than leaving a form that no longer saves."""
    from playwright.sync_api import expect

    app_server.start()
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(app_server.url, timeout=TIMEOUT)
    page.locator(".epa-assessor select").wait_for()
    expect(page.locator(".epa-page-notice")).to_have_count(0)
    kernel = page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )
    # Voilà's page sets no _xsrf cookie, so its own beacon is refused (before and after the
    # light page alike): the test supplies one, as tornado's double-submit check wants
    page.context.add_cookies([{"name": "_xsrf", "value": "kit-test", "url": app_server.url}])
    ended = page.evaluate(END_KERNEL, kernel)
    assert ended == 204
    page.locator(".epa-assessor select").click()  # the assessor acts on the page
    expect(page.locator(".epa-page-notice")).to_contain_text("session has ended", timeout=15_000)
    page.close()
