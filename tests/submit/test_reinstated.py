"""An apprentice withdrawn, sent as Withdrawn, then back in the EPA: with no result to send,
their EPA record is deleted at the service (DELETE api/v1/epa/...), once; a result released
later is created afresh; with a released result instead, it replaces the Withdrawn record."""

from __future__ import annotations

import logging
from datetime import date

from submit_support import known, local_settings, put_epa, quick_client, release, ulns

from epa_kernel.submit.run import submit


def send(store, api, **changes):
    return submit(store, local_settings(api, **changes), client=quick_client(api))


def test_a_reinstated_apprentice_without_a_result_has_the_withdrawn_record_deleted(
    store, api, caplog
):
    (uln,) = ulns(1)
    put_epa(store, uln, family="van der Berg")  # assessed, not released
    known(api, uln, family="van der Berg")
    store.withdraw(uln, on=date(2026, 3, 20), reason="left the employer", by="Rita")
    assert send(store, api).ok
    held = api.service.certs[(int(uln), "ST0072")]
    assert [e["epaOutcome"] for e in held.epas] == ["Withdrawn"]

    store.reinstate(uln, on=date(2026, 3, 27), reason="back with a new employer", by="Rita")
    with caplog.at_level(logging.DEBUG):
        report = send(store, api)
    assert report.ok, report.answers
    assert "DELETE api/v1/epa" in caplog.text  # its route's template: no ULN, no name
    assert uln not in caplog.text and "Berg" not in caplog.text
    assert [(i.action, s) for i, s, _ in report.answers] == [("delete", "accepted")]
    assert (int(uln), "ST0072") not in api.service.certs
    assert api.service.log[-1] == ("DELETE", "/api/v1/epa", 1)
    assert send(store, api).answers == []  # once

    release(store)  # their result, released later: a new EPA record, then the certificate
    later = send(store, api)
    assert later.ok
    assert [(i.kind, i.action) for i, _, _ in later.answers] == [
        ("epa", "create"),
        ("certificate", "create"),
        ("submit", "submit"),
    ]


def test_a_reinstated_apprentice_with_a_released_result_gets_it_instead(store, api):
    (uln,) = ulns(1)
    put_epa(store, uln, fail="practical_observation")
    release(store)
    known(api, uln)
    store.withdraw(uln, on=date(2026, 3, 20), reason="left", by="Rita")
    assert send(store, api).ok
    store.reinstate(uln, on=date(2026, 3, 27), reason="back", by="Rita")
    report = send(store, api)
    assert [(i.action, s) for i, s, _ in report.answers] == [("update", "accepted")]
    cert = api.service.certs[(int(uln), "ST0072")]
    assert [e["epaOutcome"] for e in cert.epas] == ["Fail"]


def test_a_deletion_the_service_refuses_is_listed(store, api):
    (uln,) = ulns(1)
    put_epa(store, uln)
    known(api, uln)
    store.withdraw(uln, on=date(2026, 3, 20), reason="left", by="Rita")
    assert send(store, api).ok
    api.service.certs[(int(uln), "ST0072")].reference = "99999999"  # changed at the service
    store.reinstate(uln, on=date(2026, 3, 27), reason="back", by="Rita")
    report = send(store, api)
    assert [(i.action, s, a) for i, s, a in report.answers] == [
        ("delete", "refused", "EPA not found")
    ]
