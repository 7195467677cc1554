"""What an apprentice is told about one booked assessment: what to submit by when, and what to
prepare or bring, each from the standard's data with its source.

Pure. The dates come from the standard's ``deadlines`` as the booking rules count them
(:mod:`epa_kernel.core.booking_rules`): one counted *before* the assessment (the project report
two weeks before its interview, the portfolio two weeks before the discussion, the
observation's notice) falls on the booked day less its period; one of the method's counted
from the gateway (the project within two months, the showcase within six weeks) on the gateway
plus its period. A ``request_before`` rule (special consideration) gives the last day for the
request. ``bookings.preparation`` says what to bring or have ready for a method.
"""

from __future__ import annotations

from datetime import date

from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_spec import RequestBefore
from epa_kernel.core.model import Model
from epa_kernel.core.spec import Standard
from epa_kernel.core.working_days import shift


class Note(Model):
    kind: str  # "deadline", "request" or "prepare"
    what: str
    by: str | None = None  # apprentice | epao (deadlines)
    due: date | None = None
    rule: str  # how the date is counted, or the preparation's id
    source: str


def deadline_notes(standard: Standard, booking: Booking, gateway: date | None) -> list[Note]:
    out = []
    for d in standard.deadlines:
        if booking.method is None or d.method != booking.method:
            continue
        if d.before == "assessment":
            due = shift(booking.on, d.within, back=True)
            rule = f"{d.within.describe()} before the assessment on {booking.on}"
        elif d.after == "gateway" and gateway is not None:
            due = shift(gateway, d.within)
            rule = f"within {d.within.describe()} of the gateway on {gateway}"
        else:
            continue
        out.append(Note(kind="deadline", what=d.what, by=d.by, due=due, rule=rule, source=d.source))
    return out


def request_notes(standard: Standard, booking: Booking) -> list[Note]:
    out = []
    for r in standard.bookings.rules if standard.bookings and booking.method else ():
        if isinstance(r, RequestBefore):
            due = shift(booking.on, r.within, back=True)
            rule = f"at least {r.within.describe()} before the assessment"
            out.append(Note(kind="request", what=r.what, due=due, rule=rule, source=r.source))
    return out


def preparation_notes(standard: Standard, booking: Booking) -> list[Note]:
    found = standard.bookings.preparation if standard.bookings else ()
    return [
        Note(kind="prepare", what=p.what, rule=p.id, source=p.source)
        for p in found
        if p.method == booking.what and p.mode in (None, booking.mode)
    ]


def booking_notes(standard: Standard, booking: Booking, gateway: date | None) -> list[Note]:
    """Everything the apprentice is told for ``booking``: dated items by date, then what to
    prepare or bring."""
    dated = deadline_notes(standard, booking, gateway) + request_notes(standard, booking)
    return sorted(dated, key=lambda n: n.due or date.max) + preparation_notes(standard, booking)


def note_line(note: Note) -> str:
    """One note as a line of text (the invite's description, the e-mail's text part)."""
    if note.due is None:
        return f"Bring or prepare: {note.what}"
    who = " (by us)" if note.by == "epao" else ""
    day = f"{note.due:%A} {note.due.day} {note.due:%B %Y}"
    return f"By {day}{who}: {note.what} ({note.rule})"
