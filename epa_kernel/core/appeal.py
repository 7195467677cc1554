"""Appeals and enquiries about results: what is stored, and whether one was lodged in time.

An apprentice (or their employer or provider) may ask for a result to be looked at again: an
*enquiry* about the result, or an *appeal* against the decision. Each is about one method
decision and is kept, like a moderation, as versions in that record's hash-chained history (see
:meth:`epa_kernel.store.store.Store.lodge_appeal`): every version holds the appeal's whole state,
so its history is the chain's. It moves from ``lodged`` (optionally through ``under_review``) to
``upheld``, ``rejected`` or ``withdrawn``; while lodged or under review it is *open*, and an
open appeal holds the apprentice's results back from release and certification.

The window is the organisation's, not the standard's: the documents give none, so it is a
setting (:class:`~epa_kernel.settings.AppealPolicy`, ``[appeals]`` in the organisation's
settings file). With one set, an appeal lodged after its last working day is refused with the
policy's words; with none, no appeal is refused for lateness, and each records a ``flag``
saying how many working days after the notification it came and that no window was checked.
Enquiries use the same window. Working days are counted by :mod:`epa_kernel.core.working_days`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from epa_kernel.core.model import PersonalDataModel
from epa_kernel.core.working_days import add_working_days, working_days_between
from epa_kernel.errors import InputError
from epa_kernel.settings import AppealPolicy

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
    # Set when lodged without an organisation appeal window: lodged how late, not checked.
    flag: Annotated[str, Field(max_length=2000)] = ""

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


def last_day_to_appeal(policy: AppealPolicy, result_notified_on: date) -> date:
    """The last day an appeal may be lodged under ``policy`` for a result notified then."""
    return add_working_days(result_notified_on, policy.window_working_days)


def check_lodged_in_time(
    policy: AppealPolicy | None, result_notified_on: date, lodged_on: date
) -> str:
    """Refuse an appeal lodged before the notification, or after the ``policy``'s window
    (naming the window, its last day and the policy's words); return its flag: ``""`` under a
    policy, else how many working days after the notification it was lodged, unchecked."""
    if lodged_on < result_notified_on:
        raise InputError(
            f"lodged on {lodged_on}, before the result was notified ({result_notified_on})",
            field="lodged_on",
        )
    if policy is None:
        late = working_days_between(result_notified_on, lodged_on)
        return (
            f"lodged {late} working day(s) after the result notification on "
            f"{result_notified_on}; not checked against an appeal window: the organisation "
            "has set none (appeals.window_working_days in its settings file)"
        )
    last = last_day_to_appeal(policy, result_notified_on)
    if lodged_on > last:
        raise InputError(
            f"lodged on {lodged_on}, after the appeal window closed: "
            f"{policy.window_working_days} working days after the result notification on "
            f"{result_notified_on} (weekends and bank holidays in England not counted); the "
            f"last day was {last}. The organisation's policy ({policy.file}, appeals."
            f"policy_source): {policy.policy_source}",
            field="lodged_on",
        )
    return ""


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
