"""What the exported documents print: plain rows and labels made from the outcome bundles.

A template shows no code and no cell: everything a record or a statement prints is made here
from the notebook's machine-readable outcome (the method outcome bundle carries the canonical
record itself; the result bundle carries the apprentice and the attempt that counts per method).
The record is validated again and its content hash recomputed, so an export never shows a record
that differs from the one that was graded. Labels come from :mod:`epa_kernel.core.vocabulary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from epa_kernel import __version__
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.evidence import check_evidence
from epa_kernel.core.records import parse_record
from epa_kernel.core.vocabulary import (
    ATTEMPT_LABELS,
    CHANNEL_LABELS,
    JUDGEMENT_LABELS,
    MODERATION_LABELS,
    NOT_GRADED,
    STATUS_LABELS,
    attempt_stem,
)
from epa_kernel.errors import InputError

#: The templates' CSS class for each grade and judgement (the stylesheet colours them).
GRADE_CLASSES = {"Fail": "grade-fail", "Pass": "grade-pass", "Distinction": "grade-distinction",
                 None: "grade-none"}
JUDGEMENT_CLASSES = {"met": "j-met", "not_met": "j-not-met", "deferred": "j-deferred",
                     None: "j-none"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def long_date(value: str | date | None) -> str:
    """``2026-03-02`` -> ``2 March 2026``; ``—`` when there is none."""
    if not value:
        return "—"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def grade_view(grade: str | None) -> dict[str, str | None]:
    """A grade as the templates print it: its label and its CSS class."""
    return {"grade": grade, "label": grade or NOT_GRADED, "css": GRADE_CLASSES[grade]}


def standard_view(standard) -> dict[str, Any]:
    return {"code": standard.standard, "version": standard.version, "title": standard.title,
            "level": standard.level, "key": standard.key}


def apprentice_view(apprentice: dict) -> dict[str, Any]:
    return {"name": apprentice.get("name", ""), "uln": apprentice.get("uln", ""),
            "provider": apprentice.get("provider") or "—",
            "employer": apprentice.get("employer") or "—"}


def moderation_views(store, stored_id: int) -> list[dict[str, Any]]:
    """The record's moderations from the store, as the record prints them (plain values)."""
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
        views = moderation_views(store, stored.id)
        if views:
            out[f"{r.apprentice.uln}/{attempt_stem(r.method, r.attempt)}"] = views
    store.close()
    return out


def _judgement(value: str | None) -> tuple[str, str]:
    return JUDGEMENT_LABELS[value], JUDGEMENT_CLASSES[value]


def descriptor_bands(standard, method, record, outcome: dict) -> list[dict[str, Any]]:
    """The pass and distinction descriptors that apply, grouped by module, as judged."""
    bands = []
    for band, title, rule in (
            ("pass", "Pass descriptors",
             f"All {outcome['pass_required']} must be met for a pass."),
            ("distinction", "Distinction descriptors",
             (f"{outcome['distinction_required']} of {outcome['distinction_available']} must "
              "be met, with every pass descriptor, for a distinction."))):
        modules: list[dict[str, Any]] = []
        for c in method.applicable(record.channels):
            if c.band != band:
                continue
            if not modules or modules[-1]["name"] != c.module:
                modules.append({"name": c.module, "descriptors": []})
            judgement = record.judgements.get(c.id)
            label, css = _judgement(judgement)
            target = standard.method(c.deferrable_to) if judgement == "deferred" else None
            modules[-1]["descriptors"].append({
                "id": c.id, "text": c.text, "ksbs": ", ".join(c.ksbs), "judgement": label,
                "detail": f"to {target.name}" if target else "", "css": css,
                "note": record.notes.get(c.id, "")})
        if modules:
            bands.append({"title": title, "rule": rule, "modules": modules})
    return bands


def deferred_here(standard, record) -> list[dict[str, Any]]:
    """The descriptors another method deferred to this one, as judged here."""
    rows = []
    for ref, value in sorted((k, v) for k, v in record.judgements.items() if "." in k):
        origin_id, cid = ref.split(".", 1)
        origin = standard.method(origin_id)
        criterion = origin.criterion(cid)
        label, css = _judgement(value)
        rows.append({"ref": ref, "id": cid, "from": origin.name, "text": criterion.text,
                     "ksbs": ", ".join(criterion.ksbs), "judgement": label, "css": css,
                     "note": record.notes.get(ref, "")})
    return rows


def evidence_rows(method, record) -> list[dict[str, Any]]:
    """Each evidence fact against the standard's limit (warnings never change the grade)."""
    rows = []
    for limit, value, warnings in check_evidence(method, record):
        rows.append({
            "label": limit.label, "recorded": "—" if value is None else f"{value:g}",
            "allowed": limit.describe(),
            "check": ("Outside the limit" if value is not None else "Not recorded") if warnings
            else ("Within the limit" if value is not None else "Not recorded (optional)"),
            "css": "check-warn" if warnings else "check-ok" if value is not None else "check-none"})
    return rows


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
    return {
        "kind": "record",
        "title": f"{method.name}: assessment record",
        "standard": standard_view(standard),
        "apprentice": apprentice_view(record.apprentice.model_dump(mode="json")),
        "method": {"id": method.id, "name": method.name, "summary": method.summary},
        "assessor": record.assessor,
        "assessed_on": long_date(record.assessed_on),
        "attempt": ATTEMPT_LABELS[record.attempt],
        "channels": ", ".join(CHANNEL_LABELS[c] for c in record.channels or ()),
        "content_hash": record.content_hash(),
        "outcome": {**grade_view(outcome["grade"]), "status": STATUS_LABELS[outcome["status"]],
                    "capped": outcome["capped"],
                    "pass_met": outcome["pass_met"], "pass_required": outcome["pass_required"],
                    "distinction_met": outcome["distinction_met"],
                    "distinction_available": outcome["distinction_available"],
                    "distinction_required": outcome["distinction_required"],
                    # the first reason repeats the grade the box shows
                    "reasons": list(outcome["reasons"][1 if outcome["grade"] else 0:]),
                    "warnings": list(outcome["warnings"])},
        "bands": descriptor_bands(standard, method, record, outcome),
        "deferred_here": deferred_here(standard, record),
        "evidence": evidence_rows(method, record),
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
            **grade_view(o["grade"] if o else None),
            "label": (o["grade"] or NOT_GRADED) if o else "Not assessed",
            "attempt": ATTEMPT_LABELS.get(attempt.get("attempt"), "—"),
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
        "standard": standard_view(standard),
        "apprentice": apprentice_view(bundle["apprentice"]),
        "methods": methods,
        "overall": grade_view(outcome["grade"]),
        "reasons": list(outcome["reasons"]),
        "completed_on": long_date(max(assessed)) if final and assessed else "—",
        "issued_on": long_date(issued_on or date.today()),
        "superseded": [h for h in bundle["content_hashes"]
                       if h not in {m["content_hash"] for m in methods}],
        "source": Path(source).name if source else "",
        "kit_version": __version__,
    }
