"""Invites and feeds made from the store: an apprentice's invites (their booked assessments and
planning meeting, and the cancellations of chains they were told about) and an assessor's
calendar feed (all their live bookings).

Reads bookings, their chains (:mod:`epa_kernel.store.booking_chains`), the apprentice's name
and gateway, and the contacts (:mod:`epa_kernel.store.contacts`); builds with
:mod:`epa_kernel.exports.invites`. Writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_chain import cancelled_for_good, chain_places, invited
from epa_kernel.core.booking_notes import booking_notes, note_line
from epa_kernel.core.catalogue import get_standard
from epa_kernel.exports.invites import InviteEvent, Party, booking_uid, calendar
from epa_kernel.store.booking_chains import created_at, ever_confirmed
from epa_kernel.store.bookings import list_bookings
from epa_kernel.store.contacts import contact
from epa_kernel.store.people import apprentice_details


@dataclass(frozen=True)
class Invites:
    """An apprentice's invites: ``request`` (None: nothing booked) and ``cancel`` (None:
    nothing to cancel), with the bookings each holds."""

    request: bytes | None
    cancel: bytes | None
    booked: tuple[Booking, ...]
    cancelled: tuple[Booking, ...]


def what_name(booking: Booking) -> str:
    """The method's name from the standard (``EPA planning meeting`` for the meeting)."""
    if booking.method is None:
        return "EPA planning meeting"
    method = get_standard(booking.standard, booking.version).method(booking.method)
    name = method.name if method else booking.method
    return name if booking.attempt == "first" else f"{name} ({booking.attempt})"


def description(booking: Booking, gateway: date | None) -> str:
    standard = get_standard(booking.standard, booking.version)
    lines = [f"{what_name(booking)}: {standard.key} {standard.title} end-point assessment."]
    lines.append(f"Assessor: {booking.assessor}.")
    if booking.mode == "remote":
        lines.append(f"Remote: join at {booking.link}")
    lines += [note_line(n) for n in booking_notes(standard, booking, gateway)]
    return "\n".join(lines)


def _gateway(details: dict) -> date | None:
    found = details.get("gateway_date")
    return date.fromisoformat(found) if found else None


def _party(db, who: str, key: str, role: str = "REQ-PARTICIPANT") -> Party | None:
    found = contact(db, who, key)
    return Party(found.email, found.name, role) if found else None


def _events(db, bookings: list[Booking], everyone: list[Booking], for_assessor: bool):
    """An InviteEvent for each of ``bookings`` (``everyone``: the chains they belong to)."""
    places = chain_places(everyone)
    first = created_at(db, {p.root for p in places.values()})
    out = []
    for b in bookings:
        details = apprentice_details(db, b.uln)
        place = places[b.id]
        who = (_party(db, "apprentice", b.uln), _party(db, "employer", b.uln, "OPT-PARTICIPANT"))
        mine = _party(db, "assessor", b.assessor)
        summary = what_name(b) + (f": {details.get('name', '')}" if for_assessor else "")
        out.append(
            InviteEvent(
                booking=b,
                uid=booking_uid(b.uln, place.root, first[place.root]),
                sequence=place.sequence,
                summary=summary,
                description=description(b, _gateway(details)),
                attendees=tuple(p for p in (*who, mine) if p is not None),
            )
        )
    return out


def apprentice_invites(db, uln: str, stamp: datetime, organizer: Party | None) -> Invites:
    """The apprentice's invites as the store stands (see the module's text)."""
    everyone = list_bookings(db, uln=uln)
    booked = invited(everyone)
    places = chain_places(everyone)
    told = {places[i].root for i in ever_confirmed(db, [b.id for b in everyone])}
    gone = [b for b in cancelled_for_good(everyone) if places[b.id].root in told]
    request = _events(db, booked, everyone, False)
    cancel = _events(db, gone, everyone, False)
    return Invites(
        request=calendar(request, "REQUEST", stamp, organizer) if request else None,
        cancel=calendar(cancel, "CANCEL", stamp, organizer) if cancel else None,
        booked=tuple(booked),
        cancelled=tuple(gone),
    )


def assessor_feed(db, assessor: str, stamp: datetime) -> tuple[bytes, int]:
    """Every live booking of ``assessor`` as one calendar (METHOD:PUBLISH), and how many."""
    mine = [b for b in list_bookings(db, assessor=assessor) if b.live]
    events = []
    for uln in sorted({b.uln for b in mine}):
        everyone = list_bookings(db, uln=uln)
        events += _events(db, [b for b in mine if b.uln == uln], everyone, True)
    events.sort(key=lambda e: (e.booking.on, e.booking.starts))
    return calendar(events, "PUBLISH", stamp, name=f"EPA assessments: {assessor}"), len(mine)
