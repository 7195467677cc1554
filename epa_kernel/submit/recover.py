"""A create or a submission whose answer was lost: ask the service what it holds before resending.

The service does not deduplicate by ``RequestId`` (das-assessor-service only echoes it:
``Application.Api.External/AutoMapperProfiles/Create*ResponseProfile.cs``). A POST that timed
out may have been acted on, and the same POST again is then refused by state ("EPA already
provided for the learner", "Certificate already exists: ...",
``Validators/ExternalApi/*/CreateBatch*RequestValidator.cs``) or, for a submission,
"Certificate has already been submitted". So before an item is sent again it is looked up:

- an EPA record by ``GET api/v1/learner/{uln}/{familyName}/{standard}``
  (``Controllers/LearnerController.cs``): its ``epaDetails`` hold the ``epaReference`` and the
  ``epas`` the service recorded (``Models/Response/Learners/GetLearner.cs``);
- a certificate by ``GET api/v1/certificate/{uln}/{familyName}/{standard}``
  (``Controllers/CertificateController.cs``; 204 when there is none): its
  ``certificateData.certificateReference``, grade and achievement date, and its
  ``status.currentStatus`` (``Draft`` or ``Ready`` until it is submitted).

An item the service holds as sent is answered from what it holds (accepted, with the reference
it gave), and only the rest are sent again. Lookups log their route's template, never a ULN or
a name.
"""

from __future__ import annotations

import logging

from epa_kernel.submit.client import ServiceClient, ServiceError, Unanswered
from epa_kernel.submit.requests import Item

LEARNER = "api/v1/learner/{}/{}/{}"
CERTIFICATE = "api/v1/certificate/{}/{}/{}"
NOT_SUBMITTED = {"draft", "ready"}
log = logging.getLogger(__name__)


def _who(item: Item) -> tuple:
    body = item.body
    if item.kind == "submit":
        return body["uln"], body["familyName"], body["standardReference"]
    return (
        body["learner"]["uln"],
        body["learner"]["familyName"],
        body["standard"]["standardReference"],
    )


def _epas(epas) -> list[tuple[str, str]]:
    return [(str(e.get("epaDate"))[:10], str(e.get("epaOutcome")).lower()) for e in epas or []]


def _found(item: Item, **answer) -> dict:
    return {"requestId": item.request_id, "validationErrors": [], "recovered": True, **answer}


def held_by_service(client: ServiceClient, item: Item) -> dict | None:
    """The answer the lost request would have had, when the service holds what it said."""
    if item.kind == "epa":
        details = (client.get(LEARNER, *_who(item)) or {}).get("epaDetails") or {}
        ref = details.get("epaReference")
        if ref and _epas(details.get("epas")) == _epas(item.body["epaDetails"]["epas"]):
            return _found(item, epaReference=ref)
        return None
    cert = client.get(CERTIFICATE, *_who(item)) or {}
    data = cert.get("certificateData") or {}
    ref = data.get("certificateReference")
    status = str((cert.get("status") or {}).get("currentStatus") or "").lower()
    if not ref:
        return None
    if item.kind == "submit":
        if ref == item.body["certificateReference"] and status not in NOT_SUBMITTED:
            return _found(item, certificate=cert)
        return None
    held, said = data.get("learningDetails") or {}, item.body["learningDetails"]
    same_grade = str(held.get("overallGrade")).lower() == str(said["overallGrade"]).lower()
    if same_grade and str(held.get("achievementDate"))[:10] == said["achievementDate"]:
        return _found(item, certificate=cert)
    return None


def _look_up(client: ServiceClient, items: list[Item], answers: dict) -> list[Item]:
    """Answer from the service what it holds of ``items``; the rest, still to send."""
    rest = []
    for item in items:
        reply = held_by_service(client, item)
        if reply is None:
            rest.append(item)
        else:
            answers[item.request_id] = reply
    if len(rest) < len(items):
        log.info("%d item(s) found at the service after a lost answer", len(items) - len(rest))
    return rest


def send_batch(
    client: ServiceClient, method: str, path: str, batch: list[Item], *, look_first: set[str]
) -> tuple[dict[str, dict], str | None]:
    """Send a batch of creates or submissions without ever resending blind: the items in
    ``look_first`` (request ids whose earlier answer was lost) are looked up before anything is
    sent, and after each lost answer every item still unanswered is. The answers by request id,
    and why the rest got none (None: all answered)."""
    answers: dict[str, dict] = {}
    pending = list(batch)
    why = None
    try:
        first = [i for i in pending if i.request_id in look_first]
        if first:
            _look_up(client, first, answers)
            pending = [i for i in pending if i.request_id not in answers]
        for attempt in range(1, client.attempts + 1):
            if not pending:
                return answers, None
            try:
                replies = client.send(method, path, [i.body for i in pending], resend=False)
            except Unanswered as exc:
                why = str(exc)
                if attempt < client.attempts:
                    client.sleep(client.backoff * 2 ** (attempt - 1))
                    pending = _look_up(client, pending, answers)
                continue
            answers.update({r.get("requestId"): r for r in replies if isinstance(r, dict)})
            return answers, None
    except ServiceError as exc:
        return answers, str(exc)
    return answers, f"{why} (no answer after {client.attempts} attempts)"
