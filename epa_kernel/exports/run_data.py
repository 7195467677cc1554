"""Reading a batch run's output back for the cohort outputs: ``results.csv`` and the outcomes.

The cohort outputs are read from what the run left in its output folder, never recomputed:
``results.csv`` (one row per apprentice, including those whose run failed) and each executed
notebook's machine-readable outcome (the method records carry their assessor; the result notebook
says which attempt of each method counts and the grade it got once deferred descriptors were
judged).

A method's grade "as awarded" is the grade that counts towards the EPA for the attempt that counts
(deferred descriptors resolved, caps applied) and, for an earlier attempt that a resit or retake
replaced, the grade that attempt was given.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from epa_kernel.core.bundles import EPA_MIME, METHOD_MIME
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.records import parse_record
from epa_kernel.errors import InputError
from epa_kernel.exports.outcomes import (
    RESULT_NOTEBOOK,
    apprentice_folders,
    method_notebooks,
    outcome_if_readable,
)
from epa_kernel.exports.results_csv import COLUMNS


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


def read_results_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a run's ``results.csv``, refused clearly when it is not one."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = reader.fieldnames or []
    except FileNotFoundError:
        raise InputError("no such file: run `epa run` first", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"is not UTF-8 text (byte {exc.start}); it is written by `epa run`: run it again",
            file=str(path),
        ) from None
    except csv.Error as exc:
        raise InputError(f"not valid CSV: {exc}", file=str(path)) from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"not the results of `epa run`: column {missing[0]!r} is missing "
            f"(expected: {', '.join(COLUMNS)})",
            file=str(path),
        )
    if any(None in row for row in rows):  # a row with more cells than the header
        raise InputError("not valid results: a row has more cells than the header", file=str(path))
    return rows


def read_run(out: Path) -> RunData:
    """``results.csv`` and every apprentice folder's outcomes; a malformed outcome is left out
    (its record or statement export says what is wrong with it)."""
    data = RunData(results=read_results_csv(out / "results.csv"))
    for folder in apprentice_folders(out):
        uln = folder.name
        counted, final = {}, {}
        epa = outcome_if_readable(folder / RESULT_NOTEBOOK, EPA_MIME)
        try:
            if epa is not None:
                get_standard(epa["standard"], epa["version"])  # a standard the kit holds
                counted = {m: a["content_hash"] for m, a in epa.get("attempts", {}).items()}
                final = {m: o["grade"] for m, o in epa["outcome"]["methods"].items()}
                data.method_grades[uln] = {
                    "standard": epa["standard"],
                    "version": epa["version"],
                    "methods": final,
                }
                data.names[uln] = epa.get("apprentice", {}).get("name", "")
        except (KeyError, TypeError, AttributeError, InputError):
            counted, final = {}, {}
        for nb in method_notebooks(folder):
            try:
                data.assessments.append(
                    assessment_row(uln, outcome_if_readable(nb, METHOD_MIME), counted, final)
                )
            except (KeyError, TypeError, AttributeError, InputError):
                continue
            data.names.setdefault(uln, data.assessments[-1]["name"])
    return data


def assessment_row(uln: str, bundle: dict | None, counted: dict, final: dict) -> dict[str, Any]:
    """One method notebook's row; the grade that counts when this attempt is the one counted."""
    record, _ = parse_record(bundle["record"])  # raises on a missing or malformed record
    method = record.method
    counts = counted.get(method) == bundle["content_hash"]
    return {
        "uln": uln,
        "name": record.apprentice.name,
        "standard": record.standard,
        "version": record.version,
        "method": method,
        "attempt": record.attempt_key,
        "assessor": record.assessor,
        "assessed_on": record.assessed_on.isoformat() if record.assessed_on else None,
        "grade": final[method] if counts and method in final else bundle["outcome"]["grade"],
        "counts": counts,
        "status": bundle["outcome"]["status"],
        "content_hash": bundle["content_hash"],
    }


def method_name(code: str, version: str, method: str) -> str:
    """The method's name in its standard (its id when the standard does not know it)."""
    found = get_standard(code, version).method(method)
    return found.name if found else method
