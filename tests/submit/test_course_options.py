"""LearningDetails.CourseOption: the kit's standards have no options, so none is sent and an
apprentice naming one is refused locally; a standard with options needs each apprentice's
option, one of its list, checked before anything is sent and then sent in both bodies."""

from __future__ import annotations

import json

import pytest
from submit_support import known, local_settings, put_epa, quick_client, release, ulns

from epa_kernel.core.catalogue import catalogue, get_standard
from epa_kernel.submit import requests
from epa_kernel.submit.run import submit

OPTIONS = ("Retail", "Hospitality")


def test_the_kits_standards_have_no_course_options():
    for code, version in catalogue():
        assert get_standard(code, version).service_grade.course_options == ()


def test_no_option_is_sent_for_a_standard_without_options(store, api, tmp_path):
    a, b = ulns(2)
    put_epa(store, a)
    put_epa(store, b, option="Retail")
    release(store)
    report = submit(store, local_settings(api), dry_run=tmp_path / "dry")
    assert report.problems == {
        b: ["No course option available for this Standard and version. Must be empty"]
    }
    assert report.files == [] and api.service.log == []


@pytest.fixture
def with_options(monkeypatch, api):
    """ST0072 v1.0 as if it had two options, in the kit's data and at the service."""
    real = get_standard("ST0072", "1.0")
    grades = real.service_grade.model_copy(update={"course_options": OPTIONS})
    changed = real.model_copy(update={"service_grade": grades})
    monkeypatch.setattr(requests, "get_standard", lambda code, version=None: changed)
    api.service.options["ST0072"] = OPTIONS


def test_a_standard_with_options_needs_one_of_them(store, api, with_options):
    a, b, c = ulns(3)
    put_epa(store, a)
    put_epa(store, b, option="Catering")
    put_epa(store, c, option="retail")
    release(store)
    known(api, a, b, c)
    report = submit(store, local_settings(api), client=quick_client(api))
    invalid = "Invalid course option for this Standard and version. Must be one of the following"
    assert report.problems == {
        a: [f"{invalid}: Retail, Hospitality"],
        b: [f"{invalid}: Retail, Hospitality"],
    }
    assert api.service.log == []


def test_the_option_named_goes_in_both_bodies_and_the_service_takes_it(
    store, api, with_options, tmp_path
):
    (uln,) = ulns(1)
    put_epa(store, uln, option="Hospitality")
    release(store)
    known(api, uln)
    dry = submit(store, local_settings(api), dry_run=tmp_path / "dry")
    bodies = [json.loads(p.read_text())[0] for p in dry.files]
    assert [b["learningDetails"]["courseOption"] for b in bodies] == ["Hospitality"] * 2
    report = submit(store, local_settings(api), client=quick_client(api))
    assert report.ok, report.answers
    cert = api.service.certs[(int(uln), "ST0072")]
    assert cert.data["learningDetails"]["courseOption"] == "Hospitality"
