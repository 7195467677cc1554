"""Calendar invites for bookings: iCalendar (RFC 5545) built with the ``icalendar`` package.

One VEVENT per booking, its times in Europe/London with the zone's VTIMEZONE, so an invite
made in winter for a summer assessment lands at the right hour. Its UID is the booking
chain's (:func:`booking_uid`, :mod:`epa_kernel.core.booking_chain`): a reschedule keeps the UID
with a higher SEQUENCE, so the calendar moves the event instead of adding one. ``METHOD``:
``REQUEST`` for the apprentice's invites, ``CANCEL`` (each event ``STATUS:CANCELLED``) for a
cancellation, ``PUBLISH`` for an assessor's feed. LOCATION is the venue; a remote booking
gives its link as URL (and as LOCATION, which more calendars show). The DESCRIPTION says what
to bring and submit by when (:mod:`epa_kernel.core.booking_notes`).

Pure: the time stamp (DTSTAMP) and everything else are passed in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from epa_kernel.core.booking import Booking

TIMEZONE = ZoneInfo("Europe/London")
PRODID = "-//epa-kernel//EPA bookings//EN"
UID_DOMAIN = "epa-kernel"
Method = Literal["REQUEST", "CANCEL", "PUBLISH"]
STATUS = {"held": "TENTATIVE", "booked": "CONFIRMED", "confirmed": "CONFIRMED"}


@dataclass(frozen=True)
class Party:
    """A person an invite names: ``email`` its calendar address, ``name`` the CN shown."""

    email: str
    name: str | None = None
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class InviteEvent:
    booking: Booking
    uid: str
    sequence: int
    summary: str
    description: str
    attendees: tuple[Party, ...] = ()


def booking_uid(uln: str, root: int, created: str) -> str:
    """The UID of a booking chain: its first booking's id and the time that booking was first
    written (two stores never share it), hashed with the ULN so no ULN is in the invite."""
    digest = hashlib.sha256(f"{uln}|{root}|{created}".encode()).hexdigest()[:24]
    return f"booking-{root}-{digest}@{UID_DOMAIN}"


def _address(party: Party, role: str | None = None):
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{party.email}")
    if party.name:
        address.params["CN"] = party.name
    if role:
        address.params["ROLE"] = role
        address.params["PARTSTAT"] = "NEEDS-ACTION"
    return address


def vevent(item: InviteEvent, stamp: datetime, organizer: Party | None, cancel: bool):
    from icalendar import Event

    b = item.booking
    event = Event()
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", datetime.combine(b.on, b.starts, tzinfo=TIMEZONE))
    event.add("dtend", datetime.combine(b.on, b.ends, tzinfo=TIMEZONE))
    event.add("summary", item.summary)
    event.add("description", item.description)
    event.add("status", "CANCELLED" if cancel else STATUS[b.status])
    if b.mode == "face_to_face":
        event.add("location", b.venue)
    else:
        event.add("location", b.link)
        event.add("url", b.link)
    if organizer is not None:
        event.add("organizer", _address(organizer))
    for party in item.attendees:
        event.add("attendee", _address(party, party.role), encode=0)
    return event


def calendar(
    items: Sequence[InviteEvent],
    method: Method,
    stamp: datetime,
    organizer: Party | None = None,
    name: str | None = None,
) -> bytes:
    """The iCalendar text of ``items`` (see the module's text); ``name`` the feed's name."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for item in items:
        cal.add_component(vevent(item, stamp, organizer, cancel=method == "CANCEL"))
    cal.add_missing_timezones()
    return cal.to_ical()
