"""`epa iqa verify`: an untouched run verifies; tampering is caught and named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import epa

KEEP = ("a07_", "a22_")  # one apprentice of each standard, three methods each


@pytest.fixture(scope="module")
def run_dir(demo_run, tmp_path_factory):
    """Two apprentices of the shared demo run (verify re-runs every notebook it checks)."""
    return demo_run.copy(tmp_path_factory.mktemp("verify"), KEEP)[1]


@pytest.fixture
def copy_of(run_dir, tmp_path):
    target = tmp_path / "out"
    shutil.copytree(run_dir, target)
    return target


def _edit(notebook: Path, change) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    change(nb)
    notebook.write_text(json.dumps(nb), encoding="utf-8")


def _bundle(nb):
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if "application/vnd.epa.method-outcome+json" in output.get("data", {}):
                return output["data"]["application/vnd.epa.method-outcome+json"]
    raise AssertionError("no bundle")


def test_an_untouched_run_verifies(run_dir):
    done = epa("iqa", "verify", run_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 of 6 notebooks verified; 0 mismatched" in done.stdout


def test_an_output_changed_after_execution_is_caught_and_named(copy_of):
    target = sorted(copy_of.glob("*/practical_observation.ipynb"))[0]

    def upgrade(nb):
        b = _bundle(nb)
        b["outcome"]["grade"] = "Distinction" if b["outcome"]["grade"] != "Distinction" else "Pass"
    _edit(target, upgrade)
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1
    line = next(l for l in done.stdout.splitlines() if "MISMATCH" in l)
    assert target.parent.name in line and "practical_observation.ipynb" in line
    assert "grade: recorded" in line
    assert "5 of 6 notebooks verified; 1 mismatched" in done.stdout


def test_parameters_changed_after_execution_are_caught(copy_of):
    target = sorted(copy_of.glob("*/professional_discussion.ipynb"))[0]

    def flip(nb):
        record = nb["metadata"]["papermill"]["parameters"]["record"]
        first = sorted(record["judgements"])[0]
        record["judgements"][first] = "not_met" if record["judgements"][first] == "met" else "met"
    _edit(target, flip)
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1
    line = next(l for l in done.stdout.splitlines() if "MISMATCH" in l)
    assert "professional_discussion.ipynb" in line
    assert "injected parameters cell differs" in line and "content hash differs" in line


def test_verify_only_the_sampled_decisions(run_dir, tmp_path):
    plan = tmp_path / "plan.json"
    done = epa("iqa", "sample", run_dir, "--seed", "3", "--out", plan)
    assert done.returncode == 0, done.stderr
    picks = json.loads(plan.read_text())["picks"]
    assert picks and all(p["reasons"] for p in picks)
    checked = epa("iqa", "verify", run_dir, "--sample", plan)
    assert checked.returncode == 0, checked.stdout
    assert f"{len(picks)} of {len(picks)} notebooks verified" in checked.stdout


def test_a_notebook_not_matching_the_store_is_caught(demo_run, run_dir, tmp_path):
    from epa_kernel.store.store import Store
    store_url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    cohort, _ = demo_run.copy(tmp_path, KEEP)
    # the store holds one record with a different note than the one that was run
    one = sorted(cohort.glob("a07_professional_discussion.json"))[0]
    record = json.loads(one.read_text())
    record["notes"]["P1"] = "changed in the store only"
    one.write_text(json.dumps(record))
    assert epa("import", cohort, "--store", store_url, "--submitted").returncode == 0
    done = epa("iqa", "verify", run_dir, "--store", store_url)
    assert done.returncode == 1
    bad = [l for l in done.stdout.splitlines() if "MISMATCH" in l]
    assert len(bad) == 1 and "professional_discussion" in bad[0]
    assert "store holds no version of this record" in bad[0]
    Store(store_url).close()


def test_verify_deletes_its_scratch_folder_whether_it_succeeds_or_fails(run_dir, tmp_path,
                                                                        monkeypatch):
    """The re-run notebooks hold names and ULNs: none may stay behind in the temporary folder."""
    import tempfile

    from epa_kernel.batch.jobs import JobResult
    from epa_kernel.iqa.verify import verify_run

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    written: list[Path] = []

    class CopyingExecutor:
        """Re-runs each job by copying the recorded notebook, then fails after ``fail_after``."""

        def __init__(self, fail_after: int | None = None):
            self.fail_after = fail_after

        def run(self, jobs):
            for count, job in enumerate(jobs):
                if count == self.fail_after:
                    raise RuntimeError("the cluster went away")
                output = Path(job.output)
                assert temporary in output.parents  # the re-runs go to the scratch folder
                output.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(run_dir / job.uln / output.name, output)
                written.append(output)
                yield JobResult(job, "ran")

    checks = verify_run(run_dir, executor=CopyingExecutor())
    assert len(checks) == 6 and all(c.ok for c in checks)
    with pytest.raises(RuntimeError, match="the cluster went away"):
        verify_run(run_dir, executor=CopyingExecutor(fail_after=2))
    assert len(written) == 8
    assert not any(path.exists() for path in written)
    assert not list(temporary.iterdir())
