"""The batch run: papermill executes one notebook per apprentice and method, in parallel.

For each record, ``notebooks/<method>.ipynb`` is executed read-only into
``OUT/<uln>/<method>.ipynb`` (``<method>.<attempt>.ipynb`` for a resit or retake); for each
apprentice, ``notebooks/epa_result.ipynb`` into ``OUT/<uln>/epa_result.ipynb``. The record itself
is the notebook's parameter, so every executed notebook carries its own evidence and IQA can
re-run it from nothing else.

Resumable: each executed notebook records a fingerprint of what produced it (notebook, record,
standard data, kit version); a notebook whose fingerprint still matches is not run again.
Atomic: the executed notebook is written once, when it has run, to a hidden temporary file that
is renamed into place, so a crash leaves either the old notebook or none, never half of one.

Workers are processes that import papermill once and run many notebooks, so the import tax is
paid once per worker rather than once per notebook; each notebook still gets a kernel of its
own, started while the previous notebook ran (:mod:`epa_kernel.batch.engine`,
:mod:`epa_kernel.batch.kernels`). Where the workers are is the executor's business
(:mod:`epa_kernel.batch.executors`: local processes, or a Dask cluster).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from epa_kernel import __version__
from epa_kernel.batch.cohort import Cohort, read_cohort
from epa_kernel.errors import InputError
from epa_kernel.core.uln import describe_os_error, redact_ulns
from epa_kernel.files import write_atomic
from epa_kernel.paths import kit_digest, notebooks_dir
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard

if TYPE_CHECKING:
    from epa_kernel.batch.executors import Executor
    from epa_kernel.exports.render import ExportSummary

KERNEL_START_TIMEOUT = 30
KERNEL_START_TRIES = 2


@dataclass(frozen=True)
class Job:
    uln: str
    notebook: str       # template path
    output: str         # final path
    parameters: dict
    fingerprint: str


@dataclass
class JobResult:
    job: Job
    status: str         # "ran", "skipped" or "failed"
    message: str = ""
    seconds: float = 0.0
    notebook: str | None = None  # the executed notebook, when the caller writes it (Dask)


@dataclass
class RunSummary:
    out: Path
    apprentices: int
    ran: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)   # uln -> message
    unattributed: list[str] = field(default_factory=list)
    export: ExportSummary | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (not self.failed and not self.unattributed
                and (self.export is None or self.export.ok))


def output_name(record: MethodRecord) -> str:
    return f"{record.method}.ipynb" if record.attempt == "first" else \
        f"{record.method}.{record.attempt}.ipynb"


def _fingerprint(template: Path, parameters: dict, standard: Standard) -> str:
    digest = hashlib.sha256()
    digest.update(kit_digest().encode())
    digest.update(template.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True, ensure_ascii=False).encode())
    digest.update(standard.model_dump_json().encode())
    digest.update(__version__.encode())
    return digest.hexdigest()


def plan(cohort: Cohort, out: Path, notebooks: Path) -> list[Job]:
    jobs: list[Job] = []
    for uln, entry in sorted(cohort.apprentices.items()):
        if not entry.ok:
            continue
        folder = out / uln  # a validated ULN: ten ASCII digits, never a path
        records = []
        for record, _ in entry.records:
            data = json.loads(record.canonical_json())
            records.append(data)
            template = notebooks / f"{record.method}.ipynb"
            params = {"record": data, "readonly": True}
            jobs.append(Job(uln, str(template), str(folder / output_name(record)), params,
                            _fingerprint(template, params, entry.standard)))
        template = notebooks / "epa_result.ipynb"
        params = {"records": sorted(records, key=lambda r: (r["method"], r["attempt"]))}
        jobs.append(Job(uln, str(template), str(folder / "epa_result.ipynb"), params,
                        _fingerprint(template, params, entry.standard)))
    return jobs


def is_done(job: Job) -> bool:
    """Whether ``job.output`` exists and was produced from exactly this job's inputs."""
    path = Path(job.output)
    if not path.exists():
        return False
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return False
    return meta.get("epa", {}).get("fingerprint") == job.fingerprint


def _worker_init() -> None:
    # jsonschema's optional rfc3987_syntax builds a grammar at import (about 1.3 s per process,
    # python-jsonschema/jsonschema#1428); notebook validation does not need it.
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill  # noqa: F401  - paid once per worker

    # papermill logs each output path (OUT/<uln>/...) at INFO and every cell's source and
    # output (the record: name, ULN) at DEBUG; whatever logging the caller set up, those
    # records stay out of its logs. Its warnings and errors still pass.
    logging.getLogger("papermill").setLevel(logging.WARNING)

    # Kernels inherit this worker's stderr and print start-up warnings and shutdown noise there,
    # which would bury the progress bar; failures reach the summary through JobResult instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)


