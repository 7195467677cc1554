"""What the four method workbook notebooks call: parameters in, form or read-only record out.

A notebook stays thin — a ``parameters`` cell and one call into this module — and works the same
interactively in Voilà and headless under papermill:

- interactive (``readonly=False``): the live :class:`~epa_kernel.apps.method_form.MethodForm`;
- headless (``readonly=True``): the record as static HTML, the outcome printed as text.

Either way the outcome is also emitted as a machine-readable output with its own MIME type, so
the batch run and IQA read grades from executed notebooks without parsing HTML.
"""

from __future__ import annotations

from IPython.display import HTML, display

from epa_kernel.core.bundles import METHOD_MIME, method_outcome_bundle
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import grade_method
from epa_kernel.core.records import MethodRecord, parse_record
from epa_kernel.core.spec import Standard
from epa_kernel.exports import record_html as views
from epa_kernel.exports.record_html import outcome_text


def blank_record(standard: Standard, method: str, apprentice: dict, assessor: str) -> MethodRecord:
    data = {
        "standard": standard.standard,
        "version": standard.version,
        "method": method,
        "apprentice": apprentice,
        "assessor": assessor,
    }
    m = standard.method(method)
    if m is not None and m.channels:
        data["channels"] = [m.channels[0]]
    return parse_record(data, file="<notebook parameters>")[0]


def show_method(
    *,
    standard: str,
    version: str | None,
    method: str,
    record: dict | None = None,
    apprentice: dict | None = None,
    assessor: str = "",
    readonly: bool = False,
    on_change=None,
):
    """Show one method workbook; returns the form (interactive) or the outcome (read-only)."""
    if record is not None:
        bound, std = parse_record(record, file="<notebook parameter 'record'>")
    else:
        std = get_standard(standard, version or None)
        bound = blank_record(std, method, apprentice or {}, assessor)
    if readonly:
        outcome = grade_method(std, bound)
        display(HTML(views.method_record(std, bound, outcome)))
        print(outcome_text(std.method(bound.method).name, outcome))
        display(
            {
                METHOD_MIME: method_outcome_bundle(bound, outcome),
                "text/plain": f"{bound.method}: {outcome.grade}",
            },
            raw=True,
        )
        return outcome
    from epa_kernel.apps.method_form import (
        MethodForm,  # ipywidgets only where a form is shown
    )

    form = MethodForm(std, bound, on_change=on_change)
    display(form.widget)
    return form
