"""What an apprentice is told for each booked assessment, from the standard's data: the dates
counted before it and from the gateway, the special-consideration request, and what to bring
(only for the booking's mode when the item names one), for both standards and both ST0071
versions."""

from __future__ import annotations

from datetime import date, time

import pytest

from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_notes import booking_notes
from epa_kernel.core.catalogue import get_standard

GATEWAY = date(2025, 1, 6)


def slot(standard, version, method, mode="remote"):
    where = {"link": "https://meet.example/x"} if mode == "remote" else {"venue": "Site"}
    return Booking(
        uln="1000000019",
        standard=standard,
        version=version,
        method=method,
        on=date(2025, 2, 3),
        starts=time(10),
        ends=time(11),
        mode=mode,
        assessor="Ann",
        **where,
    )


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_st0071_project_report_two_weeks_before_and_within_two_months(version):
    notes = booking_notes(
        get_standard("ST0071", version), slot("ST0071", version, "work_based_project"), GATEWAY
    )
    dated = {(n.what.split()[0], n.due) for n in notes if n.kind == "deadline"}
    assert ("Project", date(2025, 1, 20)) in dated  # 2 weeks before 3 February
    assert ("Work-based", date(2025, 3, 6)) in dated  # 2 months after the gateway
    request = [n for n in notes if n.kind == "request"]
    assert request and request[0].due == date(2025, 1, 20)  # 10 working days before
    bring = [n.rule for n in notes if n.kind == "prepare"]
    assert bring == ["project_report_and_annexes", "remote_interview_setup"]


def test_a_face_to_face_booking_gets_no_video_call_advice():
    notes = booking_notes(
        get_standard("ST0071", "1.1"),
        slot("ST0071", "1.1", "professional_discussion", "face_to_face"),
        GATEWAY,
    )
    assert [n.rule for n in notes if n.kind == "prepare"] == ["portfolio_evidence"]


def test_st0072_showcase_within_six_weeks_and_bring_the_showcase():
    notes = booking_notes(
        get_standard("ST0072", "1.0"), slot("ST0072", "1.0", "apprentice_showcase"), GATEWAY
    )
    assert [(n.kind, n.due) for n in notes if n.kind == "deadline"] == [
        ("deadline", date(2025, 2, 17))
    ]
    (bring,) = [n for n in notes if n.kind == "prepare"]
    assert "bring their showcase into the" in bring.source.replace("\n", " ")


def test_the_planning_meeting_has_nothing_to_submit():
    meeting = slot("ST0071", "1.1", "work_based_project").model_copy(
        update={"kind": "planning_meeting", "method": None}
    )
    assert booking_notes(get_standard("ST0071", "1.1"), meeting, GATEWAY) == []
