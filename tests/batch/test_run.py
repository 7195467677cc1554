"""The batch run: executed notebooks agree with `epa grade`, bad records fail alone, runs resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from epa_kernel.exports.outcomes import read_epa_outcome, read_method_outcome
from helpers import EPA, ROOT, epa, read_results, write_cohort


def test_run_writes_a_notebook_per_record_and_a_result_per_apprentice(demo_run):
    out, by_uln, done = demo_run.out, demo_run.by_uln, demo_run.done
    for uln, files in by_uln.items():
        names = sorted(p.name for p in (out / uln).glob("*.ipynb"))
        expected = {"epa_result.ipynb"}
        for f in files:
            record = json.loads(f.read_text(encoding="utf-8"))
            expected.add(
                f"{record['method']}.ipynb"
                if record["attempt"] == "first"
                else f"{record['method']}.{record['attempt']}.ipynb"
            )
        assert names == sorted(expected)
    assert not list(out.glob("*/.*.tmp*"))  # no temporaries left behind
    assert "4 apprentices: 18 notebooks run" in done.stdout
    for uln in by_uln:  # exports: HTML by default, no PDF unless asked for
        folder = out / uln
        assert sorted(p.stem for p in folder.glob("*.html")) == sorted(
            "statement" if p.stem == "epa_result" else p.stem for p in folder.glob("*.ipynb")
        )
        assert not list(folder.glob("*.pdf"))
    assert (out / "results.xlsx").exists() and (out / "summary.html").exists()


def test_each_notebooks_grade_equals_epa_grade_on_the_same_records(demo_run):
    out, by_uln = demo_run.out, demo_run.by_uln
    for uln, files in by_uln.items():
        for f in files:
            record = json.loads(f.read_text(encoding="utf-8"))
            name = (
                f"{record['method']}.ipynb"
                if record["attempt"] == "first"
                else f"{record['method']}.{record['attempt']}.ipynb"
            )
            bundle = read_method_outcome(out / uln / name)
            alone = json.loads(epa("grade", f, "--json").stdout)
            assert bundle["outcome"]["grade"] == alone["methods"][record["method"]]["grade"]
            assert bundle["content_hash"] and len(bundle["content_hash"]) == 64
        together = json.loads(epa("grade", *files, "--json").stdout)
        result = read_epa_outcome(out / uln / "epa_result.ipynb")["outcome"]
        assert result["grade"] == together["overall"]["grade"]
        assert {m: o["grade"] for m, o in result["methods"].items()} == {
            m: o["grade"] for m, o in together["methods"].items()
        }


def test_results_csv_has_a_row_per_apprentice_with_method_grades(demo_run):
    by_uln = demo_run.by_uln
    rows = read_results(demo_run.out)
    assert [r["uln"] for r in rows] == sorted(by_uln)
    assert list(rows[0]) == [
        "uln",
        "standard",
        "version",
        "apprentice_showcase",
        "practical_observation",
        "work_based_project",
        "professional_discussion",
        "overall",
        "status",
        "message",
    ]
    for row in rows:
        files = by_uln[row["uln"]]
        together = json.loads(epa("grade", *files, "--json").stdout)
        assert row["overall"] == together["overall"]["grade"]
        assert row["status"] == "graded"
        if row["standard"] == "ST0072":
            assert row["work_based_project"] == ""  # not a method of ST0072


def test_a_second_run_redoes_nothing_and_a_changed_record_redoes_only_its_own(demo_run, tmp_path):
    cohort, out = demo_run.copy(tmp_path)
    again = epa("run", cohort, "--out", out, "--quiet")
    assert again.returncode == 0
    assert "0 notebooks run, 18 already done and unchanged" in again.stdout
    uln, files = sorted(demo_run.by_uln.items())[0]
    changed = cohort / next(f for f in files if "professional_discussion" in f.name).name
    record = json.loads(changed.read_text(encoding="utf-8"))
    record["notes"]["P1"] = "Clarified after the discussion."
    changed.write_text(json.dumps(record), encoding="utf-8")
    third = epa("run", cohort, "--out", out, "--quiet")
    assert "2 notebooks run, 16 already done" in third.stdout  # the method and the result


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
    names = {
        json.loads(p.read_text())["apprentice"]["name"] for files in by_uln.values() for p in files
    }
    assert not any(n in done.stdout + done.stderr for n in names)


def test_an_attempt_the_rules_refuse_fails_its_apprentice_before_any_notebook(tmp_path):
    # a02 passed every method: a resit of its observation would raise a passed grade (002).
    by_uln = write_cohort(tmp_path / "cohort", ["a02_"])
    ((uln, files),) = by_uln.items()
    first = next(p for p in files if "practical_observation" in p.name)
    record = json.loads(first.read_text(encoding="utf-8"))
    record.update(attempt="resit", assessed_on="2099-01-01")
    resit = tmp_path / "cohort" / "a02_practical_observation_resit.json"
    resit.write_text(json.dumps(record), encoding="utf-8")
    done = epa("run", tmp_path / "cohort", "--out", tmp_path / "out", "--quiet", "--format", "none")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{resit}: attempt: " in done.stdout
    assert "only after a failed attempt" in done.stdout
    rows = {r["uln"]: r for r in read_results(tmp_path / "out")}
    assert rows[uln]["status"] == "failed" and rows[uln]["overall"] == ""
    assert not (tmp_path / "out" / uln).exists()  # no statement rests on a refused attempt


def test_a_second_resit_runs_beside_the_first_and_counts(tmp_path):
    from epa_kernel.batch.demo_lifecycle import write_cases
    from epa_kernel.iqa.decisions import from_run
    from epa_kernel.store.store import Store

    cohort = tmp_path / "cohort"
    write_cases(cohort, tmp_path / "refused")
    for path in cohort.glob("*.json"):
        if not path.name.startswith("c01_"):
            path.unlink()  # c01: the observation failed, resat and failed, then resat again
    done = epa("run", cohort, "--out", tmp_path / "out", "--quiet", "--format", "none")
    assert done.returncode == 0, done.stdout + done.stderr
    (uln,) = [r["uln"] for r in read_results(tmp_path / "out")]
    folder = tmp_path / "out" / uln
    first, second = (
        read_method_outcome(folder / f"practical_observation.{key}.ipynb")
        for key in ("resit", "resit2")
    )
    assert first["outcome"]["grade"] == "Fail" and second["record"]["sitting"] == 2
    result = read_epa_outcome(folder / "epa_result.ipynb")
    counted = result["attempts"]["practical_observation"]
    assert counted["content_hash"] == second["content_hash"] and counted["sitting"] == 2
    ids = {d.id for d in from_run(tmp_path / "out")}
    assert {f"{uln}/practical_observation.resit", f"{uln}/practical_observation.resit2"} <= ids
    store = Store(f"sqlite:///{tmp_path / 'epa.sqlite'}")
    assert epa("import", cohort, "--store", store.url, "--submitted").returncode == 0
    assert store.find(uln, "practical_observation", "resit2").record.sitting == 2
    assert store.find(uln, "practical_observation", "resit").record.sitting == 1


def test_a_run_killed_part_way_resumes_without_redoing_finished_notebooks(tmp_path):
    write_cohort(tmp_path / "cohort", ["a01_", "a03_", "a14_"])
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*EPA, "run", str(tmp_path / "cohort"), "--out", str(out), "--workers", "1", "--quiet"],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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
