"""The certificate claim batch: one CSV row per released result not yet claimed, bad rows refused.

The columns follow the Apprenticeship assessment service's certificate upload
(``createCertificates.csv`` of the service's published API client: ``Uln``,
``StandardReference``, ``OverallGrade``, ``AchievementDate``; ``Version`` as in its EPA
record upload), for the fields the kit holds; the EPAO adds the family name and postal contact
the service also asks for. The overall grade is the grading engine's
(:func:`~epa_kernel.core.grading.grade_epa` over the apprentice's current submitted records),
the achievement date the day the last counted method was assessed.

Refused, with the reason, and left out: results not released, or changed since their release;
an open appeal or enquiry; no overall grade yet; an invalid ULN; a method without its
assessment date; and a Fail, which the service does not take as a certificate (its grades are
Pass, Credit, Merit, Distinction, Pass with excellence, Outstanding, No grade awarded; a fail
is recorded as an EPA outcome instead: ``epa submit``, :mod:`epa_kernel.submit`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import grade_epa, select_attempts
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.uln import uln_is_valid
from epa_kernel.errors import InputError

COLUMNS = ("Uln", "StandardReference", "Version", "OverallGrade", "AchievementDate")
#: The service's certificate grades (das-assessor-service Domain/Consts/CertificateGrade.cs
#: without Fail, as Controllers/CertificateController.cs GetGrades lists them).
SERVICE_GRADES = (
    "Pass",
    "Credit",
    "Merit",
    "Distinction",
    "Pass with excellence",
    "Outstanding",
    "No grade awarded",
)


@dataclass(frozen=True)
class Refused:
    uln: str
    reason: str


def claim_row(uln: str, records: Sequence[MethodRecord]) -> dict:
    """The claim row for one apprentice's current submitted records; InputError when the
    result cannot be claimed (the message says why)."""
    if not uln_is_valid(uln):
        raise InputError("invalid ULN (10 digits with the published check digit)", field="Uln")
    if not records:
        raise InputError("no submitted records", field="OverallGrade")
    first = records[0]
    outcome = grade_epa(get_standard(first.standard, first.version), records)
    if outcome.grade is None:
        raise InputError(
            "no overall grade yet: " + "; ".join(outcome.reasons), field="OverallGrade"
        )
    if outcome.grade not in SERVICE_GRADES:
        raise InputError(
            f"overall {outcome.grade}: the service takes no certificate for it (grades "
            f"{', '.join(SERVICE_GRADES)}); record the EPA outcome instead",
            field="OverallGrade",
        )
    counted = select_attempts(records)
    undated = sorted(m for m, r in counted.items() if r.assessed_on is None)
    if undated:
        raise InputError(f"no assessment date on {', '.join(undated)}", field="AchievementDate")
    return {
        "Uln": uln,
        "StandardReference": outcome.standard,
        "Version": outcome.version,
        "OverallGrade": outcome.grade,
        "AchievementDate": max(r.assessed_on for r in counted.values()).isoformat(),
    }


def claim_batch(store) -> tuple[list[dict], list[Refused]]:
    """The rows to claim (released results not yet claimed) and the results refused."""
    released = store.releases()
    claimed = {(c.uln, c.standard) for c in store.claims()}
    withdrawn = {w.uln: w.on for w in store.withdrawals()}
    by_uln: dict[str, list] = {}
    for stored in store.all_records(submitted_only=True):
        by_uln.setdefault(stored.record.apprentice.uln, []).append(stored)
    rows, refused = [], []
    for uln, mine in sorted(by_uln.items()):
        if uln not in released:
            continue
        if (uln, mine[0].record.standard) in claimed:
            continue
        if uln in withdrawn:
            refused.append(Refused(uln, f"withdrawn from the EPA on {withdrawn[uln]}"))
            continue
        release = released[uln]
        open_ = [f"{s.record.method} {a.kind} {a.number}" for s, a in store.open_appeals(mine)]
        if open_:
            refused.append(Refused(uln, f"under appeal ({', '.join(open_)})"))
            continue
        if store.results_digest(uln) != release.results:
            refused.append(
                Refused(
                    uln,
                    f"results changed since their release on {release.at}; "
                    "release them again (epa release)",
                )
            )
            continue
        try:
            row = claim_row(uln, [s.record for s in mine])
        except InputError as exc:
            refused.append(Refused(uln, exc.message))
            continue
        rows.append({**row, "_results": release.results})
    return rows, refused


def to_csv(rows: Sequence[dict]) -> str:
    """The batch as CSV text: the header, then one line per row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def claims_to_record(rows: Sequence[dict]) -> list[dict]:
    """The rows as the store's claim records."""
    return [
        {
            "uln": r["Uln"],
            "standard": r["StandardReference"],
            "version": r["Version"],
            "grade": r["OverallGrade"],
            "achieved_on": r["AchievementDate"],
            "results": r["_results"],
        }
        for r in rows
    ]
