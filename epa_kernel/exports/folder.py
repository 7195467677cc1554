"""Exporting a run: each apprentice's records and statement, then the cohort outputs.

``epa export DIR`` (and ``epa run``, HTML by default) writes beside each apprentice's executed
notebooks in ``DIR/<uln>/``:

- ``<method>.html`` / ``<method>.pdf`` (``<method>.<attempt>.*`` for a resit or retake): the method
  assessment record, from ``templates/epa_record``;
- ``statement.html`` / ``statement.pdf``: the statement of results, from
  ``templates/epa_statement``;

and then the cohort outputs in ``DIR`` (:mod:`epa_kernel.exports.cohort_outputs`):
``results.xlsx`` and ``summary.html``.

Resumable and atomic like the run: each output is written to a temporary file and renamed into
place, and the manifest (:mod:`epa_kernel.exports.manifest`) keeps a fingerprint of what produced
each output (the notebook's bytes, the templates, the standard's data, the kit version, the
organisation, the moderations), so exporting again writes only what changed or is missing.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from epa_kernel import __version__
from epa_kernel.core.bundles import EPA_MIME, METHOD_MIME
from epa_kernel.errors import InputError
from epa_kernel.exports.cohort_outputs import write_cohort_outputs
from epa_kernel.exports.manifest import (
    fingerprint,
    read_manifest,
    remove_stale_temporaries,
    write_manifest,
)
from epa_kernel.exports.moderation_views import store_moderations
from epa_kernel.exports.outcomes import RESULT_NOTEBOOK, apprentice_folders, notebook_outcome
from epa_kernel.exports.record_view import record_view
from epa_kernel.exports.render import (
    DEFAULT_FORMATS,
    FORMATS,
    RECORD_TEMPLATE,
    STATEMENT_TEMPLATE,
    pdf_from_html,
    render,
    standard_digest,
    templates_digest,
)
from epa_kernel.exports.statement_view import statement_view
from epa_kernel.files import write_atomic
from epa_kernel.imports import skip_slow_imports
from epa_kernel.paths import templates_dir

STATEMENT = "statement"


@dataclass
class FolderResult:
    """What exporting one apprentice's folder wrote, left alone, and could not export."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def export_folder(
    folder: str | Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    organisation: str | None = None,
    issued_on: date | None = None,
    templates: Path | None = None,
    moderations: dict[str, list] | None = None,
) -> FolderResult:
    """Export every executed notebook in one apprentice's folder; never raises on a bad one."""
    import nbformat

    folder = Path(folder)
    templates = templates or templates_dir()
    result = FolderResult(folder)
    remove_stale_temporaries(folder)
    manifest = read_manifest(folder)
    for path in sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith(".")):
        stem = STATEMENT if path.name == RESULT_NOTEBOOK else path.stem
        try:
            raw = path.read_bytes()
            try:
                nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
            except (UnicodeDecodeError, ValueError) as exc:  # NotJSONError is a ValueError
                raise InputError(
                    f"is not a readable notebook ({type(exc).__name__})", file=str(path)
                ) from None
            mime, bundle = notebook_outcome(nb)
            if bundle is None:
                raise InputError("holds no method or result outcome output", file=str(path))
            moderated = (moderations or {}).get(f"{folder.name}/{stem}", [])
            made_from = fingerprint(
                [
                    raw,
                    templates_digest(templates).encode(),
                    __version__.encode(),
                    json.dumps(moderated, sort_keys=True).encode(),
                    (organisation or "").encode() if mime == EPA_MIME else b"",  # statements only
                    standard_digest(bundle["standard"], bundle["version"]).encode(),
                ]
            )
            todo = [
                f
                for f in formats
                if manifest.get(f"{stem}.{f}") != made_from or not (folder / f"{stem}.{f}").exists()
            ]
            result.unchanged += len(formats) - len(todo)
            if not todo:
                continue
            if mime == METHOD_MIME:
                html = render(
                    RECORD_TEMPLATE,
                    nb,
                    record_view(bundle, source=str(path), moderations=moderated),
                    templates,
                )
            else:
                html = render(
                    STATEMENT_TEMPLATE,
                    nb,
                    statement_view(
                        bundle, organisation=organisation, issued_on=issued_on, source=str(path)
                    ),
                    templates,
                )
            for fmt in todo:
                target = folder / f"{stem}.{fmt}"
                write_atomic(target, html if fmt == "html" else pdf_from_html(html))
                manifest[f"{stem}.{fmt}"] = made_from
                result.written.append(target)
            # After each notebook, so a killed export redoes at most the one it was on.
            write_manifest(folder, manifest)
        except InputError as exc:
            result.problems.append(str(exc.in_file(str(path))))
        except Exception as exc:  # noqa: BLE001 - one notebook must not stop the others
            result.problems.append(f"{path}: cannot export: {type(exc).__name__}: {exc}")
    return result


@dataclass
class ExportSummary:
    """What exporting a whole run did, as ``epa export`` and ``epa run`` report it."""

    out: Path
    formats: tuple[str, ...]
    folders: int = 0
    written: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    cohort_outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, result: FolderResult) -> None:
        """Count one apprentice folder's export in."""
        self.written += len(result.written)
        self.unchanged += result.unchanged
        self.problems.extend(result.problems)


def export_run(
    out: str | Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    organisation: str | None = None,
    workers: int | None = None,
    progress: bool = True,
    issued_on: date | None = None,
    store_url: str | None = None,
) -> ExportSummary:
    """Export every apprentice folder of a batch run's output ``out``, then write the cohort
    outputs (``results.xlsx``, ``summary.html``) from its notebooks and ``results.csv``."""
    from tqdm import tqdm

    started = time.perf_counter()
    out = Path(out)
    if not (out / "results.csv").exists():
        raise InputError(
            "holds no results.csv: not the output of `epa run` (or the run did not "
            "finish); run it first",
            file=str(out),
        )
    formats = tuple(f for f in FORMATS if f in formats)
    templates = templates_dir()
    folders = apprentice_folders(out)
    summary = ExportSummary(out=out, formats=formats, folders=len(folders))
    remove_stale_temporaries(out)
    skip_slow_imports()
    # PDFs cost about half a second each: worth a process per core. HTML is quicker in-process.
    workers = max(1, min(workers or os.cpu_count() or 1, len(folders) or 1))
    # On stderr, so the report on stdout stays clean; none when quiet or there is nothing to do.
    bar = tqdm(
        total=len(folders),
        unit="apprentice",
        desc="epa export",
        file=sys.stderr,
        disable=not (progress and folders),
    )
    moderations = store_moderations(store_url) if store_url else None
    options = {
        "formats": formats,
        "organisation": organisation,
        "issued_on": issued_on,
        "templates": templates,
        "moderations": moderations,
    }
    if formats and "pdf" in formats and workers > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=skip_slow_imports) as pool:
            futures = [pool.submit(export_folder, folder, **options) for folder in folders]
            for future in as_completed(futures):
                summary.add(future.result())
                bar.update(1)
    elif formats:
        for folder in folders:
            summary.add(export_folder(folder, **options))
            bar.update(1)
    bar.close()
    summary.cohort_outputs = write_cohort_outputs(out, templates=templates)
    summary.problems.sort()
    summary.seconds = time.perf_counter() - started
    return summary
