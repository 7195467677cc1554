"""`epa iqa verify`: an untouched run verifies; tampering is caught and named."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_runner import write_cohort

EPA = [sys.executable, "-m", "epa_kernel.cli"]
ROOT = Path(__file__).resolve().parents[1]


def epa(*args) -> subprocess.CompletedProcess:
    return subprocess.run([*EPA, *map(str, args)], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("verify")
    write_cohort(base / "cohort", ["a04_", "a16_"])
    done = epa("run", base / "cohort", "--out", base / "out", "--quiet", "--format", "none")
    assert done.returncode == 0, done.stdout + done.stderr
    return base / "out"


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


def test_a_notebook_not_matching_the_store_is_caught(run_dir, tmp_path):
    from epa_kernel.store.store import Store
    from test_runner import write_cohort as _w  # noqa: F401
    store_url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    cohort = tmp_path / "cohort"
    write_cohort(cohort, ["a04_", "a16_"])
    # the store holds one record with a different note than the one that was run
    one = sorted(cohort.glob("a04_professional_discussion.json"))[0]
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
