"""Bookings as ``epa status`` reads them, a booking confirmed (booked → confirmed, a new
version with who and when; the confirmation sent to the apprentice and employer is another
part's job), and an apprentice's bookings cancelled when they withdraw from the EPA.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_status import booking_state
from epa_kernel.errors import InputError
from epa_kernel.store.bookings import current_bookings, list_bookings, write_version
from epa_kernel.store.database import Database
from epa_kernel.store.schema import bookings, records
from epa_kernel.store.versions import Clock


def booking_states(db: Database, today: date) -> dict[str, list[tuple[Booking, str]]]:
    """Each apprentice's live bookings with their state on ``today``
    (:func:`epa_kernel.core.booking_status.booking_state`), by ULN, each by day."""
    query = select(records.c.uln, records.c.method, records.c.attempt).where(
        records.c.status == "submitted"
    )
    with db.connection() as conn:
        submitted = {tuple(r) for r in conn.execute(query)}
    out: dict[str, list[tuple[Booking, str]]] = {}
    for b in list_bookings(db):
        state = booking_state(b, submitted, today)
        if state is not None:
            out.setdefault(b.uln, []).append((b, state))
    return dict(sorted(out.items()))


def confirm(db: Database, clock: Clock, booking_id: int, *, by: str) -> Booking:
    """Mark a booked (or held) booking confirmed: a new version, nothing else changed."""
    with db.transaction() as conn:
        found = current_bookings(conn, bookings.c.id == booking_id)
        if not found or found[0].status not in ("booked", "held"):
            state = found[0].status if found else "none"
            raise InputError(
                f"no booked or held booking {booking_id} to confirm (it is: {state})", field="ID"
            )
        was = found[0].status
        done = found[0].model_copy(update={"status": "confirmed"})
        return write_version(
            conn, clock, done, by=by, reason=f"confirmed (was {was})", findings=[], override=None
        )


def cancel_for_withdrawal(conn, clock: Clock, uln: str, *, on: date, by: str) -> list[Booking]:
    """Cancel ``uln``'s live bookings on or after ``on``, the day they withdrew, in the open
    transaction ``conn`` of the withdrawal (:mod:`epa_kernel.store.withdrawals`): an assessor
    is not kept for an assessment that will not happen. Earlier ones stand as they were."""
    why = f"the apprentice withdrew from the EPA on {on}"
    live = current_bookings(conn, (bookings.c.uln == uln) & (bookings.c.day >= on))
    return [
        write_version(
            conn,
            clock,
            b.model_copy(update={"status": "cancelled", "cancel_reason": why}),
            by=by,
            reason=f"cancelled: {why}",
            findings=[],
            override=None,
        )
        for b in live
        if b.live
    ]
