"""Bookings as versions: each booking a row with its status and the pointer to its current
version, each change an append-only version naming who, when and why.

Booking an assessment checks the standard's rules (:func:`epa_kernel.core.booking_rules.
check_booking`) against the apprentice's gateway and other bookings, makes the assessor the
attempt's assessor (:func:`epa_kernel.store.people.assign_attempt`) and refuses to double-book
them: two live bookings of one assessor may not overlap, ``travel_minutes`` (the
organisation's ``[bookings]`` setting) kept between them. All of it in one transaction that
first takes a write lock on the assessor's row (PostgreSQL: that row; SQLite: the database), so
concurrent bookings of one assessor are checked one after another and never both written. A
refusal by a rule stands unless an admin overrides it with a reason, kept in the version; the
assessor's profile is checked in the same transaction (:mod:`epa_kernel.core.allocation`:
approved for the standard, not away, capacity) and a conflict of interest is refused with no
override at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, time, timedelta

from sqlalchemy import and_, insert, select, update

from epa_kernel.core.allocation import NEVER_OVERRIDDEN, allocation_findings, counted, week_of
from epa_kernel.core.booking import LIVE, Booking
from epa_kernel.core.booking_rules import (
    Finding,
    by_level,
    check_booking,
    refusals,
)
from epa_kernel.core.spec import Standard
from epa_kernel.errors import AccessError, InputError
from epa_kernel.store.assessor_profiles import lock_assessor, profile_in
from epa_kernel.store.database import Database
from epa_kernel.store.people import assign_attempt
from epa_kernel.store.resit_notice import notified_before
from epa_kernel.store.schema import (
    apprentices,
    assignments,
    booking_versions,
    bookings,
    users,
)
from epa_kernel.store.versions import Clock
from epa_kernel.store.withdrawal_rows import withdrawn_now


def current_bookings(conn, where) -> list[Booking]:
    """The bookings ``where`` selects, each as its current version, by day (in ``conn``)."""
    query = (
        select(bookings.c.id, booking_versions.c.data)
        .join(
            booking_versions,
            and_(
                booking_versions.c.booking_id == bookings.c.id,
                booking_versions.c.version == bookings.c.current_version,
            ),
        )
        .where(where)
        .order_by(bookings.c.day, bookings.c.id)
    )
    return [Booking.model_validate({**json.loads(r.data), "id": r.id}) for r in conn.execute(query)]


def list_bookings(
    db: Database, uln: str | None = None, assessor: str | None = None
) -> list[Booking]:
    """Every booking's current version, by day (only ``uln``'s, or ``assessor``'s, when given)."""
    where = bookings.c.id.is_not(None)
    if uln is not None:
        where = where & (bookings.c.uln == uln)
    if assessor is not None:
        where = where & (bookings.c.assessor == assessor)
    with db.connection() as conn:
        return current_bookings(conn, where)


def booking_history(db: Database, booking_id: int) -> list[dict]:
    """Every version of a booking, oldest first: version, author, at, reason, override,
    findings (a list) and the booking."""
    query = (
        select(booking_versions)
        .where(booking_versions.c.booking_id == booking_id)
        .order_by(booking_versions.c.version)
    )
    with db.connection() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["findings"] = json.loads(row["findings"])
        row["booking"] = Booking.model_validate({**json.loads(row.pop("data")), "id": booking_id})
    return rows


def apprentice_standard(db: Database, uln: str) -> tuple[str, str] | None:
    """The standard and version the apprentice's assignments name (None: none stored yet)."""
    query = select(assignments.c.standard, assignments.c.version).where(assignments.c.uln == uln)
    with db.connection() as conn:
        row = conn.execute(query).first()
    return (row.standard, row.version) if row else None


def _lock(conn, assessor: str, uln: str):
    """Take the write lock (see the module's text); the apprentice's gateway date, provider
    and employer."""
    lock_assessor(conn, assessor, field="--assessor")
    query = select(apprentices.c.gateway_date, apprentices.c.provider, apprentices.c.employer)
    row = conn.execute(query.where(apprentices.c.uln == uln)).first()
    if row is None:
        raise InputError("no apprentice with this ULN in the store", field="ULN")
    if row.gateway_date is None:
        raise InputError("the apprentice has no gateway date in the store", field="ULN")
    left = withdrawn_now(conn, uln)
    if left is not None:
        raise InputError(
            f"the apprentice withdrew from the EPA on {left.on}: nothing can be booked "
            "until the withdrawal is undone (epa withdraw ULN --undo)",
            field="ULN",
        )
    return row


def assessor_findings(conn, standard: Standard, booking: Booking, apprentice, leaving):
    """The allocation's findings (:mod:`epa_kernel.core.allocation`) from the assessor's
    profile and their week's bookings, ``leaving`` (a booking being moved) not counted."""
    monday, sunday = week_of(booking.on)
    mine = (bookings.c.assessor == booking.assessor) & bookings.c.day.between(monday, sunday)
    return allocation_findings(
        standard,
        booking,
        profile_in(conn, booking.assessor),
        provider=apprentice.provider,
        employer=apprentice.employer,
        booked_this_week=counted(current_bookings(conn, mine), booking.on, leaving),
    )


