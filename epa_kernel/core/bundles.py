"""The machine-readable outputs of the kit's notebooks: their MIME types and their contents.

Each workbook emits its outcome as an output of its own MIME type beside what a person sees, so
the batch run, the exports and IQA read grades from executed notebooks without parsing HTML and
without grading again. Built here; the readers take the MIME types from here, so writer and
readers share one definition.
"""

from __future__ import annotations

import json
from typing import Any

from epa_kernel.core.grading import select_attempts
from epa_kernel.core.outcomes import EpaOutcome, MethodOutcome
from epa_kernel.core.records import MethodRecord

METHOD_MIME = "application/vnd.epa.method-outcome+json"
EPA_MIME = "application/vnd.epa.epa-outcome+json"
GATEWAY_MIME = "application/vnd.epa.gateway-outcome+json"


def method_outcome_bundle(record: MethodRecord, outcome: MethodOutcome) -> dict[str, Any]:
    """The machine-readable output of a method workbook.

    ``record`` is the record's canonical form itself, so an exported assessment record needs
    nothing but this output, and anyone can recompute ``content_hash`` from it (SHA-256 of
    ``json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``).
    """
    return {
        "standard": record.standard,
        "version": record.version,
        "method": record.method,
        "uln": record.apprentice.uln,
        "attempt": record.attempt,
        "content_hash": record.content_hash(),
        "record": json.loads(record.canonical_json()),
        "outcome": outcome.model_dump(mode="json"),
    }


def epa_outcome_bundle(records: list[MethodRecord], outcome: EpaOutcome) -> dict[str, Any]:
    """The machine-readable output of the result notebook: the overall outcome, the apprentice,
    and for each method the attempt that counts (what a statement of results shows)."""
    chosen = select_attempts(records)
    latest = max(records, key=lambda r: (r.assessed_on is not None, r.assessed_on))
    return {
        "standard": outcome.standard,
        "version": outcome.version,
        "uln": records[0].apprentice.uln,
        "apprentice": latest.apprentice.model_dump(mode="json", exclude_none=True),
        "content_hashes": sorted(r.content_hash() for r in records),
        "attempts": {
            m: {
                "attempt": r.attempt,
                **({"sitting": r.sitting} if r.sitting > 1 else {}),
                "assessor": r.assessor,
                "assessed_on": r.assessed_on.isoformat() if r.assessed_on else None,
                "content_hash": r.content_hash(),
            }
            for m, r in sorted(chosen.items())
        },
        "outcome": outcome.model_dump(mode="json"),
    }


def find_bundle(nb: dict, mime: str) -> dict | None:
    """The last output of type ``mime`` in a notebook (as a dict), or None."""
    found = None
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            if mime in output.get("data", {}):
                found = output["data"][mime]
    return found
