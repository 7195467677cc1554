"""`epa iqa verify`: an untouched run verifies; tampering is caught and named."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import epa, read_results

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


def _bundle(nb, mime="application/vnd.epa.method-outcome+json"):
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if mime in output.get("data", {}):
                return output["data"][mime]
    raise AssertionError("no bundle")


def _mismatches(done) -> list[str]:
    return [row for row in done.stdout.splitlines() if "MISMATCH" in row]


def _other(grade: str | None) -> str:
    return "Pass" if grade != "Pass" else "Fail"


def test_an_untouched_run_verifies(run_dir):
    done = epa("iqa", "verify", run_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "8 of 8 notebooks verified; 0 mismatched" in done.stdout
    assert "12 of 12 exported outputs verified; 0 mismatched" in done.stdout
    checked = [row.split() for row in done.stdout.splitlines() if row.startswith("  match")]
    for uln in (p.name for p in run_dir.iterdir() if p.is_dir()):
        names = {row[2] for row in checked if row[1] == uln}
        assert {"epa_result.ipynb", "results.csv", "results.xlsx", "statement.html"} <= names, names


def test_an_output_changed_after_execution_is_caught_and_named(copy_of):
    target = sorted(copy_of.glob("*/practical_observation.ipynb"))[0]

    def upgrade(nb):
        b = _bundle(nb)
        b["outcome"]["grade"] = "Distinction" if b["outcome"]["grade"] != "Distinction" else "Pass"

    _edit(target, upgrade)
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1
    line = next(row for row in done.stdout.splitlines() if "MISMATCH" in row)
    assert target.parent.name in line and "practical_observation.ipynb" in line
    assert "grade: recorded" in line
    assert "7 of 8 notebooks verified; 1 mismatched" in done.stdout


def test_parameters_changed_after_execution_are_caught(copy_of):
    target = sorted(copy_of.glob("*/professional_discussion.ipynb"))[0]

    def flip(nb):
        record = nb["metadata"]["papermill"]["parameters"]["record"]
        first = sorted(record["judgements"])[0]
        record["judgements"][first] = "not_met" if record["judgements"][first] == "met" else "met"

    _edit(target, flip)
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1
    line = next(row for row in done.stdout.splitlines() if "MISMATCH" in row)
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
    apprentices = {p["id"].split("/")[0] for p in picks}
    total = len(picks) + len(apprentices)  # and the result notebook of each apprentice sampled
    assert f"{total} of {total} notebooks verified" in checked.stdout


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
    bad = [row for row in done.stdout.splitlines() if "MISMATCH" in row]
    assert len(bad) == 1 and "professional_discussion" in bad[0]
    assert "store holds no version of this record" in bad[0]
    Store(store_url).close()


def test_verify_deletes_its_scratch_folder_whether_it_succeeds_or_fails(
    run_dir, tmp_path, monkeypatch
):
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
    assert len([c for c in checks if c.kind == "notebook"]) == 8 and all(c.ok for c in checks)
    with pytest.raises(RuntimeError, match="the cluster went away"):
        verify_run(run_dir, executor=CopyingExecutor(fail_after=2))
    assert len(written) == 10
    assert not any(path.exists() for path in written)
    assert not list(temporary.iterdir())


# --- the result notebook and the exports -----------------------------------------------------

EPA_MIME = "application/vnd.epa.epa-outcome+json"


def test_a_result_notebook_whose_overall_grade_was_edited_is_caught_and_named(copy_of):
    target = sorted(copy_of.glob("*/epa_result.ipynb"))[0]
    verified = _bundle(json.loads(target.read_text(encoding="utf-8")), EPA_MIME)["outcome"]["grade"]
    forged = _other(verified)  # Fail -> Pass, or a Pass made a Fail

    def regrade(nb):
        _bundle(nb, EPA_MIME)["outcome"]["grade"] = forged

    _edit(target, regrade)
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1, done.stdout + done.stderr
    [line] = _mismatches(done)
    assert target.parent.name in line and "epa_result.ipynb" in line
    assert f"overall grade: recorded {forged}, re-run {verified}" in line
    assert "7 of 8 notebooks verified; 1 mismatched" in done.stdout
    # the exports say what the re-run says, so they still verify
    assert "12 of 12 exported outputs verified; 0 mismatched" in done.stdout


def test_a_result_notebook_counting_another_attempt_is_caught(copy_of):
    target = sorted(copy_of.glob("*/epa_result.ipynb"))[0]

    def recount(nb):
        attempts = _bundle(nb, EPA_MIME)["attempts"]
        first = sorted(attempts)[0]
        attempts[first]["attempt"] = "retake"

    _edit(target, recount)
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1
    [line] = _mismatches(done)
    assert target.parent.name in line and "epa_result.ipynb" in line
    assert "attempt counted: recorded retake, re-run first" in line


@pytest.mark.parametrize("copy", ["injected cell", "metadata"])
def test_a_result_notebooks_parameters_edited_after_execution_are_caught(copy_of, copy):
    target = sorted(copy_of.glob("*/epa_result.ipynb"))[0]

    def flip(records):
        record = records[0]
        first = sorted(record["judgements"])[0]
        record["judgements"][first] = "not_met" if record["judgements"][first] == "met" else "met"

    def edit(nb):
        if copy == "metadata":
            flip(nb["metadata"]["papermill"]["parameters"]["records"])
            return
        cell = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"]["tags"])
        source = "".join(cell["source"])
        assert '"met"' in source
        cell["source"] = source.replace('"met"', '"not_met"', 1)  # one judgement, as typed

    _edit(target, edit)
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1, done.stdout
    lines = _mismatches(done)
    line = next(row for row in lines if "epa_result.ipynb" in row)
    assert target.parent.name in line and "injected parameters cell differs" in line
    if copy == "injected cell":  # the re-run from the metadata's records still matches
        assert len(lines) == 1
    if copy == "metadata":  # re-run from the edited records: another record, another hash
        assert "content hashes differ from the re-run's" in line
        assert "not those of the method notebooks beside it" in line


def test_an_edited_results_csv_row_is_caught_and_named(copy_of):
    rows = read_results(copy_of)
    row = next(r for r in rows if (copy_of / r["uln"]).is_dir())  # an apprentice of this copy
    uln, verified = row["uln"], row["overall"]
    row["overall"] = _other(verified)
    with open(copy_of / "results.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1
    [line] = _mismatches(done)
    assert uln in line and "results.csv" in line
    assert f"overall: results.csv says {_other(verified)}, verified {verified}" in line
    assert "8 of 8 notebooks verified; 0 mismatched" in done.stdout
    assert "11 of 12 exported outputs verified; 1 mismatched" in done.stdout


def _regrade_statement(html: str) -> tuple[str, str, str]:
    """The statement with its overall grade changed; and the grade before and after."""
    found = re.search(r'<div class="grade-value">([^<]*)</div>', html)
    assert found, "no overall grade in the statement"
    verified = found[1]
    forged = _other(verified)
    return html.replace(found[0], f'<div class="grade-value">{forged}</div>'), verified, forged


def test_an_edited_statement_html_is_caught_and_named(copy_of):
    target = sorted(copy_of.glob("*/statement.html"))[0]
    html, verified, forged = _regrade_statement(target.read_text(encoding="utf-8"))
    target.write_text(html, encoding="utf-8")
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1
    [line] = _mismatches(done)
    assert target.parent.name in line and "statement.html" in line
    assert f"overall grade: statement says {forged}, verified {verified}" in line


def test_a_statement_pdf_is_checked_and_an_edited_one_caught(copy_of):
    from epa_kernel.exports.render import pdf_from_html

    statements = sorted(copy_of.glob("*/statement.html"))
    for html in statements:  # as `epa export --format html,pdf` would have made them
        html.with_suffix(".pdf").write_bytes(pdf_from_html(html.read_text(encoding="utf-8")))
    target = statements[0].with_suffix(".pdf")
    forged_html, verified, forged = _regrade_statement(statements[0].read_text(encoding="utf-8"))
    target.write_bytes(pdf_from_html(forged_html))  # the PDF alone was edited
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1
    [line] = _mismatches(done)
    assert target.parent.name in line and "statement.pdf" in line
    assert f"overall grade: statement says {forged}, verified {verified}" in line
    assert "13 of 14 exported outputs verified; 1 mismatched" in done.stdout
