"""A create or a submission whose answer is lost after the service acted on it: the kit looks it
up (GET learner / certificate) and takes the reference the service holds, and never sends the
same POST twice, in the same run or the next (tests/fake_assessor_api.py: the "lose" fault)."""

from __future__ import annotations

import logging

import pytest
from submit_support import known, local_settings, put_epa, quick_client, release, ulns

from epa_kernel.submit.run import submit


def settings(api, **changes):
    return local_settings(api, **changes)


def client(api, attempts=5):
    return quick_client(api, attempts)


def one_released(store, api, fault) -> str:
    """One released pass the service knows; ``fault`` waiting for its request."""
    (uln,) = ulns(1)
    put_epa(store, uln)
    release(store)
    known(api, uln)
    api.service.faults.append(fault)
    return uln


def posts(api, path):
    return sum(1 for line in api.service.log if line[:2] == ("POST", path))


@pytest.mark.parametrize(
    "route", ["/api/v1/epa", "/api/v1/certificate", "/api/v1/certificate/submit"]
)
def test_a_lost_answer_is_found_at_the_service_and_not_sent_again(store, api, route, caplog):
    a, b = ulns(2)
    for uln in (a, b):
        put_epa(store, uln)
    release(store)
    known(api, a, b)
    api.service.faults.append(("lose", 0.6, f"POST {route}"))

    with caplog.at_level(logging.DEBUG):
        report = submit(store, settings(api), client=client(api))
    assert report.ok, report.answers
    assert posts(api, route) == 1  # acted on once, never resent
    found = [(i.kind, a) for i, s, a in report.answers if "found at the service" in a]
    assert len(found) == 2  # both items of the lost batch, from what the service holds
    for uln in (a, b):
        cert = api.service.certs[(int(uln), "ST0072")]
        assert cert.status == "Submitted"
        refs = {r.reference for r in store.sent("live") if r.uln == uln}
        assert refs == {cert.reference}
    assert "lost answer" in caplog.text
    assert not any(u in caplog.text for u in (a, b)) and "Example" not in caplog.text


def test_a_certificate_timed_out_at_the_end_of_a_run_is_recovered_by_the_next(store, api):
    uln = one_released(store, api, ("lose", 0.6, "POST /api/v1/certificate"))

    first = submit(store, settings(api), client=client(api, attempts=1))
    assert first.stopped and "may have acted on it" in first.stopped
    assert [(i.kind, s) for i, s, _ in first.answers] == [
        ("epa", "accepted"),
        ("certificate", "failed"),
    ]
    made = api.service.certs[(int(uln), "ST0072")]
    assert made.grade == "Pass" and made.status == "Draft"  # the service did make it

    again = submit(store, settings(api), client=client(api))
    assert again.ok
    assert posts(api, "/api/v1/certificate") == 1  # the next run looked, and did not resend
    (cert_row,) = [
        r for r in store.sent("live") if r.kind == "certificate" and r.state == "accepted"
    ]
    assert cert_row.reference == made.reference
    assert api.service.certs[(int(uln), "ST0072")].status == "Submitted"
    assert submit(store, settings(api), client=client(api)).answers == []


def test_a_lost_answer_the_service_never_acted_on_is_sent_again(store, api):
    uln = one_released(store, api, ("stall", 0.6, "POST /api/v1/certificate"))

    report = submit(store, settings(api, submit_certificates=False), client=client(api))
    assert report.ok
    assert api.service.log[-2:] == [
        ("GET", "/api/v1/certificate", 1),  # looked up: nothing there (204)
        ("POST", "/api/v1/certificate", 1),  # so sent again
    ]
    assert api.service.certs[(int(uln), "ST0072")].grade == "Pass"
