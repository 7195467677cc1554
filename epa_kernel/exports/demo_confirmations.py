"""The demo's planning-meeting letters: each booked apprentice's confirmation and invites, and
each assessor's calendar feed, from the demo's store.

``epa demo`` books its cohort (:mod:`epa_kernel.store.demo_bookings`), then writes here what the
planning meeting sends: ``outputs/demo/confirmations/<ULN>/`` (the letter as HTML, PDF and text,
and ``invites.ics``) and ``outputs/demo/calendars/<assessor>.ics``. Nothing is e-mailed: the
demo has no mail server. The organiser's address is synthetic, like the cohort.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from epa_kernel.exports.calendar_feed import assessor_feed
from epa_kernel.exports.confirmations import write_confirmations
from epa_kernel.exports.invites import Party
from epa_kernel.files import write_atomic

DEMO_ORGANISER = Party("bookings@example.org", "Demo End-Point Assessment Organisation")


def feed_name(assessor: str) -> str:
    """A file name for ``assessor``'s feed: letters, digits and dashes."""
    return "".join(c if c.isalnum() else "-" for c in assessor).strip("-") + ".ics"


def confirmations_out(store, out: Path, today: date) -> list[str]:
    """Write the letters and feeds under ``out``; the lines the demo prints."""
    written = write_confirmations(
        store, out / "confirmations", today=today, by="epa demo", organizer=DEMO_ORGANISER
    )
    stamp = datetime.now(UTC)
    feeds, events = 0, 0
    for assessor in store.assessors():
        data, count = assessor_feed(store, assessor, stamp)
        if count:
            write_atomic(out / "calendars" / feed_name(assessor), data)
            feeds, events = feeds + 1, events + count
    letters = sum(1 for files in written.values() for f in files if f.suffix == ".pdf")
    return [
        f"  confirmations: {len(written)} apprentice(s), {letters} PDF letter(s) and their "
        f"invites in {out / 'confirmations'}/<ULN>/ (nothing e-mailed: epa confirm sends them)",
        f"  calendar feeds: {feeds} assessor(s), {events} event(s) in {out / 'calendars'}/",
    ]
