"""Reading outcomes back from a run's executed notebooks: the one place that finds the bundles.

Grades are read from the machine-readable output each workbook emits (its own MIME type, see
:mod:`epa_kernel.core.bundles`), never recomputed and never parsed out of HTML: ``results.csv``,
the exports, the cohort outputs, retention and IQA all show what the evidence notebooks say.
"""

from __future__ import annotations

import json
from pathlib import Path

from epa_kernel.core.bundles import EPA_MIME, METHOD_MIME, find_bundle
from epa_kernel.core.uln import uln_is_valid

RESULT_NOTEBOOK = "epa_result.ipynb"


def read_bundle(path: str | Path, mime: str) -> dict | None:
    """The last output of type ``mime`` in an executed notebook, or None. Raises OSError or
    ValueError when the file cannot be read as JSON."""
    return find_bundle(json.loads(Path(path).read_text(encoding="utf-8")), mime)


def read_method_outcome(path: str | Path) -> dict | None:
    """A method notebook's outcome bundle (the record, its content hash and its grade)."""
    return read_bundle(path, METHOD_MIME)


def read_epa_outcome(path: str | Path) -> dict | None:
    """The result notebook's outcome bundle (the apprentice, the attempts that count, the grade)."""
    return read_bundle(path, EPA_MIME)


def outcome_if_readable(path: Path, mime: str) -> dict | None:
    """A notebook's outcome, or None when it has none or cannot be read: the notebook's own
    record or statement export is what reports why."""
    try:
        return read_bundle(path, mime) if path.exists() else None
    except (OSError, ValueError):
        return None


def notebook_outcome(nb: dict) -> tuple[str | None, dict | None]:
    """A notebook's outcome of either kind, as ``(mime, bundle)``; ``(None, None)`` when it
    holds none. A result notebook's outcome comes before a method's."""
    for mime in (EPA_MIME, METHOD_MIME):
        bundle = find_bundle(nb, mime)
        if bundle is not None:
            return mime, bundle
    return None, None


def apprentice_folders(out: Path) -> list[Path]:
    """The run's apprentice folders: those named by a valid ULN and holding notebooks."""
    if not out.is_dir():
        return []
    return sorted(
        p for p in out.iterdir() if p.is_dir() and uln_is_valid(p.name) and any(p.glob("*.ipynb"))
    )


def method_notebooks(folder: Path) -> list[Path]:
    """An apprentice folder's method notebooks (not the result notebook, nor hidden files)."""
    return [p for p in sorted(folder.glob("[!.]*.ipynb")) if p.name != RESULT_NOTEBOOK]
