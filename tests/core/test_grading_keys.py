"""The engine's per-(standard, method, channels) descriptor lists change nothing but speed.

``grading.grade_method`` keeps each method's applicable descriptor ids, split by band, for the
life of the process instead of working them out from the criteria on every call. These tests
compare its counts with a plain reference worked out from the criteria each time, on the same
drawn records as the property tests, and check that two standards never share lists.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from epa_kernel.core.evidence import evidence_warnings
from epa_kernel.core.grading import grade_method
from epa_kernel.core.grading_keys import resolve_judgements
from helpers import PROPERTY, STANDARDS, make_record, varied_cases


def reference(case) -> dict:
    """What the outcome's counts must be, from the criteria alone."""
    record = case.record()
    applicable = [c for c in case.method.criteria if c.applies(record.channels)]
    effective = {}
    for c in applicable:
        value = record.judgements.get(c.id)
        if value == "deferred" and case.elsewhere.get(c.id) in ("met", "not_met"):
            value = case.elsewhere[c.id]
        effective[c.id] = value
    passes = [c.id for c in applicable if c.band == "pass"]
    distinctions = [c.id for c in applicable if c.band == "distinction"]
    return {
        "pass_met": sum(effective[i] == "met" for i in passes),
        "pass_required": len(passes),
        "unmet_pass": tuple(i for i in passes if effective[i] == "not_met"),
        "distinction_met": sum(effective[i] == "met" for i in distinctions),
        "distinction_available": len(distinctions),
        "missing": tuple(i for i in effective if effective[i] is None),
        "deferred": tuple(i for i in effective if effective[i] == "deferred"),
        "effective": effective,
    }


@PROPERTY
@given(case=varied_cases())
def test_counts_equal_a_reference_worked_out_from_the_criteria(case):
    expected = reference(case)
    for _ in range(2):  # the first call may fill the cache, the second reads it
        outcome = case.grade()
        assert {k: getattr(outcome, k) for k in expected if k != "effective"} == {
            k: v for k, v in expected.items() if k != "effective"
        }
    assert resolve_judgements(case.method, case.record(), case.elsewhere) == expected["effective"]


def test_two_standards_never_share_descriptor_lists(st0072):
    """A copy of a standard with another distinction threshold grades by its own threshold,
    however the calls interleave."""
    method = st0072.method("apprentice_showcase")
    rule = method.grading.distinction
    lower = st0072.model_copy(
        update={
            "methods": tuple(
                m.model_copy(
                    update={
                        "grading": m.grading.model_copy(
                            update={"distinction": rule.model_copy(update={"count": 1})}
                        )
                    }
                )
                if m.id == method.id
                else m
                for m in st0072.methods
            )
        }
    )
    record = make_record(
        method="apprentice_showcase",
        judgements={
            c.id: "met" if c.band == "pass" or c.id == "D1" else "not_met" for c in method.criteria
        },
    )
    assert rule.count > 1
    for _ in range(3):
        assert grade_method(st0072, record).grade == "Pass"
        assert grade_method(lower, record).grade == "Distinction"


FACT_VALUES = st.one_of(st.none(), st.integers(min_value=0, max_value=24 * 60))
METHODS = {f"{s.key} {m.id}": (s, m) for s in STANDARDS for m in s.methods}


@PROPERTY
@given(data=st.data())
def test_warnings_equal_evidence_warnings_for_any_evidence(data):
    """The outcome's warnings (limits kept with the lists) are exactly evidence_warnings'."""
    standard, method = METHODS[data.draw(st.sampled_from(sorted(METHODS)), label="method")]
    evidence = {limit.fact: data.draw(FACT_VALUES, label=limit.fact) for limit in method.evidence}
    record = make_record(
        standard.standard,
        standard.version,
        method.id,
        evidence={k: v for k, v in evidence.items() if v is not None},
    )
    assert grade_method(standard, record).warnings == tuple(evidence_warnings(method, record))
