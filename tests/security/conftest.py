"""The attacker's suite's own hub: one for the whole suite's OS-boundary and route tests.

Its store and state sit in a folder every OS user can pass through (as an organisation's /srv
might be), so only the kit's own file modes keep the users' servers out, and the store holds:
one apprentice's observation sat three times by three assessors (Ruth the first attempt,
submitted; Declan the resit, a draft; Morgan the second resit, not started), another apprentice
of Declan's, submitted (nobody else's to see), Quinn as IQA and Ada as admin, all signed up with
their codes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from epa_kernel.store.store import Store
from epa_kernel.store.users import set_user
from helpers import (
    HUB_TIMEOUT,
    OTHER_NAME,
    OTHER_ULN,
    HubServer,
    hub_accounts,
    make_record,
    three_attempts,
)

USERS = ("ada", "quinn", "ruth", "declan", "morgan")


@pytest.fixture(scope="session")
def team_hub(hub_tools, browser, tmp_path_factory):
    from playwright.sync_api import expect

    base = Path(tempfile.mkdtemp(prefix="epa-hub-", dir="/tmp"))
    base.chmod(0o755)
    log = open(tmp_path_factory.mktemp("team-hub") / "hub.log", "ab")  # noqa: SIM115
    server = HubServer(f"sqlite:///{base / 'store' / 'epa.sqlite'}", base, log)
    store = Store(server.store_url)
    three_attempts(store)
    other = make_record(uln=OTHER_ULN, assessor="Declan Moss")
    other = other.model_copy(
        update={"apprentice": other.apprentice.model_copy(update={"name": OTHER_NAME})}
    )
    store.assign(other)
    store.submit(store.put(other, author="Declan Moss"), author="Declan Moss")
    set_user(store, "ada", "admin")
    set_user(store, "quinn", "iqa")
    store.close()
    server.start()
    expect.set_options(timeout=HUB_TIMEOUT)
    hub_accounts(browser, server, USERS)
    yield server
    expect.set_options(timeout=5_000)
    server.stop()
    log.close()
    shutil.rmtree(base, ignore_errors=True)
