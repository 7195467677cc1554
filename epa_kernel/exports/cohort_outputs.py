"""Cohort outputs of a batch run: ``results.xlsx`` and the cohort summary page ``summary.html``.

Both are read from what the run left in its output folder, never recomputed: ``results.csv`` (one
row per apprentice, including those whose run failed) and each executed notebook's
machine-readable outcome (the method records carry their assessor; the result notebook says
which attempt of each method counts and the grade it got once deferred descriptors were judged).

- ``results.xlsx``: a sheet per standard version (the rows of ``results.csv``, with method names
  as headings and the apprentice's name) and a sheet per assessor (every method assessment they
  made, with the grade it gave). Text that starts with ``=`` stays text, never a formula.
- ``summary.html``: overall grades per standard version, and charts (matplotlib, embedded as PNG
  data URIs) of the grade distribution per method and per assessor, each with its table.

A method's grade "as awarded" is the grade that counts towards the EPA for the attempt that counts
(deferred descriptors resolved, caps applied) and, for an earlier attempt that a resit or retake
replaced, the grade that attempt was given.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from epa_kernel import __version__
from epa_kernel.errors import InputError
from epa_kernel.files import write_atomic
from epa_kernel.exports.results_csv import COLUMNS, read_bundle
from epa_kernel.core.spec import get_standard
from epa_kernel.core.bundles import EPA_MIME, METHOD_MIME

GRADES = ("Fail", "Pass", "Distinction", "Not yet graded")
GRADE_COLOURS = {"Fail": "#b3261e", "Pass": "#2e7d32", "Distinction": "#1f4e9c",
                 "Not yet graded": "#9e9e9e"}
XLSX = "results.xlsx"
SUMMARY = "summary.html"
MANIFEST = ".epa-export.json"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class RunData:
    """What the cohort outputs show, read from a run's output folder."""

    results: list[dict[str, str]]
    assessments: list[dict[str, Any]] = field(default_factory=list)  # one per method notebook
    method_grades: dict[str, dict[str, Any]] = field(default_factory=dict)  # uln -> outcome
    names: dict[str, str] = field(default_factory=dict)  # uln -> apprentice name

    def digest(self) -> str:
        data = [self.results, self.assessments, self.method_grades, self.names]
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def read_run(out: Path) -> RunData:
    from epa_kernel.exports.render import apprentice_folders

    path = out / "results.csv"
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            data = RunData(results=list(reader))
            header = reader.fieldnames or []
    except FileNotFoundError:
        raise InputError("no such file: run `epa run` first", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 text (byte {exc.start}); it is written by `epa run`: "
                         "run it again", file=str(path)) from None
    except csv.Error as exc:
        raise InputError(f"not valid CSV: {exc}", file=str(path)) from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(f"not the results of `epa run`: column {missing[0]!r} is missing "
                         f"(expected: {', '.join(COLUMNS)})", file=str(path))
    if any(None in row for row in data.results):  # a row with more cells than the header
        raise InputError("not valid results: a row has more cells than the header",
                         file=str(path))
    for folder in apprentice_folders(out):
        uln = folder.name
        counted, final = {}, {}
        epa = _bundle(folder / "epa_result.ipynb", EPA_MIME)
        try:
            if epa is not None:
                get_standard(epa["standard"], epa["version"])  # a standard the kit holds
                counted = {m: a["content_hash"] for m, a in epa.get("attempts", {}).items()}
                final = {m: o["grade"] for m, o in epa["outcome"]["methods"].items()}
                data.method_grades[uln] = {"standard": epa["standard"],
                                           "version": epa["version"], "methods": final}
                data.names[uln] = epa.get("apprentice", {}).get("name", "")
        except (KeyError, TypeError, AttributeError, InputError):
            counted, final = {}, {}  # a malformed outcome: its statement export says so
        for nb in sorted(folder.glob("*.ipynb")):
            if nb.name.startswith(".") or nb.name == "epa_result.ipynb":
                continue
            try:
                data.assessments.append(_assessment(uln, _bundle(nb, METHOD_MIME), counted,
                                                    final))
            except (KeyError, TypeError, AttributeError, InputError):
                continue  # no or a malformed outcome: its record export says so
            data.names.setdefault(uln, data.assessments[-1]["name"])
    return data


def _assessment(uln: str, bundle: dict | None, counted: dict, final: dict) -> dict[str, Any]:
    """One method notebook's row; the grade that counts when this attempt is the one counted."""
    from epa_kernel.core.records import parse_record

    record, _ = parse_record(bundle["record"])  # raises on a missing or malformed record
    method = record.method
    counts = counted.get(method) == bundle["content_hash"]
    return {"uln": uln, "name": record.apprentice.name, "standard": record.standard,
            "version": record.version, "method": method, "attempt": record.attempt,
            "assessor": record.assessor,
            "assessed_on": record.assessed_on.isoformat() if record.assessed_on else None,
            "grade": final[method] if counts and method in final else bundle["outcome"]["grade"],
            "counts": counts, "status": bundle["outcome"]["status"],
            "content_hash": bundle["content_hash"]}


