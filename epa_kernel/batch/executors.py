"""Where notebooks execute, by name: the registry of executors, and the local process pool.

Every executor runs the same :func:`epa_kernel.batch.worker.execute` on the same jobs, one fresh
kernel per notebook, and yields one :class:`~epa_kernel.batch.jobs.JobResult` per job as each
finishes. What is planned, skipped, written and reported is decided by the caller
(:func:`epa_kernel.batch.run.run_cohort`, :func:`epa_kernel.iqa.verify.verify_run`) alone, so
every executor produces the same files.

- ``local`` (:class:`LocalExecutor`, the default): a process per core, each importing papermill
  once (the import tax is paid per worker, not per notebook) and keeping a kernel started ahead
  (:mod:`epa_kernel.batch.kernels`). Workers write their notebooks themselves, atomically.
- ``dask`` (:class:`~epa_kernel.batch.dask_executor.DaskExecutor`, ``--executor dask
  --scheduler ADDRESS``): the jobs become tasks on an existing Dask distributed cluster.

The command line takes its ``--executor`` choices from :data:`EXECUTORS`; a new executor is one
more entry there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from epa_kernel.batch.jobs import Job, JobResult
from epa_kernel.batch.worker import execute, prepare_local_worker
from epa_kernel.errors import InputError


class Executor(Protocol):
    def run(self, jobs: Sequence[Job]) -> Iterator[JobResult]:
        """Execute every job; yield each result as it finishes, each job exactly once."""


class LocalExecutor:
    """A pool of worker processes on this machine (all cores by default)."""

    def __init__(self, workers: int | None = None):
        self.workers = workers

    @classmethod
    def configured(cls, *, workers: int | None, scheduler: str | None) -> LocalExecutor:
        """The executor ``--executor local`` asks for: it has no scheduler to reach."""
        if scheduler:
            raise InputError("--scheduler is for --executor dask", field="--scheduler")
        return cls(workers)

    def run(self, jobs: Sequence[Job]) -> Iterator[JobResult]:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        if not jobs:
            return
        size = max(1, min(self.workers or os.cpu_count() or 1, len(jobs)))
        with ProcessPoolExecutor(max_workers=size, initializer=prepare_local_worker) as pool:
            futures = [pool.submit(execute, job) for job in jobs]
            for future in as_completed(futures):
                yield future.result()


def _dask(*, workers: int | None, scheduler: str | None) -> Executor:
    # Imported when asked for: distributed takes half a second to import, on every command.
    from epa_kernel.batch.dask_executor import DaskExecutor

    return DaskExecutor.configured(workers=workers, scheduler=scheduler)


#: Each executor's name on the command line -> its factory (keyword arguments ``workers``,
#: ``scheduler``; a factory refuses options that do not apply to it).
EXECUTORS: dict[str, Callable[..., Executor]] = {"local": LocalExecutor.configured, "dask": _dask}


def make_executor(
    name: str = "local", *, workers: int | None = None, scheduler: str | None = None
) -> Executor:
    """The executor ``--executor NAME`` asks for."""
    try:
        factory = EXECUTORS[name]
    except KeyError:
        raise InputError(
            f"unknown executor {name!r}; allowed: {', '.join(EXECUTORS)}", field="--executor"
        ) from None
    return factory(workers=workers, scheduler=scheduler)
