"""Retention in a run folder: removing apprentices whose every record is past retention.

A run folder has no history, so a record's clock (:mod:`epa_kernel.store.retention` says how
retention is counted) is the later of its ``assessed_on`` and the date its notebook was executed
(papermill's ``end_time``; the file's modification time if missing).

An apprentice's folder goes only when *every* record in it is past retention (the statement of
results rests on all of them), with their rows of ``results.csv``; the cohort outputs are then
rebuilt without them. A folder with a notebook that cannot be read is kept and counted, for a
person to check. Each purge appends one JSON line with no personal data to
``DIR/purge-audit.log``.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from epa_kernel.core.bundles import METHOD_MIME, find_bundle
from epa_kernel.errors import InputError
from epa_kernel.exports.cohort_outputs import SUMMARY, write_cohort_outputs
from epa_kernel.exports.outcomes import apprentice_folders, method_notebooks
from epa_kernel.exports.results_csv import write_csv
from epa_kernel.exports.results_xlsx import XLSX
from epa_kernel.store.retention import DEFAULT_YEARS, PurgeResult, cutoff_date, retention_clock

AUDIT_LOG = "purge-audit.log"


def notebook_clock(path: Path) -> date | None:
    """The clock date of one executed method notebook; None when it cannot be read."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        bundle = find_bundle(nb, METHOD_MIME)
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(bundle, dict) or not isinstance(bundle.get("record"), dict):
        return None
    executed = (
        nb.get("metadata", {}).get("papermill", {}).get("end_time")
        or datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
    )
    return retention_clock(bundle["record"].get("assessed_on"), executed)


def check_run_folder(out: str | Path) -> Path:
    """``out`` as a run folder, refused when it holds no ``results.csv``."""
    out = Path(out)
    if not (out / "results.csv").is_file():
        raise InputError(
            "holds no results.csv: not the output of `epa run`", file=str(out), field="--out"
        )
    return out


def purge_run_folder(
    out: str | Path, as_of: date, retention_years: int = DEFAULT_YEARS, *, dry_run: bool = False
) -> PurgeResult:
    """Remove the apprentice folders of a run whose every record is past retention on
    ``as_of``, their rows of ``results.csv``, and rebuild the cohort outputs without them."""
    out = check_run_folder(out)
    result = PurgeResult(as_of, cutoff_date(as_of, retention_years), retention_years, dry_run)
    for leftover in out.glob(".purge-*"):  # a purge killed part-way: already out of sight
        if not dry_run:
            shutil.rmtree(leftover, ignore_errors=True)
    doomed: list[Path] = []
    for folder in apprentice_folders(out):
        notebooks = method_notebooks(folder)
        clocks = [notebook_clock(p) for p in notebooks]
        if not notebooks:
            continue
        if any(c is None for c in clocks):
            result.kept_unreadable += 1
            continue
        if all(c < result.cutoff for c in clocks):
            doomed.append(folder)
            result.notebooks += len(notebooks)
    result.folders = result.apprentices = len(doomed)
    result.records = result.notebooks
    if dry_run or not doomed:
        return result
    drop_result_rows(out / "results.csv", {folder.name for folder in doomed})
    for folder in doomed:
        # Out of sight first (a hidden name is no apprentice folder), then deleted: a purge
        # killed part-way never leaves half an apprentice folder that looks whole.
        hidden = out / f".purge-{secrets.token_hex(8)}"
        os.replace(folder, hidden)
        shutil.rmtree(hidden)
    rebuild_cohort_outputs(out)
    with open(out / AUDIT_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(result.audit_line(), sort_keys=True) + "\n")
        log.flush()
        os.fsync(log.fileno())
    return result


def drop_result_rows(path: Path, ulns: set[str]) -> None:
    """Rewrite ``results.csv`` without the rows of ``ulns``."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        rows = [row for row in reader if row.get("uln") not in ulns]
    write_csv(path, fields, rows)


def rebuild_cohort_outputs(out: Path) -> None:
    """results.xlsx and summary.html name every apprentice: rebuilt without the purged ones (or
    removed, when the run had none)."""
    present = [out / XLSX, out / SUMMARY]
    if not any(p.exists() for p in present):
        return
    for path in present:  # gone before rebuilding, so a failed rebuild leaves no old names
        path.unlink(missing_ok=True)
    write_cohort_outputs(out)
