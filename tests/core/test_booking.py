"""The rules checked at booking time, from the standards' data: each at the day before, the
day and the day after its limit, for ST0071 v1.0 and v1.1 and ST0072 v1.0."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_rules import check_booking
from epa_kernel.core.catalogue import get_standard

GATEWAY = date(2025, 1, 6)  # a Monday; the three months end on 2025-04-06
CLOSES = date(2025, 4, 6)
ALL = [("ST0071", "1.0"), ("ST0071", "1.1"), ("ST0072", "1.0")]
ST0071 = ALL[:2]


def slot(key, method, on, *, minutes=60, at=9, attempt="first", id=None, **kw) -> Booking:
    ends = (datetime.combine(on, time(at)) + timedelta(minutes=minutes)).time()
    data = dict(
        id=id,
        uln="1000000019",
        standard=key[0],
        version=key[1],
        kind="assessment" if method else "planning_meeting",
        method=method,
        attempt=attempt,
        on=on,
        starts=time(at),
        ends=ends,
        mode="face_to_face",
        venue="Acme Ltd, Leeds",
        assessor="Ann",
    )
    return Booking(**(data | kw))


def levels(key, booking, others=(), today=GATEWAY, rule=None):
    found = check_booking(get_standard(*key), booking, GATEWAY, list(others), today)
    return {f.level for f in found if rule is None or f.rule == rule}


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize(
    ("on", "refused"),
    [
        (GATEWAY - timedelta(days=1), True),
        (GATEWAY, False),
        (CLOSES - timedelta(days=1), False),
        (CLOSES, False),
        (CLOSES + timedelta(days=1), True),
    ],
)
def test_the_assessment_window(key, on, refused):
    found = levels(key, slot(key, "professional_discussion", on), rule="assessment_window")
    assert ("refusal" in found) is refused


@pytest.mark.parametrize("key", ST0071)
@pytest.mark.parametrize(
    ("method", "rule", "level"),
    [
        ("practical_observation", "observation_notice", "information"),
        ("work_based_project", "project_before_interview", "warning"),
        ("professional_discussion", "portfolio_submission", "warning"),
    ],
)
@pytest.mark.parametrize(("days_before", "refused"), [(15, False), (14, False), (13, True)])
def test_st0071_two_weeks_before(key, method, rule, level, days_before, refused):
    on = date(2025, 3, 3)
    today = on - timedelta(days=days_before)
    found = levels(key, slot(key, method, on), today=today, rule=rule)
    assert found == ({"refusal"} if refused else {level})


@pytest.mark.parametrize(("after", "warned"), [(41, False), (42, False), (43, True)])
def test_st0072_showcase_within_six_weeks_of_gateway(after, warned):
    key = ALL[2]
    b = slot(key, "apprentice_showcase", GATEWAY + timedelta(days=after), minutes=30)
    assert levels(key, b, rule="showcase_within_six_weeks") == ({"warning"} if warned else set())
    interview = check_booking(get_standard(*key), b, GATEWAY, [], GATEWAY)
    tip = next(f for f in interview if f.rule == "interview_after_report")
    assert tip.level == "information" and str(b.on - timedelta(days=5)) in tip.reason


@pytest.mark.parametrize(
    ("key", "method", "low", "high"),
    [
        (ALL[0], "practical_observation", 60, 66),
        (ALL[1], "practical_observation", 60, 66),
        (ALL[1], "work_based_project", 54, 66),
        (ALL[2], "practical_observation", 60, 120),
        (ALL[2], "professional_discussion", 54, 66),
    ],
)
def test_slot_length_from_the_methods_timed_facts(key, method, low, high):
    on = date(2025, 3, 3)
    rule = f"{method}.duration"
    assert levels(key, slot(key, method, on, minutes=low - 1), rule=rule) == {"refusal"}
    assert levels(key, slot(key, method, on, minutes=low), rule=rule) == set()
    assert levels(key, slot(key, method, on, minutes=high), rule=rule) == set()
    assert levels(key, slot(key, method, on, minutes=high + 1), rule=rule) == {"warning"}


@pytest.mark.parametrize(
    ("key", "rule", "first", "then"),
    [
        (
            ALL[0],
            "observation_after_discussion",
            "professional_discussion",
            "practical_observation",
        ),
        (
            ALL[1],
            "observation_after_discussion",
            "professional_discussion",
            "practical_observation",
        ),
        (ALL[1], "project_before_discussion", "work_based_project", "professional_discussion"),
        (
            ALL[2],
            "observation_before_discussion",
            "practical_observation",
            "professional_discussion",
        ),
    ],
)
@pytest.mark.parametrize(("offset", "warned"), [(-1, False), (0, False), (1, True)])
def test_the_recommended_order(key, rule, first, then, offset, warned):
    """``first`` booked a day before, the same day (earlier) or a day after ``then``."""
    on = date(2025, 3, 3)
    other = slot(key, first, on + timedelta(days=offset), at=8, id=1)
    found = levels(key, slot(key, then, on, at=9), [other], rule=rule)
    assert found == ({"warning"} if warned else set())


@pytest.mark.parametrize("key", ST0071)
def test_a_resit_window_counts_from_the_attempt_before(key):
    failed = slot(key, "work_based_project", date(2025, 3, 3), id=1)
    ends = date(2025, 6, 3)
    for on, refused in [(ends, False), (ends + timedelta(days=1), True)]:
        resit = slot(key, "work_based_project", on, attempt="resit")
        assert ("refusal" in levels(key, resit, [failed], rule="attempts.window")) is refused


def test_st0072_resits_stay_in_three_months_of_gateway():
    key = ALL[2]
    failed = slot(key, "practical_observation", date(2025, 2, 3), id=1)
    for on, refused in [(CLOSES, False), (CLOSES + timedelta(days=1), True)]:
        resit = slot(key, "practical_observation", on, attempt="resit")
        assert ("refusal" in levels(key, resit, [failed], rule="attempts.window")) is refused


@pytest.mark.parametrize("key", ST0071)
def test_special_consideration_is_information(key):
    found = check_booking(
        get_standard(*key),
        slot(key, "practical_observation", date(2025, 3, 3)),
        GATEWAY,
        [],
        GATEWAY,
    )
    sc = next(f for f in found if f.rule == "special_consideration_request")
    assert sc.level == "information" and "2025-02-17" in sc.reason and "003 5" in sc.source


@pytest.mark.parametrize("key", ALL)
def test_the_same_attempt_twice_and_the_planning_meeting(key):
    on = date(2025, 3, 3)
    held = slot(key, "professional_discussion", on, id=1)
    assert "refusal" in levels(
        key, slot(key, "professional_discussion", on, at=14), [held], rule="one_booking"
    )
    before = slot(key, None, GATEWAY - timedelta(days=1), minutes=30)
    assert levels(key, before, rule="planning_meeting") == {"refusal"}
    meeting = levels(key, slot(key, None, GATEWAY, minutes=45))
    assert meeting == ({"warning"} if key[0] == "ST0071" else set())


def test_bad_bookings_are_refused_by_the_model():
    key = ALL[1]
    with pytest.raises(ValueError, match="end time"):
        slot(key, "practical_observation", GATEWAY, minutes=0)
    with pytest.raises(ValueError, match="remote"):
        slot(key, "practical_observation", GATEWAY, mode="remote")


REMOTE = {"mode": "remote", "venue": None, "link": "https://meet.example.org/epa"}


@pytest.mark.parametrize(
    ("key", "method", "attempt", "remote", "level"),
    [
        # ST0071: the observation is face to face at the workplace, every attempt (003 2.5)
        (ST0071[0], "practical_observation", "first", True, "refusal"),
        (ST0071[1], "practical_observation", "first", True, "refusal"),
        (ST0071[1], "practical_observation", "resit", True, "refusal"),
        (ST0071[1], "practical_observation", "first", False, None),
        (ST0071[1], "professional_discussion", "first", True, None),  # either way
        # ST0072: only resits and retakes have a mode (002 'Resits and Retakes')
        (ALL[2], "practical_observation", "first", True, None),
        (ALL[2], "practical_observation", "resit", True, "refusal"),
        (ALL[2], "practical_observation", "retake", False, None),
        (ALL[2], "apprentice_showcase", "resit", False, "warning"),  # "should be ... remotely"
        (ALL[2], "apprentice_showcase", "retake", True, None),
        (ALL[2], "professional_discussion", "resit", True, None),  # "can be ... remotely"
    ],
)
def test_the_mode_the_documents_give_a_method(key, method, attempt, remote, level):
    failed = slot(key, method, date(2025, 2, 3), id=1)
    booking = slot(key, method, date(2025, 3, 3), attempt=attempt, **(REMOTE if remote else {}))
    found = check_booking(get_standard(*key), booking, GATEWAY, [failed], GATEWAY)
    modes = [f for f in found if f.rule.startswith(("observation_", "showcase_resit"))]
    modes = [f for f in modes if f.rule.endswith(("workplace", "remote"))]
    assert [f.level for f in modes] == ([level] if level else [])
    for f in modes:
        assert f.source.startswith(("003 2.5", "002 'Resits and Retakes'"))


def test_a_refusal_names_what_is_booked_in_words_not_ids():
    """The planner reads "Professional discussion (resit) is already booked", never
    `professional_discussion resit`."""
    key, on = ALL[0], date(2025, 3, 3)
    for attempt, words in [("first", "Professional discussion"), ("resit", "(resit)")]:
        held = slot(key, "professional_discussion", on, id=1, attempt=attempt)
        again = slot(key, "professional_discussion", on, at=14, attempt=attempt)
        found = check_booking(get_standard(*key), again, GATEWAY, [held], GATEWAY)
        twice = next(f for f in found if f.rule == "one_booking")
        assert words in twice.reason and "professional_discussion" not in twice.reason
    assert slot(key, None, GATEWAY).words == "Planning meeting"


@pytest.mark.parametrize("key", ALL)
def test_no_finding_names_a_method_by_its_id(key):
    """Every reason a planner reads (slot too short, order, mode, window, twice) names methods
    in words, as the standards do."""
    from epa_kernel.core.vocabulary import METHOD_IDS

    standard = get_standard(*key)
    methods = [m.id for m in standard.methods]
    late = GATEWAY + timedelta(days=200)  # outside every window
    booked = [slot(key, m, late - timedelta(days=i), id=i + 1) for i, m in enumerate(methods)]
    reasons = []
    for i, method in enumerate(methods):
        for minutes in (1, 600):
            again = slot(key, method, late + timedelta(days=i), minutes=minutes, at=8)
            found = check_booking(standard, again, GATEWAY, booked, GATEWAY)
            reasons += [f.reason for f in found]
        remote = Booking.model_construct(**{**again.model_dump(), "mode": "remote"})
        reasons += [f.reason for f in check_booking(standard, remote, GATEWAY, booked, GATEWAY)]
    assert len(reasons) > 3 * len(methods)
    leaked = [r for r in reasons if any(i in r for i in METHOD_IDS)]
    assert not leaked, leaked
