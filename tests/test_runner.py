"""The batch run: executed notebooks agree with `epa grade`, bad records fail alone, runs resume."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from epa_kernel.batch.demo_cohort import cohort_records
from epa_kernel.exports.results_csv import read_epa_outcome, read_method_outcome

EPA = [sys.executable, "-m", "epa_kernel.cli"]
ROOT = Path(__file__).resolve().parents[1]


def write_cohort(folder: Path, prefixes) -> dict[str, list[Path]]:
    """Demo records whose file names start with one of ``prefixes``; returns files per ULN."""
    folder.mkdir(parents=True, exist_ok=True)
    by_uln: dict[str, list[Path]] = {}
    for name, record in cohort_records():
        if name.startswith(tuple(prefixes)):
            path = folder / name
            path.write_text(json.dumps(record), encoding="utf-8")
            by_uln.setdefault(record["apprentice"]["uln"], []).append(path)
    return by_uln


def epa(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*EPA, *map(str, args)], capture_output=True, text=True, cwd=ROOT, **kw)


def read_results(out: Path) -> list[dict]:
    with open(out / "results.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """Three apprentices: ST0072 with deferred descriptors, ST0072 with a resit, ST0071 v1.0."""
    base = tmp_path_factory.mktemp("run")
    by_uln = write_cohort(base / "cohort", ["a07_", "a10_", "a22_"])
    done = epa("run", base / "cohort", "--out", base / "out", "--quiet")
    assert done.returncode == 0, done.stderr + done.stdout
    return base, by_uln, done


def test_run_writes_a_notebook_per_record_and_a_result_per_apprentice(small_run):
    base, by_uln, done = small_run
    for uln, files in by_uln.items():
        names = sorted(p.name for p in (base / "out" / uln).glob("*.ipynb"))
        expected = {"epa_result.ipynb"}
        for f in files:
            record = json.loads(f.read_text(encoding="utf-8"))
            expected.add(f"{record['method']}.ipynb" if record["attempt"] == "first"
                         else f"{record['method']}.{record['attempt']}.ipynb")
        assert names == sorted(expected)
    assert not list((base / "out").glob("*/.*.tmp*"))  # no temporaries left behind
    assert "3 apprentices: 13 notebooks run" in done.stdout
    for uln in by_uln:  # exports: HTML by default, no PDF unless asked for
        folder = base / "out" / uln
        assert sorted(p.stem for p in folder.glob("*.html")) == \
            sorted("statement" if p.stem == "epa_result" else p.stem
                   for p in folder.glob("*.ipynb"))
        assert not list(folder.glob("*.pdf"))
    assert (base / "out" / "results.xlsx").exists() and (base / "out" / "summary.html").exists()


def test_each_notebooks_grade_equals_epa_grade_on_the_same_records(small_run):
    base, by_uln, _ = small_run
    for uln, files in by_uln.items():
        for f in files:
            record = json.loads(f.read_text(encoding="utf-8"))
            name = f"{record['method']}.ipynb" if record["attempt"] == "first" else \
                f"{record['method']}.{record['attempt']}.ipynb"
            bundle = read_method_outcome(base / "out" / uln / name)
            alone = json.loads(epa("grade", f, "--json").stdout)
            assert bundle["outcome"]["grade"] == alone["methods"][record["method"]]["grade"]
            assert bundle["content_hash"] and len(bundle["content_hash"]) == 64
        together = json.loads(epa("grade", *files, "--json").stdout)
        result = read_epa_outcome(base / "out" / uln / "epa_result.ipynb")["outcome"]
        assert result["grade"] == together["overall"]["grade"]
        assert {m: o["grade"] for m, o in result["methods"].items()} == \
            {m: o["grade"] for m, o in together["methods"].items()}


def test_results_csv_has_a_row_per_apprentice_with_method_grades(small_run):
    base, by_uln, _ = small_run
    rows = read_results(base / "out")
    assert [r["uln"] for r in rows] == sorted(by_uln)
    assert list(rows[0]) == ["uln", "standard", "version", "apprentice_showcase",
                             "practical_observation", "work_based_project",
                             "professional_discussion", "overall", "status", "message"]
    for row in rows:
        files = by_uln[row["uln"]]
        together = json.loads(epa("grade", *files, "--json").stdout)
        assert row["overall"] == together["overall"]["grade"]
        assert row["status"] == "graded"
        if row["standard"] == "ST0072":
            assert row["work_based_project"] == ""  # not a method of ST0072


def test_a_second_run_redoes_nothing_and_a_changed_record_redoes_only_its_own(small_run):
    base, by_uln, _ = small_run
    again = epa("run", base / "cohort", "--out", base / "out", "--quiet")
    assert again.returncode == 0
    assert "0 notebooks run, 13 already done and unchanged" in again.stdout
    uln, files = sorted(by_uln.items())[0]
    changed = next(f for f in files if "professional_discussion" in f.name)
    record = json.loads(changed.read_text(encoding="utf-8"))
    record["notes"]["P1"] = "Clarified after the discussion."
    changed.write_text(json.dumps(record), encoding="utf-8")
    third = epa("run", base / "cohort", "--out", base / "out", "--quiet")
    assert "2 notebooks run, 11 already done" in third.stdout  # the method and the result


def test_a_bad_record_fails_only_its_own_apprentice(tmp_path):
    by_uln = write_cohort(tmp_path / "cohort", ["a02_", "a15_"])
    bad_uln, bad_files = sorted(by_uln.items())[0]
    record = json.loads(bad_files[0].read_text(encoding="utf-8"))
    record["judgements"]["P99"] = "met"
    bad_files[0].write_text(json.dumps(record), encoding="utf-8")
    (tmp_path / "cohort" / "zz_garbage.json").write_text("{not json", encoding="utf-8")
    done = epa("run", tmp_path / "cohort", "--out", tmp_path / "out", "--quiet")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"{bad_files[0]}: judgements.P99: unknown descriptor 'P99'" in done.stdout
    assert "zz_garbage.json: not valid JSON" in done.stdout
    rows = {r["uln"]: r for r in read_results(tmp_path / "out")}
    assert rows[bad_uln]["status"] == "failed" and "P99" in rows[bad_uln]["message"]
    good = next(u for u in by_uln if u != bad_uln)
    assert rows[good]["status"] == "graded" and rows[good]["overall"]
    assert rows[""]["status"] == "failed"  # the unreadable file, with no apprentice to name
    assert not (tmp_path / "out" / bad_uln).exists()
    # nothing personal in what the run printed
    names = {json.loads(p.read_text())["apprentice"]["name"]
             for files in by_uln.values() for p in files}
    assert not any(n in done.stdout + done.stderr for n in names)


def test_a_run_killed_part_way_resumes_without_redoing_finished_notebooks(tmp_path):
    write_cohort(tmp_path / "cohort", ["a01_", "a03_", "a14_"])
    out = tmp_path / "out"
    proc = subprocess.Popen([*EPA, "run", str(tmp_path / "cohort"), "--out", str(out),
                             "--workers", "1", "--quiet"], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*/[!.]*.ipynb"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {p: p.stat().st_mtime_ns for p in out.glob("*/[!.]*.ipynb")}
    assert 3 <= len(finished) < 12, "the kill must land part-way"
    for path in finished:  # every notebook in place is whole: written atomically
        assert json.loads(path.read_text(encoding="utf-8"))["metadata"]["epa"]["fingerprint"]
    assert not (out / "results.csv").exists()
    again = epa("run", tmp_path / "cohort", "--out", out, "--quiet")
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{12 - len(finished)} notebooks run, {len(finished)} already done" in again.stdout
    assert all(p.stat().st_mtime_ns == t for p, t in finished.items())
    assert not list(out.glob("*/.*.tmp.ipynb"))
    assert len(read_results(out)) == 3
