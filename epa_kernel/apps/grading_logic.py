"""What the trainer's notebook (``notebooks/grading_logic.ipynb``) calls.

Each function takes the notebook's plain parameters, asks the pure modules
(:mod:`~epa_kernel.trainer.boundaries`, :mod:`~epa_kernel.core.standard_diff`,
:mod:`~epa_kernel.trainer.version_effect`, :mod:`~epa_kernel.trainer.ksb_coverage`) and shows the
answer. Explanations are shown as HTML tables and lists, as in the app's tabs (never a printed
text table under the app in Voilà); an executed notebook keeps them as outputs that nbval
compares on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from IPython.display import HTML, Image, display

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import grade_epa, select_attempts
from epa_kernel.core.records import MethodRecord, parse_record
from epa_kernel.core.spec import Standard
from epa_kernel.core.standard_diff import default_comparison, diff_versions
from epa_kernel.errors import InputError
from epa_kernel.trainer import explain, explain_versions
from epa_kernel.trainer.boundaries import apprentice_boundaries
from epa_kernel.trainer.ksb_coverage import coverage_chart, coverage_frame, figure_png, ksb_coverage
from epa_kernel.trainer.overall_table import overall_combinations
from epa_kernel.trainer.sample_records import sample_records
from epa_kernel.trainer.version_effect import effect_on_record


def apprentice_records(standard: Standard, records: Sequence[dict] | None) -> list[MethodRecord]:
    """The notebook's ``records`` parameter bound to their standard version, or the sample
    apprentice's records when none are given."""
    if records is None:
        return sample_records(standard)
    bound = []
    for i, data in enumerate(records):
        record, std = parse_record(data, file=f"<notebook parameter 'records[{i}]'>")
        if std.key != standard.key:
            raise InputError(
                f"a {std.key} record; this notebook shows {standard.key}",
                file=f"<notebook parameter 'records[{i}]'>",
                field="version",
            )
        bound.append(record)
    return bound


def show_app(
    *,
    standard: str,
    version: str | None,
    method: str | None,
    compare_with: str | None = None,
    records: Sequence[dict] | None = None,
):
    """The live grading-logic app (interactive; in Voilà or Jupyter)."""
    from epa_kernel.apps.grading_logic_app import (
        GradingLogicApp,  # ipywidgets only where the app is shown
    )

    std = get_standard(standard, version)
    app = GradingLogicApp(
        std.standard,
        std.version,
        method,
        compare_with,
        records=apprentice_records(std, records) if records else (),
    )
    display(app.widget)
    return app


def _show(html: str) -> HTML:
    """``html`` for the notebook to show as a cell's value: a table in Voilà, as in the app's
    tabs, not a printed text table."""
    return HTML(html)


def show_overall_table(*, standard: str, version: str | None) -> HTML:
    """The standard's whole overall-grade table, as the grading engine gives it."""
    std = get_standard(standard, version)
    combinations = overall_combinations(std)
    caption = (
        f"{std.key} {std.title}: the overall grade for every combination of method grades "
        f"({len(combinations)}), as the grading engine gives it"
    )
    return _show(explain.overall_table_html(std, combinations, (), caption))


def show_boundaries(
    *, standard: str, version: str | None, records: Sequence[dict] | None = None
) -> HTML:
    """For each of the apprentice's method records: its grade and the fewest changes up."""
    std = get_standard(standard, version)
    bound = apprentice_records(std, records)
    found = apprentice_boundaries(std, bound)
    outcome = grade_epa(std, bound)
    return _show(
        "".join(
            explain.boundaries_html(std, found[m.id], m.id, outcome.methods[m.id].grade)
            for m in std.methods
            if m.id in found
        )
    )


def show_version_diff(
    *,
    standard: str,
    version: str | None,
    compare_with: str | None,
    records: Sequence[dict] | None = None,
) -> HTML:
    """The differences between two versions, then what they do to each of the apprentice's
    records."""
    old = get_standard(standard, version)
    if compare_with is None:
        compare_with = default_comparison(old.standard, old.version)
    if compare_with is None:
        return _show(
            f"<p>{old.standard} has only one version held (v{old.version}): nothing to compare.</p>"
        )
    new = get_standard(standard, compare_with)
    parts = [explain_versions.diff_html(diff_versions(old, new), old, new)]
    for record in select_attempts(apprentice_records(old, records)).values():
        effect = effect_on_record(old, new, record)
        parts.append(explain_versions.effect_html(effect, record.judgements))
    return _show("".join(parts))


def show_coverage(*, standard: str, version: str | None, records: Sequence[dict] | None = None):
    """The apprentice's KSB coverage: a summary, and the full table."""
    std = get_standard(standard, version)
    coverage = ksb_coverage(std, apprentice_records(std, records))
    first, *rest = explain.coverage_text(coverage, std).splitlines()
    items = "".join(f"<li>{escape(line.strip())}</li>" for line in rest)
    display(_show(f"<p>{escape(first)}</p><ul>{items}</ul>"))
    display(_show(explain.coverage_html(coverage_frame(coverage, std))))
    return coverage


def show_coverage_chart(
    *, standard: str, version: str | None, records: Sequence[dict] | None = None
) -> None:
    std = get_standard(standard, version)
    coverage = ksb_coverage(std, apprentice_records(std, records))
    display(Image(data=figure_png(coverage_chart(coverage, std))))
