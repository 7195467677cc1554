"""Where one apprentice's EPA stands on a day (core.epa_status): windows at their boundary days,
the resit window after a fail, attempts and grades by the engine, and no gateway date."""

from __future__ import annotations

from datetime import date

import pytest

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.epa_status import epa_status
from epa_kernel.core.withdrawal import Withdrawal, current
from helpers import dated_record, judgements_for, make_record

D = date
ST0072 = get_standard("ST0072", "1.0")
ST0071 = get_standard("ST0071", "1.1")
GATEWAY = D(2026, 2, 2)  # ST0072: the window's last day is 2 May 2026


rec = dated_record


@pytest.mark.parametrize(
    "today, state, left",
    [
        (D(2026, 2, 1), "not_open", None),
        (D(2026, 2, 2), "open", 89),
        (D(2026, 5, 1), "open", 1),
        (D(2026, 5, 2), "open", 0),
        (D(2026, 5, 3), "closed", None),
    ],
)
def test_the_assessment_window_on_each_side_of_its_boundaries(today, state, left):
    window = epa_status(ST0072, GATEWAY, [], today).window
    assert (window.state, window.days_left) == (state, left)
    assert window.opens == GATEWAY and window.closes == D(2026, 5, 2)


def test_methods_in_the_standards_order_with_attempts_in_date_order_and_their_grades():
    records = [
        rec(ST0072, "practical_observation", D(2026, 4, 1), "resit"),
        rec(ST0072, "apprentice_showcase", D(2026, 2, 20), grade="Fail"),
        rec(ST0072, "practical_observation", D(2026, 3, 2), grade="Fail"),
    ]
    status = epa_status(ST0072, GATEWAY, records, D(2026, 4, 10))
    assert [m.method for m in status.methods] == [m.id for m in ST0072.methods]
    showcase, observation, discussion = status.methods
    assert [(a.number, a.attempt, a.grade, a.index) for a in observation.attempts] == [
        (1, "first", "Fail", 2),
        (2, "resit", "Pass", 0),
    ]
    assert observation.state == "graded" and observation.grade == "Pass"
    assert observation.resit_window is None  # the attempt that counts passed
    assert discussion.state == "not_assessed" and discussion.attempts == ()
    assert showcase.grade == "Fail" and showcase.resit_window.state == "open"
    assert showcase.resit_window.closes == D(2026, 5, 2)  # ST0072: from the gateway
    assert status.overall is None and any("Not yet assessed" in r for r in status.overall_reasons)
    assert status.invalid == ()


@pytest.mark.parametrize("today, state", [(D(2026, 6, 10), "open"), (D(2026, 6, 11), "closed")])
def test_st0071_resit_window_counts_from_the_failed_attempt(today, state):
    records = [rec(ST0071, "practical_observation", D(2026, 3, 10), grade="Fail")]
    (observation, *_) = epa_status(ST0071, D(2026, 1, 5), records, today).methods
    window = observation.resit_window
    assert window.opens == D(2026, 3, 10) and window.closes == D(2026, 6, 10)
    assert window.state == state and "failed attempt on 2026-03-10" in window.reason


@pytest.mark.parametrize(
    "today, state",
    [(D(2026, 6, 24), "open"), (D(2026, 6, 25), "open"), (D(2026, 6, 26), "closed")],
)
def test_st0071_resit_window_counts_from_the_fail_notification_when_recorded(today, state):
    failed = rec(
        ST0071, "practical_observation", D(2026, 3, 10), grade="Fail",
        result_notified_on=D(2026, 3, 25),
    )  # fmt: skip
    (observation, *_) = epa_status(ST0071, D(2026, 1, 5), [failed], today).methods
    window = observation.resit_window
    assert window.opens == D(2026, 3, 25) and window.closes == D(2026, 6, 25)
    assert window.state == state and "the fail notification on 2026-03-25" in window.reason


def test_a_withdrawn_apprentice_is_withdrawn_from_the_day_they_left():
    records = [rec(ST0072, "practical_observation", D(2026, 3, 2))]
    row = Withdrawal(
        uln=records[0].apprentice.uln, on=D(2026, 3, 20), reason="moved abroad", by="Rita",
        at="2026-03-20T09:00:00+00:00",
    )  # fmt: skip
    before = epa_status(ST0072, GATEWAY, records, D(2026, 3, 19), withdrawal=row)
    assert before.withdrawn is None and before.withdrawn_reason is None
    on = epa_status(ST0072, GATEWAY, records, D(2026, 3, 20), withdrawal=row)
    assert on.withdrawn == D(2026, 3, 20) and on.withdrawn_reason == "moved abroad"
    undone = row.model_copy(update={"reinstated": True})
    assert epa_status(ST0072, GATEWAY, records, D(2026, 4, 1), withdrawal=undone).withdrawn is None
    assert current([row, undone]) == {} and current([row]) == {row.uln: row}


def test_an_attempt_outside_its_window_is_marked():
    records = [rec(ST0072, "practical_observation", D(2026, 5, 3))]
    (attempt,) = epa_status(ST0072, GATEWAY, records, D(2026, 5, 4)).methods[1].attempts
    assert attempt.inside_window is False and "2026-05-02" in attempt.window_reason


def test_a_marked_but_undecided_method_is_assessed_not_graded():
    channels = ["face_to_face"]
    judgements = judgements_for(ST0072, "practical_observation", channels)
    judgements.pop(next(iter(judgements)))  # one descriptor not judged yet
    record = make_record(
        "ST0072", "1.0", judgements=judgements, channels=channels, assessed_on=D(2026, 3, 2)
    )
    observation = epa_status(ST0072, GATEWAY, [record], D(2026, 3, 3)).methods[1]
    assert observation.state == "assessed" and observation.grade is None
    assert observation.attempts[0].grade is None


def test_without_a_gateway_date_attempts_are_still_checked_but_nothing_is_counted():
    records = [
        rec(ST0072, "professional_discussion", D(2026, 3, 2)),
        rec(ST0072, "professional_discussion", D(2026, 4, 1), "resit"),
    ]
    status = epa_status(ST0072, None, records, D(2026, 4, 2))
    assert status.window is None and status.deadlines == () and "gateway" in status.problem
    (bad,) = status.invalid
    assert bad.index == 1 and "graded Pass" in bad.reason and bad.inside_window is None


def test_done_and_events_reach_the_deadlines():
    records = [rec(ST0072, "practical_observation", D(2026, 3, 2), grade="Fail")]
    status = epa_status(
        ST0072,
        GATEWAY,
        records,
        D(2026, 3, 20),
        done={"feedback_on_fail:practical_observation:1": D(2026, 3, 13)},
        events={"result_notified": D(2026, 3, 18)},
    )
    by_key = {d.key: d for d in status.deadlines}
    assert by_key["feedback_on_fail:practical_observation:1"].status == "met"
    assert by_key["showcase_submission"].status == "overdue"  # no showcase, nothing recorded
    assert by_key["exceptional_circumstances_request"].due == D(2026, 3, 25)
    assert "appeal" not in by_key  # the organisation's setting, not the standard's
