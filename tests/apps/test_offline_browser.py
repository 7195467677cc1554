"""The kit's pages load nothing off this machine: every request a page makes, in a real browser,
goes to 127.0.0.1 or localhost. A firewall that drops connections to a CDN silently would
otherwise hold the page until the browser gives up (Voilà starts its front end on ``load``).

Served by `epa serve` here (the assessor, IQA review and grading-logic apps); the hub's own pages
are in tests/security/test_offline_hub_browser.py.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from helpers import LOCAL_HOSTS, AppServer, free_port, off_the_machine

TIMEOUT = 90_000  # ms: a cold kernel on a busy 2-core machine
#: an address a page loads from: a script, a stylesheet, an ES module import, a CSS url()
LOADS = r"""(?:<script[^>]*\ssrc=|<link[^>]*\shref=|import\(|url\()["']?((?:https?:)?//[^"' )>]+)"""
#: what each app shows once its front end has drawn its widgets
DRAWN = {
    "assessor": ".epa-assessor select",
    "iqa_review": ".epa-reviewer input",
    "grading_logic": ".epa-outcome-panel .epa-grade",
}


@pytest.mark.parametrize("app", list(DRAWN))
def test_an_epa_serve_app_loads_nothing_off_the_machine(browser, tmp_path, app):
    with open(tmp_path / "serve.log", "ab") as log:
        server = AppServer.epa_serve(f"sqlite:///{tmp_path / 'epa.sqlite'}", free_port(), log, app)
        try:
            server.start()
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT)
            outside = off_the_machine(page)
            page.goto(server.url, timeout=TIMEOUT)
            page.locator(DRAWN[app]).first.wait_for()
            page.wait_for_load_state("networkidle")
            # nor any address off the machine that would load only with some content
            written = re.findall(LOADS, page.content())
            page.close()
        finally:
            server.kill()
    assert outside == []
    assert [u for u in written if urlsplit(u).hostname not in LOCAL_HOSTS] == []
