"""Where notebooks run: fresh kernels started ahead, and the Dask executor.

The kernel pool may start a kernel before its notebook is due, but never lets two notebooks
share one: the first tests prove it with notebooks that try to leak state into the next. The
Dask executor must produce exactly what the local one does. No test here measures time.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from epa_kernel.batch import engine as execution
from epa_kernel.batch import kernels
from epa_kernel.errors import InputError
from epa_kernel.exports.outcomes import read_epa_outcome, read_method_outcome
from helpers import epa, free_port, read_results, write_cohort


def notebook(path: Path, *sources: str, parameters: str = "marker = None") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, *(nbformat.v4.new_code_cell(s) for s in sources)]
    nbformat.write(nb, str(path))
    return path


def text_of(nb) -> str:
    return "".join(
        o.get("text", "")
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream"
    )


@pytest.fixture
def pool():
    """This thread's pool, closed afterwards so no kernel outlives the test."""
    kernels.close_pools()
    yield kernels.shared_pool()
    kernels.close_pools()


def test_each_notebook_runs_in_a_fresh_kernel_even_when_it_was_started_ahead(tmp_path, pool):
    assert pool.ahead >= 1  # the case worth testing: the next kernel exists before it is due
    leaky = notebook(
        tmp_path / "leaky.ipynb",
        "import os, sys\nLEAK = marker\nsys.modules['epa_leak'] = marker\n"
        "os.environ['EPA_LEAK'] = str(marker)\nprint('pid', os.getpid())",
    )
    probe = notebook(
        tmp_path / "probe.ipynb",
        "import os, sys\nprint('pid', os.getpid())\n"
        "print('global', 'LEAK' in globals())\n"
        "print('module', 'epa_leak' in sys.modules)\n"
        "print('environ', 'EPA_LEAK' in os.environ)",
    )
    pids, seen = [], []
    for marker in ("apprentice A", "apprentice B"):
        out = text_of(execution.run_notebook(leaky, {"marker": marker}))
        pids.append(out.split("pid ")[1].split()[0])
        probed = text_of(execution.run_notebook(probe, {}))
        pids.append(probed.split("pid ")[1].split()[0])
        seen.append(probed)
        assert len(pool._ready) == pool.ahead  # the next kernel is already starting
    for probed in seen:
        assert "global False" in probed and "module False" in probed
        assert "environ False" in probed
    assert len(set(pids)) == 4  # four notebooks, four kernels
    assert pool._handed_out == 4


def test_a_notebook_runs_in_its_own_folder_and_failures_raise(tmp_path, pool):
    import papermill

    folder = tmp_path / "here"
    folder.mkdir()
    where = notebook(folder / "where.ipynb", "import os\nprint(os.getcwd())")
    assert text_of(execution.run_notebook(where, {})).strip() == str(folder)
    failing = notebook(tmp_path / "failing.ipynb", "raise ValueError('no evidence')")
    with pytest.raises(papermill.PapermillExecutionError, match="no evidence"):
        execution.run_notebook(failing, {})
    after = notebook(tmp_path / "after.ipynb", "print('still fine')")
    assert "still fine" in text_of(execution.run_notebook(after, {}))  # the pool goes on


def test_closing_the_pools_stops_every_kernel_and_removes_their_files(tmp_path, pool):
    execution.run_notebook(notebook(tmp_path / "one.ipynb", "1 + 1"), {})
    started = [km for _, km in pool._ready] + list(pool._retiring)
    assert started
    folder = pool.folder
    kernels.close_pools()
    for km in started:
        assert km.provisioner is None or km.provisioner.process.poll() is not None
    assert not folder.exists()
    assert kernels.shared_pool() is not pool  # a thread that needs kernels gets a new pool


def test_an_executed_workbook_keeps_no_widget_state_left_in_its_template(tmp_path, pool):
    template = notebook(tmp_path / "stale.ipynb", "print('ran')")
    nb = nbformat.read(str(template), as_version=4)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"x": {}}}}
    nbformat.write(nb, str(template))
    assert "widgets" not in execution.run_notebook(template, {}).metadata


def test_kernels_ahead_reads_the_environment(monkeypatch):
    monkeypatch.setenv("EPA_KERNELS_AHEAD", "0")
    assert kernels.kernels_ahead() == 0
    monkeypatch.setenv("EPA_KERNELS_AHEAD", "lots")
    assert kernels.kernels_ahead() == kernels.AHEAD


# --------------------------------------------------------------------------- the Dask executor


