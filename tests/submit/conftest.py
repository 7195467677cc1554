"""The local assessment service for the `epa submit` tests."""

from __future__ import annotations

import pytest
from fake_assessor_api import FakeAssessorApi
from submit_support import KEY


@pytest.fixture
def api():
    server = FakeAssessorApi(KEY)
    server.service.approved["ST0072"] = {"1.0"}
    yield server
    server.close()