def _bundle(path: Path, mime: str) -> dict | None:
    """A notebook's outcome, or None when it has none or cannot be read (the record export of
    that notebook reports why)."""
    try:
        return read_bundle(path, mime) if path.exists() else None
    except (OSError, ValueError):
        return None


def _method_name(code: str, version: str, method: str) -> str:
    found = get_standard(code, version).method(method)
    return found.name if found else method


def _label(grade: str | None) -> str:
    return grade or "Not yet graded"


def method_distribution(data: RunData) -> list[tuple[str, Counter]]:
    """Per standard and method, how many apprentices have each grade (the grade that counts)."""
    found: dict[tuple[str, str], Counter] = {}
    names: dict[tuple[str, str], str] = {}
    for outcome in data.method_grades.values():
        standard = get_standard(outcome["standard"], outcome["version"])
        for m in standard.methods:
            if m.id in outcome["methods"]:
                key = (standard.standard, m.id)
                names.setdefault(key, f"{standard.standard} · {m.name}")
                found.setdefault(key, Counter())[_label(outcome["methods"][m.id])] += 1
    return [(names[k], found[k]) for k in sorted(found)]


def assessor_distribution(data: RunData) -> list[tuple[str, Counter]]:
    """Per assessor, how many of their method assessments got each grade."""
    found: dict[str, Counter] = {}
    for a in data.assessments:
        found.setdefault(a["assessor"], Counter())[_label(a["grade"])] += 1
    return sorted(found.items(), key=lambda item: item[0].casefold())


def overall_distribution(data: RunData) -> list[dict[str, Any]]:
    """Per standard version, overall grades; runs that failed counted apart."""
    rows = []
    keys = sorted({(r["standard"], r["version"]) for r in data.results})
    for code, version in keys:
        mine = [r for r in data.results if (r["standard"], r["version"]) == (code, version)]
        counts = Counter(_label(r["overall"] or None) for r in mine if r["status"] != "failed")
        rows.append({"label": f"{code} v{version}" if code else "Records that could not be read",
                     "counts": [counts[g] for g in GRADES],
                     "failed": sum(r["status"] == "failed" for r in mine), "total": len(mine)})
    return rows


# --------------------------------------------------------------------------- charts


def grade_chart(rows: list[tuple[str, Counter]], *, xlabel: str) -> str:
    """A horizontal stacked bar chart of grade counts per row, as a PNG data URI."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    labels = [label if len(label) <= 48 else label[:47] + "…" for label, _ in rows]
    # parse_math off: a name holding "$" is text, not TeX (and not an error).
    with rc_context({"text.parse_math": False, "font.family": ["DejaVu Sans"],
                     "font.size": 9}), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs missing from the font: drawn as boxes
        fig = Figure(figsize=(7.2, 0.42 * len(rows) + 1.25), dpi=150, layout="constrained")
        ax = fig.subplots()
        positions = list(range(len(rows)))
        left = [0] * len(rows)
        for grade in GRADES:
            values = [counts[grade] for _, counts in rows]
            if not any(values):
                continue
            bars = ax.barh(positions, values, left=left, color=GRADE_COLOURS[grade], label=grade,
                           height=0.62, edgecolor="white", linewidth=0.8)
            ax.bar_label(bars, labels=[str(v) if v else "" for v in values],
                         label_type="center", color="white", fontsize=8, fontweight="bold")
            left = [a + b for a, b in zip(left, values)]
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(xlabel)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#e3e6ec", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(ncols=4, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False,
                  fontsize=8, handlelength=1.2)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _table(rows: list[tuple[str, Counter]]) -> list[dict[str, Any]]:
    return [{"label": label, "counts": [counts[g] for g in GRADES],
             "total": sum(counts.values())} for label, counts in rows]


# --------------------------------------------------------------------------- summary page


def summary_view(data: RunData, out: Path) -> dict[str, Any]:
    from epa_kernel.exports.render import GRADE_CLASSES, long_date

    by_method = method_distribution(data)
    by_assessor = assessor_distribution(data)
    def exported(uln: str, stem: str) -> str:
        """The record's HTML, else its PDF, relative to the page; "" when neither exists."""
        for ext in ("html", "pdf"):
            if (out / uln / f"{stem}.{ext}").exists():
                return f"{uln}/{stem}.{ext}"
        return ""

    links = {}
    for a in data.assessments:
        stem = a["method"] if a["attempt"] == "first" else f"{a['method']}.{a['attempt']}"
        label = _method_name(a["standard"], a["version"], a["method"])
        if a["attempt"] != "first":
            label += f" ({a['attempt']})"
        href = exported(a["uln"], stem)
        if href:
            links.setdefault(a["uln"], []).append({"label": label, "href": href})
    apprentices = []
    for row in data.results:
        if not row["uln"]:
            continue
        overall = row["overall"] or None
        apprentices.append({
            "uln": row["uln"], "standard": f"{row['standard']} v{row['version']}",
            "overall": _label(overall) if row["status"] != "failed" else "Run failed",
            "css": GRADE_CLASSES[overall] if row["status"] != "failed" else "grade-fail",
            "status": row["status"], "message": row["message"],
            "statement": exported(row["uln"], "statement"),
            "records": links.get(row["uln"], [])})
    problems = [r["message"] for r in data.results if not r["uln"]]
    return {
        "kind": "cohort",
        "title": "Cohort results",
        "folder": out.resolve().name,
        "generated_on": long_date(date.today()),
        "kit_version": __version__,
        "grades": list(GRADES),
        "overall": overall_distribution(data),
        "apprentice_count": sum(1 for r in data.results if r["uln"]),
        "assessment_count": len(data.assessments),
        "methods_chart": grade_chart(by_method, xlabel="Apprentices") if by_method else "",
        "methods_table": _table(by_method),
        "assessors_chart": grade_chart(by_assessor, xlabel="Method assessments")
        if by_assessor else "",
        "assessors_table": _table(by_assessor),
        "apprentices": apprentices,
        "problems": problems,
    }


