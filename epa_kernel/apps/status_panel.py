"""The EPA status panel of the assessor and IQA apps: where one apprentice's EPA stands today.

An assessor opening a form, and a reviewer opening a decision, need the same answer ``epa
status`` gives the EPAO: how many days the assessment window has left, which methods are
graded, which attempt this is, which deadlines are due or missed, whether an appeal is open and
whether the results are released and the certificate claimed. The panel asks the same pure
engine (:func:`epa_kernel.core.epa_status.epa_status`) over the apprentice's stored records,
drafts included (a draft not yet fully judged shows as assessed, not graded), with today's date
read here, in the app, never in the engine; the appeal, release and claim come from the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.epa_status import EpaStatus, WindowStatus, epa_status
from epa_kernel.core.vocabulary import GRADE_COLOURS
from epa_kernel.errors import InputError
from epa_kernel.store.store import Store

STATE_WORDS = {"not_assessed": "not assessed", "assessed": "assessed, not graded", "graded": ""}
SHOWN = ("missed", "overdue", "due")  # deadline states listed; the rest are counted
WHO = {"epao": "EPAO"}
# A box apart from the form, compact; missed and overdue deadlines in the Fail colour.
STYLE = (
    "<style>.epa-standing{border:1px solid #ccc;border-radius:4px;padding:4px 10px;"
    "background:#fafafa;margin:6px 0;max-width:760px}"
    ".epa-standing td,.epa-standing th{padding:1px 10px 1px 0;text-align:left}"
    ".epa-deadline-missed,.epa-deadline-overdue,.epa-standing-invalid"
    f"{{color:{GRADE_COLOURS['Fail']}}}"
    "</style>"
)


@dataclass(frozen=True)
class Standing:
    """What the panel shows: the engine's status, and the store's appeal, release and claim."""

    status: EpaStatus
    open_appeals: tuple[str, ...]  # "appeal 1 on work_based_project: lodged"
    released: str | None  # "on <when> by <who>"
    claimed: str | None


def standing(store: Store, uln: str, today: date) -> Standing:
    """The apprentice's standing on ``today``; InputError when their records cannot be read
    together (two standard versions, say), with the engine's reason."""
    stored = store.records_of(uln)
    if not stored:
        raise InputError("no stored records for this apprentice yet")
    first = stored[0].record
    standard = get_standard(first.standard, first.version)
    records = [s.record for s in stored]
    gateway = next((r.apprentice.gateway_date for r in records if r.apprentice.gateway_date), None)
    status = epa_status(standard, gateway, records, today)
    appeals = tuple(
        f"{a.kind} {a.number} on {s.record.method} ({s.record.attempt_key}): {a.status}"
        for s, a in store.open_appeals(stored)
    )
    release = store.releases().get(uln)
    claim = next((c for c in store.claims() if c.uln == uln), None)
    return Standing(
        status,
        appeals,
        f"on {release.at[:10]} by {release.by}" if release else None,
        f"on {claim.at[:10]} ({claim.grade}, batch {claim.file})" if claim else None,
    )


def _window(w: WindowStatus | None) -> str:
    if w is None:
        return ""
    if w.state == "open":
        return f"{w.what} open: {w.days_left} day(s) left, last day {w.closes}"
    if w.state == "closed":
        return f"{w.what} closed on {w.closes}"
    return f"{w.what} opens {w.opens}"


def panel_html(s: Standing) -> str:
    """The panel as HTML; every value from a record or the store is escaped."""
    st = s.status
    head = f"EPA status on {st.today}"
    rows = [
        f"<div class='epa-standing-window'>gateway {st.gateway}; {escape(_window(st.window))}</div>"
        if st.gateway
        else f"<div class='epa-standing-problem'>{escape(st.problem or '')}</div>"
    ]
    cells = []
    for m in st.methods:
        tried = ", ".join(f"{a.attempt} {a.grade or '…'}" for a in m.attempts) or "—"
        state = STATE_WORDS[m.state] or escape(m.grade or "")
        again = f"<br><small>{escape(_window(m.resit_window))}</small>" if m.resit_window else ""
        cells.append(
            f"<tr><td>{escape(m.name)}</td><td>{state}</td><td>{escape(tried)}{again}</td></tr>"
        )
    rows.append(
        "<table class='epa-standing-methods'><tr><th>method</th><th>grade</th>"
        f"<th>attempts</th></tr>{''.join(cells)}</table>"
    )
    rows.append(f"<div>overall: <b>{escape(st.overall or 'not yet graded')}</b></div>")
    listed = [d for state in SHOWN for d in st.deadlines if d.status == state]
    rows += [
        f"<div class='epa-deadline-{d.status}'>{d.status.upper()} {escape(d.what)} "
        f"(by the {escape(WHO.get(d.by, d.by))}, due {d.due})</div>"
        for d in listed
    ]
    rows += [
        f"<div class='epa-standing-invalid'>not allowed: {escape(attempt.reason)}</div>"
        for m in st.methods
        for attempt in m.attempts
        if not attempt.valid
    ]
    appeal = "; ".join(s.open_appeals) or "none open"
    rows.append(f"<div class='epa-standing-appeal'>appeals: {escape(appeal)}</div>")
    rows.append(
        f"<div class='epa-standing-release'>results: "
        f"{escape('released ' + s.released if s.released else 'not released')}; certificate: "
        f"{escape('claimed ' + s.claimed if s.claimed else 'not claimed')}</div>"
    )
    return (
        STYLE
        + "<details open class='epa-standing'><summary><b>"
        + escape(head)
        + "</b></summary>"
        + "".join(rows)
        + "</details>"
    )


def panel_for(store: Store, uln: str, today: date | None = None) -> str:
    """The panel HTML for ``uln``, or a one-line explanation when it cannot be drawn."""
    try:
        return panel_html(standing(store, uln, today or date.today()))
    except InputError as exc:
        return f"<div class='epa-standing'>EPA status not available: {escape(exc.message)}</div>"
