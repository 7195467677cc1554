"""A run's notebooks are redone when the kit's code changes anywhere, a subpackage included.

What a notebook shows depends on the whole kit, so an output made by older code must not count
as done. Checked through the plan and its fingerprints, with outputs written as a finished run
would leave them: no notebook is executed here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from epa_kernel import paths
from epa_kernel.batch.cohort import read_cohort
from epa_kernel.batch.jobs import is_done, plan
from helpers import ROOT, write_cohort


@pytest.fixture
def kit_copy(tmp_path, monkeypatch):
    """The kit's code copied to ``tmp_path`` and made the code :func:`kit_digest` reads."""
    copy = tmp_path / "epa_kernel"
    shutil.copytree(paths.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE", copy)
    paths.kit_digest.cache_clear()
    yield copy
    paths.kit_digest.cache_clear()


def finish(jobs) -> None:
    """Write each job's output as a finished run does: a notebook carrying its fingerprint."""
    for job in jobs:
        output = Path(job.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            json.dumps({"metadata": {"epa": {"fingerprint": job.fingerprint}}}), encoding="utf-8"
        )


@pytest.mark.parametrize("subpackage", ["core", "exports", "apps"])
def test_a_change_in_a_subpackage_redoes_every_notebook(tmp_path, kit_copy, subpackage):
    write_cohort(tmp_path / "cohort", ["a07_", "a22_"])  # ST0072 and ST0071
    out, notebooks = tmp_path / "out", ROOT / "notebooks"
    jobs = plan(read_cohort(tmp_path / "cohort"), out, notebooks)
    assert len(jobs) == 8
    finish(jobs)
    assert all(is_done(job) for job in plan(read_cohort(tmp_path / "cohort"), out, notebooks))
    changed = max((kit_copy / subpackage).glob("[!_]*.py"))  # any module of the subpackage
    with open(changed, "a", encoding="utf-8") as handle:
        handle.write("\n# a later version of the kit\n")
    paths.kit_digest.cache_clear()
    again = plan(read_cohort(tmp_path / "cohort"), out, notebooks)
    assert [j.output for j in again] == [j.output for j in jobs]
    assert not any(is_done(job) for job in again)
