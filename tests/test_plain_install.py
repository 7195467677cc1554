"""A plain install is whole: after `pip install .` with no extra (the README's first Quick-start
command), every `epa` command works, or stops with one line naming the extra to install (exit
2), never a traceback.

The venv is made once for this module in a temporary folder, by pip from the configured index
(about a minute here; more on a slow network). It never sees the test extra's packages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import DEMO_APPRENTICES, write_cohort

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    """The `epa` of a venv holding the kit's base install only."""
    venv = tmp_path_factory.mktemp("plain-install") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", str(ROOT)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    check = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import psycopg"], capture_output=True, text=True
    )
    assert check.returncode != 0, "the plain venv sees an extra's package"
    return venv / "bin" / "epa"


def _epa(plain: Path, *args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(plain), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd or ROOT
    )


def _no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stderr


def _needs_extra(done: subprocess.CompletedProcess, extra: str) -> None:
    _no_traceback(done)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"pip install 'epa-kernel[{extra}]'" in done.stderr, done.stderr


@pytest.fixture(scope="module")
def run_with_pdfs(plain, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("plain-run")
    write_cohort(base / "cohort", DEMO_APPRENTICES[:1])
    done = _epa(plain, "run", base / "cohort", "--out", base / "out", "--format", "html,pdf")
    _no_traceback(done)
    assert done.returncode == 0, done.stdout + done.stderr
    return base


def test_iqa_verify_reads_exported_pdfs_after_a_plain_install(plain, run_with_pdfs):
    assert list((run_with_pdfs / "out").glob("*/statement.pdf"))
    done = _epa(plain, "iqa", "verify", run_with_pdfs / "out")
    _no_traceback(done)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "statement.pdf" in done.stdout


def test_the_dask_executor_names_its_extra(plain, run_with_pdfs):
    done = _epa(
        plain,
        "run",
        run_with_pdfs / "cohort",
        "--out",
        run_with_pdfs / "dask-out",
        "--executor",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    _needs_extra(done, "dask")


def test_a_postgresql_store_names_its_extra(plain, tmp_path):
    done = _epa(plain, "status", "--store", "postgresql+psycopg://epa:x@127.0.0.1:9/epa")
    _needs_extra(done, "postgres")


def test_the_hub_names_its_extra(plain, tmp_path):
    done = _epa(plain, "hub", "--state", tmp_path / "hub")
    _needs_extra(done, "hub")
