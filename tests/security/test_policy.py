"""The single-user servers' policy on the hub is an allow-list: read anything, talk to a kernel,
write nothing, no terminals; whatever jupyter_server names later is refused until allowed."""

from __future__ import annotations

import pytest

from epa_kernel.apps.server_policy import allowed

# the resources jupyter_server's handlers authorise (jupyter_server/**/handlers.py, websockets)
RESOURCES = (
    "api", "config", "contents", "csp", "events", "kernels", "kernelspecs", "nbconvert",
    "server", "sessions", "terminals",
)  # fmt: skip


@pytest.mark.parametrize("resource", RESOURCES)
def test_nothing_is_written_anywhere_and_only_kernels_are_executed(resource):
    assert not allowed("write", resource)
    assert allowed("execute", resource) == (resource == "kernels")
    assert allowed("read", resource) == (resource != "terminals")


def test_an_unknown_action_or_resource_is_refused():
    assert not allowed("delete", "contents") and not allowed("execute", "something-new")
