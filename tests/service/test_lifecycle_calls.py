"""Withdrawals and appeals through the store service: an admin on the hub records them, in
their own name, under the organisation's appeal window where the service runs; an assessor or
IQA is refused every one of these calls, and nothing is written."""

from __future__ import annotations

from datetime import date

import pytest

from epa_kernel.errors import AccessError, InputError
from epa_kernel.service.client import StoreClient
from epa_kernel.service.server import CALLS
from epa_kernel.store.users import set_user
from helpers import VALID_ULNS, make_record, store_service, user_tokens

A = "Alex Ash"
ULN = VALID_ULNS[0]
CALLED = ("withdraw", "reinstate", "lodge_appeal", "resolve_appeal", "appeals")
LODGE = {
    "kind": "appeal",
    "appellant_role": "apprentice",
    "appellant": "Ada Example",
    "lodged_on": date(2026, 6, 30),
    "result_notified_on": date(2026, 4, 1),
    "grounds": "The observation was cut short.",
}


@pytest.fixture
def service(store, tmp_path, monkeypatch):
    """One submitted record of Alex's; alex (assessor), quinn (IQA) and ada (admin); the
    service runs where no settings file is, unless the test writes one."""
    monkeypatch.delenv("EPA_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    stored = store.put(make_record(uln=ULN, assessor=A), author=A, submitted=True)
    set_user(store, "alex", "assessor", A)
    set_user(store, "quinn", "iqa")
    set_user(store, "ada", "admin")
    with store_service(store, user_tokens("alex", "quinn", "ada")) as url:
        yield store, url, stored


def test_the_calls_are_served(service):
    assert set(CALLED) <= CALLS


def test_an_admin_withdraws_reinstates_and_handles_an_appeal_in_their_own_name(service):
    store, url, stored = service
    ada = StoreClient(url, "ada-token")
    gone = ada.withdraw(ULN, on=date(2026, 5, 1), reason="left the employer")
    assert (gone["uln"], gone["on"], gone["by"]) == (ULN, date(2026, 5, 1), "ada")
    assert [w.uln for w in store.withdrawals()] == [ULN]
    back = ada.reinstate(ULN, on=date(2026, 5, 8), reason="back with a new employer")
    assert back["reinstated"] and store.withdrawals() == []

    lodged = ada.lodge_appeal(stored.id, **LODGE)
    assert lodged["status"] == "lodged" and lodged["flag"]  # no window set: flagged, not refused
    decided = ada.resolve_appeal(stored.id, 1, status="rejected", outcome="The timing was kept.")
    assert (decided["status"], decided["handler"]) == ("rejected", "ada")
    assert [a["status"] for a in ada.appeals(stored.id)] == ["rejected"]
    assert store.history(stored.id)[-1].author == "ada"


def test_the_window_is_the_services_settings_not_the_callers(service, tmp_path):
    store, url, stored = service
    (tmp_path / "epa.toml").write_text(
        '[appeals]\nwindow_working_days = 15\npolicy_source = "Appeals policy 2.1"\n'
    )
    ada = StoreClient(url, "ada-token")
    with pytest.raises(InputError, match="Appeals policy 2.1"):
        ada.lodge_appeal(stored.id, **LODGE)
    with pytest.raises(InputError):  # no window or name of the caller's is taken
        ada.lodge_appeal(stored.id, **LODGE, policy=None)
    with pytest.raises(InputError):
        ada.withdraw(ULN, on=date(2026, 5, 1), reason="left", by="Mallory")
    assert store.appeals(stored.id) == [] and store.withdrawals() == []


@pytest.mark.parametrize("who", ["alex", "quinn"])
def test_an_assessor_or_iqa_is_refused_every_lifecycle_call(service, who):
    store, url, stored = service
    client = StoreClient(url, f"{who}-token")
    ada = StoreClient(url, "ada-token")
    ada.lodge_appeal(stored.id, **LODGE)
    for call in (
        lambda: client.withdraw(ULN, on=date(2026, 5, 1), reason="left"),
        lambda: client.reinstate(ULN, on=date(2026, 5, 1), reason="back"),
        lambda: client.lodge_appeal(stored.id, **LODGE),
        lambda: client.resolve_appeal(stored.id, 1, status="upheld", outcome="x"),
        lambda: client.appeals(stored.id),
    ):
        with pytest.raises(AccessError):
            call()
    assert store.withdrawals() == []
    assert [a.status for a in store.appeals(stored.id)] == ["lodged"]
