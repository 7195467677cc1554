"""What the invites need from the bookings' versions: when each chain began, which bookings
were ever confirmed; and an apprentice's bookings confirmed together when their confirmation is
made (:func:`confirm_booked`).

A calendar invite's UID must stay the same for a booking's whole chain of reschedules and
differ between two stores' bookings of the same id, so it is made from the chain's first
booking's id and the time its first version was written (:func:`created_at`). A cancellation
is sent only for a chain the apprentice was told about, one with a booking that was confirmed
(:func:`ever_confirmed`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select

from epa_kernel.core.booking import Booking
from epa_kernel.store.bookings import current_bookings, list_bookings, write_version
from epa_kernel.store.database import Database
from epa_kernel.store.schema import booking_versions, bookings
from epa_kernel.store.versions import Clock


def created_at(db: Database, ids: Iterable[int]) -> dict[int, str]:
    """Each booking id → the time its first version was written."""
    wanted = sorted(set(ids))
    query = select(booking_versions.c.booking_id, booking_versions.c.at).where(
        booking_versions.c.booking_id.in_(wanted) & (booking_versions.c.version == 1)
    )
    with db.connection() as conn:
        return {r.booking_id: r.at for r in conn.execute(query)}


def ever_confirmed(db: Database, ids: Iterable[int]) -> set[int]:
    """The ids among ``ids`` with a version whose status was ``confirmed``."""
    wanted = sorted(set(ids))
    query = select(booking_versions.c.booking_id, booking_versions.c.data).where(
        booking_versions.c.booking_id.in_(wanted)
    )
    with db.connection() as conn:
        rows = conn.execute(query).all()
    return {r.booking_id for r in rows if json.loads(r.data).get("status") == "confirmed"}


def versions_of(db: Database, ids: Iterable[int]) -> dict[int, int]:
    """Each booking id → its current version number."""
    wanted = sorted(set(ids))
    query = select(bookings.c.id, bookings.c.current_version).where(bookings.c.id.in_(wanted))
    with db.connection() as conn:
        return {r.id: r.current_version for r in conn.execute(query)}


def apprentice_bookings(db: Database, uln: str) -> list[Booking]:
    """Every booking of the apprentice, every status, by day."""
    return list_bookings(db, uln=uln)


def confirm_booked(db: Database, clock: Clock, uln: str, *, by: str) -> list[Booking]:
    """Mark the apprentice's ``booked`` bookings ``confirmed`` in one transaction, each a new
    version (as ``epa book confirm ID`` does one): their confirmation was made
    (:mod:`epa_kernel.exports.confirmations`). Held and cancelled ones are left as they are."""
    why = "confirmed (was booked): confirmation sent to the apprentice and employer"
    with db.transaction() as conn:
        found = current_bookings(conn, (bookings.c.uln == uln) & (bookings.c.status == "booked"))
        done = {"status": "confirmed"}
        return [
            write_version(
                conn,
                clock,
                b.model_copy(update=done),
                by=by,
                reason=why,
                findings=[],
                override=None,
            )
            for b in found
        ]
