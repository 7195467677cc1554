"""A booking: one assessment (or the EPA planning meeting) on a day, at a time, with an assessor.

Pure models (:mod:`epa_kernel.store.bookings` keeps them as versions). An assessment's booking
names the apprentice (ULN), the standard, the method and the attempt (its key, as
:func:`epa_kernel.core.vocabulary.attempt_key` makes it: ``first``, ``resit``, ``resit2``...);
the planning meeting is a kind of its own, with no method. A booking is face to face (at a
workplace or venue, given as text) or remote (a link). Its status:

- ``held``: a slot kept provisionally (it blocks the assessor's time);
- ``booked``: agreed at the planning meeting;
- ``confirmed``: confirmed to the apprentice and employer;
- ``cancelled``: with its reason; a reschedule cancels the old booking and makes a new one
  whose ``rescheduled_from`` is the old booking's id.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from pydantic import Field, model_validator

from epa_kernel.core.model import PersonalDataModel
from epa_kernel.core.values import MethodId, StandardCode, Text, VersionNumber
from epa_kernel.core.vocabulary import PLANNING_MEETING, booked_words

BookingKind = Literal["assessment", "planning_meeting"]
BookingStatus = Literal["held", "booked", "confirmed", "cancelled"]
Mode = Literal["face_to_face", "remote"]
#: Statuses that take the assessor's time: every one but ``cancelled``.
LIVE: tuple[BookingStatus, ...] = ("held", "booked", "confirmed")
AttemptKey = Annotated[str, Field(pattern=r"^(first|(resit|retake)([2-9]|[1-9][0-9])?)$")]


class Booking(PersonalDataModel):
    id: int | None = None  # given by the store
    kind: BookingKind = "assessment"
    uln: Annotated[str, Field(pattern=r"^[0-9]{10}$")]
    standard: StandardCode
    version: VersionNumber
    method: MethodId | None = None  # None for the planning meeting
    attempt: AttemptKey = "first"
    on: date
    starts: time
    ends: time
    mode: Mode
    venue: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    link: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)] | None = None
    assessor: Annotated[str, Field(min_length=1, max_length=200)]
    status: BookingStatus = "booked"
    cancel_reason: Text | None = None
    rescheduled_from: int | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.ends <= self.starts:
            raise ValueError("the end time must be after the start time (--to after --from)")
        if (self.kind == "assessment") != (self.method is not None):
            raise ValueError("an assessment names its method; the planning meeting none")
        if self.mode == "face_to_face" and (not self.venue or self.link):
            raise ValueError("face to face: give the workplace or venue (--venue), no link")
        if self.mode == "remote" and (not self.link or self.venue):
            raise ValueError("remote: give the link (--link), no venue")
        if (self.status == "cancelled") != (self.cancel_reason is not None):
            raise ValueError("a cancelled booking has its reason; a live one none")
        return self

    @property
    def live(self) -> bool:
        return self.status in LIVE

    @property
    def what(self) -> str:
        """The method's id, or ``planning_meeting``."""
        return self.method or PLANNING_MEETING

    @property
    def words(self) -> str:
        """What is booked, as a planner reads it: "Practical observation", "Professional
        discussion (resit)", "Planning meeting"; never a method's id."""
        return booked_words(self.what, self.attempt)

    @property
    def minutes(self) -> int:
        return int((self.start_at(self.ends) - self.start_at(self.starts)).total_seconds() // 60)

    def start_at(self, moment: time) -> datetime:
        return datetime.combine(self.on, moment)

    def clashes(self, other: Booking, margin_minutes: int = 0) -> bool:
        """Whether the two take the same time, ``margin_minutes`` (travel) kept between them."""
        gap = timedelta(minutes=margin_minutes)
        mine = (self.start_at(self.starts), self.start_at(self.ends))
        theirs = (other.start_at(other.starts), other.start_at(other.ends))
        return mine[0] < theirs[1] + gap and theirs[0] < mine[1] + gap

    def describe(self) -> str:
        where = self.venue if self.mode == "face_to_face" else f"remote {self.link}"
        what = self.what if self.attempt == "first" else f"{self.what} {self.attempt}"
        return (
            f"{what} on {self.on} {self.starts:%H:%M}-{self.ends:%H:%M} with {self.assessor} "
            f"({where}): {self.status}"
        )