def check_clash(conn, booking: Booking, travel_minutes: int, leaving: int | None) -> None:
    near = (
        (bookings.c.assessor == booking.assessor)
        & bookings.c.status.in_(LIVE)
        & bookings.c.day.between(booking.on - timedelta(days=1), booking.on + timedelta(days=1))
    )
    for other in current_bookings(conn, near):
        if other.id != leaving and booking.clashes(other, travel_minutes):
            margin = f" with {travel_minutes} minutes' travel between" if travel_minutes else ""
            raise InputError(
                f"{booking.assessor} is already booked then{margin}: booking {other.id}, "
                f"{other.on} {other.starts:%H:%M}-{other.ends:%H:%M}",
                field="--from/--to",
            )


def _check_override(db_conn, findings: Sequence[Finding], by: str, override: str | None) -> None:
    refused = refusals(findings)
    if not refused:
        return
    never = [f for f in refused if f.rule in NEVER_OVERRIDDEN]
    if override is None or never:
        first = (never or refused)[0]
        also = "; this refusal cannot be overridden" if never and override else ""
        raise InputError(f"refused: {first.reason} ({first.source}){also}", field=first.rule)
    row = db_conn.execute(select(users.c.role).where(users.c.name == by)).first()
    if row is None or row.role != "admin":
        raise AccessError(f"only an admin may override a refusal; {by!r} is not one")


def write_version(
    conn, clock: Clock, booking: Booking, *, by, reason, findings, override
) -> Booking:
    data = booking.model_dump(mode="json", exclude={"id"})
    if booking.id is None:
        new = conn.execute(
            insert(bookings).values(
                uln=booking.uln,
                assessor=booking.assessor,
                what=booking.what,
                attempt=booking.attempt,
                day=booking.on,
                status=booking.status,
                current_version=1,
            )
        )
        booking_id, version = new.inserted_primary_key[0], 1
    else:
        booking_id = booking.id
        row = conn.execute(select(bookings.c.current_version).where(bookings.c.id == booking_id))
        version = row.scalar_one() + 1
        conn.execute(
            update(bookings)
            .where(bookings.c.id == booking_id)
            .values(status=booking.status, day=booking.on, current_version=version)
        )
    conn.execute(
        insert(booking_versions).values(
            booking_id=booking_id,
            version=version,
            author=by,
            at=clock(),
            reason=reason,
            override=override,
            findings=json.dumps([f.model_dump() for f in findings]),
            data=json.dumps(data, sort_keys=True),
        )
    )
    return booking.model_copy(update={"id": booking_id})


def book(
    db: Database,
    clock: Clock,
    standard: Standard,
    booking: Booking,
    *,
    today: date,
    by: str,
    travel_minutes: int = 0,
    override: str | None = None,
    notified_on: date | None = None,
    moving: int | None = None,
) -> tuple[Booking, list[Finding]]:
    """Write ``booking`` (see the module's text) and its findings; ``moving``: the id of the
    live booking it replaces (a reschedule: that one is cancelled in the same transaction)."""
    with db.transaction() as conn:
        apprentice = _lock(conn, booking.assessor, booking.uln)
        gateway = apprentice.gateway_date
        others = current_bookings(conn, bookings.c.uln == booking.uln)
        old = next((o for o in others if o.id == moving), None) if moving else None
        if moving and (old is None or not old.live):
            raise InputError(f"no live booking {moving} to move", field="ID")
        others = [o for o in others if o.id != moving]
        notified_on = notified_on or notified_before(conn, booking)
        findings = check_booking(standard, booking, gateway, others, today, notified_on=notified_on)
        findings = by_level(
            findings + assessor_findings(conn, standard, booking, apprentice, moving)
        )
        _check_override(conn, findings, by, override)
        check_clash(conn, booking, travel_minutes, moving)
        if booking.method is not None:
            key = (booking.standard, booking.version)
            assign_attempt(
                conn, booking.uln, booking.method, booking.attempt, booking.assessor, key
            )
        reason = f"rescheduled from booking {moving}" if old else "booked"
        written = write_version(
            conn, clock, booking, by=by, reason=reason, findings=findings, override=override
        )
        if old is not None:
            why = f"rescheduled to booking {written.id}"
            gone = old.model_copy(update={"status": "cancelled", "cancel_reason": why})
            write_version(conn, clock, gone, by=by, reason=why, findings=[], override=None)
    return written, findings


def cancel(db: Database, clock: Clock, booking_id: int, *, reason: str, by: str) -> Booking:
    """Cancel a live booking, with its reason (a new version)."""
    if not reason.strip():
        raise InputError("give the reason for cancelling", field="--reason")
    with db.transaction() as conn:
        found = current_bookings(conn, bookings.c.id == booking_id)
        if not found or not found[0].live:
            raise InputError(f"no live booking {booking_id}", field="ID")
        gone = found[0].model_copy(update={"status": "cancelled", "cancel_reason": reason.strip()})
        return write_version(
            conn,
            clock,
            gone,
            by=by,
            reason=f"cancelled: {reason.strip()}",
            findings=[],
            override=None,
        )


def moved(db: Database, booking_id: int, on: date, starts: time, ends: time) -> Booking:
    """The live booking ``booking_id`` as it would be on the new day and times (not written):
    ``rescheduled_from`` it, a new booking."""
    with db.connection() as conn:
        found = current_bookings(conn, bookings.c.id == booking_id)
    if not found or not found[0].live:
        raise InputError(f"no live booking {booking_id}", field="ID")
    data = found[0].model_dump() | {"id": None, "on": on, "starts": starts, "ends": ends}
    return Booking.model_validate(data | {"rescheduled_from": booking_id, "status": "booked"})
