"""The Dask executor: the batch run's notebooks as tasks on a Dask distributed cluster.

``epa run --executor dask --scheduler ADDRESS`` turns the jobs into tasks on an existing
cluster, so a cohort can use many machines. Workers need the kit installed but no shared file
system: each task receives the workbook notebook's text (sent to every worker once) and returns
the executed notebook, which this process writes atomically into ``--out``. A worker that dies
mid-task is replaced by Dask, which reruns the task elsewhere; a notebook is never half-written.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from epa_kernel.batch.jobs import Job, JobResult
from epa_kernel.batch.kernels import close_pools
from epa_kernel.batch.worker import execute
from epa_kernel.core.uln import describe_os_error
from epa_kernel.errors import InputError
from epa_kernel.files import write_atomic
from epa_kernel.imports import prepare_notebook_worker

DASK_CONNECT_TIMEOUT = 10  # seconds to reach the scheduler before giving up


class DaskExecutor:
    """The jobs as tasks on a Dask distributed scheduler at ``scheduler`` (``tcp://host:8786``
    or any address ``distributed.Client`` accepts)."""

    def __init__(self, scheduler: str, *, timeout: float = DASK_CONNECT_TIMEOUT):
        self.scheduler = scheduler
        self.timeout = timeout

    @classmethod
    def configured(cls, *, workers: int | None, scheduler: str | None) -> DaskExecutor:
        """The executor ``--executor dask`` asks for: the cluster's workers, not ``workers``,
        run the notebooks, so only the scheduler's address matters."""
        if not scheduler:
            raise InputError(
                "--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)",
                field="--scheduler",
            )
        return cls(scheduler)

    def _client(self):
        try:
            from distributed import Client
        except ImportError:
            raise InputError(
                "the Dask executor needs the dask extra: pip install 'epa-kernel[dask]'",
                field="--executor",
            ) from None
        try:
            return Client(self.scheduler, timeout=self.timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                f"cannot reach the Dask scheduler at {self.scheduler} "
                f"({type(exc).__name__}: {exc})",
                field="--scheduler",
            ) from None

    def run(self, jobs: Sequence[Job]) -> Iterator[JobResult]:
        if not jobs:
            return
        from distributed import as_completed

        client = self._client()
        try:
            client.register_plugin(WorkerSetup(), name="epa-worker-setup")
            templates = {
                path: Path(path).read_text(encoding="utf-8")
                for path in sorted({job.notebook for job in jobs})
            }
            [shared] = client.scatter([templates], broadcast=True, hash=False)
            futures = client.map(execute_remote, list(jobs), templates=shared, pure=False)
            by_key = {future.key: job for future, job in zip(futures, jobs)}
            for future in as_completed(futures, loop=client.loop):
                job = by_key[future.key]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - e.g. workers lost repeatedly
                    result = JobResult(
                        job,
                        "failed",
                        f"{Path(job.notebook).name}: the Dask task failed ({type(exc).__name__})",
                    )
                yield _written(result)
        finally:
            try:  # the kernels each worker started ahead: not left idling on the cluster
                client.run(close_pools)
            except Exception:  # noqa: BLE001, S110 - workers gone: their kernels went with them
                pass
            client.close()


def _written(result: JobResult) -> JobResult:
    """Write a notebook a remote worker executed to its place under ``--out``."""
    if result.status != "ran" or result.notebook is None:
        return result
    try:
        write_atomic(result.job.output, result.notebook)
    except OSError as exc:
        return JobResult(
            result.job, "failed", f"{Path(result.job.notebook).name}: {describe_os_error(exc)}"
        )
    return JobResult(result.job, "ran", seconds=result.seconds)


# --------------------------------------------------------------------------- on a Dask worker

try:
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
except ImportError:  # the dask extra is not installed: the local executor only
    _WorkerPlugin = object


class WorkerSetup(_WorkerPlugin):
    """Prepares each Dask worker once, as :func:`epa_kernel.batch.worker.prepare_local_worker`
    does a local worker (:func:`epa_kernel.imports.prepare_notebook_worker`). The local
    worker's stderr redirection is left out: on a Dask worker, stderr is the worker's log."""

    name = "epa-worker-setup"

    def setup(self, worker=None):
        prepare_notebook_worker()


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
