"""A pooled kernel's wait for its page (apps.page_wait) and the manager's release (apps.page_pool).

What a user relies on: a kernel held in a pool draws nothing of theirs until their page asks for
it, and then goes on at once; handing one kernel to a page releases that kernel only; outside a
pool (papermill, nbval, a page's own kernel) the wait is not there at all. The kernels here are
plain Python processes running the kit's wait, under the kit's mixin over a stand-in for Voilà's
pooled manager; the real pools are in the browser tests (test_serve_pool_browser,
test_hub_preheat_browser).
"""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from epa_kernel.apps.page_pool import PageSignals, signalled_factory
from epa_kernel.apps.page_wait import PAGE_SIGNAL_ENV
from helpers import ROOT

#: a "kernel": the app's imports, the wait, then the user's part
KERNEL = (
    "import sys\n"
    "from epa_kernel.apps.page_wait import wait_for_page\n"
    "print('imported', flush=True)\n"
    "wait_for_page()\n"
    "print('drawn', flush=True)\n"
)


def run_alone(coroutine):
    """On an event loop of its own thread (the browser fixture may hold this thread's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def kernel(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", KERNEL],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        text=True,
    )


class StandInPool:
    """What PageSignals needs of Voilà's pooled manager: start a pooled kernel, hand the next
    one to a page, shut one down."""

    def __init__(self, connection_dir: Path):
        self.connection_dir = str(connection_dir)
        self.kernels: dict[str, subprocess.Popen] = {}
        self.envs: dict[str, dict] = {}

    async def _initialize(self, notebook_path, kernel_id=None, env=None, **kwargs):
        kernel_id = f"k{len(self.kernels)}"
        self.kernels[kernel_id], self.envs[kernel_id] = kernel(env), env
        return {"kernel_id": kernel_id, "task": None, "renderer": None}

    async def get_rendered_notebook(self, notebook_name, **kwargs):
        handed = next(k for k in self.kernels if not getattr(self, f"handed_{k}", False))
        setattr(self, f"handed_{handed}", True)
        return None, [], handed

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self.kernels[kernel_id].kill()
        self.kernels[kernel_id].wait()

    async def shutdown_all(self, *args, **kwargs):
        for kernel_id in self.kernels:
            await self.shutdown_kernel(kernel_id)


class Pool(PageSignals, StandInPool):
    pass


def test_outside_a_pool_the_wait_returns_at_once():
    """papermill, nbval, a page's own kernel: no FIFO named; a FIFO gone: nothing to wait for."""
    for env in ({PAGE_SIGNAL_ENV: ""}, {PAGE_SIGNAL_ENV: "/nonexistent/epa-page"}):
        done = subprocess.run(
            [sys.executable, "-c", KERNEL],
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.stdout.split() == ["imported", "drawn"], done.stderr


def test_a_pooled_kernel_draws_nothing_until_its_page_asks_and_only_it_is_released(tmp_path):
    async def scenario():
        pool = Pool(tmp_path)
        first = await pool._initialize("assessor_app.ipynb", env={"KEEP": "1"})
        second = await pool._initialize("assessor_app.ipynb", env={})
        a, b = (pool.kernels[c["kernel_id"]] for c in (first, second))
        for proc in (a, b):  # both have done their imports and stand at the wait
            assert await asyncio.to_thread(proc.stdout.readline) == "imported\n"
        await asyncio.sleep(1)
        assert a.poll() is None and b.poll() is None  # neither has drawn anything

        signals = {k: pool.envs[k][PAGE_SIGNAL_ENV] for k in pool.kernels}
        assert len(set(signals.values())) == 2  # a FIFO of its own each
        assert pool.envs["k0"]["KEEP"] == "1"  # the rest of the kernel's environment kept
        folder = Path(signals["k0"]).parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert folder.parent == tmp_path  # in the server's runtime folder
        for path in signals.values():
            assert stat.S_ISFIFO(os.stat(path).st_mode)
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        # no kernel holds the manager's end of another kernel's FIFO
        held = [os.readlink(f) for f in Path(f"/proc/{a.pid}/fd").iterdir() if f.is_symlink()]
        assert signals["k1"] not in held

        _task, _cells, handed = await pool.get_rendered_notebook("assessor_app.ipynb")
        assert handed == "k0"
        assert await asyncio.to_thread(a.stdout.readline) == "drawn\n"
        await asyncio.sleep(1)
        assert b.poll() is None  # the other pooled kernel still waits

        await pool.shutdown_kernel("k0")
        assert not Path(signals["k0"]).exists()
        await pool.shutdown_all()
        assert not folder.exists()

    run_alone(scenario())


def test_a_kernel_handed_over_before_it_reaches_the_wait_goes_on(tmp_path):
    """The page may ask while the pooled kernel is still importing: the release is kept."""

    async def scenario():
        pool = Pool(tmp_path)
        content = await pool._initialize("assessor_app.ipynb", env={})
        assert pool.release_page(content["kernel_id"])  # at once, before the imports end
        proc = pool.kernels[content["kernel_id"]]
        out = await asyncio.to_thread(proc.communicate)
        assert out[0].split() == ["imported", "drawn"]
        await pool.shutdown_all()

    run_alone(scenario())


def test_the_release_goes_to_the_managers_own_fifo_never_to_a_path_a_kernel_replaced(tmp_path):
    """Code in a kernel is untrusted: if it swaps its FIFO's path for a link to a file, the
    manager's write still goes into the FIFO it made, not into that file."""

    async def scenario():
        pool = Pool(tmp_path)
        content = await pool._initialize("assessor_app.ipynb", env={})
        path = Path(pool.envs[content["kernel_id"]][PAGE_SIGNAL_ENV])
        victim = tmp_path / "victim.txt"
        victim.write_text("unchanged")
        path.unlink()
        path.symlink_to(victim)
        pool.release_page(content["kernel_id"])
        assert victim.read_text() == "unchanged"
        assert not pool.release_page("not-a-pooled-kernel")
        await pool.shutdown_all()

    run_alone(scenario())


def test_under_epa_serve_voilas_pooled_manager_gets_the_release_and_without_a_pool_nothing():
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    pooled = signalled_factory(AsyncMappingKernelManager, True, 2)
    assert pooled.__mro__[1] is PageSignals
    assert hasattr(pooled, "get_pool_size") and hasattr(pooled, "cull_kernel_if_idle")
    plain = signalled_factory(AsyncMappingKernelManager, False, 0)
    assert not issubclass(plain, PageSignals)


@pytest.mark.parametrize("notebook", ["assessor_app", "iqa_review", "amend", "planning_app"])
def test_each_store_reading_app_notebook_waits_for_its_page_before_drawing(notebook):
    """Imports, then the wait, then the app: nothing of the user's is read ahead of the page."""
    import json

    cells = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in cells["cells"] if c["cell_type"] == "code"]
    tags = [c["metadata"].get("tags", []) for c in cells["cells"] if c["cell_type"] == "code"]
    assert "parameters" in tags[0]
    assert code[1].startswith(f"from epa_kernel.apps.{notebook} import ")
    assert code[2].startswith("wait_for_page()")
    assert "show_" in code[3] and "show_" not in "".join(code[:3]).replace("import show_", "")


def test_the_trainers_app_drawn_ahead_shows_what_it_would_on_request():
    """grading_logic keeps no wait: it reads no store, no user and no clock (the standards are
    package data), so what a pooled kernel draws ahead is what the page would draw."""
    code = (
        "import sys, epa_kernel.apps.grading_logic, epa_kernel.apps.grading_logic_app\n"
        "print(sorted(m for m in sys.modules if m.startswith(('epa_kernel.store', "
        "'epa_kernel.service', 'epa_kernel.apps.signed_in', 'sqlalchemy'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