@pytest.fixture(scope="module")
def dask_cluster():
    """Two single-threaded Dask workers in this process, on loopback only."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        yield cluster
    kernels.close_pools()


def outcomes(out: Path) -> dict[str, dict]:
    found = {}
    for path in sorted(out.glob("*/[!.]*.ipynb")):
        read = read_epa_outcome if path.name == "epa_result.ipynb" else read_method_outcome
        found[str(path.relative_to(out))] = read(path)
    return found


def test_dask_executor_writes_what_the_local_executor_writes(demo_run, tmp_path, dask_cluster):
    local = demo_run.out  # the shared run: deferrals, resits, both standards, run locally
    run_on_dask = (
        "run", demo_run.cohort, "--out", tmp_path / "dask", "--quiet", "--format", "none",
        "--executor", "dask", "--scheduler", dask_cluster.scheduler_address,
    )  # fmt: skip
    remote = epa(*run_on_dask)
    assert remote.returncode == 0, remote.stdout + remote.stderr
    assert "4 apprentices: 18 notebooks run" in remote.stdout
    assert (tmp_path / "dask" / "results.csv").read_bytes() == (local / "results.csv").read_bytes()
    assert [r["status"] for r in read_results(tmp_path / "dask")] == ["graded"] * 4
    local_outcomes, dask_outcomes = outcomes(local), outcomes(tmp_path / "dask")
    assert len(dask_outcomes) == 18 and None not in dask_outcomes.values()
    assert dask_outcomes == local_outcomes
    for name in local_outcomes:  # the same fingerprints and recorded parameters too
        a = json.loads((local / name).read_text(encoding="utf-8"))["metadata"]
        b = json.loads((tmp_path / "dask" / name).read_text(encoding="utf-8"))["metadata"]
        assert a["epa"] == b["epa"]
        assert a["papermill"]["parameters"] == b["papermill"]["parameters"]
    assert not list((tmp_path / "dask").glob("*/.*tmp*"))
    again = epa(*run_on_dask)
    assert "0 notebooks run, 18 already done and unchanged" in again.stdout  # resumable alike


def test_a_dask_worker_without_the_notebooks_folder_runs_the_text_it_was_sent(tmp_path, pool):
    """A worker on another machine has no notebooks/ at the client's path (or an older one)."""
    from epa_kernel.batch.cohort import read_cohort
    from epa_kernel.batch.dask_executor import execute_remote
    from epa_kernel.batch.jobs import plan
    from epa_kernel.paths import notebooks_dir

    write_cohort(tmp_path / "cohort", ["a02_"])
    job = plan(read_cohort(tmp_path / "cohort"), tmp_path / "out", notebooks_dir())[0]
    text = Path(job.notebook).read_text(encoding="utf-8")
    elsewhere = job.__class__(
        **{**job.__dict__, "notebook": str(tmp_path / "client" / Path(job.notebook).name)}
    )
    result = execute_remote(elsewhere, {elsewhere.notebook: text})
    assert result.status == "ran", result.message
    assert not Path(job.output).exists()  # the client writes it, not the worker
    nb = nbformat.reads(result.notebook, as_version=4)
    assert nb.metadata["papermill"]["input_path"] == elsewhere.notebook
    assert nb.metadata["epa"]["fingerprint"] == job.fingerprint
    assert read_method_outcome_of(nb)["uln"] == job.uln


def read_method_outcome_of(nb) -> dict:
    from epa_kernel.core.bundles import METHOD_MIME

    return next(
        o["data"][METHOD_MIME]
        for c in nb.cells
        for o in c.get("outputs", [])
        if METHOD_MIME in o.get("data", {})
    )


def test_dask_executor_needs_a_reachable_scheduler(tmp_path):
    from epa_kernel.batch.dask_executor import DaskExecutor
    from epa_kernel.batch.executors import make_executor

    pytest.importorskip("distributed")
    with pytest.raises(InputError, match="--executor dask needs --scheduler"):
        make_executor("dask")
    with pytest.raises(InputError, match="--scheduler is for --executor dask"):
        make_executor("local", scheduler="tcp://127.0.0.1:8786")
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        list(DaskExecutor(address, timeout=1).run([object()]))
    done = epa("run", tmp_path, "--out", tmp_path / "out", "--executor", "dask")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--executor dask needs --scheduler" in done.stderr


def test_executors_are_found_by_name_in_one_registry():
    from epa_kernel.batch.executors import EXECUTORS, LocalExecutor, make_executor

    assert list(EXECUTORS) == ["local", "dask"]  # the --executor choices, in this order
    local = make_executor("local", workers=3)
    assert isinstance(local, LocalExecutor) and local.workers == 3
    assert list(local.run([])) == []
    with pytest.raises(InputError, match="unknown executor 'slurm'; allowed: local, dask"):
        make_executor("slurm")
