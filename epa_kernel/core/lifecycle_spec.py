"""The EPA lifecycle as a standard's data: periods and the deadlines counted from gateway, an
assessment or an event.

Models only, loaded with the rest of a standard by :mod:`epa_kernel.core.spec`; the dates are
worked out by :mod:`epa_kernel.core.working_days` and :mod:`epa_kernel.core.lifecycle`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from epa_kernel.core.model import Model
from epa_kernel.core.values import MethodId, Text

#: Dates a deadline can be counted from. ``gateway`` and ``assessment`` (a record's
#: ``assessed_on``) the kit holds; the events are dates the caller passes in.
After = Literal["gateway", "assessment", "result_notified", "final_result"]
EVENTS: tuple[str, ...] = ("result_notified", "final_result")

Positive = Annotated[int, Field(ge=1)]


class Period(Model):
    """A length of time in exactly one unit: calendar months, weeks, days or working days
    (Monday to Friday, bank holidays in England excluded)."""

    months: Positive | None = None
    weeks: Positive | None = None
    days: Positive | None = None
    working_days: Positive | None = None

    @model_validator(mode="after")
    def _one_unit(self):
        given = [u for u in ("months", "weeks", "days", "working_days") if getattr(self, u)]
        if len(given) != 1:
            raise ValueError("give exactly one of months, weeks, days or working_days")
        return self

    @property
    def unit(self) -> str:
        return next(u for u in ("months", "weeks", "days", "working_days") if getattr(self, u))

    @property
    def amount(self) -> int:
        return getattr(self, self.unit)

    def describe(self) -> str:
        unit = self.unit.replace("_", " ")
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"


class Deadline(Model):
    """Something that must be done within a period after (or at least a period before) a date."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    what: Text
    by: Literal["apprentice", "epao"]
    method: MethodId | None = None  # the method it belongs to; None: every method / the EPA
    within: Period
    after: After | None = None
    before: Literal["assessment"] | None = None  # at least `within` before the assessment
    only_if_failed: bool = False  # counted only from an assessment graded Fail
    source: Text

    @model_validator(mode="after")
    def _one_anchor(self):
        if (self.after is None) == (self.before is None):
            raise ValueError("give exactly one of after or before")
        if self.only_if_failed and "assessment" not in (self.after, self.before):
            raise ValueError("only_if_failed needs a deadline counted from an assessment")
        return self

    @property
    def anchor(self) -> str:
        return self.after or self.before or ""
