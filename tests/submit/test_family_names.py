"""The family name the service matches is the one recorded with the apprentice, never a guess
from the full name: multi-word and punctuated names go as recorded (in bodies and in the
lookup URLs), and an apprentice without one is refused locally, nothing sent."""

from __future__ import annotations

import json

import pytest
from submit_support import known, local_settings, put_epa, quick_client, release, ulns

from epa_kernel.core.records import MethodRecord
from epa_kernel.submit.run import NO_FAMILY_NAME, submit
from helpers import make_record

NAMES = ["van der Berg", "Smith-Jones", "O'Neill"]


def settings(api, **changes):
    return local_settings(api, **changes)


def client(api, attempts=5):
    return quick_client(api, attempts)


@pytest.mark.parametrize("family", NAMES)
def test_a_recorded_family_name_is_sent_as_recorded(store, api, family, tmp_path):
    (uln,) = ulns(1)
    put_epa(store, uln, family=family)
    release(store)
    known(api, uln, family=family)
    dry = submit(store, settings(api), dry_run=tmp_path / "dry")
    body = json.loads(dry.files[0].read_text())[0]
    assert body["learner"]["familyName"] == family

    # an answer lost: the lookup URL carries the name quoted, and finds the record
    api.service.faults.append(("lose", 0.6, "POST /api/v1/certificate"))
    report = submit(store, settings(api), client=client(api))
    assert report.ok, report.answers
    assert ("GET", "/api/v1/certificate", 1) in api.service.log
    assert api.service.certs[(int(uln), "ST0072")].status == "Submitted"


def test_without_a_recorded_family_name_nothing_is_sent(store, api):
    a, b = ulns(2)
    put_epa(store, a, family=None)  # "Ada Example": the kit does not guess "Example"
    put_epa(store, b)
    release(store)
    known(api, a, b)
    report = submit(store, settings(api), client=client(api))
    assert report.problems == {a: [NO_FAMILY_NAME]}
    assert api.service.log == [] and store.sent() == []


def test_records_that_disagree_on_the_family_name_are_refused(store, api):
    (uln,) = ulns(1)
    put_epa(store, uln, family="Berg")
    other = {"uln": uln, "name": "Ada van der Berg", "family_name": "van der Berg"}
    resit = make_record(uln=uln, attempt="resit", apprentice=other)
    store.put(resit, author="Sam", submitted=True)
    release(store)
    report = submit(store, settings(api), client=client(api))
    assert report.problems == {uln: [NO_FAMILY_NAME]}


def test_a_family_name_left_out_keeps_an_old_records_hash():
    old = make_record()
    data = json.loads(old.canonical_json())
    assert "family_name" not in data["apprentice"]
    again = MethodRecord.model_validate(
        {**data, "apprentice": {**data["apprentice"], "family_name": None}}
    )
    assert again.content_hash() == old.content_hash()
