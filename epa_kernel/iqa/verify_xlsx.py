"""IQA for ``results.xlsx``: its cells against the verified outcomes, as ``results.csv``'s row.

The workbook (:mod:`epa_kernel.exports.results_xlsx`) is read with openpyxl. On the sheet of the
apprentice's standard version, their row must say the verified standard, version, each method's
grade, overall grade and status; on the assessors' sheets, each row of theirs whose content hash
is a verified record's must give what the export derives from the verified outcomes
(:func:`epa_kernel.exports.run_data.assessment_row`: the grade as awarded, whether it counts, the
method's status and attempt), and each verified record must have a row.
"""

from __future__ import annotations

from pathlib import Path

from epa_kernel.core.catalogue import get_standard
from epa_kernel.errors import InputError
from epa_kernel.exports.run_data import assessment_row
from epa_kernel.iqa.verify_outputs import expected_row

XLSX = "results.xlsx"
_RESULTS_HEAD = ["ULN", "Apprentice", "Standard", "Version"]
_ASSESSOR_HEAD = ["Assessor", "ULN"]


def _text(value) -> str:
    return "" if value is None else str(value)


def read_sheets(path: Path) -> list[tuple[str, list[dict[str, str]]]]:
    """Each sheet of the workbook: its name and its rows as heading -> text."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        out = []
        for ws in wb.worksheets:
            rows = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            if rows:
                out.append((ws.title, [dict(zip(rows[0], r)) for r in rows[1:]]))
        return out
    finally:
        wb.close()


def xlsx_problems(
    sheets: list[tuple[str, list[dict[str, str]]]], uln: str, bundle: dict, methods: list[dict]
) -> list[str]:
    """What ``results.xlsx`` says of apprentice ``uln`` that the verified result ``bundle`` and
    verified method outcomes ``methods`` do not."""
    out = []
    want = expected_row(bundle)
    standard = get_standard(bundle["standard"], bundle["version"])
    names = {m.id: m.name for m in standard.methods}
    columns = {"Standard": "standard", "Version": "version", "Overall": "overall"}
    columns |= {"Status": "status"} | {names[m]: m for m in names if m in want}
    found = [
        (sheet, row)
        for sheet, rows in sheets
        for row in rows
        if list(row)[:4] == _RESULTS_HEAD and row.get("ULN") == uln
    ]
    if len(found) != 1:
        out.append(f"{len(found) or 'no'} rows for this apprentice on the results sheets")
    for sheet, row in found:
        for heading, key in columns.items():
            if row.get(heading, "") != want[key]:
                out.append(
                    f"{heading} (sheet {sheet}): {XLSX} says {row.get(heading) or '(empty)'}, "
                    f"verified {want[key] or '(empty)'}"
                )
    return out + _assessor_problems(sheets, uln, bundle, methods)


def _assessor_problems(sheets, uln: str, bundle: dict, methods: list[dict]) -> list[str]:
    counted = {m: a["content_hash"] for m, a in (bundle.get("attempts") or {}).items()}
    final = {m: o["grade"] for m, o in bundle["outcome"]["methods"].items()}
    expected = {}
    for method in methods:
        try:
            row = assessment_row(uln, method, counted, final)
        except (KeyError, TypeError, AttributeError, InputError):
            continue  # a record the kit cannot read: its notebook's check says so
        expected[row["content_hash"]] = {
            "Attempt": row["attempt"],
            "Grade": row["grade"] or "",
            "Counts towards the EPA": "yes" if row["counts"] else "no (replaced)",
            "Method status": row["status"],
        }
    out, seen = [], set()
    for sheet, rows in sheets:
        for row in rows:
            if list(row)[:2] != _ASSESSOR_HEAD or row.get("ULN") != uln:
                continue
            want = expected.get(row.get("Content hash", ""))
            if want is None:
                continue
            seen.add(row["Content hash"])
            for heading, value in want.items():
                if row.get(heading, "") != value:
                    out.append(
                        f"{row.get('Method')} {heading.lower()} (sheet {sheet}): {XLSX} says "
                        f"{row.get(heading) or '(empty)'}, verified {value or '(empty)'}"
                    )
    for digest in sorted(set(expected) - seen):
        out.append(f"no assessor's row for the verified record {digest[:12]}")
    return out
