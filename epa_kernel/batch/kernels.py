"""Fresh Jupyter kernels for the batch run, started one notebook ahead.

**The invariant: every notebook runs in a kernel of its own.** A kernel handed out by
:meth:`KernelPool.take` has executed nothing; after its one notebook it is retired (asked to shut
down) and never handed out again. No variable, import side effect or open file of one
apprentice's notebook can reach another's, exactly as when papermill starts a kernel per
notebook itself.

What the pool changes is *when* a kernel starts. Starting a kernel (a Python process importing
ipykernel and IPython) and waiting for it to answer is the floor of any notebook run: most of
the 0.7-0.9 s that a bare start, one trivial execution and a shutdown take here (``bench/``).
papermill starts the kernel only when the notebook is due, then waits for it to shut down. The
pool instead starts the next kernel while the current notebook runs, and asks a finished kernel
to shut down without waiting for it to exit (it is reaped later), so a worker spends its time
running notebooks rather than waiting on process starts and exits.

Kernels talk to their worker over IPC (Unix sockets) in a private temporary folder, one socket
prefix per kernel, rather than over TCP: parallel kernels picking random TCP ports occasionally
collide (``ZMQError: Address already in use``, nteract/papermill#511), and kernels sharing an
IPC prefix collide too (where there are no Unix sockets, TCP on loopback it is). Their own
stdout/stderr (start-up banners, shutdown noise; not the notebook's outputs, which come over
ZMQ) go to /dev/null.

A pool belongs to one thread (its kernels are driven by that thread's event loop), so
:func:`shared_pool` keeps one per thread: one per worker process for the local executor, one per
worker thread on a Dask worker. Pools are closed when their process exits; kernels also exit by
themselves when their parent process dies (ipykernel watches ``JPY_PARENT_PID``).
"""

from __future__ import annotations

import atexit
import contextvars
import itertools
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

#: How many kernels each pool keeps started ahead of need (``EPA_KERNELS_AHEAD``; 0 starts each
#: kernel when its notebook is due, as papermill does). One hides a start behind each notebook;
#: more only compete for the same cores.
AHEAD = 1


def kernels_ahead() -> int:
    """``EPA_KERNELS_AHEAD`` if set to a whole number of at least 0, else :data:`AHEAD`."""
    try:
        return max(0, int(os.environ.get("EPA_KERNELS_AHEAD", AHEAD)))
    except ValueError:
        return AHEAD


_ids = itertools.count(1)
_pools: list[KernelPool] = []
_local = threading.local()
_lock = threading.Lock()
_exit_hooked = False


