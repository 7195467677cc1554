"""What the statement of results prints, from a result notebook's outcome bundle.

The result bundle carries the apprentice and the attempt that counts per method; the statement
shows each method's grade with who assessed it and when, the overall grade once there is one
(an interim statement until then), and the content hashes of attempts it no longer counts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from epa_kernel import __version__
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.vocabulary import NOT_GRADED, attempt_label
from epa_kernel.errors import InputError
from epa_kernel.exports.views import apprentice_view, grade_view, long_date, standard_view


def statement_view(
    bundle: dict,
    *,
    organisation: str | None = None,
    issued_on: date | None = None,
    source: str = "",
) -> dict[str, Any]:
    """What the statement of results prints, from a result notebook's outcome bundle."""
    if not isinstance(bundle.get("apprentice"), dict) or "attempts" not in bundle:
        raise InputError(
            "the result outcome carries no apprentice; re-run the notebook with this "
            "version of the kit",
            file=source,
        )
    standard = get_standard(bundle["standard"], bundle["version"])
    outcome = bundle["outcome"]
    methods = []
    for m in standard.methods:
        o = outcome["methods"].get(m.id)
        attempt = bundle["attempts"].get(m.id, {})
        methods.append(
            {
                "name": m.name,
                **grade_view(o["grade"] if o else None),
                "label": (o["grade"] or NOT_GRADED) if o else "Not assessed",
                "attempt": attempt_label(attempt.get("attempt"), attempt.get("sitting", 1)),
                "assessed_on": long_date(attempt.get("assessed_on")),
                "assessor": attempt.get("assessor", "—"),
                "content_hash": attempt.get("content_hash", ""),
                "capped": bool(o and o["capped"]),
            }
        )
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
        "superseded": [
            h for h in bundle["content_hashes"] if h not in {m["content_hash"] for m in methods}
        ],
        "source": Path(source).name if source else "",
        "kit_version": __version__,
    }
