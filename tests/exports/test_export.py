"""Exports: HTML and PDF assessment records and statements of results, and the cohort outputs.

One small run folder (one ST0072 apprentice with deferred descriptors, one ST0071 apprentice with
a resit, both from the session's shared demo run, and one apprentice whose name, notes and
assessor are hostile text) is run and exported once with ``--format html,pdf``; the tests read
what it wrote.
"""

from __future__ import annotations

import base64
import csv
import html as html_lib
import json
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from epa_kernel.batch.demo_cohort import cohort_records
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.records import parse_record
from epa_kernel.errors import InputError
from epa_kernel.exports.outcomes import read_epa_outcome, read_method_outcome
from epa_kernel.exports.record_view import record_view
from epa_kernel.exports.render import parse_formats
from helpers import ROOT, epa, names_by_uln

ARTIFACTS = ROOT / "outputs" / "test-artifacts"
A4 = (595.28, 841.89)  # points

HOSTILE_NAME = "Zoë Ñúñez-أحمد 😀 <script>alert(1)</script> {{ name }}"
HOSTILE_NOTE = 'She said "it\'s fine" \\ then C:\\temp\\new\nsecond line\n  {% if x %}{{ x }}'
HOSTILE_ASSESSOR = '=HYPERLINK("http://example.invalid") $x^2$ <i>Ops</i>'
HOSTILE_ULN = "1000000019"
ORGANISATION = "Ørsted & Sons EPAO <b>"


def hostile_record() -> dict:
    record = json.loads(
        json.dumps(next(r for n, r in cohort_records() if n == "a01_practical_observation.json"))
    )
    record["apprentice"] = {
        "uln": HOSTILE_ULN,
        "name": HOSTILE_NAME,
        "provider": "<b>Provider</b>",
        "employer": "{% raw %} & Co",
    }
    record["assessor"] = HOSTILE_ASSESSOR
    record["notes"] = {"P1": HOSTILE_NOTE, "P2": "ملاحظة باللغة العربية"}
    return record


