"""The service's own rules, applied before anything is sent: every problem listed per ULN.

From das-assessor-service ``src/SFA.DAS.AssessorService.Application.Api/Validators/ExternalApi/``
(the messages are the service's): ``Epas/BatchEpaRequestValidator.cs`` (ULN 1000000000 to
9999999999, a family name, a standard, the version the EPAO is approved for, at least one EPA,
each dated from 1 January 2017 and not in the future, outcome Pass, Fail or Withdrawn),
``Epas/UpdateBatchEpaRequestValidator.cs`` (an EPA reference), and
``Certificates/BatchCertificateRequestValidator.cs`` (contact name, address, city, a UK
postcode by its pattern, a grade of ``CertificateGrade`` and never Fail, an achievement date
from 1 January 2017 and not in the future), ``UpdateBatchCertificateRequestValidator.cs`` (a
certificate reference) and ``SubmitBatchCertificateRequestValidator.cs`` (a certificate is
submitted only with the contact's organisation: "Certificate is missing mandatory data").
What only the service knows (the learner record, the UKPRN) it checks itself; its answers are
kept in the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from epa_kernel.exports.certificates import SERVICE_GRADES
from epa_kernel.submit.requests import Item

EARLIEST = date(2017, 1, 1)
#: Domain/Consts/EpaOutcome.cs
EPA_OUTCOMES = ("Pass", "Fail", "Withdrawn")
#: Domain/Consts/CertificateGrade.cs without Fail (Controllers/CertificateController.cs GetGrades)
CERTIFICATE_GRADES = SERVICE_GRADES
#: BatchCertificateRequestValidator.cs, ContactPostCode
POSTCODE = re.compile(
    r"^(([gG][iI][rR] {0,}0[aA]{2})|((([a-pr-uwyzA-PR-UWYZ][a-hk-yA-HK-Y]?[0-9][0-9]?)|"
    r"(([a-pr-uwyzA-PR-UWYZ][0-9][a-hjkstuwA-HJKSTUW])|([a-pr-uwyzA-PR-UWYZ][a-hk-yA-HK-Y]"
    r"[0-9][abehmnprv-yABEHMNPRV-Y]))) {0,}[0-9][abd-hjlnp-uw-zABD-HJLNP-UW-Z]{2}))$"
)


def _date_problems(value, what: str, today: date) -> list[str]:
    if not value:
        return [f"Provide the {what.lower()}"]
    on = date.fromisoformat(value)
    if on < EARLIEST:
        return [f"{what} cannot be before 01 01 2017"]
    if on > today:
        return [f"{what} cannot be in the future"]
    return []


def _common(body: dict, version: str | None, approved: dict[str, tuple[str, ...]]) -> list[str]:
    out = []
    learner = body["learner"]
    if not 1000000000 <= learner["uln"] <= 9999999999:
        out.append("ULN should contain exactly 10 numbers")
    if not (learner.get("familyName") or "").strip():
        out.append("Provide apprentice family name")
    standard = body["standard"].get("standardReference")
    if not standard:
        return [*out, "Provide a valid Standard"]
    versions = approved.get(standard.upper(), ())
    if not versions:
        out.append("Your organisation is not approved to assess this Standard")
    elif version and version.lower() not in {v.lower() for v in versions}:
        out.append(f"Your organisation is not approved to assess this Standard Version: {version}")
    return out


def epa_problems(body: dict, approved, today: date) -> list[str]:
    out = _common(body, body["learningDetails"].get("version"), approved)
    if "epaReference" in body and not body["epaReference"]:
        out.append("Provide EPA reference")
    epas = body["epaDetails"]["epas"]
    if not epas:
        out.append("Provide EPA Details")
    for epa in epas:
        out += _date_problems(epa.get("epaDate"), "EPA Date", today)
        if (epa.get("epaOutcome") or "").lower() not in {o.lower() for o in EPA_OUTCOMES}:
            out.append("Invalid outcome: must be Pass, Fail or Withdrawn")
    return out


def certificate_problems(body: dict, approved, today: date, *, submitting: bool) -> list[str]:
    details = body["learningDetails"]
    out = _common(body, details.get("version"), approved)
    if "certificateReference" in body and not body["certificateReference"]:
        out.append("Provide the certificate reference")
    contact = body["postalContact"]
    for name, message in (
        ("contactName", "Provide a contact name"),
        ("addressLine1", "Provide an address"),
        ("city", "Provide a city or town"),
        ("postCode", "Provide a postcode"),
    ):
        if not (contact.get(name) or "").strip():
            out.append(message)
    if contact.get("postCode") and not POSTCODE.match(contact["postCode"]):
        out.append("Provide a valid UK postcode")
    if submitting and not (contact.get("organisation") or "").strip():
        out.append(
            "Certificate is missing mandatory data: the postal contact's organisation "
            "(service.postal_contact.organisation, or the apprentice's employer)"
        )
    grade = details.get("overallGrade") or ""
    if not grade.strip():
        out.append("Select the grade achieved")
    elif grade.lower() == "fail":
        out.append("Cannot record a Fail grade via API")
    elif grade.lower() not in {g.lower() for g in CERTIFICATE_GRADES}:
        out.append(
            "You must enter a valid grade. Must be one of the following: "
            + ", ".join(CERTIFICATE_GRADES)
        )
    out += _date_problems(details.get("achievementDate"), "Achievement date", today)
    return out


def course_option_problems(option: str | None, options: tuple[str, ...]) -> list[str]:
    """The service's course-option rule (BatchCertificateRequestValidator.cs): none to name
    when the standard version has none, else one of its options."""
    if not options:
        if option:
            return ["No course option available for this Standard and version. Must be empty"]
        return []
    if (option or "").lower() not in {o.lower() for o in options}:
        return [
            "Invalid course option for this Standard and version. Must be one of the "
            f"following: {', '.join(options)}"
        ]
    return []


def problems(
    items: Iterable[Item], approved: dict[str, tuple[str, ...]], today: date, *, submitting: bool
) -> dict[str, list[str]]:
    """Every problem of every EPA and certificate item, by ULN (none: may be sent)."""
    found: dict[str, list[str]] = {}
    for item in items:
        if item.kind == "epa":
            mine = epa_problems(item.body, approved, today)
        elif item.kind == "certificate":
            mine = certificate_problems(item.body, approved, today, submitting=submitting)
        else:
            continue
        for p in mine:
            if p not in found.setdefault(item.uln, []):
                found[item.uln].append(p)
    return {uln: ps for uln, ps in found.items() if ps}
