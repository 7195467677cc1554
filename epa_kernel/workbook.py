"""What the workbook notebooks call: a few functions from parameters to display.

A notebook stays thin — a ``parameters`` cell and one call into this module — and works the same
interactively in Voilà and headless under papermill:

- interactive (``readonly=False``): the live :class:`~epa_kernel.widgets.MethodForm`;
- headless (``readonly=True``): the record as static HTML, the outcome printed as text.

Either way the outcome is also emitted as a machine-readable output with its own MIME type, so
the batch run and IQA read grades from executed notebooks without parsing HTML.
"""

from __future__ import annotations

import json
from typing import Any

from IPython.display import HTML, display

from .files import read_json
from .grading import EpaOutcome, MethodOutcome, grade_epa, grade_method, select_attempts
from .records import MethodRecord, parse_record
from .spec import Standard, get_standard
from . import views

METHOD_MIME = "application/vnd.epa.method-outcome+json"
EPA_MIME = "application/vnd.epa.epa-outcome+json"


def method_outcome_bundle(record: MethodRecord, outcome: MethodOutcome) -> dict[str, Any]:
    """The machine-readable output of a method workbook.

    ``record`` is the record's canonical form itself, so an exported assessment record needs
    nothing but this output, and anyone can recompute ``content_hash`` from it (SHA-256 of
    ``json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``).
    """
    return {"standard": record.standard, "version": record.version, "method": record.method,
            "uln": record.apprentice.uln, "attempt": record.attempt,
            "content_hash": record.content_hash(), "record": json.loads(record.canonical_json()),
            "outcome": outcome.model_dump(mode="json")}


def epa_outcome_bundle(records: list[MethodRecord], outcome: EpaOutcome) -> dict[str, Any]:
    """The machine-readable output of the result notebook: the overall outcome, the apprentice,
    and for each method the attempt that counts (what a statement of results shows)."""
    chosen = select_attempts(records)
    latest = max(records, key=lambda r: (r.assessed_on is not None, r.assessed_on))
    return {"standard": outcome.standard, "version": outcome.version,
            "uln": records[0].apprentice.uln,
            "apprentice": latest.apprentice.model_dump(mode="json", exclude_none=True),
            "content_hashes": sorted(r.content_hash() for r in records),
            "attempts": {m: {"attempt": r.attempt, "assessor": r.assessor,
                             "assessed_on": r.assessed_on.isoformat() if r.assessed_on else None,
                             "content_hash": r.content_hash()}
                         for m, r in sorted(chosen.items())},
            "outcome": outcome.model_dump(mode="json")}


def inline_or_file(value: dict | None, file: str = "") -> dict | None:
    """A notebook's JSON parameter: given inline (batch runs, so the executed notebook holds its
    own evidence) or read from a file (a person opening the notebook on an example)."""
    if value is not None or not file:
        return value
    return read_json(file)


def inline_or_files(records: list[dict] | None, record_files: list[str] = ()) -> list[dict]:
    if records is not None:
        return records
    return [read_json(path) for path in record_files]


def _summary(name: str, outcome: MethodOutcome) -> str:
    lines = [f"{name}: {outcome.grade or 'not yet graded'} ({outcome.status})"]
    lines += [f"  - {r}" for r in outcome.reasons[1 if outcome.grade else 0:]]
    lines += [f"  ! {w}" for w in outcome.warnings]
    return "\n".join(lines)


def blank_record(standard: Standard, method: str, apprentice: dict, assessor: str) -> MethodRecord:
    data = {"standard": standard.standard, "version": standard.version, "method": method,
            "apprentice": apprentice, "assessor": assessor}
    m = standard.method(method)
    if m is not None and m.channels:
        data["channels"] = [m.channels[0]]
    return parse_record(data, file="<notebook parameters>")[0]


def show_method(*, standard: str, version: str | None, method: str, record: dict | None = None,
                apprentice: dict | None = None, assessor: str = "", readonly: bool = False,
                on_change=None):
    """Show one method workbook; returns the form (interactive) or the outcome (read-only)."""
    if record is not None:
        bound, std = parse_record(record, file="<notebook parameter 'record'>")
    else:
        std = get_standard(standard, version or None)
        bound = blank_record(std, method, apprentice or {}, assessor)
    if readonly:
        outcome = grade_method(std, bound)
        display(HTML(views.method_record(std, bound, outcome)))
        print(_summary(std.method(bound.method).name, outcome))
        display({METHOD_MIME: method_outcome_bundle(bound, outcome),
                 "text/plain": f"{bound.method}: {outcome.grade}"}, raw=True)
        return outcome
    from .widgets import MethodForm  # ipywidgets only where a form is shown

    form = MethodForm(std, bound, on_change=on_change)
    display(form.widget)
    return form


def show_result(records: list[dict]):
    """One apprentice's EPA result from their method records."""
    if not records:
        raise ValueError("no records given")
    bound = [parse_record(r, file=f"<notebook parameter 'records[{i}]'>") for i, r in enumerate(records)]
    std = bound[0][1]
    outcome = grade_epa(std, [r for r, _ in bound])
    display(HTML(views.epa_result(std, outcome)))
    for m in std.methods:
        if m.id in outcome.methods:
            print(_summary(m.name, outcome.methods[m.id]))
    print(f"Overall: {outcome.grade or 'not yet graded'}")
    for reason in outcome.reasons:
        print(f"  - {reason}")
    display({EPA_MIME: epa_outcome_bundle([r for r, _ in bound], outcome),
             "text/plain": f"overall: {outcome.grade}"}, raw=True)
    return outcome


GATEWAY_MIME = "application/vnd.epa.gateway-outcome+json"


def show_gateway(application: dict, today: str | None = None):
    """The gateway checklist for one application: each rule ticked or not, and what is missing."""
    from datetime import date
    from html import escape

    from .gateway import check_gateway, parse_application

    parsed, std = parse_application(application, file="<notebook parameter 'application'>")
    outcome = check_gateway(std, parsed, date.fromisoformat(today) if today else date.today())
    verdict = "Eligible for gateway" if outcome.eligible else "Not eligible for gateway"
    rows = "".join(f"<tr><td>{'✔' if c.passed else '✘'}</td><td>{escape(c.rule)}</td>"
                   f"<td>{escape(c.detail)}</td></tr>" for c in outcome.checks)
    display(HTML(f"<h3>{escape(outcome.standard)}: {verdict}</h3><table>{rows}</table>"))
    print(verdict)
    for line in outcome.missing:
        print(f"  missing: {line}")
    display({GATEWAY_MIME: outcome.model_dump(mode="json"), "text/plain": verdict}, raw=True)
    return outcome