def execute(job: Job, *, write: bool = True, template: str | None = None,
            cwd: str | None = None) -> JobResult:
    """Run one notebook (in a worker) in a fresh kernel, and write it to ``job.output`` once,
    atomically. Never raises: failures come back as results.

    ``write=False`` returns the executed notebook in ``JobResult.notebook`` instead, for a
    worker that may not share the output's file system (Dask); ``template``/``cwd`` then name a
    worker-local copy of the notebook to run and its folder (:mod:`epa_kernel.batch.executors`).
    The recorded input path is ``job.notebook`` either way, so the outputs are identical.
    """
    import nbformat
    import papermill as pm
    from nbclient.exceptions import DeadKernelError

    from epa_kernel.batch.engine import run_notebook

    started = time.perf_counter()
    final = Path(job.output)
    try:
        if write:
            final.parent.mkdir(parents=True, exist_ok=True)
        nb = run_notebook(template or job.notebook, job.parameters,
                          cwd=cwd or str(Path(job.notebook).parent),
                          start_timeout=KERNEL_START_TIMEOUT, tries=KERNEL_START_TRIES)
        nb.metadata.papermill.update(input_path=job.notebook, output_path=job.output)
        nb.metadata["epa"] = {"fingerprint": job.fingerprint, "kit_version": __version__}
        text = nbformat.writes(nb)
        if write:
            write_atomic(final, text)
        return JobResult(job, "ran", seconds=time.perf_counter() - started,
                         notebook=None if write else text)
    except pm.PapermillExecutionError as exc:
        return JobResult(job, "failed",
                         redact_ulns(f"{Path(job.notebook).name}: {exc.ename}: {exc.evalue}"))
    except OSError as exc:  # e.g. the disk is full: say so, without the ULN in the path
        return JobResult(job, "failed", f"{Path(job.notebook).name}: {describe_os_error(exc)}")
    except DeadKernelError:
        return JobResult(job, "failed", f"{Path(job.notebook).name}: the kernel died while "
                                        "running it (killed, or out of memory); run again to retry")
    except Exception as exc:  # noqa: BLE001 - one notebook's failure must not stop the run
        return JobResult(job, "failed",
                         redact_ulns(f"{Path(job.notebook).name}: {type(exc).__name__}: {exc}"))


def run_cohort(source: str | Path | Cohort, out: str | Path, *, workers: int | None = None,
               progress: bool = True, formats: Sequence[str] = ("html",),
               organisation: str | None = None, executor: Executor | None = None) -> RunSummary:
    """Execute every notebook of a cohort (a folder, or a Cohort already read) into ``out``;
    then write ``results.csv``; then export the records, statements and cohort outputs in
    ``formats`` (:func:`epa_kernel.exports.render.export_run`; none when ``formats`` is empty).

    ``executor`` runs the notebooks (:mod:`epa_kernel.batch.executors`): by default a pool of
    ``workers`` processes here; a :class:`~epa_kernel.batch.executors.DaskExecutor` runs them on a
    cluster. ``workers`` also sets the export's processes."""
    from epa_kernel.batch.executors import LocalExecutor
    from epa_kernel.exports.render import export_run
    from epa_kernel.exports.results_csv import write_results

    started = time.perf_counter()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("is a file; the output of a run goes in a folder", file=str(out),
                         field="--out")
    cohort = source if isinstance(source, Cohort) else read_cohort(source)
    notebooks = notebooks_dir()
    summary = RunSummary(out=out, apprentices=len(cohort.apprentices),
                         unattributed=list(cohort.unattributed))
    for uln, entry in cohort.apprentices.items():
        if not entry.ok:
            summary.failed[uln] = "; ".join(entry.problems)
    jobs = plan(cohort, out, notebooks)
    _remove_stale_temporaries(out)
    todo = [j for j in jobs if not is_done(j)]
    summary.skipped = len(jobs) - len(todo)
    bar = progress_bar(len(todo), progress)
    for result in (executor or LocalExecutor(workers)).run(todo):
        if result.status == "ran":
            summary.ran += 1
        else:
            previous = summary.failed.get(result.job.uln)
            summary.failed[result.job.uln] = \
                f"{previous}; {result.message}" if previous else result.message
        bar.update(1)
    bar.close()
    write_results(cohort, out, summary)
    if formats:
        summary.export = export_run(out, formats, organisation=organisation, workers=workers,
                                    progress=progress)
    summary.seconds = time.perf_counter() - started
    return summary


def _remove_stale_temporaries(out: Path) -> None:
    """Delete half-written notebooks that a killed run left behind (they are never read):
    :func:`~epa_kernel.files.write_atomic`'s temporaries, and papermill's of older versions."""
    for tmp in [*out.glob("*/.*.ipynb.*.tmp"), *out.glob("*/.*.tmp.ipynb")]:
        tmp.unlink(missing_ok=True)


class _NoBar:
    def update(self, _n):
        pass

    def close(self):
        pass


def progress_bar(total: int, enabled: bool, *, unit: str = "notebook", desc: str = "epa run"):
    if not enabled or total == 0:
        return _NoBar()
    from tqdm import tqdm
    return tqdm(total=total, unit=unit, desc=desc, file=sys.stderr)
