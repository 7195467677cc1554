"""Appeals and enquiries about results: what is stored, and whether one was lodged in time.

An apprentice (or their employer or provider) may ask for a result to be looked at again: an
*enquiry* about the result, or an *appeal* against the decision. Each is about one method
decision and is kept, like a moderation, as versions in that record's hash-chained history (see
:meth:`epa_kernel.store.store.Store.lodge_appeal`): every version holds the appeal's whole state,
so its history is the chain's. It moves from ``lodged`` (optionally through ``under_review``) to
``upheld``, ``rejected`` or ``withdrawn``; while lodged or under review it is *open*, and an
open appeal holds the apprentice's results back from release and certification.

The window is data: the standard's deadline whose id contains ``appeal`` (counted from the
result notification, 20 working days by the kit's default), counted by
:mod:`epa_kernel.core.working_days`. Enquiries use the same window.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from epa_kernel.core.lifecycle_spec import Deadline
from epa_kernel.core.model import PersonalDataModel
from epa_kernel.core.spec import Standard
from epa_kernel.core.working_days import shift
from epa_kernel.errors import InputError

AppealKind = Literal["appeal", "enquiry"]
AppealStatus = Literal["lodged", "under_review", "upheld", "rejected", "withdrawn"]
AppellantRole = Literal["apprentice", "employer", "provider"]
OPEN: tuple[AppealStatus, ...] = ("lodged", "under_review")
#: The statuses an open appeal may move to (``under_review`` only from ``lodged``).
NEXT: dict[str, tuple[AppealStatus, ...]] = {
    "lodged": ("under_review", "upheld", "rejected", "withdrawn"),
    "under_review": ("upheld", "rejected", "withdrawn"),
}

Name = Annotated[str, Field(min_length=1, max_length=200)]


class Appeal(PersonalDataModel):
    """One appeal or enquiry about one method decision, as it stands after its latest version."""

    number: Annotated[int, Field(ge=1)]  # per record: 1, 2, ... in the order lodged
    kind: AppealKind
    appellant_role: AppellantRole
    appellant: Name
    lodged_on: date
    result_notified_on: date  # the date the window is counted from
    grounds: Annotated[str, Field(min_length=1, max_length=10_000)]
    status: AppealStatus = "lodged"
    outcome: Annotated[str, Field(max_length=10_000)] = ""
    handler: Annotated[str, Field(max_length=200)] = ""

    @model_validator(mode="after")
    def _decided_with_reasons(self):
        if self.lodged_on < self.result_notified_on:
            raise ValueError("an appeal cannot be lodged before the result was notified")
        if self.status in ("upheld", "rejected") and not self.outcome:
            raise ValueError("an upheld or rejected appeal needs its outcome (what was decided)")
        if self.status != "lodged" and not self.handler:
            raise ValueError("give the handler: who reviewed or closed the appeal")
        return self

    @property
    def open(self) -> bool:
        return self.status in OPEN


def appeal_deadline(standard: Standard) -> Deadline:
    """The standard's appeal deadline (the one whose id contains ``appeal``)."""
    found = [d for d in standard.deadlines if "appeal" in d.id]
    if not found:
        raise InputError(
            f"{standard.standard} {standard.version} has no appeal deadline in its data",
            field="deadlines",
        )
    return found[0]


def last_day_to_appeal(standard: Standard, result_notified_on: date) -> date:
    """The last day an appeal may be lodged for a result notified on ``result_notified_on``."""
    return shift(result_notified_on, appeal_deadline(standard).within)


def check_lodged_in_time(standard: Standard, result_notified_on: date, lodged_on: date) -> None:
    """Refuse an appeal lodged outside the window, naming the window and its last day."""
    deadline = appeal_deadline(standard)
    last = shift(result_notified_on, deadline.within)
    window = f"{deadline.within.describe()} after the result notification on {result_notified_on}"
    if deadline.within.unit == "working_days":
        window += " (weekends and bank holidays in England not counted)"
    if lodged_on < result_notified_on:
        raise InputError(
            f"lodged on {lodged_on}, before the result was notified ({result_notified_on})",
            field="lodged_on",
        )
    if lodged_on > last:
        raise InputError(
            f"lodged on {lodged_on}, after the appeal window closed: {window}; "
            f"the last day was {last}",
            field="lodged_on",
        )


def check_move(current: Appeal, status: AppealStatus) -> None:
    """Refuse a status change an appeal cannot make (a closed appeal stays closed)."""
    allowed = NEXT.get(current.status, ())
    if status not in allowed:
        if not current.open:
            why = f"appeal {current.number} is already {current.status}; it cannot change"
        else:
            why = (
                f"appeal {current.number} is {current.status}; it can move to "
                f"{', '.join(allowed)}, not {status}"
            )
        raise InputError(why, field="status")
