"""The grading engine against the documents' own rules and tables."""

from __future__ import annotations

from datetime import date

import pytest

from epa_kernel.core.grading import combine, grade_epa, grade_method
from epa_kernel.errors import InputError
from helpers import ST0071_TABLE, ST0072_TABLE, D, F, P, expand, judgements_for, make_record


@pytest.mark.parametrize(
    "standard_id, version, table",
    [
        ("ST0072", "1.0", ST0072_TABLE),
        ("ST0071", "1.1", ST0071_TABLE),
        ("ST0071", "1.0", ST0071_TABLE),
    ],
)
def test_every_row_of_the_documents_overall_table(standard_id, version, table):
    from epa_kernel.core.catalogue import get_standard

    std = get_standard(standard_id, version)
    order = [m.id for m in std.methods]
    for pattern, expected in table:
        for combo in expand(pattern):
            grade, reason = combine(std, dict(zip(order, combo)))
            assert grade == expected, (combo, reason)
            assert f"Overall {expected}" in reason


def _records_with_grades(std, grades, **kw):
    """One record per method, judged so that it earns the given grade."""
    records = []
    for m, g in zip(std.methods, grades):
        channels = ["face_to_face"] if m.channels else None
        count = m.grading.distinction.count or len(m.distinction_criteria)
        j = judgements_for(
            std,
            m.id,
            channels,
            pass_="not_met" if g == F else "met",
            distinctions=count if g == D else 0,
        )
        records.append(
            make_record(std.standard, std.version, m.id, judgements=j, channels=channels, **kw)
        )
    return records


@pytest.mark.parametrize(
    "standard_id, version, table",
    [("ST0072", "1.0", ST0072_TABLE), ("ST0071", "1.1", ST0071_TABLE)],
)
def test_grade_epa_reaches_each_table_row_from_judgements(standard_id, version, table):
    from epa_kernel.core.catalogue import get_standard

    std = get_standard(standard_id, version)
    for pattern, expected in table:
        combo = next(iter(expand(pattern)))
        outcome = grade_epa(std, _records_with_grades(std, combo))
        assert [o.grade for o in outcome.methods.values()] == list(combo)
        assert outcome.grade == expected


@pytest.mark.parametrize(
    "method_id, threshold, available",
    [
        ("apprentice_showcase", 7, 10),
        ("practical_observation", 4, 5),
        ("professional_discussion", 3, 4),
    ],
)
def test_st0072_distinction_threshold_at_and_either_side(st0072, method_id, threshold, available):
    channels = ["face_to_face"] if method_id == "practical_observation" else None
    for met, expected in ((threshold - 1, P), (threshold, D), (min(threshold + 1, available), D)):
        j = judgements_for(st0072, method_id, channels, distinctions=met)
        outcome = grade_method(
            st0072, make_record(method=method_id, judgements=j, channels=channels)
        )
        assert outcome.grade == expected, met
        assert (outcome.distinction_met, outcome.distinction_required) == (met, threshold)
        assert f"Distinction descriptors met: {met} of {available}; {threshold} needed" in " ".join(
            outcome.reasons
        )


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_st0071_distinction_needs_every_distinction_descriptor(version):
    from epa_kernel.core.catalogue import get_standard

    std = get_standard("ST0071", version)
    for m in std.methods:
        n = len(m.distinction_criteria)
        for met, expected in ((n - 1, P), (n, D)):
            j = judgements_for(std, m.id, distinctions=met)
            outcome = grade_method(std, make_record("ST0071", version, m.id, judgements=j))
            assert outcome.grade == expected


def test_one_unmet_pass_descriptor_fails_and_is_named(st0072):
    j = judgements_for(st0072, "professional_discussion", distinctions=4)
    j["P5"] = "not_met"
    outcome = grade_method(st0072, make_record(method="professional_discussion", judgements=j))
    assert outcome.grade == F
    assert outcome.unmet_pass == ("P5",)
    assert "pass descriptor not met: P5" in outcome.reasons[1]


