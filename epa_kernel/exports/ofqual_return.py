"""The Ofqual EPA outcomes return: each released EPA result of a reporting period, as Ofqual's CSV.

One row per component (assessment method) of each apprentice's EPA and one for the EPA as a
whole, in the columns of :mod:`epa_kernel.exports.ofqual_format` (its data file says which of
them are Ofqual's published ones and which are the kit's stand-ins). The grades are the engine's
(:func:`~epa_kernel.core.grading.grade_epa` over the apprentice's current submitted records:
the attempts that count, deferrals and the resit cap applied), never a stored copy.

What is returned: results released (``epa release``) and unchanged since, with an overall grade
(Fail, Pass or Distinction), whose EPA result date falls in the period, both ends included. An
EPA is dated, as for certificate claims, by the day its last counted component was assessed;
each component row carries its own day. Released results that cannot be returned (changed since
their release, no overall grade, a component undated or ungraded) are listed as skipped, by ULN.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import grade_epa, select_attempts
from epa_kernel.core.records import MethodRecord
from epa_kernel.errors import InputError
from epa_kernel.exports.ofqual_format import check_text, ofqual_format, value_problem
from epa_kernel.files import write_atomic

ORGANISATION_ENV = "EPA_ORGANISATION"  # also the organisation named on statements of results
ORGANISATION_ID_ENV = "EPA_ORGANISATION_ID"


@dataclass(frozen=True)
class Skipped:
    uln: str
    reason: str


def quarter(text: str) -> tuple[date, date]:
    """``2026-Q1``: the calendar quarter's first and last day (Q1 January to March...)."""
    found = re.fullmatch(r"(\d{4})-?Q([1-4])", text.strip(), flags=re.IGNORECASE)
    if found is None:
        raise InputError(
            f"{text!r} is not a quarter: give YYYY-QN, e.g. 2026-Q1", field="--quarter"
        )
    year, q = int(found[1]), int(found[2])
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def organisation_head(organisation: str | None, organisation_id: str | None) -> dict[str, str]:
    """The organisation's two columns, from the arguments or else the environment; InputError
    naming the column when either is missing or does not fit the format."""
    fmt = ofqual_format()
    given = {
        "AwardingOrganisation": (organisation, "--organisation", ORGANISATION_ENV),
        "AwardingOrganisationID": (organisation_id, "--organisation-id", ORGANISATION_ID_ENV),
    }
    head = {}
    for name, (value, option, env) in given.items():
        value = value or os.environ.get(env)
        if not value:
            raise InputError(f"give {option} or set {env}", field=name)
        problem = value_problem(fmt.column(name), value, fmt.not_available)
        if problem:
            raise InputError(problem, field=name)
        head[name] = value
    return head


def apprentice_rows(
    uln: str, records: Sequence[MethodRecord], head: dict[str, str]
) -> tuple[date, list[dict]]:
    """The EPA result's date and its rows (each component, then the EPA) for one apprentice's
    current submitted records; InputError (saying why) when it cannot be returned."""
    fmt = ofqual_format()
    na = fmt.not_available
    first = records[0]
    standard = get_standard(first.standard, first.version)
    outcome = grade_epa(standard, records)
    if outcome.grade is None:
        raise InputError("no overall grade yet: " + "; ".join(outcome.reasons), field="Grade")
    counted = select_attempts(records)
    undated = sorted(m for m, r in counted.items() if r.assessed_on is None)
    if undated:
        raise InputError(f"no assessment date on {', '.join(undated)}", field="ResultDate")
    ungraded = sorted(m for m, o in outcome.methods.items() if o.grade is None)
    if ungraded:
        raise InputError(f"no grade for {', '.join(ungraded)}", field="Grade")
    epa_on = max(r.assessed_on for r in counted.values())
    common = {
        **head,
        "StandardTitle": standard.title,
        "StandardID": standard.standard,
        "AssessmentPlanVersionNumber": standard.version,
        "QualificationNumber": na,  # the kit holds no Register number
        "ULN": uln or na,
        "CandidateIdentifierOther": na,
    }
    kinds = fmt.column("AssessmentMethod").methods
    rows = [
        {
            **common,
            "OutcomeLevel": "Component",
            "ComponentTitle": method.name,
            "AssessmentMethod": kinds.get(method.id, na),
            "Grade": outcome.methods[method.id].grade,
            "AttemptType": counted[method.id].attempt.capitalize(),
            "ResultDate": counted[method.id].assessed_on.isoformat(),
        }
        for method in standard.methods
    ]
    attempts = {r.attempt for r in counted.values()}
    latest = next((a for a in ("retake", "resit") if a in attempts), "first")
    rows.append(
        {
            **common,
            "OutcomeLevel": "EPA",
            "ComponentTitle": na,
            "AssessmentMethod": na,
            "Grade": outcome.grade,
            "AttemptType": latest.capitalize(),
            "ResultDate": epa_on.isoformat(),
        }
    )
    return epa_on, rows


