"""`epa certificates DIR --sample PLAN`: a run folder's released results claimed once, from the
records its result notebooks recorded; held, failed and tampered results refused with a reason."""

from __future__ import annotations

import csv
import json

from epa_kernel.exports.certificates import COLUMNS
from epa_kernel.exports.outcomes import RESULT_NOTEBOOK
from epa_kernel.iqa.decisions import from_run
from epa_kernel.iqa.sampling import Pick, Policy
from epa_kernel.iqa.sampling_plan import write_plan
from helpers import epa, read_results


def plan(path, out, sampled=(), *, hold=True):
    """A plan picking the decisions of the apprentices in ``sampled``."""
    picks = [Pick(decision=d, reasons=("test",)) for d in from_run(out) if d.uln in sampled]
    policy = Policy(hold_results_until_moderated=hold)
    write_plan(path, picks, policy, decisions=len(picks), seed=0, rate=None)
    return path


def claim_rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def test_released_results_are_claimed_once_and_held_ones_refused(demo_run, tmp_path):
    _, out = demo_run.copy(tmp_path, exports=False)
    held = demo_run.uln("a22_")
    sample = plan(tmp_path / "plan.json", out, sampled={held})
    done = epa("certificates", out, "--sample", sample, "--out", tmp_path / "batch1.csv")
    assert done.returncode == 1 and "Traceback" not in done.stderr  # one refused
    assert f"refused {held}: held: a sampled decision awaits moderation" in done.stdout
    header, rows = claim_rows(tmp_path / "batch1.csv")
    assert tuple(header) == COLUMNS
    expected = {r["uln"]: r for r in read_results(out) if r["uln"] and r["uln"] != held}
    assert {r["Uln"]: r["OverallGrade"] for r in rows} == {
        u: r["overall"] for u, r in expected.items()
    }
    assert all(r["StandardReference"] == expected[r["Uln"]]["standard"] for r in rows)
    # the same folder again: nothing claimed twice
    again = epa("certificates", out, "--sample", sample, "--out", tmp_path / "batch2.csv")
    assert "wrote 0 certificate claims" in again.stdout
    assert claim_rows(tmp_path / "batch2.csv")[1] == []
    ledger = json.loads((out / "claims.json").read_text(encoding="utf-8"))["claims"]
    assert len(ledger) == len(rows) and {c["file"] for c in ledger} == {"batch1.csv"}


def test_a_results_row_edited_after_the_run_is_refused(demo_run, tmp_path):
    _, out = demo_run.copy(tmp_path, exports=False)
    edited = demo_run.uln("a10_")
    text = (out / "results.csv").read_text(encoding="utf-8")
    lines = [
        line.replace(",Pass,graded", ",Distinction,graded") if line.startswith(edited) else line
        for line in text.splitlines()
    ]
    (out / "results.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = epa(
        "certificates", out, "--sample", plan(tmp_path / "p.json", out), "--out", tmp_path / "b.csv"
    )
    assert (
        f"refused {edited}: results.csv says Distinction, the recorded records give Pass"
        in done.stdout
    )
    assert edited not in {r["Uln"] for r in claim_rows(tmp_path / "b.csv")[1]}


def test_a_run_folder_without_its_plan_or_with_a_broken_result_is_refused_clearly(
    demo_run, tmp_path
):
    _, out = demo_run.copy(tmp_path, keep=("a07_",), exports=False)
    done = epa("certificates", out, "--out", tmp_path / "b.csv")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--sample: a run folder's results are released by its IQA plan" in done.stderr
    assert not (tmp_path / "b.csv").exists()
    (out / demo_run.uln("a07_") / RESULT_NOTEBOOK).unlink()
    done = epa(
        "certificates", out, "--sample", plan(tmp_path / "p.json", out), "--out", tmp_path / "b.csv"
    )
    assert "no result notebook: the run did not grade this apprentice" in done.stdout
