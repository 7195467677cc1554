"""What a worker process does: set itself up once, then execute one job at a time.

Workers are processes that import papermill once and run many notebooks, so the import tax is
paid once per worker rather than once per notebook; each notebook still gets a kernel of its
own, started while the previous notebook ran (:mod:`epa_kernel.batch.engine`,
:mod:`epa_kernel.batch.kernels`). Atomic: the executed notebook is written once, when it has run,
to a hidden temporary file that is renamed into place, so a crash leaves either the old notebook
or none, never half of one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from epa_kernel import __version__
from epa_kernel.batch.jobs import Job, JobResult
from epa_kernel.core.uln import describe_os_error, redact_ulns
from epa_kernel.files import private_folder, write_atomic
from epa_kernel.imports import prepare_notebook_worker


def prepare_local_worker() -> None:
    """The set-up of a worker process on this machine (a process pool's ``initializer``)."""
    prepare_notebook_worker()
    # Kernels inherit this worker's stderr and print start-up warnings and shutdown noise there,
    # which would bury the progress bar; failures reach the summary through JobResult instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)


def execute(
    job: Job, *, write: bool = True, template: str | None = None, cwd: str | None = None
) -> JobResult:
    """Run one notebook (in a worker) in a fresh kernel, and write it to ``job.output`` once,
    atomically. Never raises: failures come back as results.

    ``write=False`` returns the executed notebook in ``JobResult.notebook`` instead, for a
    worker that may not share the output's file system (Dask); ``template``/``cwd`` then name a
    worker-local copy of the notebook to run and its folder
    (:mod:`epa_kernel.batch.dask_executor`). The recorded input path is ``job.notebook`` either
    way, so the outputs are identical.
    """
    import nbformat
    import papermill as pm
    from nbclient.exceptions import DeadKernelError

    from epa_kernel.batch.engine import run_notebook

    started = time.perf_counter()
    final = Path(job.output)
    name = Path(job.notebook).name
    try:
        if write:
            private_folder(final.parent)
        nb = run_notebook(
            template or job.notebook, job.parameters, cwd=cwd or str(Path(job.notebook).parent)
        )
        nb.metadata.papermill.update(input_path=job.notebook, output_path=job.output)
        nb.metadata["epa"] = {"fingerprint": job.fingerprint, "kit_version": __version__}
        text = nbformat.writes(nb)
        if write:
            write_atomic(final, text)
        return JobResult(
            job, "ran", seconds=time.perf_counter() - started, notebook=None if write else text
        )
    except pm.PapermillExecutionError as exc:
        return JobResult(job, "failed", redact_ulns(f"{name}: {exc.ename}: {exc.evalue}"))
    except OSError as exc:  # e.g. the disk is full: say so, without the ULN in the path
        return JobResult(job, "failed", f"{name}: {describe_os_error(exc)}")
    except DeadKernelError:
        return JobResult(
            job,
            "failed",
            f"{name}: the kernel died while running it (killed, "
            "or out of memory); run again to retry",
        )
    except Exception as exc:  # noqa: BLE001 - one notebook's failure must not stop the run
        return JobResult(job, "failed", redact_ulns(f"{name}: {type(exc).__name__}: {exc}"))
