"""What a reschedule or a cancellation would do, shown before it is done.

The documents warn that moving an assessment can affect the EPA period; a scheduler wants to
see, before confirming, where the new day falls in the apprentice's window (how many days
before it closes, against the old day; or that it is outside it), everything the rules and the
assessor's profile would find on the new day (a double booking among them), and for a
cancellation, how long is left to book it again. Nothing here writes: ``epa book move`` and
``epa book cancel`` print this and change nothing without ``--yes``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_rules import Finding, booking_window, by_level, check_booking
from epa_kernel.core.spec import Standard
from epa_kernel.core.working_days import add_months
from epa_kernel.errors import InputError
from epa_kernel.store.bookings import assessor_findings, check_clash, current_bookings
from epa_kernel.store.database import Database
from epa_kernel.store.resit_notice import notified_before
from epa_kernel.store.schema import apprentices, bookings

DOUBLE_BOOKING = (
    "no assessor double-booked: two live bookings may not overlap "
    "([bookings] travel_minutes kept between)"
)


def _window(standard: Standard, booking: Booking, gateway: date, others, told) -> tuple | None:
    """(opens, closes, how it is counted), or None with no window to count (yet); ``told``:
    the fail notification a resit counts from (None: not recorded)."""
    if booking.method is None:
        return None
    window, anchor, start = booking_window(standard, booking, gateway, others, told)
    if start is None:
        return None
    return start, add_months(start, window.months), f"{window.months} months from {anchor}"


def _where(day: date, closes: date) -> str:
    left = (closes - day).days
    return f"{left} day(s) before it closes" if left >= 0 else f"{-left} day(s) after it closed"


def window_line(
    standard: Standard, booking: Booking, gateway: date, others, old=None, told=None
) -> str:
    """The booked day in its window, in words (``old``: the day it moves from, compared;
    ``told``: the fail notification a resit counts from)."""
    if booking.method is None:
        return f"the planning meeting, on or after the gateway on {gateway}"
    found = _window(standard, booking, gateway, others, told)
    if found is None:
        anchor = booking_window(standard, booking, gateway, others, told)[1]
        return f"its window cannot be counted yet ({anchor})"
    opens, closes, how = found
    line = f"window {opens} to {closes} ({how}): {booking.on} is {_where(booking.on, closes)}"
    if old is not None:
        line += f" (was {old.on}: {_where(old.on, closes)})"
    return line


def _apprentice(conn, uln: str):
    query = select(apprentices.c.gateway_date, apprentices.c.provider, apprentices.c.employer)
    row = conn.execute(query.where(apprentices.c.uln == uln)).first()
    if row is None or row.gateway_date is None:
        raise InputError("no apprentice with a gateway date and this ULN in the store", field="ULN")
    return row


def preview(
    db: Database,
    standard: Standard,
    booking: Booking,
    *,
    today: date,
    moving: int | None = None,
    travel_minutes: int = 0,
) -> tuple[list[Finding], str]:
    """What booking ``booking`` would find (nothing written): the standard's rules, the
    assessor's profile and a double booking, refusals first; and its window in words
    (against the booking ``moving`` when it replaces one)."""
    with db.connection() as conn:
        apprentice = _apprentice(conn, booking.uln)
        mine = current_bookings(conn, bookings.c.uln == booking.uln)
        old = next((o for o in mine if o.id == moving), None)
        others = [o for o in mine if o.id != moving]
        told = notified_before(conn, booking)
        found = check_booking(
            standard, booking, apprentice.gateway_date, others, today, notified_on=told
        )
        found += assessor_findings(conn, standard, booking, apprentice, moving)
        try:
            check_clash(conn, booking, travel_minutes, moving)
        except InputError as clash:
            found.append(
                Finding(
                    level="refusal",
                    rule="double_booking",
                    reason=clash.message,
                    source=DOUBLE_BOOKING,
                )
            )
    line = window_line(standard, booking, apprentice.gateway_date, others, old, told)
    return by_level(found), line


def cancel_effect(db: Database, standard: Standard, booking_id: int, *, today: date) -> list[str]:
    """What cancelling the live booking ``booking_id`` leaves: its window and the days left
    (from ``today``) to book the assessment again."""
    with db.connection() as conn:
        found = current_bookings(conn, bookings.c.id == booking_id)
        if not found or not found[0].live:
            raise InputError(f"no live booking {booking_id}", field="ID")
        booking = found[0]
        apprentice = _apprentice(conn, booking.uln)
        others = [
            o for o in current_bookings(conn, bookings.c.uln == booking.uln) if o.id != booking_id
        ]
        told = notified_before(conn, booking)
    lines = [f"booking {booking_id} would be cancelled: {booking.describe()}"]
    window = _window(standard, booking, apprentice.gateway_date, others, told)
    if window is None:
        return lines
    opens, closes, how = window
    if today > closes:
        lines.append(f"its window ({how}) closed on {closes}: it cannot be booked again inside it")
    else:
        lines.append(
            f"its window ({how}) closes on {closes}: {(closes - today).days} day(s) from "
            f"{today} to book it again, with the notice and submission deadlines before it"
        )
    return lines