def return_rows(
    store,
    start: date,
    end: date,
    *,
    reporting_date: date | None = None,
    organisation: str | None = None,
    organisation_id: str | None = None,
) -> tuple[list[dict], list[Skipped]]:
    """The return's rows for the period ``start``..``end`` (both included) and the released
    results skipped; ``reporting_date`` (the day Ofqual set for the file) defaults to ``end``."""
    if start > end:
        raise InputError(f"the period starts ({start}) after it ends ({end})", field="--from")
    head = {
        "ReportingDate": (reporting_date or end).isoformat(),
        **organisation_head(organisation, organisation_id),
    }
    released = store.releases()
    by_uln: dict[str, list[MethodRecord]] = {}
    for stored in store.all_records(submitted_only=True):
        by_uln.setdefault(stored.record.apprentice.uln, []).append(stored.record)
    rows: list[dict] = []
    skipped: list[Skipped] = []
    for uln, records in sorted(by_uln.items()):
        if uln not in released:
            continue
        if store.results_digest(uln) != released[uln].results:
            skipped.append(Skipped(uln, "results changed since their release; release them again"))
            continue
        try:
            epa_on, mine = apprentice_rows(uln, records, head)
        except InputError as exc:
            skipped.append(Skipped(uln, exc.message))
            continue
        if start <= epa_on <= end:
            rows.extend(mine)
    return rows, skipped


def to_csv(rows: Sequence[dict]) -> str:
    """The rows as the return's CSV text, columns in the format's order."""
    names = ofqual_format().names
    for row in rows:
        if set(row) != set(names):
            raise ValueError(
                f"a row's columns differ from the format's: {sorted(set(row) ^ set(names))}"
            )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_rows(rows: Sequence[dict], out_path: str | Path) -> Path:
    """Write ``rows`` to ``out_path`` (atomically, private) once they pass the checker."""
    text = to_csv(rows)
    problems = [p for p in check_text(text) if p.column != "(rows)"]  # an empty period is fine
    if problems:
        raise InputError(
            "the return does not fit the format: " + "; ".join(map(str, problems[:5])),
            file=str(out_path),
        )
    write_atomic(out_path, text)
    return Path(out_path)


def write_ofqual_return(
    store,
    start: date,
    end: date,
    out_path: str | Path,
    *,
    reporting_date: date | None = None,
    organisation: str | None = None,
    organisation_id: str | None = None,
) -> Path:
    """Write the Ofqual EPA outcomes return of ``store`` for ``start``..``end`` to ``out_path``
    and return its path. The organisation's name and EPAxxxx identifier come from the arguments,
    else ``EPA_ORGANISATION`` and ``EPA_ORGANISATION_ID``. Skipped results are not reported here:
    :func:`return_rows` lists them."""
    rows, _ = return_rows(
        store,
        start,
        end,
        reporting_date=reporting_date,
        organisation=organisation,
        organisation_id=organisation_id,
    )
    return write_rows(rows, out_path)