@pytest.mark.parametrize(
    "channels, needed, excluded",
    [
        (["face_to_face"], {"P4", "P5", "P6", "P12"}, {"P7", "P8", "P9", "P13", "P14"}),
        (["non_face_to_face"], {"P7", "P8", "P9", "P13", "P14"}, {"P4", "P5", "P6", "P12"}),
        (["face_to_face", "non_face_to_face"], {"P4", "P7", "P12", "P13"}, set()),
    ],
)
def test_observation_counts_only_descriptors_for_the_channels_observed(
    st0072, channels, needed, excluded
):
    j = judgements_for(st0072, "practical_observation", channels)
    assert needed <= set(j) and not (excluded & set(j))
    outcome = grade_method(st0072, make_record(judgements=j, channels=channels))
    assert outcome.grade == P and outcome.status == "complete"
    assert outcome.pass_required == 20 - len(
        {"P4", "P5", "P6", "P12", "P7", "P8", "P9", "P13", "P14"} - set(j)
    )


def test_descriptor_of_another_channel_is_refused(st0072):
    j = judgements_for(st0072, "practical_observation", ["face_to_face"])
    j["P7"] = "met"
    with pytest.raises(InputError, match="P7 applies only to non_face_to_face"):
        make_record(judgements=j, channels=["face_to_face"])


def test_both_channels_need_both_sets(st0072):
    both = ["face_to_face", "non_face_to_face"]
    j = judgements_for(st0072, "practical_observation", both)
    del j["P13"]
    outcome = grade_method(st0072, make_record(judgements=j, channels=both))
    assert outcome.grade is None and outcome.status == "incomplete"
    assert outcome.missing == ("P13",)


def _deferral_records(st0072, in_discussion):
    deferred = ("P15", "P18")
    po = make_record(
        judgements=judgements_for(
            st0072, "practical_observation", ["face_to_face"], distinctions=4, deferred=deferred
        )
    )
    pd_j = judgements_for(st0072, "professional_discussion", distinctions=3)
    pd_j.update({f"practical_observation.{k}": v for k, v in in_discussion.items()})
    pd = make_record(method="professional_discussion", judgements=pd_j)
    return po, pd


def test_deferred_descriptors_are_pending_until_the_discussion_judges_them(st0072):
    po, _ = _deferral_records(st0072, {})
    outcome = grade_method(st0072, po)
    assert outcome.grade is None and outcome.status == "pending"
    assert outcome.deferred == ("P15", "P18")
    assert "awaiting its judgement: P15, P18" in " ".join(outcome.reasons)


def test_deferred_descriptors_met_in_the_discussion_count_for_the_observation(st0072):
    po, pd = _deferral_records(st0072, {"P15": "met", "P18": "met"})
    showcase = make_record(
        method="apprentice_showcase",
        judgements=judgements_for(st0072, "apprentice_showcase", distinctions=7),
    )
    outcome = grade_epa(st0072, [showcase, po, pd])
    assert outcome.methods["practical_observation"].grade == D
    assert outcome.grade == D
    assert any(
        "P15 was deferred to professional_discussion, where it was judged met" in r
        for r in outcome.methods["practical_observation"].reasons
    )


def test_deferred_descriptor_not_met_in_the_discussion_fails_the_observation(st0072):
    po, pd = _deferral_records(st0072, {"P15": "met", "P18": "not_met"})
    outcome = grade_epa(st0072, [po, pd])
    assert outcome.methods["practical_observation"].grade == F
    assert outcome.methods["practical_observation"].unmet_pass == ("P18",)
    assert outcome.methods["professional_discussion"].grade == D


def test_descriptor_failed_in_the_observation_cannot_be_recovered_in_the_discussion(st0072):
    j = judgements_for(st0072, "practical_observation", ["face_to_face"])
    j["P16"] = "not_met"
    po = make_record(judgements=j)
    pd_j = judgements_for(st0072, "professional_discussion")
    pd_j["practical_observation.P16"] = "met"
    pd = make_record(method="professional_discussion", judgements=pd_j)
    assert grade_epa(st0072, [po, pd]).methods["practical_observation"].grade == F


