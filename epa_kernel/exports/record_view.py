"""What the method assessment record prints, from a method notebook's outcome bundle.

The method outcome bundle carries the canonical record itself. It is validated again and its
content hash recomputed, so an export never shows a record that differs from the one that was
graded; the descriptors, deferrals and evidence are then laid out as plain rows for the template.
Labels come from :mod:`epa_kernel.core.vocabulary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from epa_kernel import __version__
from epa_kernel.core.evidence import check_evidence
from epa_kernel.core.records import parse_record
from epa_kernel.core.vocabulary import (
    CHANNEL_LABELS,
    JUDGEMENT_LABELS,
    STATUS_LABELS,
    attempt_label,
)
from epa_kernel.errors import InputError
from epa_kernel.exports.views import apprentice_view, grade_view, long_date, standard_view

#: The templates' CSS class for each judgement (the stylesheet colours them).
JUDGEMENT_CLASSES = {
    "met": "j-met",
    "not_met": "j-not-met",
    "deferred": "j-deferred",
    None: "j-none",
}


def _judgement(value: str | None) -> tuple[str, str]:
    return JUDGEMENT_LABELS[value], JUDGEMENT_CLASSES[value]


def descriptor_bands(standard, method, record, outcome: dict) -> list[dict[str, Any]]:
    """The pass and distinction descriptors that apply, grouped by module, as judged."""
    bands = []
    for band, title, rule in (
        ("pass", "Pass descriptors", f"All {outcome['pass_required']} must be met for a pass."),
        (
            "distinction",
            "Distinction descriptors",
            (
                f"{outcome['distinction_required']} of {outcome['distinction_available']} must "
                "be met, with every pass descriptor, for a distinction."
            ),
        ),
    ):
        modules: list[dict[str, Any]] = []
        for c in method.applicable(record.channels):
            if c.band != band:
                continue
            if not modules or modules[-1]["name"] != c.module:
                modules.append({"name": c.module, "descriptors": []})
            judgement = record.judgements.get(c.id)
            label, css = _judgement(judgement)
            target = standard.method(c.deferrable_to) if judgement == "deferred" else None
            modules[-1]["descriptors"].append(
                {
                    "id": c.id,
                    "text": c.text,
                    "ksbs": ", ".join(c.ksbs),
                    "judgement": label,
                    "detail": f"to {target.name}" if target else "",
                    "css": css,
                    "note": record.notes.get(c.id, ""),
                }
            )
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
        rows.append(
            {
                "ref": ref,
                "id": cid,
                "from": origin.name,
                "text": criterion.text,
                "ksbs": ", ".join(criterion.ksbs),
                "judgement": label,
                "css": css,
                "note": record.notes.get(ref, ""),
            }
        )
    return rows


def evidence_rows(method, record) -> list[dict[str, Any]]:
    """Each evidence fact against the standard's limit (warnings never change the grade)."""
    rows = []
    for limit, value, warnings in check_evidence(method, record):
        rows.append(
            {
                "label": limit.label,
                "recorded": "—" if value is None else f"{value:g}",
                "allowed": limit.describe(),
                "check": ("Outside the limit" if value is not None else "Not recorded")
                if warnings
                else ("Within the limit" if value is not None else "Not recorded (optional)"),
                "css": "check-warn"
                if warnings
                else "check-ok"
                if value is not None
                else "check-none",
            }
        )
    return rows


def record_view(
    bundle: dict, *, source: str = "", moderations: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """What the method assessment record prints, from a method notebook's outcome bundle."""
    if not isinstance(bundle.get("record"), dict):
        raise InputError(
            "the method outcome carries no record; re-run the notebook with this "
            "version of the kit",
            file=source,
        )
    record, standard = parse_record(bundle["record"], file=source or "<record>")
    if record.content_hash() != bundle.get("content_hash"):
        raise InputError(
            "the record does not match its content hash", file=source, field="content_hash"
        )
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
        "attempt": attempt_label(record.attempt, record.sitting),
        "channels": ", ".join(CHANNEL_LABELS[c] for c in record.channels or ()),
        "content_hash": record.content_hash(),
        "outcome": {
            **grade_view(outcome["grade"]),
            "status": STATUS_LABELS[outcome["status"]],
            "capped": outcome["capped"],
            "pass_met": outcome["pass_met"],
            "pass_required": outcome["pass_required"],
            "distinction_met": outcome["distinction_met"],
            "distinction_available": outcome["distinction_available"],
            "distinction_required": outcome["distinction_required"],
            # the first reason repeats the grade the box shows
            "reasons": list(outcome["reasons"][1 if outcome["grade"] else 0 :]),
            "warnings": list(outcome["warnings"]),
        },
        "bands": descriptor_bands(standard, method, record, outcome),
        "deferred_here": deferred_here(standard, record),
        "evidence": evidence_rows(method, record),
        "moderations": list(moderations),
        "source": Path(source).name if source else "",
        "kit_version": __version__,
    }
