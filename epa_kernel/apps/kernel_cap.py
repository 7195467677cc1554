"""At most a few kernels per user's server on the hub: the oldest idle one makes way.

Every GET of a Voilà page starts a kernel (65-190 MB) that lives until the page's socket closes
and the idle cull takes it. A user reloading a page, or a script doing it, would otherwise hold
as many as they asked for. :class:`CappedKernelManager` (the single-user servers'
``ServerApp.kernel_manager_class``, see :mod:`epa_kernel.apps.jupyterhub_config`) keeps at most
``max_kernels``: before starting one more it shuts down the least recently active ones (a page
left open in another tab loses its kernel, and says so). Starts are serialised so that
concurrent requests cannot overshoot the cap. Voilà, as a server extension, starts its kernels
through this manager (``voila.handler``: ``self.kernel_manager.start_kernel``).
"""

from __future__ import annotations

import asyncio

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Integer

MAX_KERNELS = 3


class CappedKernelManager(AsyncMappingKernelManager):
    max_kernels = Integer(
        MAX_KERNELS, config=True, help="Most kernels the server holds; the oldest idle go first."
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._cap_lock = asyncio.Lock()

    def least_active(self) -> list[str]:
        """The running kernels' ids, least recently active first."""
        ids = list(self.list_kernel_ids())
        return sorted(ids, key=lambda k: self.get_kernel(k).last_activity)

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs) -> str:
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        async with self._cap_lock:
            for old in self.least_active()[: max(0, len(self) - self.max_kernels + 1)]:
                self.log.warning("kernel cap %d: shutting down %s", self.max_kernels, old)
                await self.shutdown_kernel(old, now=True)
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
