"""Fixtures of the exports' tests: a SQLite store (the confirmations, invites and e-mail are
the same on PostgreSQL: the store's own tests run both)."""

from __future__ import annotations

import pytest

from epa_kernel.store.store import Store


@pytest.fixture
def sqlite_store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'epa.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def booked_url(tmp_path):
    """The URL of a SQLite store with one apprentice booked (helpers.booked_apprentice), for
    tests of the `epa` command."""
    from helpers import booked_apprentice

    url = f"sqlite:///{tmp_path / 'booked.sqlite'}"
    s = Store(url)
    booked_apprentice(s)
    s.close()
    return url
