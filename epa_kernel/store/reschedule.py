"""What a reschedule or a cancellation would do, shown before it is done.

The documents warn that moving an assessment can affect the EPA period; a scheduler wants to
see, before confirming, where the new day falls in the apprentice's window (how many days
before it closes, or that it is outside it), what the rules and the assessor's profile would
find on the new day, and, for a cancellation, how long is left to rebook. Nothing here writes.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_rules import Finding, booking_window, check_booking
from epa_kernel.core.spec import Standard
from epa_kernel.core.working_days import add_months
from epa_kernel.errors import InputError
from epa_kernel.store.bookings import current_bookings
from epa_kernel.store.database import Database
from epa_kernel.store.schema import apprentices, bookings


def preview(
    db: Database, standard: Standard, booking: Booking, *, today: date, moving: int | None = None
) -> tuple[list[Finding], str]:
    """What booking ``booking`` would find (nothing written), and its window in words."""
    with db.connection() as conn:
        row = conn.execute(
            select(apprentices.c.gateway_date).where(apprentices.c.uln == booking.uln)
        )
        gateway = row.scalar_one_or_none()
        others = [
            o for o in current_bookings(conn, bookings.c.uln == booking.uln) if o.id != moving
        ]
    if gateway is None:
        raise InputError("no apprentice with a gateway date and this ULN in the store", field="ULN")
    findings = check_booking(standard, booking, gateway, others, today)
    if booking.method is None:
        return findings, f"the planning meeting, on or after the gateway on {gateway}"
    window, anchor, start = booking_window(standard, booking, gateway, others)
    if start is None:
        return findings, f"its window cannot be counted yet ({anchor})"
    closes = add_months(start, window.months)
    left = (closes - booking.on).days
    where = f"{left} day(s) before it closes" if left >= 0 else f"{-left} day(s) after it closed"
    return findings, f"window {start} to {closes} ({window.months} months from {anchor}): {where}"
