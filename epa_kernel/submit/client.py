"""HTTP to the External API with urllib: batches, retries, and a key that is never shown.

Each request carries at most :data:`BATCH` items: the service answers a longer one with 403
and ``{"statusCode": 403, "message": "Batch limited to 25 requests"}``
(Controllers/EpaController.cs and Controllers/CertificateController.cs of
das-assessor-service ``src/SFA.DAS.AssessorService.Application.Api.External``,
``MAX_EPAS_IN_REQUEST`` / ``MAX_CERTIFICATES_IN_REQUEST``; Models/Response/ApiResponse.cs). Its
answer to a batch is 200 with one object per item: ``requestId``, ``validationErrors`` and the
``epaReference`` or the ``certificate`` made (Models/Response/CreateEpaResponse.cs,
CreateCertificateResponse.cs...). A timeout, a refused connection, a 5xx or a 429 (the API
gateway's rate limit, azure/api-management/policies/apis/das-assessor-service-api-external.xml:
120 calls a minute) is retried with exponential backoff (``Retry-After`` honoured); any other
status stops the run with :class:`ServiceError`. A create or a submission is not resent blind:
the service does not deduplicate by ``RequestId`` (it only echoes it), so one whose answer was
lost raises :class:`Unanswered` and is first looked up (:mod:`epa_kernel.submit.recover`).

The key is sent as ``Ocp-Apim-Subscription-Key`` and nowhere else: no message, log line or
``repr`` holds it, and none holds a body (bodies hold ULNs).
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from epa_kernel.errors import EpaError

BATCH = 25
log = logging.getLogger(__name__)


class ServiceError(EpaError):
    """The service could not be reached, or answered a whole request with an error."""


class Unanswered(ServiceError):
    """A create or submission whose answer was lost: the service may have acted on it."""


def batches(items: list, size: int = BATCH) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class ServiceClient:
    """One base URL and key; ``send`` posts or puts one batch and returns the service's answer."""

    def __init__(
        self,
        base_url: str,
        key: str | None,
        *,
        timeout: float = 30.0,
        attempts: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._key = key
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.sleep = sleep

    def __repr__(self) -> str:
        return f"ServiceClient({self.base_url!r})"

    def _request(self, method: str, path: str, data: bytes | None) -> urllib.request.Request:
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self._key:
            headers["Ocp-Apim-Subscription-Key"] = self._key
        return urllib.request.Request(
            self.base_url + path, data=data, method=method, headers=headers
        )

    def send(self, method: str, path: str, body: list, *, resend: bool = True) -> list[dict]:
        """The answers to one batch (at most :data:`BATCH` items), retried as the module says.

        ``resend=False`` (a create or a submission, which the service does not deduplicate):
        an answer lost after the request may have reached the service (a timeout, a reset
        connection, a 5xx) is not sent again here but raised as :class:`Unanswered`, for the
        caller to ask the service what it holds first (:mod:`epa_kernel.submit.recover`)."""
        if len(body) > BATCH:
            raise ValueError(f"a batch holds at most {BATCH} items")
        data = json.dumps(body).encode("utf-8")
        answer = self._call(method, path, path, data, resend=resend)
        log.info("%s %s: %d items answered", method, path, len(body))
        return answer or []

    def get(self, template: str, *parts: str | int) -> dict | None:
        """GET ``template`` with ``parts`` (a ULN, a family name...) quoted into it: the JSON
        answer, or None when the service holds nothing (204, 404) or will not show it (403).
        Safe to repeat, so retried on every lost answer; only ``template`` is ever logged."""
        try:
            return self._call("GET", _path(template, parts), template, None, resend=True)
        except _Status as exc:
            if exc.status in (403, 404):
                return None
            raise ServiceError(str(exc)) from None

    def delete(self, template: str, *parts: str | int) -> str | None:
        """DELETE ``template`` with ``parts`` quoted into it: None when done (204), else the
        service's refusal (its 403 or 404 message). Deleting twice changes nothing, so a lost
        answer is retried; only ``template`` is ever logged."""
        try:
            self._call("DELETE", _path(template, parts), template, None, resend=True)
        except _Status as exc:
            if exc.status in (403, 404):
                return exc.message or f"the service answered {exc.status}"
            raise ServiceError(str(exc)) from None
        log.info("DELETE %s: answered", template)
        return None

    def _call(self, method: str, path: str, label: str, data: bytes | None, *, resend: bool):
        for attempt in range(1, self.attempts + 1):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                with urllib.request.urlopen(
                    self._request(method, path, data), timeout=self.timeout
                ) as resp:
                    raw = resp.read()
                    return json.loads(raw.decode("utf-8")) if raw else None  # 204: no content
            except urllib.error.HTTPError as exc:
                status = exc.code
                message = _message(exc)
                exc.close()
                text = f"{method} {label}: the service answered {status} {message}"
                if status != 429 and status < 500:
                    if method in ("GET", "DELETE"):
                        raise _Status(status, text, message.strip("()")) from None
                    raise ServiceError(text) from None
                wait = max(wait, _retry_after(exc.headers.get("Retry-After")))
                why, lost = f"status {status}", status != 429
            except TimeoutError:
                why, lost = "timed out", True
            except urllib.error.URLError as exc:
                refused = isinstance(exc.reason, ConnectionRefusedError)
                timed_out = isinstance(exc.reason, TimeoutError)
                why = "timed out" if timed_out else "unreachable"
                lost = not refused  # a refused connection never reached the service
            if lost and not resend:
                raise Unanswered(f"{method} {label}: {why}; the service may have acted on it")
            if attempt == self.attempts:
                break
            log.warning(
                "%s %s: %s; retrying in %.1fs (attempt %d of %d)",
                method,
                label,
                why,
                wait,
                attempt + 1,
                self.attempts,
            )
            self.sleep(wait)
        raise ServiceError(f"{method} {label}: no answer after {self.attempts} attempts ({why})")


class _Status(Exception):
    """A GET's or DELETE's error status, with the service's message."""

    def __init__(self, status: int, text: str, message: str = ""):
        super().__init__(text)
        self.status, self.message = status, message


def _path(template: str, parts) -> str:
    """``template`` with each part URL-quoted (a family name may hold spaces or an apostrophe)."""
    return template.format(*(urllib.parse.quote(str(p), safe="") for p in parts))


def _message(exc: urllib.error.HTTPError) -> str:
    """The ApiResponse message of an error answer, short (it names no learner)."""
    try:
        data = json.loads(exc.read().decode("utf-8"))
        text = str(data.get("message") or data.get("Message") or "")
    except (ValueError, AttributeError, OSError):
        return ""
    return f"({text[:200]})" if text else ""


def _retry_after(value: str | None) -> float:
    try:
        return min(float(value), 60.0) if value else 0.0
    except ValueError:
        return 0.0
