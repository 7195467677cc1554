"""What the standardisation notebook calls: read decisions (and moderations), show the tables
and the chart from :mod:`epa_kernel.iqa.standardisation`.

On a hub (``JUPYTERHUB_USER`` set) the decisions come only through the signed-in user's
:class:`~epa_kernel.store.access.Access`: an assessor sees their own decisions' figures and
nobody else's, IQA and admins everyone's; a run folder is never read there. Without a hub (a
trainer's laptop) it reads ``store_url``, else the run folder ``run_dir``, as before.
"""

from __future__ import annotations

from pathlib import Path

ROLES = ("assessor", "iqa", "admin")


def show_standardisation(
    *, run_dir: str | None = None, store_url: str | None = None, min_decisions: int = 5
):
    from IPython.display import HTML, Image, display

    from epa_kernel.apps.signed_in import hub_user, open_for_app
    from epa_kernel.core.vocabulary import decision_id
    from epa_kernel.iqa import decisions as source
    from epa_kernel.iqa.standardisation import disagreements, grade_chart, grade_table, outliers
    from epa_kernel.store.store import Store
    from epa_kernel.trainer.ksb_coverage import figure_png

    if hub_user() is not None:
        reader, banner = open_for_app(store_url, roles=ROLES, start="the hub with a store")
        if reader is None:
            return None
        display(HTML(banner))
        stored = list(reader.decided_records())
    elif store_url:
        reader = Store(store_url)
        stored = list(reader.all_records(submitted_only=True))
    elif run_dir and Path(run_dir).is_dir():
        reader, stored = None, []
    else:
        display(
            HTML(
                "<p>No decisions yet: run <code>epa demo</code> (or set <code>run_dir</code>"
                " / <code>store_url</code>).</p>"
            )
        )
        return None
    found = source.from_stored(stored) if reader is not None else source.from_run(run_dir)
    if not found:
        display(HTML("<p>No submitted decisions to compare yet.</p>"))
        return None
    table = grade_table(found)
    display(HTML("<h3>Grades per assessor</h3>"), table)
    display(Image(data=figure_png(grade_chart(table))))
    flagged = outliers(found, min_decisions=min_decisions)
    display(
        HTML("<h3>Outliers</h3>"),
        flagged
        if len(flagged)
        else HTML("<p>No assessor's distinction or fail rate stands out.</p>"),
    )
    if reader is not None:
        by_id = {d.id: d for d in found}
        moderated = [
            (by_id[decision_id(s.record.apprentice.uln, s.record.method, s.record.attempt_key)], m)
            for s in stored
            for _, m in reader.moderations(s.id)
        ]
        display(
            HTML("<h3>Descriptors most often disagreed with in moderation</h3>"),
            disagreements(moderated),
        )
    return table
