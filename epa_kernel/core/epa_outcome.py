"""One apprentice's EPA graded from their record files, and the outcome as plain JSON.

``epa grade`` takes a list of record files rather than records, so the check that they belong
to one standard version, and the file each error is attributed to, live here beside the
grading rather than in the command line. The JSON form is the one ``epa grade --json`` prints:
an overall grade only once every method of the standard has been assessed, since a partial
EPA has no overall grade yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from epa_kernel.core.grading import grade_epa
from epa_kernel.core.lifecycle import attempt_checks, refuse_invalid
from epa_kernel.core.outcomes import EpaOutcome
from epa_kernel.core.records import load_record
from epa_kernel.errors import InputError


def grade_files(paths: Sequence[str]) -> EpaOutcome:
    """Load, bind and grade the records in ``paths`` as one apprentice's EPA."""
    loaded = [load_record(p) for p in paths]
    keys = {s.key for _, s in loaded}
    if len(keys) > 1:
        raise InputError(
            f"records are under different standard versions ({', '.join(sorted(keys))}); "
            "grade one apprentice's records at a time",
            file=paths[-1],
            field="version",
        )
    standard = loaded[0][1]
    records = [r for r, _ in loaded]
    try:
        outcome = grade_epa(standard, records)
        # A resit given alone is graded on its own (``epa grade resit.json``); one that follows
        # an attempt among the files given must be allowed to follow it.
        following = [c for c in attempt_checks(standard, records) if c.number > 1]
        refuse_invalid(following, [str(p) for p in paths])
    except InputError as exc:
        raise exc.in_file(paths[-1]) from None
    return outcome


def outcome_json(outcome: EpaOutcome, standard_methods: Sequence[str]) -> dict:
    """The outcome as JSON data; ``overall`` is None while a method of ``standard_methods`` is
    missing."""
    methods = {
        m: {
            "grade": o.grade,
            "status": o.status,
            "pass_met": o.pass_met,
            "pass_required": o.pass_required,
            "distinction_met": o.distinction_met,
            "distinction_required": o.distinction_required,
            "reasons": list(o.reasons),
            "warnings": list(o.warnings),
        }
        for m, o in outcome.methods.items()
    }
    missing = [m for m in standard_methods if m not in outcome.methods]
    overall = None if missing else {"grade": outcome.grade, "reasons": list(outcome.reasons)}
    return {
        "standard": outcome.standard,
        "version": outcome.version,
        "methods": methods,
        "overall": overall,
    }