@pytest.fixture(scope="module")
def run(demo_run, tmp_path_factory):
    """The shared demo run's ST0072 apprentice with deferrals and ST0071 v1.1 one with a resit,
    unexported, plus the hostile apprentice: run again (only the hostile notebooks execute) and
    exported to HTML and PDF."""
    keep = ("a07_", "a21_")
    cohort, out = demo_run.copy(tmp_path_factory.mktemp("export"), keep, exports=False)
    names = sorted(
        names_by_uln(
            {u: f for u, f in demo_run.by_uln.items() if f[0].name.startswith(keep)}
        ).values()
    )
    (cohort / "zz_hostile.json").write_text(
        json.dumps(hostile_record(), ensure_ascii=False), encoding="utf-8"
    )
    done = epa(
        "run",
        cohort,
        "--out",
        out,
        "--format",
        "html,pdf",
        "--quiet",
        "--organisation",
        ORGANISATION,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done, names


def method_notebooks(out: Path):
    return sorted(p for p in out.glob("*/*.ipynb") if p.name != "epa_result.ipynb")


class _Text(HTMLParser):
    """Text of an HTML page (script and style excluded), tags seen, and table rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.tags, self.rows, self._skip = [], [], [], 0
        self._row, self._cell = None, None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._skip += tag in ("style", "script", "title")
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script", "title")
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)
            if self._cell is not None:
                self._cell.append(data)


def parse_html(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def flat(text: str) -> str:
    return " ".join(text.split())


def squeeze(text: str) -> str:
    """Text without white space: PDF text wraps where the page does."""
    return "".join(text.split())


def pdf_text(path: Path) -> tuple[str, PdfReader]:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages), reader


def assert_a4(reader: PdfReader):
    assert len(reader.pages) >= 1
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1


def applicable_ids(bundle) -> list[str]:
    record, standard = parse_record(bundle["record"])
    ids = [c.id for c in standard.method(record.method).applicable(record.channels)]
    return ids + [k.split(".", 1)[1] for k in record.judgements if "." in k]


# --------------------------------------------------------------------------- what is written


def test_run_writes_a_record_per_notebook_a_statement_per_apprentice_and_cohort_outputs(run):
    out, done, _ = run
    folders = sorted(p for p in out.iterdir() if p.is_dir() and p.name != "cohort")
    assert len(folders) == 3
    for folder in folders:
        for nb in folder.glob("*.ipynb"):
            stem = "statement" if nb.name == "epa_result.ipynb" else nb.stem
            assert (folder / f"{stem}.html").stat().st_size > 0
            assert (folder / f"{stem}.pdf").read_bytes().startswith(b"%PDF-")
    assert (out / "results.xlsx").exists()
    assert (out / "summary.html").exists()
    assert not [p for p in out.rglob(".*") if p.name != ".epa-export.json"]  # no temporaries
    assert "export (html, pdf) of 3 apprentices: 22 files written" in done.stdout


def test_records_show_grade_every_applicable_descriptor_and_hash_in_html_and_pdf(run):
    out, _, _ = run
    standards = set()
    for nb in method_notebooks(out):
        bundle = read_method_outcome(nb)
        standards.add(bundle["standard"])
        record = bundle["record"]
        grade = bundle["outcome"]["grade"] or "Not yet graded"
        ids = applicable_ids(bundle)
        method = get_standard(bundle["standard"], bundle["version"]).method(bundle["method"])

        page = parse_html(nb.with_suffix(".html"))
        text = flat(" ".join(page.parts))
        cells = {row[0] for row in page.rows if row}
        assert grade in text and bundle["content_hash"] in text
        assert method.name in text and record["assessor"] in text
        assert set(ids) <= cells, f"{nb.name}: descriptors missing: {set(ids) - cells}"
        for row in page.rows:  # each descriptor row carries its judgement
            if row and row[0] in ids and len(row) == 4:
                assert re.match(r"(Met|Not met|Deferred|Not judged)", row[2])

        text, reader = pdf_text(nb.with_suffix(".pdf"))
        assert_a4(reader)
        assert grade in flat(text) and bundle["content_hash"] in text
        for cid in ids:
            assert re.search(rf"(?m)^{cid}\b", text), f"{nb.name}.pdf: {cid} missing"
        assert f"Page 1 of {len(reader.pages)}" in text
        if len(reader.pages) > 1:  # the running header: standard and ULN on later pages
            second = reader.pages[1].extract_text()
            assert f"ULN {bundle['uln']}" in second and bundle["standard"] in second
    assert standards == {"ST0072", "ST0071"}


def test_statement_shows_each_methods_grade_and_the_overall_grade(run):
    out, _, _ = run
    for result in sorted(out.glob("*/epa_result.ipynb")):
        bundle = read_epa_outcome(result)
        standard = get_standard(bundle["standard"], bundle["version"])
        outcome = bundle["outcome"]
        overall = outcome["grade"] or "Not yet graded"
        expected = [
            (
                m.name,
                (outcome["methods"][m.id]["grade"] or "Not yet graded")
                if m.id in outcome["methods"]
                else "Not assessed",
            )
            for m in standard.methods
        ]
        hashes = [a["content_hash"] for a in bundle["attempts"].values()]

        page = parse_html(result.with_name("statement.html"))
        text = flat(" ".join(page.parts))
        rows = {row[0]: row for row in page.rows if len(row) == 5}
        for name, grade in expected:
            assert rows[name][-1] == grade
        assert overall in text and bundle["apprentice"]["name"] in text
        assert all(h in text for h in hashes)
        assert ORGANISATION in text
        if outcome["grade"] is None:
            assert "Interim statement" in text

        text, reader = pdf_text(result.with_name("statement.pdf"))
        assert_a4(reader)
        body = flat(text)
        table = body[body.index("Results by assessment method") : body.index("Records this")]
        for (name, grade), following in zip(expected, [n for n, _ in expected[1:]] + [None]):
            segment = table[table.index(name) : table.index(following) if following else None]
            assert grade in segment, f"{name}: {grade} not in {segment!r}"
        assert overall in body and all(h in text for h in hashes)
        assert ORGANISATION in body


# --------------------------------------------------------------------------- hostile text


def test_hostile_names_notes_and_assessors_stay_plain_text_in_html(run):
    out, _, _ = run
    folder = out / HOSTILE_ULN
    for path in (
        folder / "practical_observation.html",
        folder / "statement.html",
        out / "summary.html",
    ):
        raw = path.read_text(encoding="utf-8")
        page = parse_html(path)
        assert "script" not in page.tags and "i" not in page.tags and "b" not in page.tags
        assert "<script" not in raw.lower()
        text = " ".join(page.parts)
        assert HOSTILE_ASSESSOR in text
        if path.name != "summary.html":  # the summary page names no apprentice
            assert HOSTILE_NAME in text
    page = parse_html(folder / "practical_observation.html")
    notes = [row[3] for row in page.rows if len(row) == 4]
    assert flat(HOSTILE_NOTE) in notes  # quotes, backslashes, {% %} and {{ }} verbatim
    raw = (folder / "practical_observation.html").read_text(encoding="utf-8")
    assert "second line\n  {% if x %}{{ x }}" in html_lib.unescape(raw)  # newlines kept


def _arabic(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if "\u0600" <= ch <= "\u06ff")


def test_hostile_names_and_notes_stay_plain_text_in_pdf(run):
    out, _, _ = run
    for name in ("practical_observation.pdf", "statement.pdf"):
        text, _ = pdf_text(out / HOSTILE_ULN / name)
        body = flat(text)
        for piece in ("Zoë Ñúñez-", "😀", "<script>alert(1)</script>", "{{ name }}"):
            assert piece in body, f"{name}: {piece!r} missing"
        arabic = _arabic(body)  # shaped glyphs read back in logical or visual order
        assert "أحمد" in arabic or "أحمد"[::-1] in arabic
    text, _ = pdf_text(out / HOSTILE_ULN / "practical_observation.pdf")
    assert squeeze(HOSTILE_NOTE) in squeeze(text)  # verbatim, wherever the lines wrap
    assert squeeze(HOSTILE_ASSESSOR) in squeeze(text)


# --------------------------------------------------------------------------- a page to look at


def test_first_page_of_a_record_and_a_statement_as_png_for_people_to_look_at(run):
    out, _, _ = run
    assert shutil.which("pdftoppm"), "pdftoppm is missing: apt-get install poppler-utils"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    graded = next(
        p
        for p in method_notebooks(out)
        if p.parent.name != HOSTILE_ULN and read_method_outcome(p)["outcome"]["grade"]
    )
    sources = {
        "record_page1": graded.with_suffix(".pdf"),
        "statement_page1": next(out.glob("*/statement.pdf")),
        "hostile_record_page1": out / HOSTILE_ULN / "practical_observation.pdf",
    }
    for stem, pdf in sources.items():
        target = ARTIFACTS / stem
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(target),
            ],
            check=True,
            capture_output=True,
        )
        png = target.with_suffix(".png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert abs(height / width - A4[1] / A4[0]) < 0.01  # one A4 page, portrait


# --------------------------------------------------------------------------- cohort outputs


def test_results_xlsx_has_a_sheet_per_standard_version_and_per_assessor(run):
    from openpyxl import load_workbook

    out, _, _ = run
    with open(out / "results.csv", newline="", encoding="utf-8") as handle:
        rows = {r["uln"]: r for r in csv.DictReader(handle)}
    wb = load_workbook(out / "results.xlsx")
    assessments: dict[str, list] = {}
    for nb in method_notebooks(out):
        bundle = read_method_outcome(nb)
        assessments.setdefault(bundle["record"]["assessor"], []).append(bundle)
    standard_sheets = sorted({f"{r['standard']} v{r['version']}" for r in rows.values()})
    assert wb.sheetnames[: len(standard_sheets)] == standard_sheets
    assert len(wb.sheetnames) == len(standard_sheets) + len(assessments)
    for title in standard_sheets:
        ws = wb[title]
        header = [c.value for c in ws[1]]
        assert header[:4] == ["ULN", "Apprentice", "Standard", "Version"]
        for values in ws.iter_rows(min_row=2, values_only=True):
            line = dict(zip(header, values))
            assert (line["Overall"] or "") == rows[line["ULN"]]["overall"]
    found = {}
    for title in wb.sheetnames[len(standard_sheets) :]:
        ws = wb[title]
        assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
        for cell in ws["A"][1:]:
            assert cell.data_type == "s"  # "=HYPERLINK(...)" is text, not a formula
            found[cell.value] = found.get(cell.value, 0) + 1
    assert found == {a: len(b) for a, b in assessments.items()}


def test_summary_page_charts_grades_per_method_and_per_assessor(run):
    out, _, _ = run
    raw = (out / "summary.html").read_text(encoding="utf-8")
    images = re.findall(r'<img [^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"', raw)
    assert len(images) == 2
    for data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG")
    page = parse_html(out / "summary.html")
    tables = {row[0]: row for row in page.rows if row}
    st0072 = [r for r in tables if r.startswith("ST0072 · ")]
    assert {r.split(" · ", 1)[1] for r in st0072} == {
        m.name for m in get_standard("ST0072", "1.0").methods
    }
    assert tables[HOSTILE_ASSESSOR][-1] == "1"  # one method assessment
    assert tables["ST0072 v1.0"][-1] == "2" and tables["ST0071 v1.1"][-1] == "1"
    assert 'href="' + HOSTILE_ULN + '/statement.html"' in raw


# --------------------------------------------------------------------------- resuming


def test_exporting_again_writes_only_what_changed_or_is_missing(run, tmp_path):
    out, _, _ = run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    xlsx = (copy / "results.xlsx").stat().st_mtime_ns
    again = epa("export", copy, "--format", "html,pdf", "--quiet", "--organisation", ORGANISATION)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 files written, 22 already done and unchanged, 0 failed" in again.stdout
    assert (copy / "results.xlsx").stat().st_mtime_ns == xlsx
    target = next(copy.glob("*/statement.pdf"))
    target.unlink()
    third = epa("export", copy, "--format", "pdf", "--quiet", "--organisation", ORGANISATION)
    assert "1 files written, 10 already done" in third.stdout
    assert target.exists()
    other = epa("export", copy, "--format", "html", "--quiet", "--organisation", "Another EPAO")
    assert "3 files written" in other.stdout  # the statements name the organisation


def test_a_notebook_without_an_outcome_fails_only_its_own_export(run, tmp_path):
    out, _, _ = run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    broken = next(p for p in method_notebooks(copy) if p.parent.name != HOSTILE_ULN)
    nb = json.loads(broken.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
    broken.write_text(json.dumps(nb), encoding="utf-8")
    for html in copy.glob("*/*.html"):
        html.unlink()
    done = epa("export", copy, "--quiet")
    assert done.returncode == 1
    assert f"failed: {broken}: holds no method or result outcome output" in done.stdout
    assert "Traceback" not in done.stderr
    assert not broken.with_suffix(".html").exists()
    assert len(list(copy.glob("*/*.html"))) == 10


def test_a_record_that_does_not_match_its_hash_is_refused(run):
    out, _, _ = run
    bundle = read_method_outcome(method_notebooks(out)[0])
    bundle["record"]["notes"] = {"P1": "changed after submission"}
    with pytest.raises(InputError, match="does not match its content hash"):
        record_view(bundle, source="x.ipynb")


# --------------------------------------------------------------------------- the command


def test_nothing_personal_in_what_run_and_export_print(run, tmp_path):
    out, done, names = run
    again = epa("export", out, "--format", "html,pdf", "--organisation", ORGANISATION)
    printed = done.stdout + done.stderr + again.stdout + again.stderr
    ulns = [p.name for p in out.iterdir() if p.is_dir()]
    for secret in [*names, HOSTILE_NAME, "Zoë", *ulns]:
        assert secret not in printed


def test_formats_option():
    assert parse_formats("pdf,html") == ("html", "pdf")
    assert parse_formats(" HTML ") == ("html",)
    assert parse_formats("none") == ()
    for bad in ("", "docx", "html,none"):
        with pytest.raises(InputError, match="allowed: html, pdf"):
            parse_formats(bad)
    from epa_kernel.cli import build_parser

    assert build_parser().parse_args(["run", "c", "--out", "o"]).format == ("html",)
    assert build_parser().parse_args(["export", "o", "--format", "none"]).format == ()
    bad = epa("export", "outputs", "--format", "docx")
    assert bad.returncode == 2 and "allowed: html, pdf" in bad.stderr
    missing = epa("export", ROOT / "tests")
    assert missing.returncode == 2 and "holds no results.csv" in missing.stderr
