"""The assessor's findings at booking time: a declared conflict of interest, days away and the
standards they may assess, each at the day before, the day and the day after its range; the
week's capacity a warning, never a refusal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from epa_kernel.core.allocation import allocation_findings, counted
from epa_kernel.core.assessor_profile import AssessorProfile, Away, Link
from epa_kernel.core.booking import Booking
from epa_kernel.core.catalogue import get_standard
from helpers import remote_booking

ST0071 = get_standard("ST0071", "1.1")
FIRST, LAST = date(2025, 2, 10), date(2025, 2, 14)
DAYS = [
    (FIRST - timedelta(days=1), False),
    (FIRST, True),
    (LAST, True),
    (LAST + timedelta(1), False),
]


def slot(on, at=9, id=None, method="professional_discussion", **kw) -> Booking:
    return remote_booking("1000000019", on, at, method=method, id=id, **kw)


def found(profile, on, provider="North College", employer="Acme Ltd", week=0):
    return {
        f.rule: f
        for f in allocation_findings(
            ST0071,
            slot(on),
            profile,
            provider=provider,
            employer=employer,
            booked_this_week=week,
        )
    }


ANN = AssessorProfile(name="Ann", standards=("ST0071",), capacity=2)


@pytest.mark.parametrize(("on", "refused"), DAYS)
@pytest.mark.parametrize("kind", ["provider", "employer"])
def test_a_conflict_is_refused_only_while_the_link_is_active(kind, on, refused):
    name = "north  college" if kind == "provider" else "ACME LTD"  # as typed by someone else
    link = Link(kind=kind, organisation=name, starts=FIRST, ends=LAST)
    got = found(ANN.model_copy(update={"conflicts": (link,)}), on)
    assert ("independence" in got) is refused
    if refused:
        assert got["independence"].level == "refusal"
        assert f"{kind} {name}" in got["independence"].reason
        assert "IEPA" in got["independence"].source  # the standard's words, quoted


def test_an_open_ended_link_and_another_organisation():
    ongoing = Link(kind="employer", organisation="Acme Ltd", starts=FIRST)
    assert "independence" in found(
        ANN.model_copy(update={"conflicts": (ongoing,)}), date(2030, 1, 1)
    )
    other = Link(kind="employer", organisation="Acme Holdings", starts=FIRST)
    assert found(ANN.model_copy(update={"conflicts": (other,)}), FIRST) == {}
    # a provider named like the employer is not the employer
    swapped = Link(kind="provider", organisation="Acme Ltd")
    assert found(ANN.model_copy(update={"conflicts": (swapped,)}), FIRST) == {}


@pytest.mark.parametrize(("on", "refused"), DAYS)
def test_days_away_refused_from_the_first_to_the_last(on, refused):
    away = Away(starts=FIRST, ends=LAST, reason="annual leave")
    got = found(ANN.model_copy(update={"away": (away,)}), on)
    assert ("assessor.away" in got) is refused


@pytest.mark.parametrize(
    ("standards", "refused"),
    [
        (("ST0071",), False),
        (("ST0071:1.1",), False),
        (("ST0071:1.0",), True),
        (("ST0072",), True),
        ((), True),
    ],
)
def test_the_standards_they_may_assess(standards, refused):
    got = found(ANN.model_copy(update={"standards": standards}), FIRST)
    assert ("assessor.standards" in got) is refused


@pytest.mark.parametrize(("week", "warned"), [(1, False), (2, True), (5, True)])
def test_capacity_warns_and_never_refuses(week, warned):
    got = found(ANN, FIRST, week=week)
    assert ("assessor.capacity" in got) is warned
    assert all(f.level != "refusal" for f in got.values())


def test_no_profile_is_a_warning_that_nothing_was_checked():
    got = found(None, FIRST)
    assert list(got) == ["assessor.profile"] and got["assessor.profile"].level == "warning"


def test_the_week_counts_live_assessments_monday_to_sunday():
    monday = date(2025, 2, 10)
    week = [
        slot(monday - timedelta(days=1), id=1),  # Sunday before: another week
        slot(monday, id=2),
        slot(monday + timedelta(days=6), id=3),  # Sunday: this week
        slot(monday, at=11, id=4, status="cancelled", cancel_reason="ill"),
        slot(monday, at=13, id=5, kind="planning_meeting", method=None),
    ]
    assert counted(week, monday + timedelta(days=2)) == 2
    assert counted(week, monday, leaving=2) == 1


def test_profiles_refuse_backwards_ranges_and_unknown_codes():
    with pytest.raises(ValueError):
        Away(starts=LAST, ends=FIRST, reason="x")
    with pytest.raises(ValueError):
        Link(kind="employer", organisation="A", starts=LAST, ends=FIRST)
    with pytest.raises(ValueError):
        AssessorProfile(name="Ann", standards=("0071",))
