"""`epa iqa verify` on the method records' HTML and PDF and on results.xlsx: an untouched export
verifies; an edited record or workbook cell is caught, naming the file and what differs."""

from __future__ import annotations

import re
import shutil

import pytest

from helpers import epa

KEEP = ("a07_",)  # one apprentice of ST0071: three method records


@pytest.fixture(scope="module")
def run_dir(demo_run, tmp_path_factory):
    """One apprentice of the shared demo run, exported as HTML and PDF."""
    out = demo_run.copy(tmp_path_factory.mktemp("verify-exports"), KEEP)[1]
    done = epa("export", out, "--format", "html,pdf", "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture
def copy_of(run_dir, tmp_path):
    target = tmp_path / "out"
    shutil.copytree(run_dir, target)
    return target


def _mismatches(done) -> list[str]:
    return [row for row in done.stdout.splitlines() if "MISMATCH" in row]


def _other(grade: str) -> str:
    return "Pass" if grade != "Pass" else "Fail"


def test_an_untouched_export_with_pdfs_verifies(run_dir):
    done = epa("iqa", "verify", run_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    names = {row.split()[2] for row in done.stdout.splitlines() if row.startswith("  match")}
    records = {p.name for p in run_dir.glob("*/*.html")} | {p.name for p in run_dir.glob("*/*.pdf")}
    assert records | {"results.xlsx", "results.csv"} <= names
    # 3 records and the statement, each HTML and PDF; results.csv and results.xlsx
    assert "10 of 10 exported outputs verified; 0 mismatched" in done.stdout


def test_a_record_html_with_an_edited_grade_is_caught_and_named(copy_of):
    target = sorted(copy_of.glob("*/practical_observation.html"))[0]
    html = target.read_text(encoding="utf-8")
    found = re.search(r'<div class="grade-value">([^<]*)</div>', html)
    verified, forged = found[1], _other(found[1])
    target.write_text(
        html.replace(found[0], f'<div class="grade-value">{forged}</div>'), encoding="utf-8"
    )
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1, done.stdout
    [line] = _mismatches(done)
    assert target.parent.name in line and "practical_observation.html" in line
    assert f"grade: practical_observation.html says {forged}, verified {verified}" in line


def test_record_pdfs_swapped_or_edited_are_caught_and_named(copy_of):
    from epa_kernel.exports.render import pdf_from_html

    folder = sorted(p for p in copy_of.iterdir() if p.is_dir())[0]
    # another record's PDF in place of this one's
    shutil.copy(folder / "professional_discussion.pdf", folder / "practical_observation.pdf")
    # a PDF made from an edited record: one judgement's note changed
    html = (folder / "apprentice_showcase.html").read_text(encoding="utf-8")
    edited = re.sub(r'(<td class="c-note" dir="auto">)', r"\1Forged note ", html, count=1)
    assert edited != html
    (folder / "apprentice_showcase.pdf").write_bytes(pdf_from_html(edited))
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1, done.stdout
    lines = _mismatches(done)
    assert len(lines) == 2, done.stdout
    swapped = next(row for row in lines if "practical_observation.pdf" in row)
    assert "its text is not the verified record's" in swapped
    noted = next(row for row in lines if "apprentice_showcase.pdf" in row)
    assert "says 'Forged note" in noted
    assert "8 of 10 exported outputs verified; 2 mismatched" in done.stdout


def test_an_edited_results_xlsx_cell_is_caught_and_named(copy_of):
    from openpyxl import load_workbook

    uln = sorted(p.name for p in copy_of.iterdir() if p.is_dir())[0]
    wb = load_workbook(copy_of / "results.xlsx")
    ws, row = next(
        (ws, r)
        for ws in wb.worksheets
        if ws["B1"].value == "Apprentice"  # a standard version's sheet
        for r in ws.iter_rows(min_row=2)
        if r[0].value == uln
    )
    heads = [c.value for c in ws[1]]
    cell = row[heads.index("Overall")]
    verified, forged = cell.value, _other(cell.value)
    cell.value = forged
    wb.save(copy_of / "results.xlsx")
    done = epa("iqa", "verify", copy_of)
    assert done.returncode == 1, done.stdout
    [line] = _mismatches(done)
    assert uln in line and "results.xlsx" in line
    assert f"Overall (sheet {ws.title}): results.xlsx says {forged}, verified {verified}" in line
