"""The grading-logic app's explanation panels: their widgets, and what each one shows.

The trainer's app (:mod:`epa_kernel.apps.grading_logic_app`) keeps four tabs beside the
descriptors: Overall, Boundaries, Versions and KSB coverage. Here each panel's content is worked
out from the standard and the apprentice's records by asking the pure trainer modules, so the app
only decides *when* to redraw, never *what* a panel says. The tabs sit in the method form's side
panel, which :mod:`epa_kernel.apps.method_form` keeps ``position: sticky`` so they stay beside the
descriptor being toggled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache

import ipywidgets as w

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import deferred_judgements
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard
from epa_kernel.core.standard_diff import diff_versions
from epa_kernel.core.values import Grade
from epa_kernel.core.vocabulary import GRADES
from epa_kernel.trainer import explain, explain_versions
from epa_kernel.trainer.boundaries import apprentice_boundaries, reachable_grades
from epa_kernel.trainer.ksb_coverage import Coverage, coverage_chart, coverage_frame, figure_png
from epa_kernel.trainer.overall_table import matching_rows, overall_combinations
from epa_kernel.trainer.version_effect import effect_on_record

TABS = ("Overall", "Boundaries", "Versions", "KSB coverage")
COVERAGE_TAB = TABS.index("KSB coverage")


@cache
def _combinations(standard: str, version: str):
    return overall_combinations(get_standard(standard, version))


@cache
def _diff(standard: str, old: str, new: str):
    return diff_versions(get_standard(standard, old), get_standard(standard, new))


def labelled_dropdown(label, options, value, css_class: str) -> w.Dropdown:
    """A dropdown sized to its label, with a CSS class the browser tests find it by."""
    dd = w.Dropdown(
        description=label,
        options=options,
        value=value,
        style={"description_width": "initial"},
        layout=w.Layout(width="auto"),
    )
    dd.add_class(css_class)
    return dd


def explanation_tabs(
    overall: w.Widget, boundaries: w.Widget, versions: w.Widget, coverage: w.Widget
) -> w.Tab:
    """The four panels as tabs, titled in :data:`TABS` order."""
    tabs = w.Tab(children=[overall, boundaries, versions, coverage])
    for i, title in enumerate(TABS):
        tabs.set_title(i, title)
    tabs.add_class("epa-trainer-tabs")
    return tabs


def other_grade_dropdowns(
    std: Standard, method_id: str, on_change: Callable[[], None]
) -> dict[str, w.Dropdown]:
    """A grade for each method other than ``method_id``, Pass to start with: the rest of the
    combination the Overall panel marks."""
    dropdowns = {}
    for m in std.methods:
        if m.id != method_id:
            dd = labelled_dropdown(m.name, list(GRADES), "Pass", f"epa-trainer-grade-{m.id}")
            dd.observe(lambda _: on_change(), names="value")
            dropdowns[m.id] = dd
    return dropdowns


def overall_panel(
    std: Standard,
    record: MethodRecord,
    records: Sequence[MethodRecord],
    other_grades: Mapping[str, Grade],
) -> str:
    """The whole overall-grade table with the rows marked where the record on screen lands, the
    other methods graded as chosen; every row it could still land in while it is undecided."""
    combinations = _combinations(std.standard, std.version)
    elsewhere = deferred_judgements(list(records)).get(record.method, {})
    possible = reachable_grades(std, record, elsewhere)
    rows = matching_rows(combinations, {**other_grades, record.method: possible})
    name = std.method(record.method).name
    if len(possible) == 1:
        caption = f"{name} is graded {possible[0]}: the marked row is this combination."
    else:
        caption = (
            f"{name} is not yet graded; it can still end {' or '.join(possible)}: "
            "the marked rows are where it could land."
        )
    return explain.overall_table_html(std, combinations, rows, caption)


def boundaries_panel(
    std: Standard, record: MethodRecord, records: Sequence[MethodRecord], grade: Grade | None
) -> str:
    """The fewest changes up from the record on screen, with the apprentice's other records
    resolving its deferred descriptors."""
    found = apprentice_boundaries(std, records)[record.method]
    return explain.boundaries_html(std, found, record.method, grade)


def versions_panel(std: Standard, record: MethodRecord, other: str | None) -> tuple[str, str]:
    """(the differences from version ``other``, what they do to the record on screen)."""
    if other is None:
        return (
            f"<p>{std.standard} has only one version held "
            f"(v{std.version}): nothing to compare.</p>",
            "",
        )
    other_std = get_standard(std.standard, other)
    diff = explain_versions.diff_html(_diff(std.standard, std.version, other), std, other_std)
    effect = effect_on_record(std, other_std, record)
    return diff, explain_versions.effect_html(effect, record.judgements)


def coverage_panel(coverage: Coverage, std: Standard) -> str:
    """The apprentice's KSB coverage as a table."""
    return explain.coverage_html(coverage_frame(coverage, std))


def coverage_chart_png(coverage: Coverage, std: Standard) -> bytes:
    """The apprentice's KSB coverage as a chart (most of a second to draw: the app waits for its
    tab)."""
    return figure_png(coverage_chart(coverage, std))
