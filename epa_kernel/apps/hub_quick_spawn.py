"""The hub's spawners, returning when the user's server listens rather than when it is launched.

JupyterHub's local spawners return as soon as the server's process exists; the hub then asks
the server's URL until it answers, waiting 0.2, 0.4, 0.8, 1.6 s... between attempts
(``jupyterhub.utils.exponential_backoff``). A server that listens 1.9 s after its launch was
seen by the hub 1.6 s later (bench/RESULTS.md, "The hub's morning"): the assessor waited for the
back-off, not the server. :class:`PortWait` makes ``start`` return once the server's port takes
connections (asked every 50 ms, from the hub's own loop, for at most ``start_timeout``), so the
hub's first ask is answered. Nothing else changes: the same process, user, environment.
"""

from __future__ import annotations

import asyncio
import time

from jupyterhub.spawner import SimpleLocalProcessSpawner

from epa_kernel.apps.hub_spawner import OwnUserSpawner

#: seconds between two connection attempts to a starting server
ASK_EVERY = 0.05


async def port_open(host: str, port: int, alive, timeout: float) -> bool:
    """Whether ``host:port`` takes a connection within ``timeout`` s while ``alive()`` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            _, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(ASK_EVERY)
            continue
        writer.close()
        return True
    return False


class PortWait:
    """A local process spawner's ``start``, returning once the server listens (or has died)."""

    async def start(self):
        host, port = await super().start()
        await port_open(
            host,
            port,
            lambda: self.proc is not None and self.proc.poll() is None,
            self.start_timeout,
        )
        return host, port


class QuickLocalSpawner(PortWait, SimpleLocalProcessSpawner):
    """The servers of a hub not run as root: as the hub's user, homes in the state folder."""


class QuickOwnUserSpawner(PortWait, OwnUserSpawner):
    """The servers of a hub run as root: each as an OS user of its own."""
