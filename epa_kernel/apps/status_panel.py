"""The EPA status panel of the assessor and IQA apps: where one apprentice's EPA stands today.

An assessor opening a form, and a reviewer opening a decision, need the same answer ``epa
status`` gives the EPAO: how many days the assessment window has left, which methods are
graded, which attempt this is, which deadlines are due or missed, whether an appeal is open and
whether the results are released and the certificate claimed. The store gives it
(:mod:`epa_kernel.store.standing`: the pure engine over the apprentice's stored records, with
the appeal, release and claim), for today's date read here, in the app, never in the engine;
this module draws it.
"""

from __future__ import annotations

from datetime import date
from html import escape

from epa_kernel.batch.status_view import SHOWN, STATES, window_line
from epa_kernel.core.vocabulary import GRADE_COLOURS
from epa_kernel.errors import AccessError, InputError
from epa_kernel.store.access import Access
from epa_kernel.store.standing import Standing
from epa_kernel.store.store import Store

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


def panel_html(s: Standing) -> str:
    """The panel as HTML; every value from a record or the store is escaped."""
    st = s.status
    head = f"EPA status on {st.today}"
    window = escape(window_line(st.window)) if st.window else ""
    rows = [
        f"<div class='epa-standing-window'>gateway {st.gateway}; {window}</div>"
        if st.gateway
        else f"<div class='epa-standing-problem'>{escape(st.problem or '')}</div>"
    ]
    cells = []
    for m in st.methods:
        tried = ", ".join(f"{a.attempt} {a.grade or '…'}" for a in m.attempts) or "—"
        state = escape(m.grade or "") if m.state == "graded" else STATES[m.state]
        again = (
            f"<br><small>{escape(window_line(m.resit_window))}</small>" if m.resit_window else ""
        )
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
        for attempt in st.invalid
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


def panel_for(store: Store | Access, uln: str, today: date | None = None) -> str:
    """The panel HTML for ``uln`` as ``store`` (the Store, or a signed-in user's Access) gives
    it on ``today`` (default: today's date, read here), or a line saying why it cannot be."""
    try:
        return panel_html(store.standing(uln, today or date.today()))
    except (InputError, AccessError) as exc:
        return f"<div class='epa-standing'>EPA status not available: {escape(exc.message)}</div>"
