"""A local Apprenticeship assessment service External API, from the service's source.

Not a stub: a real HTTP server on loopback that keeps learners, the EPAO's approved standard
versions and one certificate per learner and standard, and answers as das-assessor-service does
(``src/SFA.DAS.AssessorService.Application.Api.External/Controllers/EpaController.cs`` and
``CertificateController.cs`` for routes and the 25-item limit with its 403 ``ApiResponse``;
``src/SFA.DAS.AssessorService.Application.Api/Validators/ExternalApi/Epas/*`` and
``.../Certificates/*`` for each item's ``validationErrors``, with the service's messages;
``src/SFA.DAS.AssessorService.Application/Handlers/ExternalApi/Epas/CreateBatchEpaHandler.cs``
and ``UpdateBatchEpaHandler.cs`` for the state an EPA record leaves: a Fail is a submitted
certificate with grade Fail, anything else a draft). The service does not deduplicate by
``RequestId`` (it only echoes it); a repeated create is refused by state ("EPA already
provided for the learner", "Certificate already exists: ..."), and so it is here. A missing or
wrong ``Ocp-Apim-Subscription-Key`` is the API gateway's 401.

``GET api/v1/learner/...`` and ``GET api/v1/certificate/...`` answer as LearnerController.cs
and CertificateController.cs with Handlers/ExternalApi/Learners/GetBatchLearnerHandler.cs and
Certificates/GetBatchCertificateHandler.cs: the learner's ``epaDetails`` (with the
``epaReference``) whatever the certificate's state; the certificate only when it is a pass (204
for none, a submitted Fail, or a draft whose latest EPA is a Pass without a grade); a family
name that does not match is a 403.

``faults``: scripted failures, each taken by the first request it fits (an optional third
element ``"POST /api/v1/certificate"`` names the one it waits for): ``("stall", seconds)``
holds the request and drops it unanswered and unprocessed (a gateway timeout before the
service), ``("lose", seconds)`` acts on it, then holds and drops the answer (the service made
the certificate, the answer was lost), ``("status", 503)`` answers that status unprocessed.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from epa_kernel.submit.validate import CERTIFICATE_GRADES, POSTCODE

LIMIT_MESSAGE = "Batch limited to 25 requests"


@dataclass
class Cert:
    reference: str
    status: str = "Draft"
    grade: str | None = None
    epas: list = field(default_factory=list)
    data: dict = field(default_factory=dict)


@dataclass
class Service:
    key: str
    learners: dict = field(default_factory=dict)  # (uln, standard) -> family name
    approved: dict = field(default_factory=dict)  # standard -> versions
    options: dict = field(default_factory=dict)  # standard -> its course options (none: absent)
    certs: dict = field(default_factory=dict)  # (uln, standard) -> Cert
    faults: list = field(default_factory=list)
    log: list = field(default_factory=list)  # (method, path, number of items) answered
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 10000000

    def reference(self) -> str:
        self.counter += 1
        return f"{self.counter:08d}"

    # --- BatchEpaRequestValidator / BatchCertificateRequestValidator, shared rules -----------
    def common(self, uln, family, standard, version) -> list[str]:
        errors = []
        if not family:
            errors.append("Provide apprentice family name")
        if not standard:
            return [*errors, "Provide a valid Standard"]
        if not 1000000000 <= uln <= 9999999999:
            return [*errors, "ULN should contain exactly 10 numbers"]
        known = self.learners.get((uln, standard))
        if known is None or (family or "").lower() != known.lower():
            errors.append("ULN, FamilyName and Standard not found.")
        elif not self.approved.get(standard):
            errors.append("Your organisation is not approved to assess this Standard")
        elif version and version not in self.approved[standard]:
            errors.append(
                f"Your organisation is not approved to assess this Standard Version: {version}"
            )
        return errors

    def option(self, std, details: dict, *, required: bool) -> list[str]:
        """BatchCertificateRequestValidator / BatchEpaRequestValidator on CourseOption (an EPA
        record's is checked only when given)."""
        given, options = details.get("courseOption"), self.options.get(std, ())
        if not options and given:
            return ["No course option available for this Standard and version. Must be empty"]
        known = {o.lower() for o in options}
        if options and (given or required) and (given or "").lower() not in known:
            return ["Invalid course option for this Standard and version."]
        return []

    def epa(self, item: dict, update: bool) -> dict:
        learner, std = (
            item.get("learner") or {},
            (item.get("standard") or {}).get("standardReference"),
        )
        uln, family = int(learner.get("uln") or 0), learner.get("familyName")
        details = item.get("learningDetails") or {}
        errors = self.common(uln, family, std, details.get("version"))
        errors += self.option(std, details, required=False)
        epas = (item.get("epaDetails") or {}).get("epas") or []
        if not epas:
            errors.append("Provide EPA Details")
        for e in epas:
            on = date.fromisoformat(e["epaDate"][:10])
            if on < date(2017, 1, 1):
                errors.append("EPA Date cannot be before 01 01 2017")
            if on > datetime.now(UTC).date():
                errors.append("EPA Date cannot be in the future")
            if e.get("epaOutcome", "").lower() not in ("pass", "fail", "withdrawn"):
                errors.append("Invalid outcome: must be Pass, Fail or Withdrawn")
        cert = self.certs.get((uln, std))
        if not update and cert is not None:  # CreateBatchEpaRequestValidator
            if cert.status != "Draft" and cert.grade != "Fail":
                errors.append("Certificate already exists, cannot create EPA record")
            elif cert.status != "Draft" or cert.epas:
                errors.append("EPA already provided for the learner")
        if update:  # UpdateBatchEpaRequestValidator
            ref = item.get("epaReference")
            if not ref:
                errors.append("Provide EPA reference")
            elif cert is None or cert.reference != ref:
                errors.append("EPA not found")
            elif (cert.status == "Draft" and cert.grade) or (
                cert.status != "Draft" and cert.grade != "Fail"
            ):
                errors.append("Certificate already exists, cannot update EPA record")
        reply = {"requestId": item.get("requestId"), "validationErrors": errors}
        if errors:
            return reply
        cert = cert or self.certs.setdefault((uln, std), Cert(self.reference()))
        cert.epas = list(epas)
        latest = max(epas, key=lambda e: e["epaDate"])
        failed = latest["epaOutcome"].lower() == "fail"
        cert.status, cert.grade = ("Submitted", "Fail") if failed else ("Draft", None)
        return {**reply, "epaReference": cert.reference}

    def certificate(self, item: dict, update: bool) -> dict:
        learner, std = (
            item.get("learner") or {},
            (item.get("standard") or {}).get("standardReference"),
        )
        details, contact = item.get("learningDetails") or {}, item.get("postalContact") or {}
        uln, family = int(learner.get("uln") or 0), learner.get("familyName")
        errors = self.common(uln, family, std, details.get("version"))
        errors += self.option(std, details, required=True)
        for name, message in (
            ("contactName", "Provide a contact name"),
            ("addressLine1", "Provide an address"),
            ("city", "Provide a city or town"),
            ("postCode", "Provide a postcode"),
        ):
            if not contact.get(name):
                errors.append(message)
        if contact.get("postCode") and not POSTCODE.match(contact["postCode"]):
            errors.append("Provide a valid UK postcode")
        grade = details.get("overallGrade") or ""
        if grade.lower() == "fail":
            errors.append("Cannot record a Fail grade via API")
        elif grade.lower() not in [g.lower() for g in CERTIFICATE_GRADES]:
            errors.append("You must enter a valid grade.")
        cert = self.certs.get((uln, std))
        if not update and cert is not None:  # CreateBatchCertificateRequestValidator
            if cert.status == "Draft" and cert.grade:
                errors.append(f"Certificate already exists: {cert.reference}")
            elif cert.status != "Draft" and cert.grade != "Fail":
                errors.append(f"Certificate already exists: {cert.reference}")
        if update:  # UpdateBatchCertificateRequestValidator
            ref = item.get("certificateReference")
            if not ref:
                errors.append("Provide the certificate reference")
            elif (
                cert is None or cert.reference != ref or (cert.status == "Draft" and not cert.grade)
            ):
                errors.append("Certificate not found")
            elif cert.status != "Draft":
                errors.append("Certificate does not exist in Draft status")
        reply = {"requestId": item.get("requestId"), "validationErrors": errors}
        if errors:
            return reply
        cert = cert or self.certs.setdefault((uln, std), Cert(self.reference()))
        cert.status, cert.grade = "Draft", grade
        cert.data = {"learningDetails": details, "postalContact": contact}
        on = details["achievementDate"]
        if not any(e["epaDate"] == on and e["epaOutcome"] == "Pass" for e in cert.epas):
            cert.epas.append({"epaDate": on, "epaOutcome": "Pass"})
        view = _certificate_view(cert)
        return {**reply, "certificate": {**view, "status": {"currentStatus": "Ready"}}}

    def submit(self, item: dict) -> dict:  # SubmitBatchCertificateRequestValidator
        uln, std = int(item.get("uln") or 0), item.get("standardReference")
        errors = self.common(uln, item.get("familyName"), std, None)
        cert, ref = self.certs.get((uln, std)), item.get("certificateReference")
        if not ref:
            errors.append("Provide the certificate reference")
        elif cert is None or cert.reference != ref:
            errors.append("Certificate not found")
        elif cert.status != "Draft":
            errors.append("Certificate has already been submitted")
        elif not cert.grade or not cert.data.get("postalContact", {}).get("organisation"):
            errors.append("Certificate is missing mandatory data")
        reply = {"requestId": item.get("requestId"), "validationErrors": errors}
        if errors:
            return reply
        cert.status = "Submitted"
        return {**reply, "certificate": _certificate_view(cert)}


def _certificate_view(cert: Cert) -> dict:
    data = {"certificateReference": cert.reference, **cert.data}
    return {"certificateData": data, "status": {"currentStatus": cert.status}}


def _look_up(service: Service, what: str, uln: int, family: str, std: str):
    """(status, JSON or None) of GET api/v1/learner|certificate/{uln}/{familyName}/{standard}."""
    known = service.learners.get((uln, std))
    if known is None or known.lower() != family.lower():
        message = "Cannot find apprentice with the specified Uln, FamilyName & Standard"
        return 403, {"statusCode": 403, "message": message}
    cert = service.certs.get((uln, std))
    latest = max(cert.epas, key=lambda e: e["epaDate"])["epaOutcome"] if cert and cert.epas else ""
    shown = cert is not None and not (
        (cert.status != "Draft" and cert.grade == "Fail")
        or (cert.status == "Draft" and latest.lower() == "pass" and not cert.grade)
    )
    if what == "certificate":
        return (200, _certificate_view(cert)) if shown else (204, None)
    learner = {"learnerData": {"learner": {"uln": uln, "familyName": known}}}
    if cert is not None and latest:
        learner["epaDetails"] = {
            "epaReference": cert.reference,
            "latestEpaOutcome": latest,
            "epas": list(cert.epas),
        }
    if shown:
        learner["certificate"] = _certificate_view(cert)
    return 200, learner


def _handler(service: Service):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # the test's output stays quiet
            pass

        def _json(self, status: int, data) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _take_fault(self, method: str):
            route = f"{method} {self.path.rstrip('/')}"
            with service.lock:
                for i, fault in enumerate(service.faults):
                    if len(fault) < 3 or route.startswith(fault[2]):
                        return service.faults.pop(i)
            return None

        def _fault(self, fault) -> bool:
            if fault is None or fault[0] == "lose":
                return False
            if fault[0] == "stall":
                self._drop(fault[1])
                return True
            self._json(fault[1], {"statusCode": fault[1], "message": "Service Unavailable"})
            return True

        def _drop(self, seconds: float) -> None:
            time.sleep(seconds)
            self.close_connection = True

        def _authorised(self) -> bool:
            if self.headers.get("Ocp-Apim-Subscription-Key") == service.key:
                return True
            self._json(
                401,
                {"statusCode": 401, "message": "Access denied due to invalid subscription key."},
            )
            return False

        def _batch(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            items = json.loads(self.rfile.read(length) or b"[]")
            fault = self._take_fault(method)
            if self._fault(fault) or not self._authorised():
                return
            path = self.path.rstrip("/")
            routes = {
                ("POST", "/api/v1/epa"): lambda i: service.epa(i, False),
                ("PUT", "/api/v1/epa"): lambda i: service.epa(i, True),
                ("POST", "/api/v1/certificate"): lambda i: service.certificate(i, False),
                ("PUT", "/api/v1/certificate"): lambda i: service.certificate(i, True),
                ("POST", "/api/v1/certificate/submit"): service.submit,
            }
            if (method, path) not in routes:
                self._json(404, {"statusCode": 404, "message": "Not found"})
                return
            if len(items) > 25:
                self._json(403, {"statusCode": 403, "message": LIMIT_MESSAGE})
                return
            with service.lock:
                replies = [routes[(method, path)](i) for i in items]
                service.log.append((method, path, len(items)))
            if fault is not None:  # "lose": acted on, the answer never arrives
                self._drop(fault[1])
                return
            self._json(200, replies)

        def do_POST(self):
            self._batch("POST")

        def do_PUT(self):
            self._batch("PUT")

        def do_DELETE(self):  # DeleteBatchEpaRequestValidator, DeleteBatchEpaHandler
            if self._fault(self._take_fault("DELETE")) or not self._authorised():
                return
            m = re.fullmatch(r"/api/v1/epa/(\d+)/([^/]+)/([^/]+)/([^/]+)", self.path)
            if not m:
                self._json(404, {"statusCode": 404, "message": "Not found"})
                return
            uln, family, std, ref = int(m.group(1)), *(unquote(g) for g in m.groups()[1:])
            with service.lock:
                service.log.append(("DELETE", "/api/v1/epa", 1))
                errors = service.common(uln, family, std, None)
                cert = service.certs.get((uln, std))
                if cert is None or cert.reference != ref:
                    errors.append("EPA not found")
                elif cert.status != "Draft" and cert.grade not in (None, "Fail"):
                    errors.append("Certificate already exists, cannot delete EPA record")
                if not errors:
                    del service.certs[(uln, std)]  # Deleted: a new EPA record may be created
            if errors:
                self._json(403, {"statusCode": 403, "message": "; ".join(errors)})
                return
            self.send_response(204)
            self.end_headers()

        def do_GET(self):
            if self._fault(self._take_fault("GET")) or not self._authorised():
                return
            if self.path.rstrip("/") == "/api/v1/certificate/grades":
                self._json(200, list(CERTIFICATE_GRADES))
                return
            m = re.fullmatch(r"/api/v1/(learner|certificate)/(\d+)/([^/]+)/([^/]+)", self.path)
            if not m:
                self._json(404, {"statusCode": 404, "message": "Not found"})
                return
            what, uln, std = m.group(1), int(m.group(2)), unquote(m.group(4))
            with service.lock:
                service.log.append(("GET", f"/api/v1/{what}", 1))
                status, answer = _look_up(service, what, uln, unquote(m.group(3)), std)
            if answer is None:
                self.send_response(status)
                self.end_headers()
                return
            self._json(status, answer)

    return Handler


class FakeAssessorApi:
    """The server on a free loopback port; ``url`` its base address, ``service`` its state."""

    def __init__(self, key: str):
        self.service = Service(key=key)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.service))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