def test_only_deferrable_descriptors_may_be_deferred(st0072):
    j = judgements_for(st0072, "practical_observation", ["face_to_face"])
    j["P1"] = "deferred"
    with pytest.raises(InputError, match="P1 cannot be deferred; allowed: met, not_met"):
        make_record(judgements=j)


def test_st0072_resit_is_capped_at_pass_per_method(st0072):
    j = judgements_for(st0072, "professional_discussion", distinctions=4)
    outcome = grade_method(
        st0072, make_record(method="professional_discussion", judgements=j, attempt="resit")
    )
    assert outcome.grade == P and outcome.capped
    assert "Capped at Pass: a resit can achieve at most Pass" in outcome.reasons
    first = grade_method(st0072, make_record(method="professional_discussion", judgements=j))
    assert first.grade == D and not first.capped


def test_st0071_retake_caps_the_epa_grade_not_the_method(st0071):
    records = _records_with_grades(st0071, (D, D, D))
    records[1] = records[1].model_copy(update={"attempt": "retake"})
    outcome = grade_epa(st0071, records)
    assert outcome.methods["work_based_project"].grade == D
    assert outcome.grade == P
    why = "Capped at Pass: Work-based project supported by an interview was a resit or retake"
    assert why in outcome.reasons


def test_the_resit_replaces_the_failed_first_attempt(st0072):
    first = _records_with_grades(st0072, (P, F, P))
    resit = _records_with_grades(st0072, (P, D, P), attempt="resit")[1]
    outcome = grade_epa(st0072, [*first, resit])
    assert outcome.methods["practical_observation"].grade == P  # capped
    assert outcome.grade == P


def test_overall_waits_for_every_method(st0072):
    records = _records_with_grades(st0072, (P, F, P))[:2]
    outcome = grade_epa(st0072, records)
    assert outcome.grade is None
    assert "Not yet assessed: Professional Discussion" in outcome.reasons


def test_st0071_versions_grade_the_moved_descriptor_in_their_own_method(st0071, st0071_v10):
    text = (
        "Demonstrates resolution of a range of complex customer service issues, "
        "explaining the approach used and why, demonstrating accountability throughout"
    )

    def where(std):
        return [(m.id, c.id) for m in std.methods for c in m.criteria if c.text.rstrip(".") == text]

    assert [m for m, _ in where(st0071)] == ["professional_discussion"]
    assert [m for m, _ in where(st0071_v10)] == ["practical_observation"]
    # The same observation judgements: all pass descriptors of v1.1 met. Under v1.0 the moved
    # descriptor is an observation pass descriptor still to judge.
    j = judgements_for(st0071, "practical_observation")
    v11 = grade_method(st0071, make_record("ST0071", "1.1", judgements=j))
    v10 = grade_method(st0071_v10, make_record("ST0071", "1.0", judgements=j))
    assert v11.grade == P and v11.pass_required == 20
    assert v10.grade is None and v10.missing == (where(st0071_v10)[0][1],)


def test_evidence_outside_limits_warns_but_never_changes_the_grade(st0071):
    j = judgements_for(st0071, "practical_observation")
    record = make_record(
        "ST0071", "1.1", judgements=j, evidence={"duration_minutes": 60, "qa_minutes": 12}
    )
    outcome = grade_method(st0071, record)
    assert outcome.grade == P
    assert any(
        "qa_minutes 12 is 20% of duration_minutes 60; at most 15% allowed" in w
        for w in outcome.warnings
    )
    wbp = make_record(
        "ST0071",
        "1.1",
        "work_based_project",
        judgements=judgements_for(st0071, "work_based_project"),
        evidence={"word_count": 3100, "duration_minutes": 60, "questions_asked": 10},
    )
    warnings = grade_method(st0071, wbp).warnings
    assert len(warnings) == 1 and warnings[0].startswith(
        "word_count 3100 is above the maximum 2750"
    )


