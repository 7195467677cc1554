"""What ``epa status`` prints: each apprentice's row as lines for a person, or as JSON data.

Rows show the ULN (the EPAO needs it to find the apprentice), never a name. The JSON shape is
documented in the README's command table; :func:`status_json` is its one definition.
"""

from __future__ import annotations

from datetime import date

from epa_kernel.batch.status import ApprenticeStatus
from epa_kernel.core.epa_status import AttemptStatus, MethodStatus, WindowStatus

STATES = {"not_assessed": "not assessed", "assessed": "assessed, not graded", "graded": "graded"}
SHOWN = ("missed", "overdue", "due")  # the deadlines a row lists; the others are counted


def _attempt_json(a: AttemptStatus, files: tuple[str, ...]) -> dict:
    data = a.model_dump(mode="json", exclude={"index"})
    return {**data, "file": files[a.index]}


def _method_json(m: MethodStatus, files: tuple[str, ...]) -> dict:
    return {
        "method": m.method,
        "name": m.name,
        "state": m.state,
        "grade": m.grade,
        "attempts": [_attempt_json(a, files) for a in m.attempts],
        "resit_window": m.resit_window.model_dump(mode="json") if m.resit_window else None,
    }


def row_json(row: ApprenticeStatus) -> dict:
    """One apprentice's row as data (README, ``epa status --json``)."""
    s = row.status
    return {
        "uln": row.uln,
        "standard": s.standard,
        "version": s.version,
        "gateway": s.gateway.isoformat() if s.gateway else None,
        "problem": s.problem,
        "withdrawn": s.withdrawn.isoformat() if s.withdrawn else None,
        "withdrawn_reason": s.withdrawn_reason,
        "notes": list(row.notes),
        "window": s.window.model_dump(mode="json") if s.window else None,
        "methods": [_method_json(m, row.files) for m in s.methods],
        "overall": {"grade": s.overall, "reasons": list(s.overall_reasons)},
        "deadlines": [d.model_dump(mode="json") for d in s.deadlines],
        "invalid": [_attempt_json(a, row.files) for a in s.invalid],
    }


def status_json(rows: list[ApprenticeStatus], today: date) -> dict:
    return {"today": today.isoformat(), "apprentices": [row_json(r) for r in rows]}


def window_line(w: WindowStatus) -> str:
    """A window as a person reads it (``epa status`` and the apps' status panel)."""
    if w.state == "open":
        return f"{w.what} open: last day {w.closes}, {w.days_left} day(s) left"
    if w.state == "closed":
        return f"{w.what} closed on {w.closes}"
    return f"{w.what} not open yet: opens {w.opens}, last day {w.closes}"


def _attempt_line(a: AttemptStatus, file: str) -> str:
    when = str(a.assessed_on) if a.assessed_on else "undated"
    line = f"      {a.number}. {a.attempt:<6} {when:<10}  {a.grade or '(not yet graded)'}"
    if a.inside_window is False:
        line += "  OUTSIDE its window"
    if not a.valid:
        line += f"  NOT ALLOWED ({file})"
    return line


def row_lines(row: ApprenticeStatus) -> list[str]:
    """One apprentice's row as lines for a person."""
    s = row.status
    lines = [f"{row.uln}  {s.standard} v{s.version} {s.title}"]
    if s.gateway is None:
        lines.append(f"  ! {s.problem}")
    else:
        assert s.window is not None
        lines.append(f"  gateway {s.gateway}; {window_line(s.window)}")
    if s.withdrawn:
        lines.append(f"  WITHDRAWN from the EPA on {s.withdrawn}: {s.withdrawn_reason}")
    lines += [f"  ! {note}" for note in row.notes]
    width = max(len(m.method) for m in s.methods)
    for m in s.methods:
        grade = f"  {m.grade}" if m.grade else ""
        lines.append(f"  {m.method:<{width}}  {STATES[m.state]}{grade}")
        for a in m.attempts:
            lines.append(_attempt_line(a, row.files[a.index]))
            if a.inside_window is False and a.window_reason:
                lines.append(f"         {a.window_reason}")
        if m.resit_window:
            lines.append(f"      {window_line(m.resit_window)}")
    lines.append(f"  overall: {s.overall or '(not yet graded)'}: {'; '.join(s.overall_reasons)}")
    for a in s.invalid:
        lines.append(f"  ! attempt not allowed: {row.files[a.index]}: {a.reason}")
    for state in SHOWN:
        for d in (d for d in s.deadlines if d.status == state):
            lines.append(f"  {state.upper():<7} {d.key} (by {d.by}, due {d.due}): {d.what}")
    others = [st for st in ("met", "waiting") if any(d.status == st for d in s.deadlines)]
    if others:
        counts = ", ".join(f"{sum(d.status == st for d in s.deadlines)} {st}" for st in others)
        lines.append(f"  other deadlines: {counts}")
    return lines


def status_lines(rows: list[ApprenticeStatus], today: date) -> list[str]:
    """The whole report: a heading, then each apprentice's row."""
    lines = [f"EPA status on {today}: {len(rows)} apprentice(s)"]
    for row in rows:
        lines += ["", *row_lines(row)]
    return lines
