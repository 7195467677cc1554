"""What the standardisation notebook calls: read decisions (and moderations), show the tables
and the chart from :mod:`epa_kernel.iqa.standardisation`."""

from __future__ import annotations

from pathlib import Path


def show_standardisation(
    *, run_dir: str | None = None, store_url: str | None = None, min_decisions: int = 5
):
    from IPython.display import HTML, display

    from epa_kernel.core.vocabulary import decision_id
    from epa_kernel.iqa import decisions as source
    from epa_kernel.iqa.standardisation import disagreements, grade_chart, grade_table, outliers
    from epa_kernel.store.store import Store

    moderated = []
    if store_url:
        store = Store(store_url)
        found = source.from_store(store)
        by_id = {d.id: d for d in found}
        for stored in store.all_records(submitted_only=True):
            r = stored.record
            did = decision_id(r.apprentice.uln, r.method, r.attempt_key)
            moderated += [(by_id[did], m) for _, m in store.moderations(stored.id)]
    elif run_dir and Path(run_dir).is_dir():
        found = source.from_run(run_dir)
    else:
        display(
            HTML(
                "<p>No decisions yet: run <code>epa demo</code> (or set <code>run_dir</code>"
                " / <code>store_url</code>).</p>"
            )
        )
        return None
    table = grade_table(found)
    display(HTML("<h3>Grades per assessor</h3>"), table)
    display(grade_chart(table))
    flagged = outliers(found, min_decisions=min_decisions)
    display(
        HTML("<h3>Outliers</h3>"),
        flagged
        if len(flagged)
        else HTML("<p>No assessor's distinction or fail rate stands out.</p>"),
    )
    if store_url:
        display(
            HTML("<h3>Descriptors most often disagreed with in moderation</h3>"),
            disagreements(moderated),
        )
    return table
