"""An apprentice's confirmation after the EPA planning meeting: the letter as HTML (the e-mail's
body) and PDF, its plain-text twin, and the calendar invites, made from the store and written
to a folder; the bookings it confirms move to ``confirmed``.

The letter is the kit's template ``epa_confirmation`` (the look of the other records) printing
:func:`epa_kernel.exports.confirmation_view.confirmation_view`; the PDF is WeasyPrint's from the
same HTML (:func:`epa_kernel.exports.render.pdf_from_html`); the invites are
:func:`epa_kernel.exports.calendar_feed.apprentice_invites`. :func:`write_confirmations` does it
for every apprentice with a booking to confirm (the demo's door).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from epa_kernel.core.booking import Booking
from epa_kernel.errors import InputError
from epa_kernel.exports.calendar_feed import Invites, apprentice_invites
from epa_kernel.exports.confirmation_view import confirmation_view
from epa_kernel.exports.invites import Party
from epa_kernel.exports.render import pdf_from_html, render
from epa_kernel.files import write_atomic
from epa_kernel.settings import AppealPolicy
from epa_kernel.store.booking_chains import confirm_booked
from epa_kernel.store.bookings import list_bookings

CONFIRMATION_TEMPLATE = "epa_confirmation"
FILES = {
    "html": "confirmation.html",
    "pdf": "confirmation.pdf",
    "text": "confirmation.txt",
    "request": "invites.ics",
    "cancel": "cancellations.ics",
}


@dataclass(frozen=True)
class Confirmation:
    uln: str
    view: dict
    html: str
    pdf: bytes
    text: str
    invites: Invites

    @property
    def bookings(self) -> tuple[Booking, ...]:
        """Every booking it tells about: booked and confirmed, then cancelled."""
        return self.invites.booked + self.invites.cancelled


def confirmation_text(view: dict) -> str:
    """The confirmation as plain text (the e-mail's text part): the same facts as the letter."""
    a, s = view["apprentice"], view["standard"]
    lines = [
        view["title"],
        "",
        f"{a['name']} (ULN {a['uln']}), {s['code']} v{s['version']} {s['title']}",
        f"Gateway: {view['gateway']}",
    ]
    if view["window"]:
        lines.append(f"Assessment window: {view['window']['opens']} to {view['window']['closes']}")
    lines += ["", "Your booked assessments"]
    for b in view["bookings"]:
        lines += ["", f"* {b['what']}", f"  When: {b['when']}", f"  Assessor: {b['assessor']}"]
        lines.append(f"  {b['mode']}: {b['link'] or b['where']}")
        lines += [f"  By {n['due']} ({n['who']}): {n['what']}" for n in b["dated"]]
        lines += [f"  Bring or have ready: {item}" for item in b["bring"]]
    for c in view["cancelled"]:
        lines.append(f"Cancelled: {c['what']}, {c['when']} ({c['reason']})")
    lines += ["", "Your deadlines"]
    lines += [f"* {d['what']}: {d['due']} ({d['state']})" for d in view["your_deadlines"]]
    lines += ["", "Results and your certificate"]
    lines += [f"* {d['what']}: {d['due']}" for d in view["our_deadlines"]]
    lines += ["", f"Appeals: if you disagree with a result, {view['appeals']['text']}."]
    sender = view["organisation"] or "the end-point assessment organisation"
    lines += ["", f"Sent by {sender} on {view['issued_on']}."]
    return "\n".join(lines) + "\n"


def make_confirmation(
    store,
    uln: str,
    today: date,
    *,
    by: str,
    organizer: Party | None = None,
    appeals: AppealPolicy | None = None,
    stamp: datetime | None = None,
) -> Confirmation:
    """Confirm the apprentice's booked bookings (a new version each) and make their
    confirmation; refused when nothing is booked or cancelled for them."""
    import nbformat

    if not list_bookings(store, uln=uln):
        raise InputError(
            "nothing booked for this ULN: book the planning meeting first", field="--uln"
        )
    confirm_booked(store, store.clock, uln, by=by)
    records = [
        s.record for s in store.all_records(submitted_only=True) if s.record.apprentice.uln == uln
    ]
    organisation = organizer.name if organizer else None
    view = confirmation_view(
        store, uln, today, records=records, organisation=organisation, appeals=appeals
    )
    html = render(CONFIRMATION_TEMPLATE, nbformat.v4.new_notebook(), view)
    invites = apprentice_invites(store, uln, stamp or datetime.now(UTC), organizer)
    return Confirmation(uln, view, html, pdf_from_html(html), confirmation_text(view), invites)


def write_confirmation(folder: str | Path, made: Confirmation) -> list[Path]:
    """The confirmation's files in ``folder`` (each written whole); the paths written."""
    folder = Path(folder)
    parts = {
        "html": made.html,
        "pdf": made.pdf,
        "text": made.text,
        "request": made.invites.request,
        "cancel": made.invites.cancel,
    }
    written = []
    for part, data in parts.items():
        if data is not None:
            write_atomic(folder / FILES[part], data)
            written.append(folder / FILES[part])
    return written


def to_confirm(store) -> list[str]:
    """The ULNs with a booking that is booked or confirmed, in order."""
    return sorted({b.uln for b in list_bookings(store) if b.status in ("booked", "confirmed")})


def write_confirmations(
    store,
    folder: str | Path,
    *,
    today: date | None = None,
    by: str = "epa confirm",
    organizer: Party | None = None,
    appeals: AppealPolicy | None = None,
) -> dict[str, list[Path]]:
    """Each booked apprentice's confirmation and invites in ``folder/<ULN>/`` (their bookings
    confirmed): ULN → the files written. ``today``: the letters' date (default: today)."""
    today = today or date.today()
    out = {}
    for uln in to_confirm(store):
        made = make_confirmation(store, uln, today, by=by, organizer=organizer, appeals=appeals)
        out[uln] = write_confirmation(Path(folder) / uln, made)
    return out
