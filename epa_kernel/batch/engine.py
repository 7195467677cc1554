"""One notebook, executed by papermill in a fresh kernel from this thread's pool.

papermill still does what the kit relies on it for: it injects the parameters cell, records
the parameters in the notebook's metadata (IQA re-runs from them), runs every cell through
nbclient and raises :class:`papermill.PapermillExecutionError` when a cell fails. Two things
are done differently from ``papermill.execute_notebook(input, output)``, both measured in
``bench/``:

- **The kernel comes from a** :class:`~epa_kernel.batch.kernels.KernelPool`: already started, used
  for this notebook only, retired afterwards (the fresh-kernel invariant is stated there). A
  small papermill engine (:class:`FreshKernelEngine`) hands it to nbclient and closes the
  client's channels afterwards, which nbclient leaves open for kernels it does not own.
- **Nothing is written while the notebook runs.** Given an output path, papermill saves the
  whole notebook before and after every cell (11 writes for a 4-cell workbook, each serialising
  and validating the notebook). The caller writes the result once, atomically, with its own
  metadata; a notebook that fails is never written half-done.

The executed notebook does not inherit widget state saved in the template: unless this run
made widgets, ``metadata.widgets`` is removed, so an executed workbook never carries a form
state that some earlier interactive session left in the template (it was 300-500 KB a notebook).
"""

from __future__ import annotations

from pathlib import Path

from epa_kernel.batch.kernels import shared_pool

ENGINE = "epa-fresh-kernel"
KERNEL_START_TIMEOUT = 30
KERNEL_START_TRIES = 2


def _engine():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class FreshKernelEngine(NBClientEngine):
        """papermill's nbclient engine on a kernel the caller started (``kernel=``)."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            kernel=None,
            **kwargs,
        ):
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(
                nb_man,
                km=kernel,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            try:
                nb = client.execute()
            finally:
                if client.kc is not None:  # nbclient keeps them open for a kernel it does not own
                    client.kc.stop_channels()
            if not client.widget_state:
                nb.metadata.pop("widgets", None)
            return nb

    papermill_engines.register(ENGINE, FreshKernelEngine)
    return FreshKernelEngine


_registered = False


def run_notebook(
    template: str | Path,
    parameters: dict,
    *,
    cwd: str | Path | None = None,
    kernel_name: str = "python3",
    start_timeout: float = KERNEL_START_TIMEOUT,
    tries: int = KERNEL_START_TRIES,
):
    """Execute ``template`` with ``parameters`` in a fresh kernel; return the executed notebook
    (a NotebookNode; nothing is written). The kernel runs in ``cwd`` (default: the template's
    folder). A kernel that does not start in ``start_timeout`` seconds is replaced, up to
    ``tries`` kernels; cell errors raise :class:`papermill.PapermillExecutionError`."""
    global _registered
    import papermill as pm

    if not _registered:
        _engine()
        _registered = True
    template = str(template)
    cwd = str(cwd or Path(template).parent)
    pool = shared_pool(kernel_name)
    for attempt in range(1, tries + 1):
        km = pool.take(cwd)
        try:
            return pool.run(
                pm.execute_notebook,
                template,
                None,
                parameters=parameters,
                engine_name=ENGINE,
                kernel=km,
                kernel_name=kernel_name,
                progress_bar=False,
                log_output=False,
                start_timeout=start_timeout,
            )
        except RuntimeError as exc:  # the kernel did not start or died starting; once more
            if "Kernel" not in str(exc) or attempt == tries:
                raise
        finally:
            pool.retire(km)
    raise AssertionError("unreachable")
