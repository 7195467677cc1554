"""The assessor's own upcoming assessments, at the top of the assessor app.

An assessor opens the app to see what is next before they open a form: each live booking of
theirs from today on (:meth:`~epa_kernel.store.access.Access.upcoming`: on a hub their own and
nothing of another assessor's), its date, time, apprentice, method and where (the workplace or
venue, or the remote link). This module reads them and draws them; every value is escaped.
"""

from __future__ import annotations

from datetime import date
from html import escape

from epa_kernel.apps.signed_in import signed_in
from epa_kernel.core.vocabulary import booked_words
from epa_kernel.errors import AccessError, InputError
from epa_kernel.store.booking_access import LocalPlanning

STYLE = (
    "<style>.epa-upcoming{border:1px solid #ccc;border-radius:4px;padding:4px 10px;"
    "background:#fafafa;margin:6px 0;max-width:1000px}"
    ".epa-upcoming td,.epa-upcoming th{padding:1px 12px 1px 0;text-align:left}</style>"
)


def upcoming_rows(store, assessor: str | None, today: date) -> list[dict]:
    """The assessor's live bookings from ``today``: through the signed-in user's Access on a
    hub (their own whatever is asked), from a laptop's store for the assessor chosen."""
    if assessor is None:
        return []
    source = store if signed_in(store) else LocalPlanning(store, assessor)
    return source.upcoming(today, assessor)


def upcoming_html(store, assessor: str | None, today: date | None = None) -> str:
    """The table of what is booked for the assessor, or a line saying why there is none."""
    today = today or date.today()
    try:
        found = upcoming_rows(store, assessor, today)
    except (InputError, AccessError) as exc:
        return f"<div class='epa-upcoming'>Bookings not available: {escape(str(exc))}</div>"
    if assessor is None:
        return ""
    if not found:
        return f"{STYLE}<div class='epa-upcoming'>No assessments booked from {today}.</div>"
    rows = []
    for r in found:
        what = booked_words(r["what"], r["attempt"])
        where = ("remote: " if r["mode"] == "remote" else "") + (r["where"] or "")
        rows.append(
            f"<tr><td>{r['on']:%a %d %b %Y}</td><td>{r['starts']:%H:%M}–{r['ends']:%H:%M}</td>"
            f"<td>{escape(r['name'])} ({escape(r['uln'])})</td><td>{escape(what)}</td>"
            f"<td>{escape(where)}</td><td>{escape(r['status'])}</td></tr>"
        )
    return (
        f"{STYLE}<div class='epa-upcoming'><b>Your upcoming assessments</b><table>"
        "<tr><th>date</th><th>time</th><th>apprentice</th><th>method</th><th>where</th>"
        f"<th>status</th></tr>{''.join(rows)}</table></div>"
    )
