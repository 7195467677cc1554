"""Cohort outputs of a batch run: the summary page ``summary.html`` and ``results.xlsx``.

Both show what the run left in its output folder (:mod:`epa_kernel.exports.run_data`), never
recomputed. ``summary.html`` gives the overall grades per standard version, and charts
(:mod:`epa_kernel.exports.charts`) of the grade distribution per method and per assessor, each
with its table, and links each apprentice to their exported statement and records;
``results.xlsx`` is :mod:`epa_kernel.exports.results_xlsx`. Both are written again only when what
they show, the templates or the exports they link to have changed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from epa_kernel import __version__
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.vocabulary import attempt_stem
from epa_kernel.exports.charts import GRADE_COLUMNS, grade_chart, grade_label, grade_table
from epa_kernel.exports.manifest import fingerprint, read_manifest, write_manifest
from epa_kernel.exports.render import COHORT_TEMPLATE, render, templates_digest
from epa_kernel.exports.results_xlsx import XLSX, results_workbook
from epa_kernel.exports.run_data import RunData, method_name, read_run
from epa_kernel.exports.views import GRADE_CLASSES, long_date
from epa_kernel.files import write_atomic
from epa_kernel.paths import templates_dir

SUMMARY = "summary.html"


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
                found.setdefault(key, Counter())[grade_label(outcome["methods"][m.id])] += 1
    return [(names[k], found[k]) for k in sorted(found)]


def assessor_distribution(data: RunData) -> list[tuple[str, Counter]]:
    """Per assessor, how many of their method assessments got each grade."""
    found: dict[str, Counter] = {}
    for a in data.assessments:
        found.setdefault(a["assessor"], Counter())[grade_label(a["grade"])] += 1
    return sorted(found.items(), key=lambda item: item[0].casefold())


def overall_distribution(data: RunData) -> list[dict[str, Any]]:
    """Per standard version, overall grades; runs that failed counted apart."""
    rows = []
    keys = sorted({(r["standard"], r["version"]) for r in data.results})
    for code, version in keys:
        mine = [r for r in data.results if (r["standard"], r["version"]) == (code, version)]
        counts = Counter(grade_label(r["overall"] or None) for r in mine if r["status"] != "failed")
        rows.append(
            {
                "label": f"{code} v{version}" if code else "Records that could not be read",
                "counts": [counts[g] for g in GRADE_COLUMNS],
                "failed": sum(r["status"] == "failed" for r in mine),
                "total": len(mine),
            }
        )
    return rows


def exported(out: Path, uln: str, stem: str) -> str:
    """The export's HTML, else its PDF, relative to the page; "" when neither exists."""
    for ext in ("html", "pdf"):
        if (out / uln / f"{stem}.{ext}").exists():
            return f"{uln}/{stem}.{ext}"
    return ""


def apprentice_rows(data: RunData, out: Path) -> list[dict[str, Any]]:
    """One row per apprentice: their overall grade, and links to their statement and records."""
    links = {}
    for a in data.assessments:
        label = method_name(a["standard"], a["version"], a["method"])
        if a["attempt"] != "first":
            label += f" ({a['attempt']})"
        href = exported(out, a["uln"], attempt_stem(a["method"], a["attempt"]))
        if href:
            links.setdefault(a["uln"], []).append({"label": label, "href": href})
    rows = []
    for row in data.results:
        if not row["uln"]:
            continue
        overall = row["overall"] or None
        rows.append(
            {
                "uln": row["uln"],
                "standard": f"{row['standard']} v{row['version']}",
                "overall": grade_label(overall) if row["status"] != "failed" else "Run failed",
                "css": GRADE_CLASSES[overall] if row["status"] != "failed" else "grade-fail",
                "status": row["status"],
                "message": row["message"],
                "statement": exported(out, row["uln"], "statement"),
                "records": links.get(row["uln"], []),
            }
        )
    return rows


def summary_view(data: RunData, out: Path) -> dict[str, Any]:
    """What the cohort summary page prints."""
    by_method = method_distribution(data)
    by_assessor = assessor_distribution(data)
    return {
        "kind": "cohort",
        "title": "Cohort results",
        "folder": out.resolve().name,
        "generated_on": long_date(date.today()),
        "kit_version": __version__,
        "grades": list(GRADE_COLUMNS),
        "overall": overall_distribution(data),
        "apprentice_count": sum(1 for r in data.results if r["uln"]),
        "assessment_count": len(data.assessments),
        "methods_chart": grade_chart(by_method, xlabel="Apprentices") if by_method else "",
        "methods_table": grade_table(by_method),
        "assessors_chart": grade_chart(by_assessor, xlabel="Method assessments")
        if by_assessor
        else "",
        "assessors_table": grade_table(by_assessor),
        "apprentices": apprentice_rows(data, out),
        "problems": [r["message"] for r in data.results if not r["uln"]],
    }


def write_cohort_outputs(out: str | Path, *, templates: Path | None = None) -> list[Path]:
    """Write ``results.xlsx`` and ``summary.html`` into ``out`` (atomically), unless what they
    show and the templates are unchanged since they were last written. Returns their paths."""
    import nbformat

    out = Path(out)
    templates = templates or templates_dir()
    data = read_run(out)
    linked = sorted(
        p.relative_to(out).as_posix()  # what the summary page links to
        for pattern in ("*/*.html", "*/*.pdf")
        for p in out.glob(pattern)
    )
    made_from = fingerprint(
        part.encode() for part in [data.digest(), templates_digest(templates), __version__, *linked]
    )
    manifest = read_manifest(out)
    paths = [out / XLSX, out / SUMMARY]
    if all(manifest.get(p.name) == made_from and p.exists() for p in paths):
        return paths
    write_atomic(out / XLSX, results_workbook(data))
    write_atomic(
        out / SUMMARY,
        render(COHORT_TEMPLATE, nbformat.v4.new_notebook(), summary_view(data, out), templates),
    )
    manifest.update({p.name: made_from for p in paths})
    write_manifest(out, manifest)
    return paths
