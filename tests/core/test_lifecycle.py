"""The EPA lifecycle: windows, attempts and deadlines at their boundary dates, with the documents'
own numbers (002 for ST0072, 003/004/000 for ST0071) and England's bank holidays."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from epa_kernel.core.appeal import last_day_to_appeal
from epa_kernel.core.attempt_cap import cap_applies, cap_lifted
from epa_kernel.core.catalogue import get_standard, load_standard
from epa_kernel.core.deadlines import deadlines
from epa_kernel.core.grading import grade_epa
from epa_kernel.core.lifecycle import (
    attempt_checks,
    lifecycle,
    ordered_attempts,
    raise_for_invalid,
    window_checks,
)
from epa_kernel.core.lifecycle_spec import Period
from epa_kernel.core.working_days import add_months, add_working_days, is_working_day, shift
from epa_kernel.errors import InputError
from epa_kernel.settings import AppealPolicy
from helpers import dated_record, judgements_for, make_record, write_standard_variant

D = date
ST0072 = get_standard("ST0072", "1.0")
ST0071 = get_standard("ST0071", "1.1")


rec = dated_record


def status(items, key):
    return next(i for i in items if i.key == key)


# --- working days and months -------------------------------------------------------------------


def test_christmas_and_new_year_are_not_working_days():
    for day in (D(2025, 12, 25), D(2025, 12, 26), D(2026, 1, 1), D(2026, 12, 28)):
        assert not is_working_day(day)  # 28 Dec 2026: Boxing Day (Saturday) observed
    assert is_working_day(D(2025, 12, 24)) and is_working_day(D(2026, 12, 29))


def test_easter_2026_is_skipped():
    assert not is_working_day(D(2026, 4, 3)) and not is_working_day(D(2026, 4, 6))
    # Thursday 2 April + 1 working day: Good Friday, the weekend and Easter Monday skipped.
    assert add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)


def test_ten_working_days_over_christmas():
    # Friday 19 Dec 2025: 22, 23, 24, 29, 30, 31 Dec, 2, 5, 6, 7 Jan (25/26 Dec, 1 Jan off).
    assert add_working_days(D(2025, 12, 19), 10) == D(2026, 1, 7)


def test_months_clamp_to_the_end_of_a_shorter_month():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2027, 11, 30), 3) == D(2028, 2, 29)
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert shift(D(2026, 5, 4), Period(weeks=2), back=True) == D(2026, 4, 20)


def test_a_period_has_exactly_one_unit():
    with pytest.raises(ValidationError):
        Period(weeks=2, days=3)
    with pytest.raises(ValidationError):
        Period()
    assert Period(working_days=1).describe() == "1 working day"


# --- the data ----------------------------------------------------------------------------------


def test_lifecycle_data_in_every_standard():
    assert ST0072.attempts.window.months == 3 and ST0072.attempts.window.from_ == "gateway"
    assert ST0072.attempts.exceptional_circumstances_lift_cap
    assert not ST0072.attempts.window.exceptional_circumstances_lift
    for version in ("1.0", "1.1"):
        s = get_standard("ST0071", version)
        assert s.attempts.window.from_ == "fail_notification"
        assert s.attempts.window.exceptional_circumstances_lift and s.attempts.limit is None
        assert {d.id for d in s.deadlines} >= {
            "observation_notice",
            "project_submission",
            "project_before_interview",
            "portfolio_submission",
            "results_published",
            "certificate_claim",
        }
        assert any("003 against 004" in c.topic for c in s.choices)
    periods = {d.id: d.within.describe() for d in ST0072.deadlines}
    assert periods["showcase_submission"] == "6 weeks"
    assert periods["feedback_on_fail"] == "10 working days"
    assert all(d.source for s in (ST0072, ST0071) for d in s.deadlines)
    for s in (ST0072, ST0071):  # the appeal window is the organisation's setting, not data
        assert not any("appeal" in d.id for d in s.deadlines)
        choice = next(c for c in s.choices if "Appeal" in c.topic)
        assert "organisation's setting" in choice.decision


def test_a_deadline_naming_a_method_the_standard_lacks_is_refused(tmp_path):
    def mutate(data):
        data["deadlines"][0]["method"] = "work_based_project"

    with pytest.raises(InputError, match="work_based_project"):
        load_standard(write_standard_variant(tmp_path, mutate))


# --- windows -----------------------------------------------------------------------------------

GATEWAY = D(2026, 2, 2)  # ST0072: assessments and resits within 3 months, last day 2 May 2026


@pytest.mark.parametrize(
    "on, inside",
    [
        (D(2026, 2, 1), False),  # before the gateway
        (D(2026, 2, 2), True),  # the gateway day
        (D(2026, 5, 1), True),
        (D(2026, 5, 2), True),  # the last day
        (D(2026, 5, 3), False),
    ],
)
def test_st0072_assessment_window_three_months_from_gateway(on, inside):
    (check,) = window_checks(ST0072, GATEWAY, [rec(ST0072, "practical_observation", on)])
    assert check.inside is inside and check.closes == D(2026, 5, 2)
    assert str(on) in check.reason


@pytest.mark.parametrize(
    "on, inside", [(D(2026, 5, 1), True), (D(2026, 5, 2), True), (D(2026, 5, 3), False)]
)
def test_st0072_resit_within_three_months_of_the_gateway(on, inside):
    records = [
        rec(ST0072, "practical_observation", D(2026, 3, 2), grade="Fail"),
        rec(ST0072, "practical_observation", on, "resit"),
    ]
    checks = window_checks(ST0072, GATEWAY, records)
    assert checks[1].inside is inside
    if not inside:
        assert "entire EPA" in checks[1].reason  # the source says what follows


# ST0071 (both versions) counts a resit's three months from the fail notification (003 4), the
# failed record's result_notified_on; with none recorded, from the failed assessment.
ST0071_VERSIONS = [get_standard("ST0071", v) for v in ("1.0", "1.1")]


@pytest.mark.parametrize("standard", ST0071_VERSIONS, ids=lambda s: s.version)
@pytest.mark.parametrize(
    "on, inside",
    [(D(2026, 6, 24), True), (D(2026, 6, 25), True), (D(2026, 6, 26), False)],
    ids=["day-before", "last-day", "day-after"],
)
def test_st0071_resit_window_counts_from_the_fail_notification(standard, on, inside):
    failed = rec(
        standard, "practical_observation", D(2026, 3, 10), grade="Fail",
        result_notified_on=D(2026, 3, 25),
    )  # fmt: skip
    records = [failed, rec(standard, "practical_observation", on, "resit")]
    checks = window_checks(standard, D(2026, 1, 5), records)
    assert checks[1].inside is inside and checks[1].closes == D(2026, 6, 25)
    assert checks[1].opens == D(2026, 3, 25)
    assert "the fail notification on 2026-03-25" in checks[1].reason


@pytest.mark.parametrize("standard", ST0071_VERSIONS, ids=lambda s: s.version)
@pytest.mark.parametrize(
    "on, inside",
    [(D(2026, 6, 9), True), (D(2026, 6, 10), True), (D(2026, 6, 11), False)],
    ids=["day-before", "last-day", "day-after"],
)
def test_st0071_resit_window_without_a_notification_counts_from_the_assessment(
    standard, on, inside
):
    records = [
        rec(standard, "practical_observation", D(2026, 3, 10), grade="Fail"),
        rec(standard, "practical_observation", on, "resit"),
    ]
    checks = window_checks(standard, D(2026, 1, 5), records)
    assert checks[1].inside is inside and checks[1].closes == D(2026, 6, 10)
    assert "no fail-notification date recorded" in checks[1].reason
    assert "counted from the assessment" in checks[1].reason


@pytest.mark.parametrize(
    "on, inside",
    [(D(2026, 5, 1), True), (D(2026, 5, 2), True), (D(2026, 5, 3), False)],
    ids=["day-before", "last-day", "day-after"],
)
def test_st0072_resit_window_ignores_the_notification_it_counts_from_the_gateway(on, inside):
    failed = rec(
        ST0072, "practical_observation", D(2026, 3, 2), grade="Fail",
        result_notified_on=D(2026, 3, 20),
    )  # fmt: skip
    checks = window_checks(
        ST0072, GATEWAY, [failed, rec(ST0072, "practical_observation", on, "resit")]
    )
    assert checks[1].inside is inside and checks[1].closes == D(2026, 5, 2)
    assert "the gateway" in checks[1].reason


def test_the_window_data_says_what_it_counts_from():
    for standard in ST0071_VERSIONS:
        window = standard.attempts.window
        assert (window.from_, window.fallback) == ("fail_notification", "assessment")
        assert "three months of the fail notification" in window.source
    assert ST0072.attempts.window.fallback is None
    with pytest.raises(ValidationError, match="fallback"):
        type(ST0072.attempts.window).model_validate(
            {"months": 3, "from": "gateway", "fallback": "assessment", "source": "x"}
        )


def test_a_fail_notification_window_with_no_fallback_and_no_date_cannot_be_counted(tmp_path):
    data = ST0071.attempts.window.model_dump(by_alias=True)
    no_fallback = ST0071.model_copy(
        update={
            "attempts": ST0071.attempts.model_copy(
                update={
                    "window": type(ST0071.attempts.window).model_validate(
                        {**data, "fallback": None}
                    )
                }
            )
        }
    )
    records = [
        rec(ST0071, "practical_observation", D(2026, 3, 10), grade="Fail"),
        rec(ST0071, "practical_observation", D(2026, 4, 1), "resit"),
    ]
    check = window_checks(no_fallback, D(2026, 1, 5), records)[1]
    assert check.inside is False and "no result_notified_on recorded" in check.reason


def test_a_notification_before_the_assessment_is_refused():
    with pytest.raises(ValidationError, match="result_notified_on is before assessed_on"):
        rec(ST0071, "practical_observation", D(2026, 3, 10), result_notified_on=D(2026, 3, 9))


def test_a_record_without_a_notification_keeps_its_hash():
    plain = rec(ST0071, "practical_observation", D(2026, 3, 10))
    assert "result_notified_on" not in plain.canonical_json()
    notified = plain.model_copy(update={"result_notified_on": D(2026, 3, 12)})
    assert '"result_notified_on":"2026-03-12"' in notified.canonical_json()
    assert notified.content_hash() != plain.content_hash()


def test_st0071_exceptional_circumstances_lift_the_resit_window_st0072_not():
    late = dict(exceptional_circumstances=True)
    records = [
        rec(ST0071, "practical_observation", D(2026, 3, 10), grade="Fail"),
        rec(ST0071, "practical_observation", D(2026, 6, 11), "resit", **late),
    ]
    assert window_checks(ST0071, D(2026, 1, 5), records)[1].inside is True
    records = [
        rec(ST0072, "practical_observation", D(2026, 3, 2), grade="Fail"),
        rec(ST0072, "practical_observation", D(2026, 5, 3), "resit", **late),
    ]
    assert window_checks(ST0072, GATEWAY, records)[1].inside is False


def test_an_undated_record_is_reported_not_placed():
    (check,) = window_checks(ST0072, GATEWAY, [rec(ST0072, "practical_observation", None)])
    assert check.inside is None and "no assessed_on" in check.reason


# --- attempts ----------------------------------------------------------------------------------


def test_attempts_are_ordered_by_date_first_before_resit_on_a_day():
    records = [
        rec(ST0072, "practical_observation", D(2026, 4, 1), "resit"),
        rec(ST0072, "professional_discussion", None),
        rec(ST0072, "practical_observation", D(2026, 3, 2), grade="Fail"),
        rec(ST0072, "apprentice_showcase", D(2026, 3, 2)),
    ]
    assert ordered_attempts(records) == [2, 3, 0, 1]


def test_a_resit_after_a_fail_is_allowed():
    records = [
        rec(ST0072, "practical_observation", D(2026, 4, 1), "resit"),
        rec(ST0072, "practical_observation", D(2026, 3, 2), grade="Fail"),
    ]
    checks = attempt_checks(ST0072, records)
    assert [c.valid for c in checks] == [True, True] and [c.index for c in checks] == [1, 0]
    assert checks[1].number == 2 and "failed attempt on 2026-03-02" in checks[1].reason


@pytest.mark.parametrize("standard", [ST0072, ST0071])
def test_a_resit_after_a_pass_is_not_allowed(standard):
    records = [
        rec(standard, "professional_discussion", D(2026, 3, 2), grade="Pass"),
        rec(standard, "professional_discussion", D(2026, 4, 1), "retake"),
    ]
    report = lifecycle(standard, D(2026, 2, 2), records, D(2026, 4, 2))
    (bad,) = report.invalid
    assert bad.index == 1 and "graded Pass" in bad.reason and "Distinction" in bad.reason
    with pytest.raises(InputError) as caught:
        raise_for_invalid(report, ["a.json", "b.json"])
    assert caught.value.file == "b.json" and caught.value.field == "attempt"


def test_a_resit_with_no_earlier_attempt_or_a_second_first_is_not_allowed():
    alone = [rec(ST0072, "practical_observation", D(2026, 3, 2), "resit")]
    assert "no earlier attempt" in attempt_checks(ST0072, alone)[0].reason
    twice = [
        rec(ST0072, "practical_observation", D(2026, 3, 2), grade="Fail"),
        rec(ST0072, "practical_observation", D(2026, 3, 9)),
    ]
    assert "second first attempt" in attempt_checks(ST0072, twice)[1].reason
    raise_for_invalid(lifecycle(ST0072, GATEWAY, [], GATEWAY))  # nothing to refuse


def test_no_limit_on_resits_unless_the_standard_sets_one():
    records = [
        rec(ST0072, "practical_observation", D(2026, 3, 2), grade="Fail"),
        rec(ST0072, "practical_observation", D(2026, 3, 16), "resit", grade="Fail"),
        rec(ST0072, "practical_observation", D(2026, 3, 30), "resit", sitting=2),
    ]
    assert all(c.valid for c in attempt_checks(ST0072, records))
    limited = ST0072.model_copy(
        update={"attempts": ST0072.attempts.model_copy(update={"limit": 1})}
    )
    checks = attempt_checks(limited, records)
    assert [c.valid for c in checks] == [True, True, False] and "limit of 1" in checks[2].reason


def test_a_second_resit_must_say_it_is_the_second_sitting():
    first = rec(ST0072, "practical_observation", D(2026, 3, 2), grade="Fail")
    resit = rec(ST0072, "practical_observation", D(2026, 3, 16), "resit", grade="Fail")
    unnumbered = rec(ST0072, "practical_observation", D(2026, 3, 30), "resit")
    checks = attempt_checks(ST0072, [first, resit, unnumbered])
    assert [c.valid for c in checks] == [True, True, False]
    assert "recorded as sitting 1 but is resit number 2" in checks[2].reason
    numbered = unnumbered.model_copy(update={"sitting": 2})
    assert numbered.attempt_key == "resit2" and resit.attempt_key == "resit"
    assert all(c.valid for c in attempt_checks(ST0072, [first, resit, numbered]))
    # sittings are counted in date order: the second resit cannot come first
    early = rec(ST0072, "practical_observation", D(2026, 3, 9), "resit", sitting=2, grade="Fail")
    assert not attempt_checks(ST0072, [first, early, numbered])[1].valid


def test_a_first_attempt_has_one_sitting_and_the_first_sitting_keeps_old_hashes():
    with pytest.raises(ValidationError, match="a first attempt has sitting 1"):
        rec(ST0072, "practical_observation", D(2026, 3, 2), sitting=2)
    plain = rec(ST0072, "practical_observation", D(2026, 3, 16), "resit")
    explicit = rec(ST0072, "practical_observation", D(2026, 3, 16), "resit", sitting=1)
    second = rec(ST0072, "practical_observation", D(2026, 3, 16), "resit", sitting=2)
    assert "sitting" not in plain.canonical_json()
    assert plain.content_hash() == explicit.content_hash() != second.content_hash()


def test_records_of_another_apprentice_or_standard_are_bad_input():
    with pytest.raises(InputError):
        attempt_checks(ST0071, [rec(ST0072, "practical_observation", D(2026, 3, 2))])


# --- the cap and exceptional circumstances -----------------------------------------------------


@pytest.mark.parametrize("standard", [ST0072, ST0071])
def test_exceptional_circumstances_lift_the_cap(standard):
    plain = rec(standard, "professional_discussion", D(2026, 4, 1), "resit")
    lifted = rec(
        standard, "professional_discussion", D(2026, 4, 1), "resit", exceptional_circumstances=True
    )
    first = rec(standard, "professional_discussion", D(2026, 4, 1), exceptional_circumstances=True)
    assert cap_applies(standard, plain) and not cap_lifted(standard, plain)
    assert not cap_applies(standard, lifted) and cap_lifted(standard, lifted)
    assert not cap_applies(standard, first) and not cap_lifted(standard, first)


def distinction_attempts(standard, method, exceptional):
    """A failed first attempt of ``method``, then a resit meeting every descriptor; the other
    methods at Distinction: the case where the cap decides the grade."""
    out = []
    for m in standard.methods:
        channels = ["face_to_face"] if m.channels else None
        best = judgements_for(standard, m.id, channels, distinctions=99)
        kwargs = dict(channels=channels, assessed_on=D(2026, 3, 2), judgements=best)
        if m.id == method:
            failed = judgements_for(standard, m.id, channels, pass_="not_met")
            out.append(
                make_record(
                    standard.standard, standard.version, m.id, **{**kwargs, "judgements": failed}
                )
            )
            kwargs.update(
                attempt="resit", assessed_on=D(2026, 3, 30), exceptional_circumstances=exceptional
            )
        out.append(make_record(standard.standard, standard.version, m.id, **kwargs))
    return out


@pytest.mark.parametrize(
    "standard, method, where",
    [(ST0072, "practical_observation", "method"), (ST0071, "work_based_project", "overall")],
)
def test_the_grade_says_when_exceptional_circumstances_kept_it_above_the_cap(
    standard, method, where
):
    capped = grade_epa(standard, distinction_attempts(standard, method, False))
    lifted = grade_epa(standard, distinction_attempts(standard, method, True))
    reasons = lifted.methods[method].reasons if where == "method" else lifted.reasons
    if where == "method":  # ST0072: the resit method itself is capped (002)
        assert capped.methods[method].grade == "Pass"
    else:  # ST0071: the EPA grade is capped (003)
        assert capped.methods[method].grade == "Distinction" and capped.grade == "Pass"
    assert lifted.methods[method].grade == "Distinction" and lifted.grade == "Distinction"
    assert any(r.startswith("Not capped at Pass: exceptional circumstances") for r in reasons)
    assert not any("Not capped" in r for r in capped.reasons + capped.methods[method].reasons)


def test_the_flag_leaves_existing_hashes_alone():
    plain = rec(ST0072, "professional_discussion", D(2026, 4, 1), "resit")
    explicit = rec(
        ST0072, "professional_discussion", D(2026, 4, 1), "resit", exceptional_circumstances=False
    )
    lifted = rec(
        ST0072, "professional_discussion", D(2026, 4, 1), "resit", exceptional_circumstances=True
    )
    assert "exceptional" not in plain.canonical_json()
    assert plain.content_hash() == explicit.content_hash() != lifted.content_hash()


# --- deadlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, done, state",
    [
        (D(2026, 3, 15), None, "due"),
        (D(2026, 3, 16), None, "due"),  # gateway 2 Feb + 6 weeks = 16 March
        (D(2026, 3, 17), None, "overdue"),  # nothing recorded: the kit cannot say met
        (D(2026, 3, 20), D(2026, 3, 16), "met"),
        (D(2026, 3, 20), D(2026, 3, 17), "missed"),
    ],
)
def test_st0072_showcase_within_six_weeks_of_gateway(today, done, state):
    got = status(
        deadlines(ST0072, GATEWAY, [], today, done={"showcase_submission": done} if done else {}),
        "showcase_submission",
    )
    assert got.due == D(2026, 3, 16) and got.status == state


@pytest.mark.parametrize(
    "today, state", [(D(2026, 1, 6), "due"), (D(2026, 1, 7), "due"), (D(2026, 1, 8), "overdue")]
)
def test_st0072_feedback_within_ten_working_days_of_a_fail_over_christmas(today, state):
    records = [rec(ST0072, "practical_observation", D(2025, 12, 19), grade="Fail")]
    got = status(
        deadlines(ST0072, D(2025, 12, 1), records, today),
        "feedback_on_fail:practical_observation:1",
    )
    assert got.due == D(2026, 1, 7) and got.status == state


def test_st0072_no_feedback_deadline_for_a_pass():
    records = [rec(ST0072, "practical_observation", D(2025, 12, 19))]
    got = status(deadlines(ST0072, D(2025, 12, 1), records, D(2026, 1, 8)), "feedback_on_fail")
    assert got.status == "waiting" and got.due is None


@pytest.mark.parametrize(
    "done, state", [(D(2026, 4, 5), "met"), (D(2026, 4, 6), "met"), (D(2026, 4, 7), "missed")]
)
def test_st0071_observation_notice_two_weeks_before(done, state):
    records = [rec(ST0071, "practical_observation", D(2026, 4, 20))]
    key = "observation_notice:practical_observation:1"
    got = status(deadlines(ST0071, D(2026, 2, 2), records, D(2026, 4, 1), done={key: done}), key)
    assert got.due == D(2026, 4, 6) and got.status == state  # calendar weeks: Easter Monday counts


@pytest.mark.parametrize(
    "today, state", [(D(2026, 4, 14), "due"), (D(2026, 4, 15), "due"), (D(2026, 4, 16), "overdue")]
)
def test_st0071_results_within_seven_working_days_over_easter(today, state):
    records = [rec(ST0071, "practical_observation", D(2026, 4, 2))]
    got = status(
        deadlines(ST0071, D(2026, 2, 2), records, today),
        "results_published:practical_observation:1",
    )
    assert got.due == D(2026, 4, 15) and got.status == state


@pytest.mark.parametrize(
    "assessed, state",
    [
        (D(2026, 3, 16), "met"),  # the due date: the showcase was presented in time
        (D(2026, 3, 17), "overdue"),  # assessed late: when the report went in is not known
    ],
)
def test_an_assessment_by_the_due_date_meets_the_gateway_deadline_for_its_work(assessed, state):
    """002: the showcase report or presentation within six weeks of the gateway. Its assessment
    on or before the due date shows it was done; a later one shows nothing either way."""
    records = [rec(ST0072, "apprentice_showcase", assessed)]
    got = status(deadlines(ST0072, GATEWAY, records, D(2026, 3, 25)), "showcase_submission")
    assert got.due == D(2026, 3, 16) and got.status == state


@pytest.mark.parametrize(
    "gateway, due", [(D(2026, 1, 31), D(2026, 3, 31)), (D(2025, 12, 31), D(2026, 2, 28))]
)
def test_st0071_project_within_two_months_of_gateway(gateway, due):
    got = status(deadlines(ST0071, gateway, [], due), "project_submission")
    assert got.due == due and got.status == "due"
    assert (
        status(
            deadlines(ST0071, gateway, [], D.fromordinal(due.toordinal() + 1)), "project_submission"
        ).status
        == "overdue"
    )


def test_st0071_project_two_weeks_before_interview_and_portfolio_before_discussion():
    records = [
        rec(ST0071, "work_based_project", D(2026, 3, 30)),
        rec(ST0071, "professional_discussion", D(2026, 4, 14)),
    ]
    got = deadlines(ST0071, D(2026, 2, 2), records, D(2026, 3, 1))
    assert status(got, "project_before_interview:work_based_project:1").due == D(2026, 3, 16)
    assert status(got, "portfolio_submission:professional_discussion:1").due == D(2026, 3, 31)


@pytest.mark.parametrize(
    "today, state", [(D(2027, 1, 12), "due"), (D(2027, 1, 13), "due"), (D(2027, 1, 14), "overdue")]
)
def test_st0071_certificate_claim_fifteen_working_days_after_the_final_result(today, state):
    # Friday 18 Dec 2026: 25 Dec, 28 Dec (Boxing Day observed) and 1 Jan 2027 are skipped.
    events = {"final_result": D(2026, 12, 18)}
    got = status(deadlines(ST0071, D(2026, 9, 1), [], today, events=events), "certificate_claim")
    assert got.due == D(2027, 1, 13) and got.status == state
    waiting = status(deadlines(ST0071, D(2026, 9, 1), [], today), "certificate_claim")
    assert waiting.status == "waiting" and waiting.due is None


def test_appeal_window_is_counted_from_the_result_notification():
    policy = AppealPolicy(20, "Our appeals policy: 20 working days", "epa.toml")
    # Friday before Easter 2026: Good Friday and Easter Monday are skipped
    assert last_day_to_appeal(policy, D(2026, 3, 27)) == D(2026, 4, 28)


def test_lifecycle_reads_no_clock():
    records = [rec(ST0072, "practical_observation", D(2026, 3, 2))]
    a = lifecycle(ST0072, GATEWAY, records, D(2026, 3, 3))
    b = lifecycle(ST0072, GATEWAY, records, D(2026, 3, 3))
    assert a == b and a.today == D(2026, 3, 3)
