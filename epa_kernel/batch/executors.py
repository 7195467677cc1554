"""Where the batch run's notebooks execute: a local process pool, or a Dask cluster.

Both run the same :func:`epa_kernel.batch.run.execute` on the same jobs, one fresh kernel per
notebook, and yield one :class:`~epa_kernel.batch.run.JobResult` per job as each finishes. What is
planned, skipped, written and reported is decided by :func:`epa_kernel.batch.run.run_cohort`
alone, so the two executors produce the same files.

- :class:`LocalExecutor` (the default): a process per core, each importing papermill once
  (the import tax is paid per worker, not per notebook) and keeping a kernel started ahead
  (:mod:`epa_kernel.batch.kernels`). Workers write their notebooks themselves, atomically.
- :class:`DaskExecutor` (``epa run --executor dask --scheduler ADDRESS``): the jobs become
  tasks on an existing Dask distributed cluster, so a cohort can use many machines. Workers
  need the kit installed but no shared file system: each task receives the workbook
  notebook's text (sent to every worker once) and returns the executed notebook, which this
  process writes atomically into ``--out``. A worker that dies mid-task is replaced by Dask,
  which reruns the task elsewhere; a notebook is never half-written.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from epa_kernel.errors import InputError
from epa_kernel.files import write_atomic
from epa_kernel.batch.kernels import close_pools
from epa_kernel.batch.run import Job, JobResult, _worker_init, execute

EXECUTORS = ("local", "dask")
DASK_CONNECT_TIMEOUT = 10  # seconds to reach the scheduler before giving up


class Executor(Protocol):
    def run(self, jobs: Sequence[Job]) -> Iterator[JobResult]:
        """Execute every job; yield each result as it finishes, each job exactly once."""


class LocalExecutor:
    """A pool of worker processes on this machine (all cores by default)."""

    def __init__(self, workers: int | None = None):
        self.workers = workers

    def run(self, jobs: Sequence[Job]) -> Iterator[JobResult]:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        if not jobs:
            return
        size = max(1, min(self.workers or os.cpu_count() or 1, len(jobs)))
        with ProcessPoolExecutor(max_workers=size, initializer=_worker_init) as pool:
            futures = [pool.submit(execute, job) for job in jobs]
            for future in as_completed(futures):
                yield future.result()


class DaskExecutor:
    """The jobs as tasks on a Dask distributed scheduler at ``scheduler`` (``tcp://host:8786``
    or any address ``distributed.Client`` accepts)."""

    def __init__(self, scheduler: str, *, timeout: float = DASK_CONNECT_TIMEOUT):
        self.scheduler = scheduler
        self.timeout = timeout

    def _client(self):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("the Dask executor needs the dask extra: "
                             "pip install 'epa-kernel[dask]'", field="--executor") from None
        try:
            return Client(self.scheduler, timeout=self.timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {self.scheduler} "
                             f"({type(exc).__name__}: {exc})", field="--scheduler") from None

    def run(self, jobs: Sequence[Job]) -> Iterator[JobResult]:
        if not jobs:
            return
        from distributed import as_completed

        client = self._client()
        try:
            client.register_plugin(WorkerSetup(), name="epa-worker-setup")
            templates = {path: Path(path).read_text(encoding="utf-8")
                         for path in sorted({job.notebook for job in jobs})}
            [shared] = client.scatter([templates], broadcast=True, hash=False)
            futures = client.map(execute_remote, list(jobs), templates=shared, pure=False)
            by_key = {future.key: job for future, job in zip(futures, jobs)}
            for future in as_completed(futures, loop=client.loop):
                job = by_key[future.key]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - e.g. workers lost repeatedly
                    result = JobResult(job, "failed", f"{Path(job.notebook).name}: the Dask "
                                                      f"task failed ({type(exc).__name__})")
                yield _written(result)
        finally:
            try:  # the kernels each worker started ahead: not left idling on the cluster
                client.run(close_pools)
            except Exception:  # noqa: BLE001 - workers gone: their kernels went with them
                pass
            client.close()


def _written(result: JobResult) -> JobResult:
    """Write a notebook a remote worker executed to its place under ``--out``."""
    if result.status != "ran" or result.notebook is None:
        return result
    try:
        write_atomic(result.job.output, result.notebook)
    except OSError as exc:
        from epa_kernel.core.uln import describe_os_error
        return JobResult(result.job, "failed",
                         f"{Path(result.job.notebook).name}: {describe_os_error(exc)}")
    return JobResult(result.job, "ran", seconds=result.seconds)


def make_executor(name: str = "local", *, workers: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """The executor ``epa run --executor NAME`` asks for."""
    if name == "local":
        if scheduler:
            raise InputError("--scheduler is for --executor dask", field="--scheduler")
        return LocalExecutor(workers)
    if name == "dask":
        if not scheduler:
            raise InputError("--executor dask needs --scheduler ADDRESS (e.g. "
                             "tcp://10.0.0.5:8786)", field="--scheduler")
        return DaskExecutor(scheduler)
    raise InputError(f"unknown executor {name!r}; allowed: {', '.join(EXECUTORS)}",
                     field="--executor")


# --------------------------------------------------------------------------- on a Dask worker

try:
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
except ImportError:  # the dask extra is not installed: LocalExecutor only
    _WorkerPlugin = object


class WorkerSetup(_WorkerPlugin):
    """Prepares each Dask worker once, as :func:`epa_kernel.batch.run._worker_init` does a local
    worker: papermill imported once, without jsonschema's 1.3 s ``rfc3987_syntax`` grammar,
    and papermill's logging of paths and records kept out of the worker's logs. (A local
    worker's stderr redirection is left out: it is the Dask worker's log.)"""

    name = "epa-worker-setup"

    def setup(self, worker=None):
        import logging

        sys.modules.setdefault("rfc3987_syntax", None)
        import papermill  # noqa: F401

        logging.getLogger("papermill").setLevel(logging.WARNING)


_copies: Path | None = None


def _template_copy(path: str, text: str) -> Path:
    """A worker-local copy of a workbook notebook whose path this machine does not have (or
    has with other contents), in a folder of its own named by the text's digest."""
    global _copies
    if _copies is None:
        _copies = Path(tempfile.mkdtemp(prefix="epa-notebooks-"))
        atexit.register(shutil.rmtree, _copies, True)
    folder = _copies / hashlib.sha256(text.encode()).hexdigest()[:16]
    copy = folder / Path(path).name
    if not copy.exists():
        write_atomic(copy, text)
    return copy


def execute_remote(job: Job, templates: dict[str, str]) -> JobResult:
    """A Dask task: run ``job`` here and return the executed notebook in the result."""
    text = templates[job.notebook]
    local = Path(job.notebook)
    try:
        same = local.is_file() and local.read_text(encoding="utf-8") == text
    except OSError:
        same = False
    if same:
        return execute(job, write=False)
    copy = _template_copy(job.notebook, text)
    return execute(job, write=False, template=str(copy), cwd=str(copy.parent))
