"""``results.xlsx``: a run's results as a workbook, a sheet per standard version and per assessor.

The sheets per standard version hold the rows of ``results.csv``, with method names as headings
and the apprentice's name; each assessor's sheet lists every method assessment they made, with the
grade it gave and whether it counts towards the EPA. Text that starts with ``=`` stays text, never
a formula; characters XLSX cannot hold are replaced, never dropped silently.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from epa_kernel.core.catalogue import get_standard
from epa_kernel.exports.run_data import RunData, method_name

XLSX = "results.xlsx"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # not allowed in XLSX text


def sheet_name(wanted: str, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\, no edge quotes."""
    base = _ILLEGAL.sub("", _SHEET_FORBIDDEN.sub("-", wanted)).strip().strip("'") or "Sheet"
    name, n = base[:31], 1
    while name.casefold() in used:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    used.add(name.casefold())
    return name


def write_sheet(ws, header: list[str], rows: list[list[Any]]) -> None:
    """A sheet with a styled header, frozen and filterable, and columns sized to their text."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F2A44")
        cell.alignment = Alignment(vertical="center")
    for values in rows:
        ws.append([_ILLEGAL.sub("\ufffd", v) if isinstance(v, str) else v for v in values])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # openpyxl reads text starting with "=" as a formula
                cell.data_type = "s"
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for index, column in enumerate(ws.iter_cols(min_row=1, max_row=ws.max_row), start=1):
        width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)


def results_workbook(data: RunData) -> bytes:
    """``results.xlsx``: a sheet per standard version, then one per assessor."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    keys = sorted({(r["standard"], r["version"]) for r in data.results if r["standard"]})
    for code, version in keys:
        standard = get_standard(code, version)
        ws = wb.create_sheet(sheet_name(standard.key, used))
        rows = [
            [
                r["uln"],
                data.names.get(r["uln"], ""),
                code,
                version,
                *[r.get(m.id, "") for m in standard.methods],
                r["overall"],
                r["status"],
                r["message"],
            ]
            for r in data.results
            if (r["standard"], r["version"]) == (code, version)
        ]
        write_sheet(
            ws,
            [
                "ULN",
                "Apprentice",
                "Standard",
                "Version",
                *[m.name for m in standard.methods],
                "Overall",
                "Status",
                "Message",
            ],
            rows,
        )
    unreadable = [r for r in data.results if not r["standard"]]
    if unreadable:
        ws = wb.create_sheet(sheet_name("Not run", used))
        write_sheet(
            ws,
            ["ULN", "Status", "Message"],
            [[r["uln"], r["status"], r["message"]] for r in unreadable],
        )
    by_assessor: dict[str, list[dict]] = {}
    for a in data.assessments:
        by_assessor.setdefault(a["assessor"], []).append(a)
    for assessor in sorted(by_assessor, key=str.casefold):
        ws = wb.create_sheet(sheet_name(assessor, used))
        rows = [
            [
                a["assessor"],
                a["uln"],
                a["name"],
                a["standard"],
                a["version"],
                method_name(a["standard"], a["version"], a["method"]),
                a["attempt"],
                date.fromisoformat(a["assessed_on"]) if a["assessed_on"] else None,
                a["grade"] or "",
                "yes" if a["counts"] else "no (replaced)",
                a["status"],
                a["content_hash"],
            ]
            for a in sorted(
                by_assessor[assessor], key=lambda a: (a["assessed_on"] or "", a["uln"], a["method"])
            )
        ]
        write_sheet(
            ws,
            [
                "Assessor",
                "ULN",
                "Apprentice",
                "Standard",
                "Version",
                "Method",
                "Attempt",
                "Assessed on",
                "Grade",
                "Counts towards the EPA",
                "Method status",
                "Content hash",
            ],
            rows,
        )
    if not wb.sheetnames:
        write_sheet(wb.create_sheet("Results"), ["ULN", "Status", "Message"], [])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
