"""The rules a standard gives for booking its assessments, as data (``bookings`` in a standard's
file; format in ``standards/README.md``, "Bookings").

Models only. Each rule has a kind the checker (:mod:`epa_kernel.core.booking_rules`) knows and
the source it comes from; a standard's numbers never appear in code. The rules checked at
booking time that are already elsewhere in the file are not repeated here: the assessment and
resit windows (``assessment_window``, ``attempts.window``), the deadlines counted before an
assessment (``deadlines``: notice, submissions) and each method's timed evidence facts
(``duration_minutes``, ``qa_minutes``: how long a slot must be).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from epa_kernel.core.lifecycle_spec import Period, Positive
from epa_kernel.core.model import Model
from epa_kernel.core.values import MethodId, Text

RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Order(Model):
    """``first`` is recommended to take place before ``then`` (a warning when booked the other
    way round: the documents recommend, they do not require)."""

    id: RuleId
    kind: Literal["order"]
    first: MethodId
    then: MethodId
    source: Text


class WithinOfGateway(Model):
    """The method is to take place within ``within`` of the gateway (a warning after it)."""

    id: RuleId
    kind: Literal["within_of_gateway"]
    method: MethodId
    what: Text
    within: Period
    source: Text


class AfterSubmission(Model):
    """The method's assessment is recommended no more than ``within`` after the apprentice's
    submission (information at booking: the dates to submit between)."""

    id: RuleId
    kind: Literal["after_submission"]
    method: MethodId
    what: Text
    within: Period
    source: Text


class RequestBefore(Model):
    """A request (special consideration) to be made at least ``within`` before an assessment
    (information at booking: the last day for it)."""

    id: RuleId
    kind: Literal["request_before"]
    what: Text
    within: Period
    source: Text


class Mode(Model):
    """The method's assessment takes place face to face (at the apprentice's workplace) or
    remotely, on every attempt (``all``) or on resits and retakes (``resits``): booked the other
    way, a ``refusal`` where the documents say it will or must, a ``warning`` where they say it
    should."""

    id: RuleId
    kind: Literal["mode"]
    method: MethodId
    mode: Literal["face_to_face", "remote"]
    attempts: Literal["all", "resits"] = "all"
    level: Literal["refusal", "warning"]
    source: Text


BookingRule = Annotated[
    Order | WithinOfGateway | AfterSubmission | RequestBefore | Mode, Field(discriminator="kind")
]


class PlanningMeeting(Model):
    """The EPA planning meeting: how long it is, and that it follows the gateway."""

    minutes: Positive | None = None
    source: Text


class Preparation(Model):
    """What the apprentice brings to, or has ready for, an assessment of ``method`` (only for
    that ``mode`` when one is given): told in the confirmation and the calendar invite."""

    id: RuleId
    method: MethodId
    mode: Literal["face_to_face", "remote"] | None = None
    what: Text
    source: Text


class Independence(Model):
    """The documents' requirement that the assessor be independent of the apprentice: quoted
    when an assessor with a declared link to the apprentice's provider or employer is refused
    (:mod:`epa_kernel.core.allocation`)."""

    requirement: Text
    source: Text


class Bookings(Model):
    planning_meeting: PlanningMeeting | None = None
    independence: Independence | None = None
    rules: tuple[BookingRule, ...] = ()
    preparation: tuple[Preparation, ...] = ()

    def methods_named(self) -> set[str]:
        named: set[str] = {p.method for p in self.preparation}
        for r in self.rules:
            named |= {getattr(r, f) for f in ("first", "then", "method") if hasattr(r, f)}
        return named
