"""An assessor's profile: what the EPAO allocates them by.

The standards they may assess (``ST0071`` for every version, ``ST0071:1.1`` for one), how many
assessments they take in a week, the days they are away and their declared conflicts of
interest: the training providers and employers they are (or were) linked to, with the dates of
the link. Independence is a requirement of the end-point assessment (the standards' documents:
``bookings.independence`` in a standard's file), so an assessor is never allocated to an
apprentice whose provider or employer they were linked to on the day of the assessment
(:mod:`epa_kernel.core.allocation`). Pure models; :mod:`epa_kernel.store.assessor_profiles`
keeps each change as a version with who and when.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from epa_kernel.core.model import PersonalDataModel

Approval = Annotated[str, Field(pattern=r"^ST[0-9]{4}(:[0-9]+\.[0-9]+)?$")]
Organisation = Annotated[str, Field(min_length=1, max_length=200)]
LinkKind = Literal["provider", "employer"]


def same_organisation(a: str | None, b: str | None) -> bool:
    """Names compared as people type them: case and runs of white space do not matter."""
    if not a or not b:
        return False
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


class Away(PersonalDataModel):
    """Unavailable from ``starts`` to ``ends``, both days included."""

    starts: date
    ends: date
    reason: Annotated[str, Field(min_length=1, max_length=500)]

    @model_validator(mode="after")
    def _ordered(self):
        if self.ends < self.starts:
            raise ValueError("the last day away (--to) is before the first (--from)")
        return self

    def covers(self, day: date) -> bool:
        return self.starts <= day <= self.ends


class Link(PersonalDataModel):
    """A declared link to a training provider or an employer, from ``starts`` (None: for as
    long as the declaration goes back) to ``ends`` (None: still linked), both days included."""

    kind: LinkKind
    organisation: Organisation
    starts: date | None = None
    ends: date | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.starts and self.ends and self.ends < self.starts:
            raise ValueError("the link ends (--to) before it starts (--from)")
        return self

    def active(self, day: date) -> bool:
        return (self.starts is None or self.starts <= day) and (
            self.ends is None or day <= self.ends
        )

    def describe(self) -> str:
        since = f"from {self.starts}" if self.starts else "undated start"
        until = f"to {self.ends}" if self.ends else "ongoing"
        return f"{self.kind} {self.organisation} ({since}, {until})"


class AssessorProfile(PersonalDataModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    standards: tuple[Approval, ...] = ()
    capacity: Annotated[int, Field(ge=1, le=100)] | None = None  # assessments a week
    away: tuple[Away, ...] = ()
    conflicts: tuple[Link, ...] = ()

    def approved(self, code: str, version: str | None = None) -> bool:
        """May assess ``code`` (at ``version``, or some version when None)."""
        return any(
            a == code or (a.startswith(f"{code}:") and version in (None, a.partition(":")[2]))
            for a in self.standards
        )

    def away_on(self, day: date) -> Away | None:
        return next((a for a in self.away if a.covers(day)), None)

    def conflict_with(self, day: date, provider: str | None, employer: str | None) -> Link | None:
        """The declared link, active on ``day``, to the apprentice's provider or employer."""
        theirs = {"provider": provider, "employer": employer}
        return next(
            (
                c
                for c in self.conflicts
                if c.active(day) and same_organisation(c.organisation, theirs[c.kind])
            ),
            None,
        )
