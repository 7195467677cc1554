"""The free assessors for a slot: who could be booked, as the planning meeting asks it.

:func:`free_assessors` is the one question a planning screen asks before booking; it applies
the same findings a booking is checked against (:mod:`epa_kernel.core.allocation`), read
from the store, so a suggested assessor is one that :func:`epa_kernel.store.bookings.book`
will not refuse for the assessor's sake: not conflicted with the apprentice's provider or
employer that day, approved for the standard and version, not away, and with no live booking
overlapping the slot (``travel_minutes`` kept between). An assessor at or over their week's
capacity is suggested with a warning. Assessors with no profile are never suggested: nothing
says they may assess the standard.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from epa_kernel.core.allocation import Suggestion, capacity_warning, counted, refusal_reasons
from epa_kernel.core.booking import LIVE, Booking
from epa_kernel.core.catalogue import get_standard
from epa_kernel.errors import InputError
from epa_kernel.store.assessor_profiles import all_profiles, profile_in
from epa_kernel.store.bookings import apprentice_standard, current_bookings
from epa_kernel.store.database import Database
from epa_kernel.store.schema import apprentices, bookings


def _standard(db: Database, standard: str, uln: str):
    code, _, version = standard.partition(":")
    if not version:
        stored = apprentice_standard(db, uln)
        version = stored[1] if stored and stored[0] == code else None
    return get_standard(code, version or None)


def free_assessors(
    db: Database,
    standard: str,
    on: date,
    starts: time,
    ends: time,
    *,
    uln: str,
    travel_minutes: int = 0,
) -> list[Suggestion]:
    """The assessors free for the slot (see the module's text), fewest booked in its week
    first, then by name. ``standard``: ``ST0071`` (the apprentice's stored version, else the
    latest) or ``ST0071:1.1``."""
    if ends <= starts:
        raise InputError("the end time must be after the start time", field="--to")
    spec = _standard(db, standard, uln)
    # Only the slot's times: Booking.clashes reads nothing else (not a booking to store).
    slot = Booking.model_construct(on=on, starts=starts, ends=ends)
    monday = on - timedelta(days=on.weekday())
    near = min(monday, on - timedelta(days=1)), max(monday + timedelta(days=6), on + timedelta(1))
    with db.connection() as conn:
        query = select(apprentices.c.provider, apprentices.c.employer)
        apprentice = conn.execute(query.where(apprentices.c.uln == uln)).first()
        if apprentice is None:
            raise InputError("no apprentice with this ULN in the store", field="--uln")
        live = bookings.c.status.in_(LIVE) & bookings.c.day.between(*near)
        taken = current_bookings(conn, live)
    out = []
    for profile in all_profiles(db):
        if refusal_reasons(profile, spec, on, apprentice.provider, apprentice.employer):
            continue
        theirs = [b for b in taken if b.assessor == profile.name]
        if any(slot.clashes(b, travel_minutes) for b in theirs):
            continue
        week = counted(theirs, on)
        full = capacity_warning(profile, week, on)
        out.append(
            Suggestion(
                assessor=profile.name,
                booked_this_week=week,
                capacity=profile.capacity,
                warnings=[full] if full else [],
            )
        )
    return sorted(out, key=lambda s: (s.booked_this_week, s.assessor))


def unended_conflict(db: Database, uln: str, assessor: str, today: date) -> str | None:
    """Why ``assessor`` may not be given the apprentice's attempt by hand (``epa assign``): a
    declared link to their provider or employer that has not ended by ``today`` (a hand
    assignment has no day, so any day from today on counts); None when there is none."""
    with db.connection() as conn:
        query = select(apprentices.c.provider, apprentices.c.employer)
        apprentice = conn.execute(query.where(apprentices.c.uln == uln)).first()
        profile = profile_in(conn, assessor)
    if apprentice is None or profile is None:
        return None
    for link in profile.conflicts:
        if link.ends is not None and link.ends < today:
            continue
        day = max(today, link.starts or today)
        if profile.conflict_with(day, apprentice.provider, apprentice.employer) is not None:
            return f"{assessor} declared a link to the apprentice's {link.describe()}"
    return None
