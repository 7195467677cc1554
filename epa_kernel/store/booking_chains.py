"""What the invites need from the bookings' versions: when each chain began, which bookings
were ever confirmed, and the confirm transition (booked to confirmed, a new version).

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
from epa_kernel.store.bookings import list_bookings
from epa_kernel.store.database import Database
from epa_kernel.store.schema import booking_versions


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
    from epa_kernel.store.schema import bookings

    wanted = sorted(set(ids))
    query = select(bookings.c.id, bookings.c.current_version).where(bookings.c.id.in_(wanted))
    with db.connection() as conn:
        return {r.id: r.current_version for r in conn.execute(query)}


def apprentice_bookings(db: Database, uln: str) -> list[Booking]:
    """Every booking of the apprentice, every status, by day."""
    return list_bookings(db, uln=uln)
