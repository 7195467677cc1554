"""What the planning app draws: the week of slots per assessor, a booking's findings, and the
apprentice's bookings, as HTML from the store's values (every value escaped).

The week view is what an EPAO's scheduling team reads first: one row per assessor, one column per
day (Monday to Friday, and the weekend when something is booked then), each live booking in its
cell with its times, method and apprentice, the chosen apprentice's bookings marked. Findings
come as the booking rules give them (:mod:`epa_kernel.core.booking_rules`): a refusal in the
Fail colour with its reason and its source, warnings in amber, information in grey. And the
few helpers both of the app's modules use: a typed time read, a status line, a widget's class.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta
from html import escape

import ipywidgets as w

from epa_kernel.apps.status_panel import panel_html
from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_rules import Finding, deadline_findings
from epa_kernel.core.spec import Standard
from epa_kernel.core.vocabulary import GRADE_COLOURS
from epa_kernel.core.working_days import bank_holidays
from epa_kernel.errors import AccessError, InputError

STYLE = (
    "<style>"
    ".epa-week{border-collapse:collapse;margin:6px 0;font-size:13px}"
    ".epa-week th,.epa-week td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;"
    "text-align:left;min-width:120px}"
    ".epa-week th{background:#f0f0f0}.epa-week td.epa-today{background:#fffde7}"
    ".epa-week td.epa-holiday{background:#f4f4f4}"
    ".epa-slot{border-left:3px solid #1565c0;background:#e3f2fd;margin:2px 0;padding:1px 4px}"
    ".epa-slot.epa-mine{border-left-color:#e65100;background:#fff3e0;font-weight:bold}"
    ".epa-slot.epa-held{font-style:italic;opacity:.8}"
    ".epa-findings{margin:4px 0;max-width:760px}.epa-findings div{margin:2px 0}"
    f".epa-finding-refusal{{color:{GRADE_COLOURS['Fail']}}}"
    ".epa-finding-warning{color:#e65100}.epa-finding-information{color:#555}"
    ".epa-finding-source{font-size:11px;color:#666;margin-left:14px}"
    ".epa-booked-list td,.epa-booked-list th{padding:1px 8px 1px 0;text-align:left}"
    ".epa-booked-list td:nth-child(3),.epa-booked-list td:nth-child(4){white-space:nowrap}"
    ".epa-cancelled{color:#888;text-decoration:line-through}"
    # the page scrolls as one document, as the assessor app's does (checklist.css)
    "body[data-voila]{height:auto !important;overflow:visible !important}"
    "body[data-voila] #main,body[data-voila] #jp-main-content-panel,"
    "body[data-voila] #rendered_cells{position:static !important;height:auto !important;"
    "overflow:visible !important;contain:none !important}"
    "</style>"
)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def monday(on: date) -> date:
    return on - timedelta(days=on.weekday())


def week_html(
    start: date,
    assessors: Sequence[str],
    bookings: Iterable[Booking],
    names: dict[str, str],
    *,
    chosen: str | None = None,
    today: date | None = None,
    away: dict[str, list[date]] | None = None,
) -> str:
    """The week from Monday ``start``: rows ``assessors``, the live ``bookings`` in their cells
    (``names``: apprentices' names by ULN; ``chosen``: the ULN whose bookings are marked;
    ``away``: each assessor's days away, greyed out)."""
    week = [b for b in bookings if b.live and start <= b.on < start + timedelta(days=7)]
    last = 7 if any(b.on.weekday() >= 5 for b in week) else 5
    days = [start + timedelta(days=i) for i in range(last)]
    holidays = {d for d in days if d in bank_holidays(d.year)}
    head = "".join(
        f"<th>{DAY_NAMES[d.weekday()]} {d:%d %b}"
        f"{'<br><small>bank holiday</small>' if d in holidays else ''}</th>"
        for d in days
    )
    body = []
    for assessor in assessors:
        cells = []
        off_days = set((away or {}).get(assessor, ()))
        for d in days:
            slots = sorted(
                (b for b in week if b.assessor == assessor and b.on == d), key=lambda b: b.starts
            )
            drawn = "".join(_slot(b, names, chosen) for b in slots)
            if d in off_days:
                drawn = "<small>away</small>" + drawn
            off = d in holidays or d in off_days
            kind = "epa-today" if d == today else "epa-holiday" if off else ""
            cells.append(f"<td class='{kind}'>{drawn}</td>" if kind else f"<td>{drawn}</td>")
        body.append(f"<tr><th>{escape(assessor)}</th>{''.join(cells)}</tr>")
    if not assessors:
        body.append(f"<tr><td colspan='{last + 1}'>No assessors in the store.</td></tr>")
    return f"{STYLE}<table class='epa-week'><tr><th>Assessor</th>{head}</tr>{''.join(body)}</table>"


def _slot(b: Booking, names: dict[str, str], chosen: str | None) -> str:
    classes = ["epa-slot"] + (["epa-mine"] if b.uln == chosen else [])
    classes += ["epa-held"] if b.status == "held" else []
    mark = {"held": " (held)", "confirmed": " ✓"}.get(b.status, "")
    who = names.get(b.uln, b.uln)
    return (
        f"<div class='{' '.join(classes)}' title='booking {b.id}'>"
        f"{b.starts:%H:%M}–{b.ends:%H:%M} {escape(b.words)}{mark}<br>"
        f"<small>{escape(who)}</small></div>"
    )


def findings_html(findings: Sequence[Finding], window: str = "") -> str:
    """The rules' findings for a booking, refusals first, each with its source."""
    lines = [f"<div class='epa-window-line'><b>{escape(window)}</b></div>"] if window else []
    for f in findings:
        lines.append(
            f"<div class='epa-finding-{f.level}'>{f.level.upper()}: {escape(f.reason)}"
            f"<div class='epa-finding-source'>{escape(f.source)}</div></div>"
        )
    if not findings:
        lines.append("<div class='epa-finding-information'>No rule finds anything.</div>")
    return f"{STYLE}<div class='epa-findings'>{''.join(lines)}</div>"


def booking_dues(
    standard: Standard, gateway: date, bookings: Sequence[Booking], today: date
) -> list[Finding]:
    """The deadlines the live ``bookings`` set: each one counted back from its assessment (the
    observation's notice, the work submitted before it), as the booking rules find them."""
    before = {d.id for d in standard.deadlines if d.before == "assessment"}
    return [
        f
        for b in bookings
        if b.live
        for f in deadline_findings(standard, b, gateway, today)
        if f.rule in before
    ]


def standing_html(store, uln: str) -> str:
    """Where the apprentice's EPA stands (``epa status``'s window, methods and deadlines, also
    before any record), drawn as the assessor app's status panel; or why it cannot be."""
    try:
        return panel_html(store.planning_standing(uln))
    except (InputError, AccessError) as exc:
        return f"<div class='epa-standing'>EPA status not available: {escape(str(exc))}</div>"


def booked_html(bookings: Sequence[Booking], dues: Sequence[Finding] = ()) -> str:
    """The apprentice's bookings, every status, with their ids; under them ``dues``, the
    deadlines the live bookings set (the booking rules' findings for them)."""
    if not bookings:
        return "<div class='epa-booked-list'>Nothing booked yet.</div>"
    rows = []
    for b in bookings:
        where = b.venue if b.mode == "face_to_face" else b.link
        state = b.status + (f": {b.cancel_reason}" if b.cancel_reason else "")
        cls = " class='epa-cancelled'" if not b.live else ""
        rows.append(
            f"<tr{cls}><td>{b.id}</td><td>{escape(b.words)}</td><td>{b.on}</td>"
            f"<td>{b.starts:%H:%M}–{b.ends:%H:%M}</td><td>{escape(b.assessor)}</td>"
            f"<td>{escape(where or '')}</td><td>{escape(state)}</td></tr>"
        )
    due = "".join(f"<li>{escape(f.reason)}</li>" for f in dues)
    return (
        f"{STYLE}<table class='epa-booked-list'><tr><th>id</th><th>assessment</th><th>day</th>"
        f"<th>time</th><th>assessor</th><th>where</th><th>status</th></tr>{''.join(rows)}</table>"
        + (
            f"<div class='epa-booked-dues'><b>Due before the assessments</b><ul>{due}</ul></div>"
            if due
            else ""
        )
    )


HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def clock(text: str, field: str) -> time:
    """A time typed as HH:MM (24 hours); else bad input naming the field."""
    if not HHMM.fullmatch(text.strip()):
        raise InputError(f"give a time as HH:MM (24 hours), e.g. 09:30; not {text!r}", field=field)
    return time.fromisoformat(text.strip())


def say(widget: w.HTML, text: str, *, error: bool = False) -> None:
    colour = "#b00020" if error else "#1b5e20"
    widget.value = f"<span style='color:{colour}'>{escape(text)}</span>"


def tagged(widget, name: str):
    widget.add_class(f"epa-plan-{name}")
    return widget