class KernelPool:
    """Kernels that are already starting when a notebook needs one; each used exactly once."""

    def __init__(self, kernel_name: str = "python3", *, ahead: int | None = None):
        self.kernel_name = kernel_name
        self.ahead = kernels_ahead() if ahead is None else max(0, ahead)
        self.folder = Path(tempfile.mkdtemp(prefix="epa-k-"))  # short: socket paths max ~100
        self._ready: list[tuple[str, object]] = []  # (cwd, kernel manager), never used
        self._retiring: list[object] = []  # asked to shut down, not yet reaped
        self._handed_out = 0
        self.closed = False
        # The pool's kernel managers are asyncio objects bound to the event loop they started
        # on. jupyter_core keeps "this thread's loop" in a context variable, and a thread
        # started with a copy of another's context (Dask's worker threads are) would share that
        # thread's loop: "This event loop is already running". Everything touching this pool's
        # kernels therefore runs in a context of its own, so it gets (and keeps) its own loop.
        self.context = contextvars.Context()

    # -- what a runner needs ---------------------------------------------------------------

    def take(self, cwd: str) -> object:
        """A started kernel that has run nothing, with ``cwd`` as its working folder; the
        pool starts the next one before returning this one."""
        return self.context.run(self._take, cwd)

    def run(self, function: Callable, /, *args, **kwargs):
        """Call ``function`` (e.g. papermill on a kernel from :meth:`take`) in the pool's
        context, hence on the event loop its kernels belong to."""
        return self.context.run(function, *args, **kwargs)

    def retire(self, km) -> None:
        """Ask a kernel to shut down (it ran its notebook, or failed to start); don't wait."""
        if self.closed:  # closed meanwhile (close_pools at the end of a Dask run): no reaping
            _kill(km)
            return
        self.context.run(self._retire, km)

    def _take(self, cwd: str):
        self._reap()
        while self._ready and self._ready[0][0] != cwd:  # started for another folder
            self._retire(self._ready.pop(0)[1])
        km = self._ready.pop(0)[1] if self._ready else self._start(cwd)
        while len(self._ready) < self.ahead:
            self._ready.append((cwd, self._start(cwd)))
        self._handed_out += 1
        return km

    def _retire(self, km) -> None:
        from jupyter_core.utils import run_sync

        try:
            if km.has_kernel:
                run_sync(km.request_shutdown)()
        except Exception:  # noqa: BLE001 - a kernel that cannot be asked is killed when reaped
            _kill(km)
        self._retiring.append(km)

    def close(self) -> None:
        """Stop every kernel the pool still holds and delete its sockets and connection files.
        Needs no event loop, so any thread (or an exit hook) may call it."""
        if self.closed:
            return
        self.closed = True
        for km in [km for _, km in self._ready] + self._retiring:
            _kill(km)
        self._ready.clear()
        self._retiring.clear()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _start(self, cwd: str):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        n = next(_ids)
        ipc = os.name == "posix"  # Unix sockets; elsewhere TCP on loopback, as papermill's own
        km = AsyncKernelManager(
            kernel_name=self.kernel_name,
            transport="ipc" if ipc else "tcp",
            ip=str(self.folder / f"k{n}") if ipc else "127.0.0.1",
            connection_file=str(self.folder / f"kernel-{n}.json"),
        )
        # nbclient passes the same history option to the kernels it starts: parallel kernels
        # must not share (and lock) one SQLite history file.
        run_sync(km.start_kernel)(
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
        )
        return km

    def _reap(self) -> None:
        """Clean up after retired kernels that have exited."""
        still = []
        for km in self._retiring:
            process = getattr(km.provisioner, "process", None) if km.provisioner else None
            if process is not None and process.poll() is None:
                still.append(km)
            else:
                _cleanup_files(km)
        self._retiring = still


def _kill(km) -> None:
    process = getattr(km.provisioner, "process", None) if km.provisioner else None
    if process is not None and process.poll() is None:
        process.kill()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    _cleanup_files(km)


def _cleanup_files(km) -> None:
    sockets = (
        []
        if km.transport != "ipc"
        else [
            f"{km.ip}-{port}"
            for port in (km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port)
        ]
    )
    for path in [km.connection_file, *sockets]:
        try:
            os.remove(path)
        except OSError:
            pass
    control = getattr(km, "_control_socket", None)
    if control is not None:
        control.close(linger=0)
        km._control_socket = None


def shared_pool(kernel_name: str = "python3") -> KernelPool:
    """This thread's pool, made on first use and closed when the process exits."""
    pool = getattr(_local, "pool", None)
    if pool is None or pool.closed or pool.kernel_name != kernel_name:
        pool = _local.pool = KernelPool(kernel_name)
        with _lock:
            global _exit_hooked
            if not _exit_hooked:
                _register_exit(_close_all)
                _exit_hooked = True
            _pools.append(pool)
    return pool


def close_pools() -> None:
    """Close every pool of this process (kernels started ahead are stopped). A thread that
    needs a kernel afterwards gets a new pool; a kernel in use is not touched."""
    _close_all()


def _close_all() -> None:
    with _lock:
        pools = list(_pools)
        _pools.clear()
    for pool in pools:
        pool.close()


def _register_exit(hook: Callable[[], None]) -> None:
    # A ProcessPoolExecutor worker leaves through os._exit, which skips atexit; multiprocessing
    # runs its own finalizers first, so register with both.
    atexit.register(hook)
    try:
        from multiprocessing import util

        util.Finalize(None, hook, exitpriority=10)
    except Exception:  # noqa: BLE001, S110 - atexit alone still covers ordinary processes
        pass
