"""Reading outcomes back from executed notebooks, and the cohort's ``results.csv``.

Grades are read from the machine-readable output each workbook emits (its own MIME type), not
recomputed and not parsed out of HTML: ``results.csv`` shows what the evidence notebooks say.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from epa_kernel.batch.cohort import Cohort
from epa_kernel.files import write_atomic
from epa_kernel.core.bundles import EPA_MIME, METHOD_MIME

METHOD_COLUMNS = ("apprentice_showcase", "practical_observation", "work_based_project",
                  "professional_discussion")
COLUMNS = ("uln", "standard", "version", *METHOD_COLUMNS, "overall", "status", "message")


def read_bundle(path: str | Path, mime: str) -> dict | None:
    """The last output of type ``mime`` in an executed notebook, or None."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    found = None
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            if mime in output.get("data", {}):
                found = output["data"][mime]
    return found


def read_method_outcome(path) -> dict | None:
    return read_bundle(path, METHOD_MIME)


def read_epa_outcome(path) -> dict | None:
    return read_bundle(path, EPA_MIME)


def result_rows(cohort: Cohort, out: Path, summary) -> list[dict]:
    rows = []
    for uln, entry in sorted(cohort.apprentices.items()):
        row = dict.fromkeys(COLUMNS, "")
        row["uln"] = uln
        if entry.standard is not None:
            row["standard"], row["version"] = entry.standard.standard, entry.standard.version
        if uln in summary.failed:
            row.update(status="failed", message=summary.failed[uln])
            rows.append(row)
            continue
        bundle = read_epa_outcome(out / uln / "epa_result.ipynb")
        if bundle is None:
            row.update(status="failed", message="epa_result.ipynb has no outcome output")
        else:
            outcome = bundle["outcome"]
            for method, o in outcome["methods"].items():
                row[method] = o["grade"] or ""
            row.update(overall=outcome["grade"] or "", status="graded" if outcome["grade"]
                       else "incomplete")
        rows.append(row)
    for message in summary.unattributed:
        row = dict.fromkeys(COLUMNS, "")
        row.update(status="failed", message=message)
        rows.append(row)
    return rows


def write_results(cohort: Cohort, out: Path, summary) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(result_rows(cohort, out, summary))
    path = out / "results.csv"
    write_atomic(path, buffer.getvalue())
    return path


def summary_table(results_csv: str | Path) -> str:
    """Overall grades per standard version, as a small text table."""
    with open(results_csv, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    grades = ("Fail", "Pass", "Distinction", "")
    keys = sorted({(r["standard"], r["version"]) for r in rows})
    lines = [f"{'standard':<14}{'Fail':>6}{'Pass':>6}{'Dist.':>7}{'other':>7}{'total':>7}"]
    for standard, version in keys:
        mine = [r for r in rows if (r["standard"], r["version"]) == (standard, version)]
        counts = [sum(r["overall"] == g for r in mine) for g in grades]
        label = f"{standard} v{version}" if standard else "(unreadable)"
        lines.append(f"{label:<14}{counts[0]:>6}{counts[1]:>6}{counts[2]:>7}{counts[3]:>7}"
                     f"{len(mine):>7}")
    return "\n".join(lines)
