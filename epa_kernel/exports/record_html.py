"""Static HTML views of a record and its outcome.

Widgets live only in the kernel: a static export (HTML, PDF) or an executed notebook read later
shows none of them. These views render the same information as plain HTML, so the read-only
workbook under papermill, the outcome panel of the live form and the exported records all show
what the assessor recorded and why the grade follows. Every piece of user text goes through
:func:`html.escape`; nothing an assessor types can become markup.
"""

from __future__ import annotations

from html import escape

from epa_kernel.core.method_spec import Method
from epa_kernel.core.outcomes import EpaOutcome, MethodOutcome
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard
from epa_kernel.core.vocabulary import (
    CHANNEL_LABELS,
    GRADE_COLOURS,
    JUDGEMENT_LABELS,
    NOT_GRADED,
    attempt_label,
)


def grade_badge(grade: str | None) -> str:
    label = grade or NOT_GRADED
    return (
        f'<span class="epa-grade" style="font-weight:bold;color:{GRADE_COLOURS[grade]}">'
        f"{escape(label)}</span>"
    )


def _items(lines) -> str:
    return "".join(f"<li>{escape(line)}</li>" for line in lines)


def outcome_panel(method: Method, outcome: MethodOutcome) -> str:
    """The grade and why, as the live form and the read-only record both show it."""
    parts = [
        f'<div class="epa-outcome"><h3>{escape(method.name)}: {grade_badge(outcome.grade)}</h3>',
        (
            f"<p>Pass descriptors met: {outcome.pass_met} of {outcome.pass_required}. "
            f"Distinction descriptors met: {outcome.distinction_met} of "
            f"{outcome.distinction_available} ({outcome.distinction_required} needed).</p>"
        ),
        f"<ul class='epa-reasons'>{_items(outcome.reasons)}</ul>",
    ]
    if outcome.warnings:
        parts.append(
            f"<p><b>Warnings</b></p><ul class='epa-warnings'>{_items(outcome.warnings)}</ul>"
        )
    parts.append("</div>")
    return "".join(parts)


def record_table(standard: Standard, record: MethodRecord) -> str:
    """Every applicable descriptor with its judgement and note, grouped by module."""
    method = standard.method(record.method)
    rows, module = [], None
    for c in method.applicable(record.channels):
        if c.module != module:
            module = c.module
            rows.append(f"<tr><th colspan='4' style='text-align:left'>{escape(module)}</th></tr>")
        note = record.notes.get(c.id, "")
        rows.append(
            f"<tr><td>{escape(c.id)}</td><td>{escape(c.text)}<br>"
            f"<small>{escape(', '.join(c.ksbs))}</small></td>"
            f"<td>{JUDGEMENT_LABELS[record.judgements.get(c.id)]}</td>"
            f"<td>{escape(note)}</td></tr>"
        )
    deferred_here = {k: v for k, v in record.judgements.items() if "." in k}
    for ref, value in sorted(deferred_here.items()):
        rows.append(
            f"<tr><td>{escape(ref)}</td><td>Deferred here from another method</td>"
            f"<td>{JUDGEMENT_LABELS[value]}</td><td>{escape(record.notes.get(ref, ''))}</td></tr>"
        )
    return _table("epa-judgements", ("Id", "Descriptor (KSBs)", "Judgement", "Note"), rows)


def evidence_table(method: Method, record: MethodRecord) -> str:
    if not method.evidence:
        return ""
    rows = []
    for limit in method.evidence:
        value = getattr(record.evidence, limit.fact)
        shown = "—" if value is None else f"{value:g}"
        rows.append(
            f"<tr><td>{escape(limit.label)}</td><td>{shown}</td>"
            f"<td>{escape(limit.describe())}</td></tr>"
        )
    return _table("epa-evidence", ("Evidence", "Recorded", "Allowed"), rows)


def _table(css_class: str, headings: tuple[str, ...], rows: list[str]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headings)
    return (
        f"<table class='{css_class}'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def record_header(standard: Standard, record: MethodRecord) -> str:
    method = standard.method(record.method)
    a = record.apprentice
    facts = [
        ("Apprentice", a.name),
        ("ULN", a.uln),
        ("Standard", f"{standard.key} {standard.title}"),
        ("Method", method.name),
        ("Assessor", record.assessor),
        ("Assessed on", record.assessed_on.isoformat() if record.assessed_on else "—"),
        ("Attempt", attempt_label(record.attempt, record.sitting)),
    ]
    if record.channels:
        facts.append(("Channels", ", ".join(CHANNEL_LABELS[c] for c in record.channels)))
    facts.append(("Content hash", record.content_hash()))
    rows = "".join(
        f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in facts
    )
    return f"<table class='epa-record-header'>{rows}</table>"


def method_record(standard: Standard, record: MethodRecord, outcome: MethodOutcome) -> str:
    """The whole read-only record: header, outcome, evidence facts, judgements."""
    method = standard.method(record.method)
    return (
        record_header(standard, record)
        + outcome_panel(method, outcome)
        + evidence_table(method, record)
        + record_table(standard, record)
    )


def history_table(history) -> str:
    """A record's history (store versions: who, when, what and why), amendments marked, so an
    amended record shows what was changed after submission and the reason given."""
    rows = [
        f"<tr class='epa-version-{escape(v.kind)}'><td>{v.version}</td><td>{escape(v.kind)}</td>"
        f"<td>{escape(v.author)}</td><td>{escape(v.at[:19].replace('T', ' '))} UTC</td>"
        f"<td>{escape(v.reason)}</td></tr>"
        for v in history
    ]
    return "<h4>History</h4>" + _table(
        "epa-history", ("Version", "Change", "By", "When", "Why"), rows
    )


def epa_result(standard: Standard, outcome: EpaOutcome) -> str:
    def grade(method_id: str) -> str:
        return (
            grade_badge(outcome.methods[method_id].grade)
            if method_id in outcome.methods
            else "Not assessed"
        )

    rows = "".join(
        f"<tr><td>{escape(m.name)}</td><td>{grade(m.id)}</td></tr>" for m in standard.methods
    )
    return (
        f"<h3>{escape(standard.key)} {escape(standard.title)}: overall "
        f"{grade_badge(outcome.grade)}</h3><table class='epa-result'><tbody>{rows}</tbody></table>"
        f"<ul class='epa-reasons'>{_items(outcome.reasons)}</ul>"
    )


def outcome_text(name: str, outcome: MethodOutcome) -> str:
    """A method outcome as plain text: what a headless run prints and nbval compares."""
    lines = [f"{name}: {outcome.grade or 'not yet graded'} ({outcome.status})"]
    lines += [f"  - {r}" for r in outcome.reasons[1 if outcome.grade else 0 :]]
    lines += [f"  ! {w}" for w in outcome.warnings]
    return "\n".join(lines)
