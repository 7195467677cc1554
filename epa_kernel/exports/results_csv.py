"""The cohort's ``results.csv``: one row per apprentice with each method's grade and the overall.

Grades are the ones the executed result notebooks emitted (:mod:`epa_kernel.exports.outcomes`),
not recomputed: ``results.csv`` shows what the evidence notebooks say. An apprentice whose run
failed keeps a row saying why, and a file no apprentice could be named for gets a row of its own.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from epa_kernel.core.vocabulary import GRADES, METHOD_IDS
from epa_kernel.exports.outcomes import RESULT_NOTEBOOK, read_epa_outcome
from epa_kernel.files import write_atomic

COLUMNS = ("uln", "standard", "version", *METHOD_IDS, "overall", "status", "message")


def result_rows(cohort, out: Path, summary) -> list[dict]:
    """The rows for a batch run's ``cohort`` (its apprentices, each with a standard or None)
    whose notebooks are in ``out``, given the run's ``summary`` (failed and unattributed)."""
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
        bundle = read_epa_outcome(out / uln / RESULT_NOTEBOOK)
        if bundle is None:
            row.update(status="failed", message=f"{RESULT_NOTEBOOK} has no outcome output")
        else:
            outcome = bundle["outcome"]
            for method, o in outcome["methods"].items():
                row[method] = o["grade"] or ""
            row.update(
                overall=outcome["grade"] or "",
                status="graded" if outcome["grade"] else "incomplete",
            )
        rows.append(row)
    for message in summary.unattributed:
        row = dict.fromkeys(COLUMNS, "")
        row.update(status="failed", message=message)
        rows.append(row)
    return rows


def write_csv(path: Path, fields, rows) -> None:
    """``rows`` (dicts) as CSV under a header of ``fields``, written atomically."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(path, buffer.getvalue())


def write_results(cohort, out: Path, summary) -> Path:
    """Write ``out/results.csv`` (see :func:`result_rows`); returns its path."""
    path = out / "results.csv"
    write_csv(path, COLUMNS, result_rows(cohort, out, summary))
    return path


def summary_table(results_csv: str | Path) -> str:
    """Overall grades per standard version, as a small text table."""
    with open(results_csv, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    grades = (*GRADES, "")
    keys = sorted({(r["standard"], r["version"]) for r in rows})
    lines = [f"{'standard':<14}{'Fail':>6}{'Pass':>6}{'Dist.':>7}{'other':>7}{'total':>7}"]
    for standard, version in keys:
        mine = [r for r in rows if (r["standard"], r["version"]) == (standard, version)]
        counts = [sum(r["overall"] == g for r in mine) for g in grades]
        label = f"{standard} v{version}" if standard else "(unreadable)"
        lines.append(
            f"{label:<14}{counts[0]:>6}{counts[1]:>6}{counts[2]:>7}{counts[3]:>7}{len(mine):>7}"
        )
    return "\n".join(lines)
