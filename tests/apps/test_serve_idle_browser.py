"""`epa serve` in Chromium: a page's kernel goes once the page is closed, the pool's stay.

Each page load takes a kernel from the pool and the pool starts another. Voilà's page asks the
server to end its kernel as it closes, but the server refuses (the page has no XSRF cookie), so
before the culler every load left one more kernel running until `epa serve` stopped: three
loads, three kernels more. Here the idle time is cut to a few seconds to see it happen.
"""

from __future__ import annotations

import time

from helpers import kernel_pids, wait_until_kernels_rest

TIMEOUT = 60_000  # ms: a cold kernel on a busy 2-core machine
POOL = 2  # epa serve's default pool


def test_closed_pages_kernels_are_shut_down_and_the_pool_stays(browser, app_server, monkeypatch):
    monkeypatch.setenv("EPA_KERNEL_IDLE_SECONDS", "3")
    app_server.start()
    wait_until_kernels_rest(app_server.proc.pid, POOL)
    for _ in range(3):
        page = browser.new_page()
        page.goto(app_server.url, timeout=TIMEOUT)
        page.locator(".epa-assessor select").wait_for(timeout=TIMEOUT)
        page.close()
    deadline = time.monotonic() + 90  # idle 3 s, the culler looks every 3 s, the pool refills
    while time.monotonic() < deadline and len(kernel_pids(app_server.proc.pid)) != POOL:
        time.sleep(1)
    assert len(kernel_pids(app_server.proc.pid)) == POOL
