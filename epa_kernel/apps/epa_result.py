"""What ``notebooks/epa_result.ipynb`` calls: one apprentice's EPA result from their records."""

from __future__ import annotations

from IPython.display import HTML, display

from epa_kernel.core.bundles import EPA_MIME, epa_outcome_bundle
from epa_kernel.core.grading import grade_epa
from epa_kernel.core.records import parse_record
from epa_kernel.exports import record_html as views
from epa_kernel.exports.record_html import outcome_text


def show_result(records: list[dict]):
    """One apprentice's EPA result from their method records."""
    if not records:
        raise ValueError("no records given")
    bound = [
        parse_record(r, file=f"<notebook parameter 'records[{i}]'>") for i, r in enumerate(records)
    ]
    std = bound[0][1]
    outcome = grade_epa(std, [r for r, _ in bound])
    display(HTML(views.epa_result(std, outcome)))
    for m in std.methods:
        if m.id in outcome.methods:
            print(outcome_text(m.name, outcome.methods[m.id]))
    print(f"Overall: {outcome.grade or 'not yet graded'}")
    for reason in outcome.reasons:
        print(f"  - {reason}")
    display(
        {
            EPA_MIME: epa_outcome_bundle([r for r, _ in bound], outcome),
            "text/plain": f"overall: {outcome.grade}",
        },
        raw=True,
    )
    return outcome
