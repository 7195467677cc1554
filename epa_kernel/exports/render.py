"""Assessment records and statements of results, exported from the executed notebooks.

``epa export DIR`` (and ``epa run``, HTML by default) writes beside each apprentice's executed
notebooks in ``DIR/<uln>/``:

- ``<method>.html`` / ``<method>.pdf`` (``<method>.<attempt>.*`` for a resit or retake): the method
  assessment record, from ``templates/epa_record``;
- ``statement.html`` / ``statement.pdf``: the statement of results, from
  ``templates/epa_statement``;

and then the cohort outputs in ``DIR`` (:mod:`epa_kernel.exports.cohort_outputs`): ``results.xlsx`` and
``summary.html``.

The templates are nbconvert templates rendered by one reused :class:`EpaExporter` per template
(reusing an exporter costs about 0.03 s per notebook; the ``jupyter nbconvert`` command costs
about 2.7 s). They show no code and no cell: everything they print comes from the notebook's
machine-readable outputs (the method outcome bundle carries the canonical record itself; the
result bundle carries the apprentice and the attempt that counts per method), turned here into a
plain view of labels and rows passed as ``resources["epa"]``. Autoescaping is on, so nothing an
assessor or apprentice typed can become markup, and ``{{ }}`` in a name stays text: it is data,
never template source. The record is validated again and its content hash recomputed, so an
export never shows a record that differs from the one that was graded.

PDF is made from the same HTML by WeasyPrint (no TeX, no browser; ``bench/pdf_engines.py``
measures it against nbconvert's webpdf and the README gives the numbers and the choice). It may
fetch nothing but ``data:`` URLs.

Resumable and atomic like the run: each output is written to a temporary file and renamed into
place, and ``.epa-export.json`` in each folder keeps a fingerprint of what produced each output
(the notebook's bytes, the templates, the standard's data, the kit version, the organisation),
so exporting again writes only what changed or is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from epa_kernel import __version__
from epa_kernel.errors import InputError
from epa_kernel.files import write_atomic
from epa_kernel.paths import templates_dir
from epa_kernel.core.grading import check_evidence
from epa_kernel.core.records import parse_record
from epa_kernel.core.uln import uln_is_valid
from epa_kernel.core.spec import get_standard
from epa_kernel.core.bundles import EPA_MIME, METHOD_MIME

FORMATS = ("html", "pdf")
DEFAULT_FORMATS = ("html",)
BASE_TEMPLATE = "epa_base"
RECORD_TEMPLATE = "epa_record"
STATEMENT_TEMPLATE = "epa_statement"
COHORT_TEMPLATE = "epa_cohort"
MANIFEST = ".epa-export.json"
STATEMENT = "statement"

GRADE_CLASSES = {"Fail": "grade-fail", "Pass": "grade-pass", "Distinction": "grade-distinction",
                 None: "grade-none"}
JUDGEMENTS = {"met": ("Met", "j-met"), "not_met": ("Not met", "j-not-met"),
              "deferred": ("Deferred", "j-deferred"), None: ("Not judged", "j-none")}
ATTEMPTS = {"first": "First attempt", "resit": "Resit", "retake": "Retake"}
STATUSES = {"complete": "Every applicable descriptor judged",
            "incomplete": "Some descriptors not yet judged",
            "pending": "Awaiting descriptors deferred to another method"}
CHANNELS = {"face_to_face": "Face-to-face", "non_face_to_face": "Non-face-to-face"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


# --------------------------------------------------------------------------- formats and paths


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,pdf"`` -> ``("html", "pdf")``; ``"none"`` -> ``()``."""
    wanted = [part.strip().lower() for part in text.split(",") if part.strip()]
    if wanted == ["none"]:
        return ()
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise InputError(f"unknown export format {', '.join(unknown) or repr(text)}; allowed: "
                         "html, pdf, html,pdf or none", field="--format")
    return tuple(f for f in FORMATS if f in wanted)


