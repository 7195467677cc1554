"""The store service: the one process on a hub that holds the store's URL (``epa hub`` starts it
as a JupyterHub-managed service named ``epa-store``).

Each call carries a hub token (``Authorization: token ...``); the service asks the hub whose it
is (:class:`jupyterhub.services.auth.HubAuth`, cached briefly), requires the
``access:services!service=epa-store`` scope that the kit gives each user's server token, and
then does the call as that user's :class:`~epa_kernel.store.access.Access`: a kernel that sends
its own requests gets exactly what its user's role allows and nothing more. Cookies are not
read, so a page elsewhere cannot call it in the user's name. Only Access's public methods can be
called; arguments are validated (:func:`~epa_kernel.service.wire.decode_argument`), and a
stored record a caller sends is read again by id. The log names the user, the call and the
answer's status, never a value.
"""

from __future__ import annotations

import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

from tornado.ioloop import IOLoop
from tornado.web import Application, HTTPError, RequestHandler

from epa_kernel.errors import AccessError, ConflictError, InputError, StoreError
from epa_kernel.service.wire import decode_argument, encode
from epa_kernel.store.access import Access
from epa_kernel.store.store import Store

NAME = "epa-store"
#: What a caller may call: Access's own public methods, nothing of the Store behind it.
CALLS = frozenset(
    n
    for cls in Access.__mro__[:-1]  # Access and its mixins (booking_access, access_lifecycle)
    for n, v in vars(cls).items()
    if callable(v) and not n.startswith("_")
)
#: How each refusal is answered: the status, and the kind the client raises again.
REFUSALS = ((AccessError, 403, "access"), (ConflictError, 409, "conflict"))
REFUSALS += ((InputError, 400, "input"), (StoreError, 503, "store"))
log = logging.getLogger("epa_kernel.service")


class StoreCall(RequestHandler):
    """``GET .../api/whoami`` and ``POST .../api/call/<name>`` for the token's user."""

    def check_xsrf_cookie(self) -> None:  # token in a header only: no cookie, no XSRF
        return None

    async def prepare(self) -> None:
        scheme, _, token = self.request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() not in ("token", "bearer") or not token.strip():
            raise HTTPError(403)
        auth = self.settings["hub_auth"]
        model = await auth.user_for_token(token.strip(), sync=False)
        if (
            not model
            or model.get("kind") != "user"
            or not auth.check_scopes(auth.access_scopes, model)
        ):
            raise HTTPError(403)
        self.user_name = model["name"]

    def write_error(self, status_code: int, **kwargs) -> None:
        self.finish({"error": "refused" if status_code == 403 else "failed", "message": ""})

    async def get(self, what: str) -> None:
        if what != "whoami":
            raise HTTPError(404)
        await self._answer(lambda access: {"user": access.user, "author": access.author})

    async def post(self, what: str) -> None:
        name = what.removeprefix("call/")
        if not what.startswith("call/") or name not in CALLS:
            raise HTTPError(404)
        try:
            body = json.loads(self.request.body or b"{}")
            args, kwargs = body.get("args", []), body.get("kwargs", {})
            assert isinstance(args, list) and isinstance(kwargs, dict)
        except (ValueError, AttributeError, AssertionError):
            raise HTTPError(400) from None

        def call(access: Access):
            given = [decode_argument(a, access.get) for a in args]
            named = {k: decode_argument(v, access.get) for k, v in kwargs.items()}
            return getattr(access, name)(*given, **named)

        await self._answer(call, name)

    async def _answer(self, work, name: str = "whoami") -> None:
        def run():
            access = Access(self.settings["store"], self.user_name, sample=self.settings["sample"])
            return encode(work(access))

        try:
            result = await IOLoop.current().run_in_executor(self.settings["pool"], run)
        except TypeError:  # a call with arguments Access does not take
            self._refuse(400, "input", InputError("not the arguments this call takes"), name)
            return
        except tuple(kind for kind, _, _ in REFUSALS) as exc:
            status, kind = next((s, k) for c, s, k in REFUSALS if isinstance(exc, c))
            self._refuse(status, kind, exc, name)
            return
        log.info("%s %s: ok", self.user_name, name)
        self.finish({"result": result})

    def _refuse(self, status: int, kind: str, exc: Exception, name: str) -> None:
        log.info("%s %s: %s refused (%d)", self.user_name, name, kind, status)
        self.set_status(status)
        fields = {"file": getattr(exc, "file", None), "field": getattr(exc, "field", None)}
        message = getattr(exc, "message", None) or str(exc)
        self.finish({"error": kind, "message": message, **fields})


class Alive(RequestHandler):
    """``GET <prefix>``: the hub's check that the service is up; says nothing else."""

    def get(self) -> None:
        self.set_status(204)


def make_app(store: Store, *, prefix: str, hub_auth, sample: set[str] | None) -> Application:
    return Application(
        [
            (prefix.rstrip("/") + r"/api/(whoami|call/[a-z_]+)", StoreCall),
            (prefix.rstrip("/") + "/?", Alive),
        ],
        store=store,
        sample=sample,
        hub_auth=hub_auth,
        pool=ThreadPoolExecutor(4, thread_name_prefix="epa-store"),
    )


def main() -> None:
    """Run as the hub starts it: ``JUPYTERHUB_SERVICE_URL`` says where to listen, and
    ``EPA_STORE_URL`` (and ``EPA_IQA_SAMPLE``) what to serve."""
    from jupyterhub.services.auth import HubAuth

    logging.basicConfig(level=logging.INFO, format="[epa-store %(asctime)s] %(message)s")
    where = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    sample = None
    if os.environ.get("EPA_IQA_SAMPLE"):
        from epa_kernel.iqa.sampling_plan import sampled_ids

        sample = sampled_ids(os.environ["EPA_IQA_SAMPLE"])
    app = make_app(
        Store(os.environ["EPA_STORE_URL"]),
        prefix=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{NAME}/"),
        hub_auth=HubAuth(cache_max_age=60),
        sample=sample,
    )
    app.listen(where.port, where.hostname or "127.0.0.1", xheaders=False)
    log.info("serving the store on %s", where.geturl())
    IOLoop.current().start()
