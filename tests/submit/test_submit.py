"""`epa submit` against a local server that answers as the assessment service's External API
(tests/fake_assessor_api.py), on SQLite and PostgreSQL: batches of 25, refusals retried alone,
timeouts retried, a Fail as an EPA record only, a withdrawal, an amendment, re-runs that send
nothing, and no key or ULN in a log."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import date

import pytest
from fake_assessor_api import LIMIT_MESSAGE
from submit_support import CONTACT, KEY, known, put_epa, release, ulns

from epa_kernel.submit.client import ServiceClient
from epa_kernel.submit.run import submit
from epa_kernel.submit.settings import ServiceSettings
from helpers import make_record


def settings(api, **changes) -> ServiceSettings:
    base = ServiceSettings(
        base_url=api.url,
        key=KEY,
        approved_versions={"ST0072": ("1.0",)},
        postal_contact=dict(CONTACT),
        timeout_seconds=5,
    )
    return replace(base, **changes)


def client(api, timeout=5.0):
    return ServiceClient(api.url, KEY, timeout=timeout, backoff=0, sleep=lambda s: None)


def send(store, api, **changes):
    return submit(store, settings(api, **changes), client=client(api))


def test_sixty_results_go_in_requests_of_25_and_a_rerun_sends_nothing(store, api):
    learners = ulns(60)
    for uln in learners:
        put_epa(store, uln)
    release(store)
    known(api, *learners)

    report = send(store, api)
    assert report.ok and not report.problems
    assert api.service.log == [
        ("POST", "/api/v1/epa", 25),
        ("POST", "/api/v1/epa", 25),
        ("POST", "/api/v1/epa", 10),
        ("POST", "/api/v1/certificate", 25),
        ("POST", "/api/v1/certificate", 25),
        ("POST", "/api/v1/certificate", 10),
        ("POST", "/api/v1/certificate/submit", 25),
        ("POST", "/api/v1/certificate/submit", 25),
        ("POST", "/api/v1/certificate/submit", 10),
    ]
    assert {c.status for c in api.service.certs.values()} == {"Submitted"}
    sent = store.sent("live")
    assert len(sent) == 180 and {r.state for r in sent} == {"accepted"}
    (cert,) = [r for r in sent if r.kind == "certificate" and r.uln == learners[0]]
    assert cert.reference == api.service.certs[(int(learners[0]), "ST0072")].reference

    again = send(store, api)
    assert again.ok and again.answers == []
    assert len(api.service.log) == 9 and len(store.sent("live")) == 180


def test_a_refused_item_is_listed_and_retried_alone_after_a_fix(store, api):
    learners = ulns(3)
    for uln in learners:
        put_epa(store, uln)
    release(store)
    known(api, *learners[:2])
    api.service.learners[(int(learners[2]), "ST0072")] = "Exampel"  # the service's record differs

    report = send(store, api)
    refused = [(i.uln, i.kind, a) for i, s, a in report.answers if s == "refused"]
    assert refused == [(learners[2], "epa", "ULN, FamilyName and Standard not found.")]
    assert not report.ok
    assert api.service.log[0] == ("POST", "/api/v1/epa", 3)
    assert ("POST", "/api/v1/certificate", 2) in api.service.log

    known(api, learners[2])  # the learner record corrected at the service
    log_before = len(api.service.log)
    again = send(store, api)
    assert again.ok
    assert api.service.log[log_before:] == [
        ("POST", "/api/v1/epa", 1),
        ("POST", "/api/v1/certificate", 1),
        ("POST", "/api/v1/certificate/submit", 1),
    ]
    assert {i.uln for i, _, _ in again.answers} == {learners[2]}


def test_a_timeout_then_success(store, api):
    (uln,) = ulns(1)
    put_epa(store, uln)
    release(store)
    known(api, uln)
    api.service.faults += [("stall", 1.0), ("status", 503)]

    report = submit(store, settings(api), client=client(api, timeout=0.3))
    assert report.ok
    assert [(i.kind, s) for i, s, _ in report.answers] == [
        ("epa", "accepted"),
        ("certificate", "accepted"),
        ("submit", "accepted"),
    ]
    sent = [line for line in api.service.log if line[0] != "GET"]  # GET: looked up first
    assert sent[0] == ("POST", "/api/v1/epa", 1)  # answered once


def test_a_fail_is_sent_as_an_epa_record_only(store, api):
    (uln,) = ulns(1)
    put_epa(store, uln, fail="practical_observation")
    release(store)
    known(api, uln)

    report = send(store, api)
    assert report.ok
    assert api.service.log == [("POST", "/api/v1/epa", 1)]
    cert = api.service.certs[(int(uln), "ST0072")]
    assert (cert.status, cert.grade) == ("Submitted", "Fail")
    assert cert.epas == [
        {"epaDate": "2026-03-16", "epaOutcome": "Fail", "resit": False, "retake": False}
    ]


@dataclass(frozen=True)
class Withdrawal:
    uln: str
    on: date
    reason: str
    by: str
    at: str


def test_a_withdrawal_updates_the_epa_record(store, api, monkeypatch):
    (uln,) = ulns(1)
    put_epa(store, uln, fail="practical_observation")
    release(store)
    known(api, uln)
    assert send(store, api).ok

    gone = Withdrawal(uln, date(2026, 5, 1), "left the employer", "Rita", "2026-05-01T09:00:00")
    monkeypatch.setattr(store, "withdrawals", lambda uln=None: [gone], raising=False)
    report = send(store, api)
    assert report.ok
    assert api.service.log[-1] == ("PUT", "/api/v1/epa", 1)
    cert = api.service.certs[(int(uln), "ST0072")]
    assert [e["epaOutcome"] for e in cert.epas] == ["Fail", "Withdrawn"]
    assert send(store, api).answers == []  # sent once


def amend_discussion(store, uln, day):
    stored = store.find(uln, "professional_discussion")
    changed = stored.record.model_copy(update={"assessed_on": date(2026, 3, day)})
    store.amend(stored, changed, author="Rita", reason="The date was mistyped.")
    release(store)


def test_an_amendment_after_a_certificate_is_a_put(store, api):
    (uln,) = ulns(1)
    put_epa(store, uln)
    release(store)
    known(api, uln)
    assert send(store, api, submit_certificates=False).ok
    reference = api.service.certs[(int(uln), "ST0072")].reference

    amend_discussion(store, uln, 17)
    report = send(store, api, submit_certificates=False)
    assert report.ok
    assert api.service.log[-1] == ("PUT", "/api/v1/certificate", 1)
    (item, state, answer) = report.answers[0]
    assert (item.action, item.body["certificateReference"], state) == (
        "update",
        reference,
        "accepted",
    )
    cert = api.service.certs[(int(uln), "ST0072")]
    assert cert.data["learningDetails"]["achievementDate"] == "2026-03-17"

    assert send(store, api).ok  # now submitted
    assert api.service.certs[(int(uln), "ST0072")].status == "Submitted"
    amend_discussion(store, uln, 18)
    late = send(store, api)
    assert [(i.action, s, a) for i, s, a in late.answers] == [
        ("update", "refused", "Certificate does not exist in Draft status")
    ]


def test_local_problems_are_listed_per_uln_and_nothing_is_sent(store, api, tmp_path):
    a, b = ulns(2)
    put_epa(store, a)
    put_epa(store, b, fail="practical_observation")
    release(store)
    known(api, a, b)
    bad = settings(api, postal_contact={**CONTACT, "postcode": "NOT A CODE"}, approved_versions={})
    report = submit(store, bad, client=client(api))
    assert report.problems == {
        a: [
            "Your organisation is not approved to assess this Standard",
            "Provide a valid UK postcode",
        ],
        b: ["Your organisation is not approved to assess this Standard"],
    }
    assert api.service.log == [] and store.sent() == []


def test_dry_run_writes_the_bodies_and_sends_nothing(store, api, tmp_path):
    learners = ulns(30)
    for uln in learners:
        put_epa(store, uln)
    release(store)
    report = submit(store, settings(api), dry_run=tmp_path / "dry")
    names = [p.name for p in report.files]
    assert names == [
        "01-epa-create.json",
        "02-epa-create.json",
        "03-certificate-create.json",
        "04-certificate-create.json",
    ]
    first = json.loads((tmp_path / "dry" / names[0]).read_text())
    assert len(first) == 25 and first[0]["learner"] == {
        "uln": int(learners[0]),
        "familyName": "Example",
    }
    assert first[0]["epaDetails"]["epas"][0]["epaOutcome"] == "Pass"
    cert = json.loads((tmp_path / "dry" / names[2]).read_text())[0]
    assert cert["learningDetails"] == {
        "overallGrade": "Pass",
        "achievementDate": "2026-03-16",
        "version": "1.0",
    }
    assert cert["postalContact"]["postCode"] == "LS1 4AP"
    assert all(KEY not in p.read_text() for p in report.files)
    assert api.service.log == [] and store.sent() == []


def test_no_key_or_uln_reaches_a_log(store, api, caplog, capsys):
    learners = ulns(2)
    for uln in learners:
        put_epa(store, uln)
    release(store)
    known(api, learners[0])  # the other is refused
    api.service.faults += [("status", 503), ("stall", 1.0)]
    with caplog.at_level(logging.DEBUG):
        report = submit(store, settings(api), client=client(api, timeout=0.3))
    assert any(s == "refused" for _, s, _ in report.answers)
    out, err = capsys.readouterr()
    assert "retrying" in caplog.text
    for text in (caplog.text, out, err):
        assert KEY not in text
        assert not any(u in text for u in learners)
    assert KEY not in repr(client(api)) and KEY not in repr(settings(api))
    assert all(KEY not in r.answer for r in store.sent())


def test_the_service_refuses_more_than_25_items(api):
    import urllib.error
    import urllib.request

    body = json.dumps([{"requestId": str(i)} for i in range(26)]).encode()
    req = urllib.request.Request(
        api.url + "api/v1/epa",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Ocp-Apim-Subscription-Key": KEY},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(req, timeout=5)
    assert caught.value.code == 403
    assert json.loads(caught.value.read()) == {"statusCode": 403, "message": LIMIT_MESSAGE}
    with pytest.raises(ValueError):
        client(api).send("POST", "api/v1/epa", [{}] * 26)


def test_a_purge_takes_the_apprentices_ledger_rows_with_their_records(store, api):
    from epa_kernel.store.retention import purge_store

    (uln,) = ulns(1)
    put_epa(store, uln, fail="practical_observation")
    release(store)
    known(api, uln)
    assert send(store, api).ok and len(store.sent()) == 1
    purge_store(store, date(2040, 1, 1))
    assert store.sent() == []


def test_a_resit_pass_after_a_sent_fail_updates_the_epa_record_then_certifies(store, api):
    (uln,) = ulns(1)
    put_epa(store, uln, fail="practical_observation")
    release(store)
    known(api, uln)
    assert send(store, api).ok
    resit = make_record(uln=uln, attempt="resit", assessed_on=date(2026, 4, 20))
    store.put(resit, author="Sam", submitted=True)
    release(store)

    report = send(store, api)
    assert report.ok
    assert api.service.log[1:] == [
        ("PUT", "/api/v1/epa", 1),
        ("POST", "/api/v1/certificate", 1),
        ("POST", "/api/v1/certificate/submit", 1),
    ]
    cert = api.service.certs[(int(uln), "ST0072")]
    assert cert.epas[:2] == [
        {"epaDate": "2026-03-16", "epaOutcome": "Fail", "resit": False, "retake": False},
        {"epaDate": "2026-04-20", "epaOutcome": "Pass", "resit": True, "retake": False},
    ]
    assert (cert.status, cert.grade) == ("Submitted", "Pass")
    assert cert.data["learningDetails"]["achievementDate"] == "2026-04-20"
