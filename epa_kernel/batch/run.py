"""The batch run of a cohort: plan its notebooks, execute those not done, then report and export.

What runs is :mod:`epa_kernel.batch.jobs`' plan; where it runs is the executor's business
(:mod:`epa_kernel.batch.executors`: local processes, or a Dask cluster); how one notebook runs is
:mod:`epa_kernel.batch.worker`'s. This module only puts them in order and counts the outcome, so
every executor's run ends with the same ``results.csv`` and exports.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from epa_kernel.batch.cohort import Cohort, read_cohort, refuse_invalid_attempts
from epa_kernel.batch.executors import Executor, LocalExecutor
from epa_kernel.batch.jobs import is_done, plan, remove_stale_temporaries
from epa_kernel.batch.progress import progress_bar
from epa_kernel.errors import InputError
from epa_kernel.exports.folder import ExportSummary
from epa_kernel.paths import notebooks_dir


@dataclass
class RunSummary:
    out: Path
    apprentices: int
    ran: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # uln -> message
    unattributed: list[str] = field(default_factory=list)
    export: ExportSummary | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unattributed and (self.export is None or self.export.ok)


def run_cohort(
    source: str | Path | Cohort,
    out: str | Path,
    *,
    workers: int | None = None,
    progress: bool = True,
    formats: Sequence[str] = ("html",),
    organisation: str | None = None,
    executor: Executor | None = None,
) -> RunSummary:
    """Execute every notebook of a cohort (a folder, or a Cohort already read) into ``out``;
    then write ``results.csv``; then export the records, statements and cohort outputs in
    ``formats`` (:func:`epa_kernel.exports.folder.export_run`; none when ``formats`` is empty).

    ``executor`` runs the notebooks (:mod:`epa_kernel.batch.executors`): by default a pool of
    ``workers`` processes here; a :class:`~epa_kernel.batch.dask_executor.DaskExecutor` runs
    them on a cluster. ``workers`` also sets the export's processes."""
    from epa_kernel.exports.folder import export_run
    from epa_kernel.exports.results_csv import write_results

    started = time.perf_counter()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(
            "is a file; the output of a run goes in a folder", file=str(out), field="--out"
        )
    cohort = source if isinstance(source, Cohort) else read_cohort(source)
    refuse_invalid_attempts(cohort)
    summary = RunSummary(
        out=out, apprentices=len(cohort.apprentices), unattributed=list(cohort.unattributed)
    )
    for uln, entry in cohort.apprentices.items():
        if not entry.ok:
            summary.failed[uln] = "; ".join(entry.problems)
    jobs = plan(cohort, out, notebooks_dir())
    remove_stale_temporaries(out)
    todo = [j for j in jobs if not is_done(j)]
    summary.skipped = len(jobs) - len(todo)
    bar = progress_bar(len(todo), progress)
    for result in (executor or LocalExecutor(workers)).run(todo):
        if result.status == "ran":
            summary.ran += 1
        else:
            previous = summary.failed.get(result.job.uln)
            summary.failed[result.job.uln] = (
                f"{previous}; {result.message}" if previous else result.message
            )
        bar.update(1)
    bar.close()
    write_results(cohort, out, summary)
    if formats:
        summary.export = export_run(
            out, formats, organisation=organisation, workers=workers, progress=progress
        )
    summary.seconds = time.perf_counter() - started
    return summary
