"""Voilà's pool of preheated kernels, each held at :func:`~epa_kernel.apps.page_wait.wait_for_page`
until a page asks for it: the page shows the store as it is then, not as of the pool's fill.

Voilà's pooled manager (``voila.voila_kernel_manager``) starts each pooled kernel and runs the
whole app notebook in it at once; a page later gets that render. Voilà's own way of holding a
notebook back, ``voila.utils.wait_for_request``, needs its unauthenticated websocket
``/voila/query/<kernel id>``, which only Voilà's own application has; the hub's servers run
Voilà as a server extension, without it. :class:`PageSignals`, mixed in front of Voilà's pooled
manager, works the same way in both and opens no network route:

- **each pooled kernel gets a FIFO of its own**, made in a fresh folder (mode 0700, the
  server's OS user only) in the kernel manager's runtime folder, named in that kernel's
  environment alone (:data:`~epa_kernel.apps.page_wait.PAGE_SIGNAL_ENV`); the manager keeps
  its end open (close-on-exec, so no kernel inherits another's) from before the kernel starts;
- **handing a kernel to a page** (``get_rendered_notebook``, called by Voilà's page handler
  before it waits for the rendered cells) writes one byte into that kernel's FIFO: the
  notebook goes on with the user's part (``show_app``) for this request. The write goes to the
  descriptor the manager opened, never to a path a kernel could have replaced;
- a kernel's FIFO and descriptor go when the kernel is shut down (cap, cull, end of the page).

The boundary is the OS user: nobody else (no other OS user, nothing over the network) can reach
a FIFO. A user's own kernels run as the same OS user as their server, so code in one of them
could find a sibling pooled kernel's FIFO (as it could read that kernel's environment) and let
it draw early: that only shows the same user their own data as of then, and what a page shows
is never taken from the FIFO, which carries no request and no data.

Under ``epa serve`` Voilà builds its kernel manager class itself, from the configured base
class through ``voila_kernel_manager_factory``; :func:`signalled_factory` stands in for that
factory while the kit's Voilà builds its settings (:mod:`epa_kernel.apps.quick_start`). On the
hub, :class:`~epa_kernel.apps.hub_preheat.PreheatedKernelManager` is this mixin over Voilà's
pooled manager over the kit's capped one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager

from epa_kernel.apps.page_wait import PAGE_SIGNAL_ENV


class PageSignals:
    """In front of Voilà's ``VoilaKernelManager``: pooled kernels wait for their page."""

    _signal_dir: str | None = None

    @property
    def _signals(self) -> dict[str, tuple[str, int]]:
        """Each pooled kernel's FIFO: its path and the manager's descriptor, by kernel id (made
        here, not in ``__init__``: the hub's manager skips Voilà's pooled ``__init__``)."""
        return self.__dict__.setdefault("_page_signals", {})

    def _new_signal(self) -> tuple[str, int]:
        if self._signal_dir is None:
            root = self.connection_dir or None
            self._signal_dir = tempfile.mkdtemp(prefix="epa-pages-", dir=root)  # mode 0700
        path = os.path.join(self._signal_dir, f"page-{os.urandom(12).hex()}")
        os.mkfifo(path, 0o600)
        # read-write: never blocks, and the byte written stays in the FIFO until the kernel,
        # which may still be importing, opens it and reads
        return path, os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)

    async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs):
        if kernel_id is not None:  # a restart: Voilà runs the notebook again, for its page
            content = await super()._initialize(notebook_path, kernel_id, **kwargs)
            self.release_page(kernel_id)
            return content
        path, fd = self._new_signal()
        env = {**kwargs.pop("env", {}), PAGE_SIGNAL_ENV: path}
        try:
            content = await super()._initialize(notebook_path, None, env=env, **kwargs)
        except BaseException:
            self._drop(path, fd)
            raise
        self._signals[content["kernel_id"]] = (path, fd)
        return content

    async def get_rendered_notebook(self, *args, **kwargs):
        task, rendered, kernel_id = await super().get_rendered_notebook(*args, **kwargs)
        self.release_page(kernel_id)  # before Voilà's handler waits for the waiting cell
        return task, rendered, kernel_id

    def release_page(self, kernel_id: str) -> bool:
        """Let pooled kernel ``kernel_id`` go on with its page; whether it was waiting for one."""
        signal = self._signals.get(kernel_id)
        if signal is None:
            return False
        try:
            os.write(signal[1], b"\n")
        except BlockingIOError:  # released already and not yet read
            pass
        return True

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs):
        try:
            return await super().shutdown_kernel(kernel_id, *args, **kwargs)
        finally:
            signal = self._signals.pop(kernel_id, None)
            if signal is not None:
                self._drop(*signal)

    async def shutdown_all(self, *args, **kwargs):
        try:
            return await super().shutdown_all(*args, **kwargs)
        finally:
            for path, fd in self._signals.values():
                self._drop(path, fd)
            self._signals.clear()
            if self._signal_dir is not None:
                shutil.rmtree(self._signal_dir, ignore_errors=True)

    @staticmethod
    def _drop(path: str, fd: int) -> None:
        os.close(fd)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def signalled_factory(base_class, preheat_kernel: bool, default_pool_size: int, *args, **kwargs):
    """Voilà's ``voila_kernel_manager_factory``, its pooled class with :class:`PageSignals` in
    front; without a pool, Voilà's class as it is."""
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    pooled = voila_kernel_manager_factory(
        base_class, preheat_kernel, default_pool_size, *args, **kwargs
    )
    if not preheat_kernel:
        return pooled
    return type("SignalledKernelManager", (PageSignals, pooled), {})


@contextmanager
def signalled_pools():
    """Voilà's application, while it builds its kernel manager, builds it with
    :func:`signalled_factory` (Voilà reads the factory from its ``voila.app`` module)."""
    import voila.app

    original = voila.app.voila_kernel_manager_factory
    voila.app.voila_kernel_manager_factory = signalled_factory
    try:
        yield
    finally:
        voila.app.voila_kernel_manager_factory = original
