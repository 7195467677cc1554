"""The apps' side of the store service: an object with Access's methods, each one HTTP call.

On a hub the apps hold a :class:`StoreClient` where a laptop's apps hold the store: it sends its
user's hub token (``JUPYTERHUB_API_TOKEN``, which JupyterHub gives each user's server and its
kernels) to the service at ``EPA_STORE_SERVICE``, and raises the same errors Access raises
(:class:`~epa_kernel.errors.AccessError`, :class:`~epa_kernel.errors.ConflictError`, ...), so an
app cannot tell the two apart. It knows nothing that its user could not ask for themselves.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

from epa_kernel.errors import AccessError, ConflictError, InputError, StoreError
from epa_kernel.service.server import CALLS
from epa_kernel.service.wire import decode, encode
from epa_kernel.store.users import User

ERRORS = {"access": AccessError, "conflict": ConflictError, "store": StoreError}


class StoreClient:
    """The signed-in user's store, through the service at ``url`` with ``token``."""

    def __init__(self, url: str, token: str, *, timeout: float = 30):
        self.url, self._token, self.timeout = url.rstrip("/"), token, timeout
        me = self._send("GET", "whoami")
        self.user: User = me["user"]
        self.author: str = me["author"]

    @classmethod
    def from_environment(cls) -> StoreClient:
        """The client a hub's kernel builds from what JupyterHub and ``epa hub`` put in its
        environment; StoreError when either is missing."""
        url, token = os.environ.get("EPA_STORE_SERVICE"), os.environ.get("JUPYTERHUB_API_TOKEN")
        if not url or not token:
            raise StoreError("this server was not started by `epa hub`: no store service")
        return cls(url, token)

    def __getattr__(self, name: str):
        if name not in CALLS:
            raise AttributeError(name)

        def call(*args, **kwargs):
            body = {"args": encode(list(args)), "kwargs": {k: encode(v) for k, v in kwargs.items()}}
            return self._send("POST", f"call/{name}", body)

        call.__name__ = name
        return call

    def close(self) -> None:
        """Nothing to close (each call is its own request); there for the Store's callers."""

    def _send(self, method: str, path: str, body: dict | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self._token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return decode(json.loads(answer.read())["result"])
        except urllib.error.HTTPError as exc:
            raise refusal(exc) from None
        except OSError as exc:
            raise StoreError(f"the store service is not answering ({type(exc).__name__})") from None


def refusal(exc: urllib.error.HTTPError) -> Exception:
    """The service's refusal as the error Access would have raised."""
    try:
        said = json.loads(exc.read())
    except ValueError:
        said = {}
    kind, message = said.get("error"), said.get("message") or f"refused ({exc.code})"
    if kind in ERRORS:
        return ERRORS[kind](message)
    if kind == "input":
        return InputError(message, file=said.get("file"), field=said.get("field"))
    if exc.code == 403:
        return AccessError("the store service refused this user's token")
    return StoreError(f"the store service failed ({exc.code})")
