"""The External API's JSON bodies for one released result: pure, no I/O.

Field names and shapes are the service's request models (das-assessor-service,
``src/SFA.DAS.AssessorService.Application.Api.External/Models/Request/``: ``CreateEpaRequest``,
``UpdateEpaRequest`` with ``EpaReference``, ``Epa/EpaDetails`` and ``Epa/EpaRecord`` (EpaDate,
EpaOutcome, Resit, Retake); ``CreateCertificateRequest``, ``UpdateCertificateRequest`` with
``CertificateReference``, ``Certificates/Standard``, ``Learner``, ``LearningDetails``,
``PostalContact``; ``SubmitCertificateRequest``), written in camelCase as the service's
published client sends them (das-assessor-service-external-apiclient,
``src/SFA.DAS.AssessorService.ExternalApi.Core/Infrastructure/ApiClient.cs``:
``CamelCasePropertyNamesContractResolver``, nulls left out). The standard is named by its
reference (``StandardReference``); ``Uln`` is a number (``long``).

The words for grades come from the standard's ``service_grade`` block (standards/README.md),
never from code. Each item has a ``requestId`` the service echoes in its answer: a digest of the
item's kind, ULN and body, so the same body resent is the same request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from epa_kernel.core.catalogue import get_standard
from epa_kernel.submit.released import Released

#: The ledger's kinds, in the order a run sends them; the path and HTTP method of each action
#: (Controllers/EpaController.cs, Controllers/CertificateController.cs).
ROUTES = {
    ("epa", "create"): ("POST", "api/v1/epa"),
    ("epa", "update"): ("PUT", "api/v1/epa"),
    ("epa", "delete"): ("DELETE", "api/v1/epa/{}/{}/{}/{}"),
    ("certificate", "create"): ("POST", "api/v1/certificate"),
    ("certificate", "update"): ("PUT", "api/v1/certificate"),
    ("submit", "submit"): ("POST", "api/v1/certificate/submit"),
}
REFERENCE = {"epa": "epaReference", "certificate": "certificateReference"}
_CONTACT = {
    "contact_name": "contactName",
    "department": "department",
    "organisation": "organisation",
    "address_line1": "addressLine1",
    "address_line2": "addressLine2",
    "address_line3": "addressLine3",
    "city": "city",
    "postcode": "postCode",
}


@dataclass(frozen=True)
class Item:
    """One item of a request: its ledger kind and action, whose result it carries, the body."""

    kind: str
    action: str
    uln: str
    standard: str
    results: str
    body: dict

    @property
    def body_hash(self) -> str:
        return body_hash(self.body)

    @property
    def request_id(self) -> str:
        return self.body["requestId"]


def body_hash(body: dict) -> str:
    """The SHA-256 of a body without its request id and the service's reference: what was said,
    so an unchanged result is never sent again and a changed one is."""
    said = {k: v for k, v in body.items() if k not in ("requestId", *REFERENCE.values())}
    return hashlib.sha256(json.dumps(said, sort_keys=True).encode("utf-8")).hexdigest()


def _item(kind: str, action: str, result: Released, body: dict) -> Item:
    """One item of ``result``, its body given the request id the service will echo."""
    body = _with_id(kind, action, result.uln, body)
    return Item(kind, action, result.uln, result.standard, result.results, body)


def _with_id(kind: str, action: str, uln: str, body: dict) -> dict:
    digest = hashlib.sha256(f"{kind}|{action}|{uln}|{body_hash(body)}".encode()).hexdigest()
    return {"requestId": f"{kind[:3]}-{digest[:20]}", **body}


def service_grade(result: Released):
    """The standard's ``service_grade`` block (None when the standard has none)."""
    return get_standard(result.standard, result.version).service_grade


def _learner(result: Released) -> dict:
    return {"uln": int(result.uln), "familyName": result.family_name}


def _with_option(result: Released, details: dict) -> dict:
    """``details`` with the apprentice's ``courseOption`` first when they name one (left out
    otherwise, so bodies of standards without options are as before)."""
    return {"courseOption": result.course_option, **details} if result.course_option else details


def epa_item(result: Released, reference: str | None = None) -> Item:
    """The EPA record of every sitting (and the withdrawal, if any): POST without a reference,
    PUT with the one the service gave (an update replaces the whole list:
    Application/Handlers/ExternalApi/Epas/UpdateBatchEpaHandler.cs)."""
    words = service_grade(result).epa_outcome
    epas = [
        {
            "epaDate": s.on.isoformat(),
            "epaOutcome": words[s.grade],
            "resit": s.kind == "resit",
            "retake": s.kind == "retake",
        }
        for s in result.sittings
    ]
    if result.withdrawn_on is not None:
        epas.append({"epaDate": result.withdrawn_on.isoformat(), "epaOutcome": "Withdrawn"})
    body = {
        "standard": {"standardReference": result.standard},
        "learner": _learner(result),
        "learningDetails": _with_option(result, {"version": result.version}),
        "epaDetails": {"epas": epas},
    }
    action = "update" if reference else "create"
    if reference:
        body["epaReference"] = reference
    return _item("epa", action, result, body)


def earns_certificate(result: Released) -> bool:
    grades = service_grade(result)
    return result.withdrawn_on is None and grades is not None and result.grade in grades.certificate


def postal_contact(result: Released, contact: dict[str, str]) -> dict:
    """The postal contact: the organisation's config, its organisation else the apprentice's
    employer."""
    given = {k: v for k, v in contact.items() if v}
    if "organisation" not in given and result.employer:
        given["organisation"] = result.employer
    return {_CONTACT[k]: v for k, v in given.items()}


def certificate_item(
    result: Released, contact: dict[str, str], reference: str | None = None
) -> Item:
    """The certificate of a result that earns one (the standard's ``service_grade.certificate``);
    the achievement date is the last sitting's."""
    body = {
        "standard": {"standardReference": result.standard},
        "learner": _learner(result),
        "learningDetails": _with_option(
            result,
            {
                "overallGrade": service_grade(result).certificate[result.grade],
                "achievementDate": result.sittings[-1].on.isoformat() if result.sittings else None,
                "version": result.version,
            },
        ),
        "postalContact": postal_contact(result, contact),
    }
    action = "update" if reference else "create"
    if reference:
        body["certificateReference"] = reference
    return _item("certificate", action, result, body)


def delete_item(result: Released, reference: str) -> Item:
    """Deleting the EPA record of an apprentice back in the EPA whose record the service holds
    as Withdrawn (``DELETE api/v1/epa/{uln}/{familyName}/{standard}/{epaReference}``,
    Controllers/EpaController.cs): the parts of its route, as a body only the kit reads."""
    return _item("epa", "delete", result, _by_reference(result, epaReference=reference))


def submit_item(result: Released, reference: str) -> Item:
    """Submitting a created certificate for printing (SubmitCertificateRequest)."""
    body = _by_reference(result, certificateReference=reference)
    return _item("submit", "submit", result, body)


def _by_reference(result: Released, **reference: str) -> dict:
    """The learner, standard and the service's reference: how a submission or a deletion names
    what it acts on."""
    return {
        "uln": int(result.uln),
        "familyName": result.family_name,
        "standardReference": result.standard,
        **reference,
    }