# --------------------------------------------------------------------------- workbook

_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # not allowed in XLSX text


def _sheet_name(wanted: str, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\, no edge quotes."""
    base = _ILLEGAL.sub("", _SHEET_FORBIDDEN.sub("-", wanted)).strip().strip("'") or "Sheet"
    name, n = base[:31], 1
    while name.casefold() in used:
        n += 1
        suffix = f" ({n})"
        name = base[:31 - len(suffix)] + suffix
    used.add(name.casefold())
    return name


def _write_sheet(ws, header: list[str], rows: list[list[Any]]) -> None:
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
        ws = wb.create_sheet(_sheet_name(standard.key, used))
        rows = [[r["uln"], data.names.get(r["uln"], ""), code, version,
                 *[r.get(m.id, "") for m in standard.methods], r["overall"], r["status"],
                 r["message"]]
                for r in data.results if (r["standard"], r["version"]) == (code, version)]
        _write_sheet(ws, ["ULN", "Apprentice", "Standard", "Version",
                          *[m.name for m in standard.methods], "Overall", "Status", "Message"],
                     rows)
    unreadable = [r for r in data.results if not r["standard"]]
    if unreadable:
        ws = wb.create_sheet(_sheet_name("Not run", used))
        _write_sheet(ws, ["ULN", "Status", "Message"],
                     [[r["uln"], r["status"], r["message"]] for r in unreadable])
    by_assessor: dict[str, list[dict]] = {}
    for a in data.assessments:
        by_assessor.setdefault(a["assessor"], []).append(a)
    for assessor in sorted(by_assessor, key=str.casefold):
        ws = wb.create_sheet(_sheet_name(assessor, used))
        rows = [[a["assessor"], a["uln"], a["name"], a["standard"], a["version"],
                 _method_name(a["standard"], a["version"], a["method"]), a["attempt"],
                 date.fromisoformat(a["assessed_on"]) if a["assessed_on"] else None,
                 a["grade"] or "", "yes" if a["counts"] else "no (replaced)", a["status"],
                 a["content_hash"]]
                for a in sorted(by_assessor[assessor],
                                key=lambda a: (a["assessed_on"] or "", a["uln"], a["method"]))]
        _write_sheet(ws, ["Assessor", "ULN", "Apprentice", "Standard", "Version", "Method",
                          "Attempt", "Assessed on", "Grade", "Counts towards the EPA",
                          "Method status", "Content hash"], rows)
    if not wb.sheetnames:
        _write_sheet(wb.create_sheet("Results"), ["ULN", "Status", "Message"], [])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- both


def write_cohort_outputs(out: str | Path, *, templates: Path | None = None) -> list[Path]:
    """Write ``results.xlsx`` and ``summary.html`` into ``out`` (atomically), unless what they
    show and the templates are unchanged since they were last written. Returns their paths."""
    import nbformat

    from epa_kernel.exports.render import COHORT_TEMPLATE, render, templates_digest
    from epa_kernel.paths import templates_dir

    out = Path(out)
    templates = templates or templates_dir()
    data = read_run(out)
    linked = sorted(p.relative_to(out).as_posix()  # what the summary page links to
                    for pattern in ("*/*.html", "*/*.pdf") for p in out.glob(pattern))
    fingerprint = hashlib.sha256("\0".join([data.digest(), templates_digest(templates),
                                            __version__, *linked]).encode()).hexdigest()
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    paths = [out / XLSX, out / SUMMARY]
    if all(manifest.get(p.name) == fingerprint and p.exists() for p in paths):
        return paths
    write_atomic(out / XLSX, results_workbook(data))
    write_atomic(out / SUMMARY, render(COHORT_TEMPLATE, nbformat.v4.new_notebook(),
                                       summary_view(data, out), templates))
    manifest.update({p.name: fingerprint for p in paths})
    write_atomic(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
    return paths