def test_missing_required_evidence_is_a_warning(st0072):
    outcome = grade_method(st0072, make_record())
    assert any(w.startswith("duration_minutes not recorded") for w in outcome.warnings)


def test_a_fail_is_decided_before_the_record_is_complete(st0072):
    outcome = grade_method(
        st0072, make_record(method="professional_discussion", judgements={"P1": "not_met"})
    )
    assert outcome.grade == F and outcome.status == "incomplete"
    assert "Not yet judged: P2" in " ".join(outcome.reasons)


def test_records_of_different_apprentices_are_not_combined(st0072):
    a = make_record(
        method="apprentice_showcase", judgements=judgements_for(st0072, "apprentice_showcase")
    )
    b = make_record(uln="1000000027")
    with pytest.raises(InputError, match="2 different apprentices"):
        grade_epa(st0072, [a, b])


def test_exceptional_circumstances_lift_the_st0072_method_cap(st0072):
    """002/004: exceptional circumstances accepted by the EPAO lift the resit cap (recorded on the
    record); without them the same judgements are capped at Pass."""
    j = judgements_for(st0072, "professional_discussion", distinctions=4)
    lifted = make_record(
        method="professional_discussion",
        judgements=j,
        attempt="resit",
        exceptional_circumstances=True,
    )
    outcome = grade_method(st0072, lifted)
    assert outcome.grade == D and not outcome.capped
    plain = lifted.model_copy(update={"exceptional_circumstances": False})
    assert grade_method(st0072, plain).grade == P


def test_exceptional_circumstances_lift_the_st0071_overall_cap(st0071):
    records = _records_with_grades(st0071, (D, D, D))
    retake = records[1].model_copy(update={"attempt": "retake"})
    lifted = retake.model_copy(update={"exceptional_circumstances": True})
    assert grade_epa(st0071, [records[0], retake, records[2]]).grade == P
    assert grade_epa(st0071, [records[0], lifted, records[2]]).grade == D


def test_of_two_resits_the_later_one_counts(st0072):
    """004 sets no limit on resits: a second resit after a failed first resit is the one that
    counts, by its date; two resits on the same day are ambiguous."""
    first = _records_with_grades(st0072, (P, F, P))
    failed = _records_with_grades(st0072, (P, F, P), attempt="resit")[1]
    passed = _records_with_grades(st0072, (P, P, P), attempt="resit")[1]
    failed = failed.model_copy(update={"assessed_on": date(2026, 3, 2)})
    passed = passed.model_copy(update={"assessed_on": date(2026, 4, 6)})
    for order in ([failed, passed], [passed, failed]):
        outcome = grade_epa(st0072, [*first, *order])
        assert outcome.methods["practical_observation"].grade == P
        assert outcome.grade == P
    same_day = passed.model_copy(update={"assessed_on": failed.assessed_on})
    with pytest.raises(InputError, match="two resit records for practical_observation"):
        grade_epa(st0072, [*first, failed, same_day])


def test_overall_reasons_name_the_methods_as_the_standard_does(st0072):
    """A statement of results shows the overall reason: method names from the standard's data,
    never its ids (apprentice_showcase)."""
    from epa_kernel.exports.statement_view import statement_view

    outcome = grade_epa(st0072, _records_with_grades(st0072, (P, D, D)))
    why = outcome.reasons[0]
    assert why.startswith("Overall Pass by row ")
    assert "(Apprentice Showcase Pass, Practical Observation Distinction, " in why
    assert not any(m.id in r for m in st0072.methods for r in outcome.reasons)
    bundle = {
        "standard": "ST0072",
        "version": "1.0",
        "apprentice": {"name": "Ada Example", "uln": "1000000019"},
        "attempts": {},
        "content_hashes": [],
        "outcome": outcome.model_dump(mode="json"),
    }
    view = statement_view(bundle, issued_on=date(2026, 1, 1))
    assert view["reasons"] == list(outcome.reasons)
    assert "apprentice_showcase" not in " ".join(view["reasons"])
