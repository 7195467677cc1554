"""Allocating an assessor to a booking: the profile's findings, beside the standard's
(:mod:`epa_kernel.core.booking_rules`).

Pure: the assessor's profile, the apprentice's provider and employer and the assessor's count of
assessments that week are passed in. What is found:

- a declared link (:class:`~epa_kernel.core.assessor_profile.Link`) to the apprentice's provider
  or employer, active on the booking's day: a refusal (rule ``independence``) quoting the
  standard's ``bookings.independence``. It can never be overridden (:data:`NEVER_OVERRIDDEN`):
  independence is a requirement of the assessment, not a scheduling preference; the way out is
  another assessor, or a corrected declaration (a new version of the profile, with who and why);
- not approved for the standard (and version), or away that day: a refusal an admin may
  override with a reason, like the standard's rules;
- the week's capacity reached: a warning (the EPAO may choose to stretch one assessor's week);
- no profile stored: a warning that none of this was checked (assessors made by ``epa assign``
  or by records before profiles existed).
"""

from __future__ import annotations

from datetime import date, timedelta

from epa_kernel.core.assessor_profile import AssessorProfile
from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_rules import Finding
from epa_kernel.core.model import Model
from epa_kernel.core.spec import Standard

INDEPENDENCE = "independence"
#: Refusals that no override lets through.
NEVER_OVERRIDDEN = frozenset({INDEPENDENCE})
PROFILE_SOURCE = "the assessor's profile (epa assessors show NAME)"
CONFLICT_SOURCE = "the assessor's declared conflicts of interest (epa assessors show NAME)"


class Suggestion(Model):
    """A free assessor for a slot, and what to know before booking them."""

    assessor: str
    booked_this_week: int
    capacity: int | None
    warnings: list[str]


def week_of(day: date) -> tuple[date, date]:
    """The Monday and Sunday of ``day``'s week: the week capacity is counted in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def counted(bookings: list[Booking], day: date, leaving: int | None = None) -> int:
    """The live assessments (not planning meetings) among ``bookings`` in ``day``'s week."""
    monday, sunday = week_of(day)
    return sum(
        1
        for b in bookings
        if b.live and b.kind == "assessment" and monday <= b.on <= sunday and b.id != leaving
    )


def independence_source(standard: Standard) -> str:
    found = standard.bookings.independence if standard.bookings else None
    return f"{found.requirement} ({found.source})" if found else CONFLICT_SOURCE


def capacity_warning(profile: AssessorProfile, booked: int, day: date) -> str | None:
    if profile.capacity is None or booked < profile.capacity:
        return None
    return (
        f"{profile.name} has {booked} assessment(s) booked in the week of {week_of(day)[0]}; "
        f"capacity {profile.capacity} a week"
    )


def refusal_reasons(
    profile: AssessorProfile,
    standard: Standard,
    day: date,
    provider: str | None,
    employer: str | None,
) -> list[Finding]:
    """Why ``profile``'s assessor may not take a slot on ``day`` (empty: they may)."""
    out = []
    link = profile.conflict_with(day, provider, employer)
    if link is not None:
        why = (
            f"{profile.name} declared a link to the apprentice's {link.describe()}, active on "
            f"{day}: not independent of the apprentice; allocate another assessor"
        )
        source = independence_source(standard)
        out.append(Finding(level="refusal", rule=INDEPENDENCE, reason=why, source=source))
    if not profile.approved(standard.standard, standard.version):
        why = f"{profile.name} is not approved to assess {standard.standard} v{standard.version}"
        out.append(
            Finding(level="refusal", rule="assessor.standards", reason=why, source=PROFILE_SOURCE)
        )
    away = profile.away_on(day)
    if away is not None:
        why = f"{profile.name} is away from {away.starts} to {away.ends} ({away.reason})"
        out.append(
            Finding(level="refusal", rule="assessor.away", reason=why, source=PROFILE_SOURCE)
        )
    return out


def allocation_findings(
    standard: Standard,
    booking: Booking,
    profile: AssessorProfile | None,
    *,
    provider: str | None,
    employer: str | None,
    booked_this_week: int,
) -> list[Finding]:
    """The assessor's findings for ``booking`` (see the module's text); ``booked_this_week``:
    their live assessments in its week, this booking not counted."""
    if profile is None:
        why = (
            f"{booking.assessor} has no profile: the standards they may assess, their "
            "availability and their conflicts of interest were not checked"
        )
        return [
            Finding(level="warning", rule="assessor.profile", reason=why, source=PROFILE_SOURCE)
        ]
    out = refusal_reasons(profile, standard, booking.on, provider, employer)
    full = capacity_warning(profile, booked_this_week, booking.on) if booking.method else None
    if full:
        out.append(
            Finding(level="warning", rule="assessor.capacity", reason=full, source=PROFILE_SOURCE)
        )
    return out