@cache
def templates_digest(folder: Path) -> str:
    """A digest of the kit's export templates in ``folder`` (a change re-exports everything)."""
    digest = hashlib.sha256()
    for name in (BASE_TEMPLATE, RECORD_TEMPLATE, STATEMENT_TEMPLATE, COHORT_TEMPLATE):
        for path in sorted(p for p in (folder / name).rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def _standard_digest(code: str, version: str) -> str:
    return hashlib.sha256(get_standard(code, version).model_dump_json().encode()).hexdigest()


# --------------------------------------------------------------------------- rendering


def _exporter_class():
    from nbconvert.exporters import HTMLExporter

    class EpaExporter(HTMLExporter):
        """nbconvert's HTML exporter on the kit's templates, with Jinja autoescaping on."""

        def _create_environment(self):
            environment = super()._create_environment()
            environment.autoescape = True  # every value printed is escaped unless marked safe
            return environment

    return EpaExporter


@cache
def exporter(template_name: str, templates: Path):
    """One exporter per template, reused for every notebook (see the module's notes)."""
    return _exporter_class()(template_name=template_name,
                             extra_template_basedirs=[str(templates)])


def render(template_name: str, nb, view: dict[str, Any], templates: Path | None = None) -> str:
    """HTML of ``nb`` through one of the kit's templates, given the view the template prints."""
    html, _ = exporter(template_name, templates or templates_dir()).from_notebook_node(
        nb, resources={"epa": view})
    return html


def pdf_from_html(html: str) -> bytes:
    """A PDF of the HTML by WeasyPrint. Only ``data:`` URLs may be fetched: a record never makes
    the exporter read a local file or the network."""
    import weasyprint

    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()


# --------------------------------------------------------------------------- views


def long_date(value: str | date | None) -> str:
    """``2026-03-02`` -> ``2 March 2026``; ``—`` when there is none."""
    if not value:
        return "—"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _grade(grade: str | None) -> dict[str, str | None]:
    return {"grade": grade, "label": grade or "Not yet graded", "css": GRADE_CLASSES[grade]}


def _standard_view(standard) -> dict[str, Any]:
    return {"code": standard.standard, "version": standard.version, "title": standard.title,
            "level": standard.level, "key": standard.key}


def _apprentice_view(apprentice: dict) -> dict[str, Any]:
    return {"name": apprentice.get("name", ""), "uln": apprentice.get("uln", ""),
            "provider": apprentice.get("provider") or "—",
            "employer": apprentice.get("employer") or "—"}


def moderation_views(store, stored_id: int) -> list[dict[str, Any]]:
    """The record's moderations from the store, as the record prints them (plain values)."""
    from epa_kernel.core.vocabulary import MODERATION_LABELS

    return [{"reviewer": m.reviewer, "at": v.at[:16].replace("T", " ") + " UTC",
             "outcome": MODERATION_LABELS[m.outcome],
             "new_grade": m.new_grade, "rationale": m.rationale,
             "disagreements": [{"id": cid, "rationale": m.descriptors[cid].rationale}
                               for cid in m.disagreements]}
            for v, m in store.moderations(stored_id)]


def store_moderations(store_url: str) -> dict[str, list[dict[str, Any]]]:
    """Moderations of every submitted record, keyed ``<uln>/<notebook stem>``."""
    from epa_kernel.store.store import Store

    store = Store(store_url)
    out = {}
    for stored in store.all_records(submitted_only=True):
        r = stored.record
        stem = r.method if r.attempt == "first" else f"{r.method}.{r.attempt}"
        views = moderation_views(store, stored.id)
        if views:
            out[f"{r.apprentice.uln}/{stem}"] = views
    store.close()
    return out


def record_view(bundle: dict, *, source: str = "",
                moderations: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """What the method assessment record prints, from a method notebook's outcome bundle."""
    if not isinstance(bundle.get("record"), dict):
        raise InputError("the method outcome carries no record; re-run the notebook with this "
                         "version of the kit", file=source)
    record, standard = parse_record(bundle["record"], file=source or "<record>")
    if record.content_hash() != bundle.get("content_hash"):
        raise InputError("the record does not match its content hash", file=source,
                         field="content_hash")
    method = standard.method(record.method)
    outcome = bundle["outcome"]
    bands = []
    for band, title, rule in (
            ("pass", "Pass descriptors",
             f"All {outcome['pass_required']} must be met for a pass."),
            ("distinction", "Distinction descriptors",
             f"{outcome['distinction_required']} of {outcome['distinction_available']} must be "
             "met, with every pass descriptor, for a distinction.")):
        modules: list[dict[str, Any]] = []
        for c in method.applicable(record.channels):
            if c.band != band:
                continue
            if not modules or modules[-1]["name"] != c.module:
                modules.append({"name": c.module, "descriptors": []})
            judgement = record.judgements.get(c.id)
            label, css = JUDGEMENTS[judgement]
            target = standard.method(c.deferrable_to) if judgement == "deferred" else None
            modules[-1]["descriptors"].append({
                "id": c.id, "text": c.text, "ksbs": ", ".join(c.ksbs), "judgement": label,
                "detail": f"to {target.name}" if target else "", "css": css,
                "note": record.notes.get(c.id, "")})
        if modules:
            bands.append({"title": title, "rule": rule, "modules": modules})

    deferred_here = []
    for ref, value in sorted((k, v) for k, v in record.judgements.items() if "." in k):
        origin_id, cid = ref.split(".", 1)
        origin = standard.method(origin_id)
        criterion = origin.criterion(cid)
        label, css = JUDGEMENTS[value]
        deferred_here.append({"ref": ref, "id": cid, "from": origin.name, "text": criterion.text,
                              "ksbs": ", ".join(criterion.ksbs), "judgement": label, "css": css,
                              "note": record.notes.get(ref, "")})

    evidence = []
    for limit, value, warnings in check_evidence(method, record):
        evidence.append({
            "label": limit.label, "recorded": "—" if value is None else f"{value:g}",
            "allowed": limit.describe(),
            "check": ("Outside the limit" if value is not None else "Not recorded") if warnings
            else ("Within the limit" if value is not None else "Not recorded (optional)"),
            "css": "check-warn" if warnings else "check-ok" if value is not None else "check-none"})

    a = record.apprentice
    return {
        "kind": "record",
        "title": f"{method.name}: assessment record",
        "standard": _standard_view(standard),
        "apprentice": _apprentice_view(a.model_dump(mode="json")),
        "method": {"id": method.id, "name": method.name, "summary": method.summary},
        "assessor": record.assessor,
        "assessed_on": long_date(record.assessed_on),
        "attempt": ATTEMPTS[record.attempt],
        "channels": ", ".join(CHANNELS[c] for c in record.channels or ()),
        "content_hash": record.content_hash(),
        "outcome": {**_grade(outcome["grade"]), "status": STATUSES[outcome["status"]],
                    "capped": outcome["capped"],
                    "pass_met": outcome["pass_met"], "pass_required": outcome["pass_required"],
                    "distinction_met": outcome["distinction_met"],
                    "distinction_available": outcome["distinction_available"],
                    "distinction_required": outcome["distinction_required"],
                    # the first reason repeats the grade the box shows
                    "reasons": list(outcome["reasons"][1 if outcome["grade"] else 0:]),
                    "warnings": list(outcome["warnings"])},
        "bands": bands,
        "deferred_here": deferred_here,
        "evidence": evidence,
        "moderations": list(moderations),
        "source": Path(source).name if source else "",
        "kit_version": __version__,
    }


def statement_view(bundle: dict, *, organisation: str | None = None,
                   issued_on: date | None = None, source: str = "") -> dict[str, Any]:
    """What the statement of results prints, from a result notebook's outcome bundle."""
    if not isinstance(bundle.get("apprentice"), dict) or "attempts" not in bundle:
        raise InputError("the result outcome carries no apprentice; re-run the notebook with this "
                         "version of the kit", file=source)
    standard = get_standard(bundle["standard"], bundle["version"])
    outcome = bundle["outcome"]
    methods = []
    for m in standard.methods:
        o = outcome["methods"].get(m.id)
        attempt = bundle["attempts"].get(m.id, {})
        methods.append({
            "name": m.name,
            **_grade(o["grade"] if o else None),
            "label": (o["grade"] or "Not yet graded") if o else "Not assessed",
            "attempt": ATTEMPTS.get(attempt.get("attempt"), "—"),
            "assessed_on": long_date(attempt.get("assessed_on")),
            "assessor": attempt.get("assessor", "—"),
            "content_hash": attempt.get("content_hash", ""),
            "capped": bool(o and o["capped"])})
    assessed = [a["assessed_on"] for a in bundle["attempts"].values() if a.get("assessed_on")]
    final = outcome["grade"] is not None
    return {
        "kind": "statement",
        "title": "Statement of results" if final else "Interim statement of results",
        "final": final,
        "organisation": organisation or "",
        "standard": _standard_view(standard),
        "apprentice": _apprentice_view(bundle["apprentice"]),
        "methods": methods,
        "overall": _grade(outcome["grade"]),
        "reasons": list(outcome["reasons"]),
        "completed_on": long_date(max(assessed)) if final and assessed else "—",
        "issued_on": long_date(issued_on or date.today()),
        "superseded": [h for h in bundle["content_hashes"]
                       if h not in {m["content_hash"] for m in methods}],
        "source": Path(source).name if source else "",
        "kit_version": __version__,
    }


# --------------------------------------------------------------------------- one apprentice


def _find_bundle(nb) -> tuple[str | None, dict | None]:
    """The last machine-readable outcome in a notebook: (mime, bundle)."""
    found: tuple[str | None, dict | None] = (None, None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in (METHOD_MIME, EPA_MIME):
                if mime in data:
                    found = (mime, data[mime])
    return found


def _read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class FolderResult:
    folder: Path
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def export_folder(folder: str | Path, formats: Sequence[str] = DEFAULT_FORMATS, *,
                  organisation: str | None = None, issued_on: date | None = None,
                  templates: Path | None = None,
                  moderations: dict[str, list] | None = None) -> FolderResult:
    """Export every executed notebook in one apprentice's folder; never raises on a bad one."""
    import nbformat

    folder = Path(folder)
    templates = templates or templates_dir()
    result = FolderResult(folder)
    _remove_stale_temporaries(folder)
    manifest = _read_manifest(folder)
    for path in sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith(".")):
        stem = STATEMENT if path.name == "epa_result.ipynb" else path.stem
        try:
            raw = path.read_bytes()
            try:
                nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
            except (UnicodeDecodeError, ValueError) as exc:  # NotJSONError is a ValueError
                raise InputError(f"is not a readable notebook ({type(exc).__name__})",
                                 file=str(path)) from None
            mime, bundle = _find_bundle(nb)
            if bundle is None:
                raise InputError("holds no method or result outcome output", file=str(path))
            moderated = (moderations or {}).get(f"{folder.name}/{stem}", [])
            fingerprint = hashlib.sha256(b"\0".join([
                raw, templates_digest(templates).encode(), __version__.encode(),
                json.dumps(moderated, sort_keys=True).encode(),
                (organisation or "").encode() if mime == EPA_MIME else b"",  # statements only
                _standard_digest(bundle["standard"], bundle["version"]).encode()])).hexdigest()
            todo = [f for f in formats if manifest.get(f"{stem}.{f}") != fingerprint
                    or not (folder / f"{stem}.{f}").exists()]
            result.unchanged += len(formats) - len(todo)
            if not todo:
                continue
            if mime == METHOD_MIME:
                html = render(RECORD_TEMPLATE, nb, record_view(bundle, source=str(path),
                                                               moderations=moderated), templates)
            else:
                html = render(STATEMENT_TEMPLATE, nb, statement_view(
                    bundle, organisation=organisation, issued_on=issued_on, source=str(path)),
                    templates)
            for fmt in todo:
                target = folder / f"{stem}.{fmt}"
                write_atomic(target, html if fmt == "html" else pdf_from_html(html))
                manifest[f"{stem}.{fmt}"] = fingerprint
                result.written.append(target)
            # After each notebook, so a killed export redoes at most the one it was on.
            write_atomic(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
        except InputError as exc:
            result.problems.append(str(exc.in_file(str(path))))
        except Exception as exc:  # noqa: BLE001 - one notebook must not stop the others
            result.problems.append(f"{path}: cannot export: {type(exc).__name__}: {exc}")
    return result


def _remove_stale_temporaries(folder: Path) -> None:
    """Delete what a killed export left half-written (files.write_atomic's temporaries)."""
    for tmp in folder.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- a whole run


@dataclass
class ExportSummary:
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


def apprentice_folders(out: Path) -> list[Path]:
    """The run's apprentice folders: those named by a valid ULN and holding notebooks."""
    if not out.is_dir():
        return []
    return sorted(p for p in out.iterdir() if p.is_dir() and uln_is_valid(p.name)
                  and any(p.glob("*.ipynb")))


def _worker_init() -> None:
    # The import tax of jsonschema's rfc3987_syntax (see runner._worker_init); not needed here.
    sys.modules.setdefault("rfc3987_syntax", None)


def export_run(out: str | Path, formats: Sequence[str] = DEFAULT_FORMATS, *,
               organisation: str | None = None, workers: int | None = None,
               progress: bool = True, issued_on: date | None = None,
               store_url: str | None = None) -> ExportSummary:
    """Export every apprentice folder of a batch run's output ``out``, then write the cohort
    outputs (``results.xlsx``, ``summary.html``) from its notebooks and ``results.csv``."""
    from epa_kernel.batch.run import progress_bar
    from epa_kernel.exports.cohort_outputs import write_cohort_outputs

    started = time.perf_counter()
    out = Path(out)
    if not (out / "results.csv").exists():
        raise InputError("holds no results.csv: not the output of `epa run` (or the run did not "
                         "finish); run it first", file=str(out))
    formats = tuple(f for f in FORMATS if f in formats)
    templates = templates_dir()
    folders = apprentice_folders(out)
    summary = ExportSummary(out=out, formats=formats, folders=len(folders))
    _remove_stale_temporaries(out)
    _worker_init()
    # PDFs cost about half a second each: worth a process per core. HTML is quicker in-process.
    workers = max(1, min(workers or os.cpu_count() or 1, len(folders) or 1))
    bar = progress_bar(len(folders), progress, unit="apprentice", desc="epa export")
    moderations = store_moderations(store_url) if store_url else None
    options = dict(formats=formats, organisation=organisation, issued_on=issued_on,
                   templates=templates, moderations=moderations)
    if formats and "pdf" in formats and workers > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
            futures = [pool.submit(export_folder, folder, **options) for folder in folders]
            for future in as_completed(futures):
                _add(summary, future.result())
                bar.update(1)
    elif formats:
        for folder in folders:
            _add(summary, export_folder(folder, **options))
            bar.update(1)
    bar.close()
    summary.cohort_outputs = write_cohort_outputs(out, templates=templates)
    summary.problems.sort()
    summary.seconds = time.perf_counter() - started
    return summary


def _add(summary: ExportSummary, result: FolderResult) -> None:
    summary.written += len(result.written)
    summary.unchanged += result.unchanged
    summary.problems.extend(result.problems)
