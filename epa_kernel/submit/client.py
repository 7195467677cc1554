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
status stops the run with :class:`ServiceError`.

The key is sent as ``Ocp-Apim-Subscription-Key`` and nowhere else: no message, log line or
``repr`` holds it, and none holds a body (bodies hold ULNs).
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from epa_kernel.errors import EpaError

BATCH = 25
log = logging.getLogger(__name__)


class ServiceError(EpaError):
    """The service could not be reached, or answered a whole request with an error."""


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

    def _request(self, method: str, path: str, body: list) -> urllib.request.Request:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._key:
            headers["Ocp-Apim-Subscription-Key"] = self._key
        data = json.dumps(body).encode("utf-8")
        return urllib.request.Request(
            self.base_url + path, data=data, method=method, headers=headers
        )

    def send(self, method: str, path: str, body: list) -> list[dict]:
        """The answers to one batch (at most :data:`BATCH` items), retried as the module says."""
        if len(body) > BATCH:
            raise ValueError(f"a batch holds at most {BATCH} items")
        for attempt in range(1, self.attempts + 1):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                with urllib.request.urlopen(
                    self._request(method, path, body), timeout=self.timeout
                ) as resp:
                    answer = json.loads(resp.read().decode("utf-8"))
                log.info("%s %s: %d items answered", method, path, len(body))
                return answer
            except urllib.error.HTTPError as exc:
                status = exc.code
                message = _message(exc)
                exc.close()
                if status != 429 and status < 500:
                    raise ServiceError(
                        f"{method} {path}: the service answered {status} {message}"
                    ) from None
                wait = max(wait, _retry_after(exc.headers.get("Retry-After")))
                why = f"status {status}"
            except TimeoutError:
                why = "timed out"
            except urllib.error.URLError as exc:
                why = "timed out" if isinstance(exc.reason, TimeoutError) else "unreachable"
            if attempt == self.attempts:
                break
            log.warning(
                "%s %s: %s; retrying in %.1fs (attempt %d of %d)",
                method,
                path,
                why,
                wait,
                attempt + 1,
                self.attempts,
            )
            self.sleep(wait)
        raise ServiceError(f"{method} {path}: no answer after {self.attempts} attempts ({why})")


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
