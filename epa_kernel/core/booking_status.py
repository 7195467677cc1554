"""Where a booking stands on a day, as ``epa status`` shows it.

A live booking is ``held``, ``booked`` or ``confirmed`` (its own status) until its day passes;
an assessment whose day has passed with no submitted record of that attempt is ``missed``: the
EPAO has to find out what happened (the apprentice did not attend, the record is not in yet)
before the window closes. A planning meeting leaves no record, so it is never missed; a
cancelled booking is not shown. Pure: ``today`` is passed in.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from epa_kernel.core.booking import Booking


def booking_state(
    booking: Booking, submitted: Collection[tuple[str, str, str]], today: date
) -> str | None:
    """``booking``'s state on ``today`` (None: cancelled); ``submitted``: the (uln, method,
    attempt key) of every submitted record."""
    if not booking.live:
        return None
    past = booking.on < today
    key = (booking.uln, booking.what, booking.attempt)
    if past and booking.kind == "assessment" and key not in submitted:
        return "missed"
    return booking.status


def state_line(booking: Booking, state: str) -> str:
    """One booking with its state, for a person."""
    line = f"booking {booking.id}: {booking.describe()}"
    if state == "missed":
        line += " -- MISSED: the day has passed and no record of it is submitted"
    return line


def bookings_section(states: dict[str, list[tuple[Booking, str]]]) -> list[str]:
    """``epa status``'s bookings, each apprentice's by day (ULNs only, no names)."""
    missed = sum(s == "missed" for rows in states.values() for _, s in rows)
    lines = [f"Bookings (live; {missed} missed)"]
    for uln, rows in states.items():
        lines.append(f"  {uln}")
        lines += [f"    {state_line(b, s)}" for b, s in rows]
    return lines


def bookings_json(states: dict[str, list[tuple[Booking, str]]]) -> dict[str, list[dict]]:
    return {
        uln: [b.model_dump(mode="json") | {"state": s} for b, s in rows]
        for uln, rows in states.items()
    }
