"""A booking's place in its chain of reschedules, and what an invite is to say about it.

A reschedule cancels a booking and makes a new one whose ``rescheduled_from`` is the old id
(:func:`epa_kernel.store.bookings.book`). A calendar must see one event whose time changed,
not a second event beside a cancelled one: every booking of one chain shares the chain's first
booking (its *root*), from which the invite's UID is made, and its place in the chain (0 for
the root, 1 after one reschedule...) is the invite's SEQUENCE, so each reschedule is a higher
one and a calendar replaces the event. A booking cancelled for good (no booking rescheduled
from it) tells the calendar to remove the event, one SEQUENCE higher still.

Pure: the apprentice's bookings (every status, each with its store id) are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from epa_kernel.core.booking import Booking


@dataclass(frozen=True)
class ChainPlace:
    root: int  # the id of the chain's first booking
    sequence: int  # the invite's SEQUENCE for this booking as it stands
    replaced: bool  # a later booking was rescheduled from this one


def chain_places(bookings: Sequence[Booking]) -> dict[int, ChainPlace]:
    """Each booking's id → its place in its chain (see the module's text). A booking whose
    ``rescheduled_from`` is not among ``bookings`` is a root."""
    by_id = {b.id: b for b in bookings if b.id is not None}
    replaced = {b.rescheduled_from for b in by_id.values() if b.rescheduled_from is not None}
    out = {}
    for b in by_id.values():
        root, depth, seen = b, 0, {b.id}
        while root.rescheduled_from in by_id and root.rescheduled_from not in seen:
            root = by_id[root.rescheduled_from]
            seen.add(root.id)
            depth += 1
        gone = b.status == "cancelled" and b.id not in replaced
        out[b.id] = ChainPlace(
            root=root.id, sequence=depth + (1 if gone else 0), replaced=b.id in replaced
        )
    return out


def invited(bookings: Sequence[Booking]) -> list[Booking]:
    """The bookings an apprentice is invited to: booked or confirmed (a held slot is not agreed
    yet), by day and time."""
    return sorted(
        (b for b in bookings if b.status in ("booked", "confirmed")),
        key=lambda b: (b.on, b.starts, b.id or 0),
    )


def cancelled_for_good(bookings: Sequence[Booking]) -> list[Booking]:
    """Cancelled bookings no later booking replaced (a reschedule's old booking is not: its
    event lives on in the new one)."""
    places = chain_places(bookings)
    return [b for b in bookings if b.status == "cancelled" and not places[b.id].replaced]
