"""Shared builders for tests: records made from a standard's own descriptor lists."""

from __future__ import annotations

import pytest

from epa_kernel.records import MethodRecord, bind
from epa_kernel.spec import get_standard

VALID_ULNS = ("1000000019", "1000000027", "1000000035", "9999999904")


def judgements_for(standard, method_id, channels=None, *, pass_="met", distinctions=0,
                   deferred=()):
    """Judgements for every applicable descriptor: pass ones set to ``pass_``, the first
    ``distinctions`` distinction descriptors met and the rest not met."""
    method = standard.method(method_id)
    out = {}
    d_seen = 0
    for c in method.applicable(channels):
        if c.band == "pass":
            out[c.id] = "deferred" if c.id in deferred else pass_
        else:
            out[c.id] = "met" if d_seen < distinctions else "not_met"
            d_seen += 1
    return out


def make_record(standard_id="ST0072", version=None, method="practical_observation", *,
                judgements=None, channels=None, attempt="first", uln=VALID_ULNS[0],
                evidence=None, **kwargs) -> MethodRecord:
    standard = get_standard(standard_id, version)
    method_obj = standard.method(method)
    if channels is None and method_obj.channels:
        channels = ["face_to_face"]
    if judgements is None:
        judgements = judgements_for(standard, method, channels)
    record = MethodRecord.model_validate({
        "standard": standard_id, "version": version, "method": method,
        "apprentice": {"uln": uln, "name": "Ada Example"}, "assessor": "A. Assessor",
        "attempt": attempt, "channels": channels, "judgements": judgements,
        "evidence": evidence or {}, **kwargs})
    return bind(record)[0]


@pytest.fixture
def st0072():
    return get_standard("ST0072", "1.0")


@pytest.fixture
def st0071():
    return get_standard("ST0071", "1.1")


@pytest.fixture
def st0071_v10():
    return get_standard("ST0071", "1.0")
