"""Hardening: faults. Each leaves earlier data intact, says what happened, and resumes cleanly.

Already covered elsewhere: `epa run` killed with SIGKILL part-way (tests/batch/test_run.py), a
file that is not a database at all (tests/store/test_store.py), the app server killed after a
save (tests/apps/test_assessor_app_browser.py). Here: a full disk under the run's output folder
(a real 1 MB tmpfs), a kernel that dies while executing one apprentice's notebook, a process
killed in the middle of saving (SQLite and PostgreSQL), `epa serve` and its kernels killed
while the assessor is ticking, and a SQLite file damaged inside (a page of garbage) rather than
replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from epa_kernel.batch import demo_cohort
from epa_kernel.store.schema import versions
from epa_kernel.store.store import Store
from helpers import ROOT, epa, make_record, names_by_uln, read_results, write_cohort


def add_records(folder: Path, prefixes) -> dict[str, str]:
    """Demo records whose names start with ``prefixes`` into ``folder``; returns uln -> name."""
    return names_by_uln(write_cohort(folder, prefixes))


def digests(folder: Path, pattern: str = "*/*") -> dict[Path, str]:
    return {
        p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob(pattern) if p.is_file()
    }


def results(out: Path) -> dict[str, dict]:
    return {row["uln"]: row for row in read_results(out)}


def printed_nothing_personal(done: subprocess.CompletedProcess, people: dict[str, str]) -> None:
    printed = done.stdout + done.stderr
    assert "Traceback" not in printed, printed
    for uln, name in people.items():
        assert uln not in printed and name not in printed, printed


# --------------------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs: a real file system that runs out of space (mounting needs root, as CI is)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip()}); needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_is_reported_keeps_earlier_notebooks_and_the_run_resumes(tmp_path, small_disk):
    cohort, out = tmp_path / "cohort", small_disk / "out"
    people = add_records(cohort, ["a01_"])
    first = epa("run", cohort, "--out", out, "--quiet", "--workers", "1")
    assert first.returncode == 0, first.stdout + first.stderr
    before = digests(out)
    notebooks = [p for p in before if p.suffix == ".ipynb"]
    assert len(notebooks) == 4

    people |= add_records(cohort, ["a03_"])
    stats = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (stats.f_bavail * stats.f_frsize - 24 * 1024))  # 24 KB left
    full = epa("run", cohort, "--out", out, "--quiet", "--workers", "1")
    assert full.returncode != 0
    printed_nothing_personal(full, people)
    assert "No space left on device" in full.stdout + full.stderr
    assert "run the same command again" in full.stdout + full.stderr
    after = digests(out)
    for path in notebooks + [p for p in before if p.suffix == ".html"]:
        assert after.get(path) == before[path], f"{path} changed or vanished on a full disk"
    assert not [p for p in out.rglob(".*tmp*")], "a temporary file was left behind"
    for path in out.glob("*/*.ipynb"):  # whatever is in place is whole
        assert json.loads(path.read_text(encoding="utf-8"))["metadata"]["epa"]["fingerprint"]

    filler.unlink()  # space is back
    again = epa("run", cohort, "--out", out, "--quiet", "--workers", "1")
    assert again.returncode == 0, again.stdout + again.stderr
    printed_nothing_personal(again, people)
    assert all(digests(out).get(p) == before[p] for p in notebooks)  # not run again
    rows = results(out)
    assert sorted(rows) == sorted(people) and all(r["status"] == "graded" for r in rows.values())


# --------------------------------------------------------------------------- a kernel that dies


KILL_CELL = (
    "import os, signal, pathlib\n"
    "_flag = pathlib.Path(os.environ.get('EPA_TEST_KILL_FLAG', '/nonexistent'))\n"
    "if _flag.exists() and record and record['apprentice']['uln'] == _flag.read_text().strip():\n"
    "    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would\n"
)


def test_a_kernel_that_dies_fails_only_its_own_apprentice_and_the_run_resumes(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    path = notebooks / "practical_observation.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    at = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c["metadata"].get("tags", []))
    nb["cells"].insert(
        at + 1,
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": KILL_CELL,
            "id": "kill-switch",
        },
    )
    path.write_text(json.dumps(nb), encoding="utf-8")

    cohort, out = tmp_path / "cohort", tmp_path / "out"
    people = add_records(cohort, ["a01_", "a03_"])
    victim = json.loads((cohort / "a03_practical_observation.json").read_text())["apprentice"][
        "uln"
    ]
    flag = tmp_path / "kill-flag"
    flag.write_text(victim)
    env = {"EPA_NOTEBOOKS": str(notebooks), "EPA_TEST_KILL_FLAG": str(flag)}
    done = epa(
        "run", cohort, "--out", out, "--quiet", "--workers", "1", "--format", "none", env=env
    )
    assert done.returncode == 1, done.stdout + done.stderr
    printed_nothing_personal(done, people)
    assert "practical_observation.ipynb: the kernel died while running it" in done.stdout
    assert "7 notebooks run, 0 already done and unchanged, 1 failed" in done.stdout
    rows = results(out)
    assert rows[victim]["status"] == "failed" and "kernel died" in rows[victim]["message"]
    assert all(r["status"] == "graded" for u, r in rows.items() if u != victim)
    assert not (out / victim / "practical_observation.ipynb").exists()

    flag.unlink()  # the cause is gone
    again = epa(
        "run", cohort, "--out", out, "--quiet", "--workers", "1", "--format", "none", env=env
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 notebooks run, 7 already done and unchanged, 0 failed" in again.stdout
    assert all(r["status"] == "graded" for r in results(out).values())


# --------------------------------------------------------------------------- killed mid-save


WRITER = """
import sys
from epa_kernel.store.store import Store
store = Store(sys.argv[1])
stored = store.get(int(sys.argv[2]))
print("ready", flush=True)
i = 0
while True:
    i += 1
    record = stored.record.model_copy(update={"notes": {"P1": f"save {i}"}})
    print(f"saving {stored.version + 1} {i}", flush=True)
    stored = store.save_draft(stored, record, author="writer")
    print(f"saved {stored.version} {i}", flush=True)
"""


def test_a_process_killed_while_saving_leaves_the_old_or_the_new_version(store_url):
    store = Store(store_url)
    stored = store.put(make_record(judgements={}), author="Sam")
    store.close()
    rng = random.Random(7)
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, store_url, str(stored.id)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.1, 0.5))
        proc.send_signal(signal.SIGKILL)
        lines = proc.stdout.read().splitlines()
        proc.wait()
        saved = [ln.split() for ln in lines if ln.startswith("saved ")]
        saving = [ln.split() for ln in lines if ln.startswith("saving ")]
        assert saving, "the kill must land while saves are being made"

        store = Store(store_url)
        assert store.verify() == []
        now = store.get(stored.id)  # parses: the current version is whole
        history = store.history(stored.id)
        assert [v.version for v in history] == list(range(1, len(history) + 1))
        assert now.version == history[-1].version
        last_saved = int(saved[-1][1]) if saved else stored.version
        attempted = int(saving[-1][1])
        assert now.version in (last_saved, attempted)  # the old version or the new, never half
        if now.version > stored.version:
            i = next(s[2] for s in saving if int(s[1]) == now.version)
            assert now.record.notes == {"P1": f"save {i}"}
        stored = store.save_draft(
            now, now.record.model_copy(update={"notes": {"P1": "resumed"}}), author="Sam"
        )  # and saving carries on from there
        assert store.verify() == []
        store.close()


# --------------------------------------------------------------------------- epa serve killed


def kill_tree(pid: int) -> None:
    """SIGKILL a process and everything it started (Voilà's kernels run in their own sessions)."""
    import psutil

    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    for proc in [parent, *parent.children(recursive=True)]:
        try:
            proc.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass


def test_epa_serve_and_its_kernels_killed_while_saving_leave_a_whole_record(browser, app_server):
    from playwright.sync_api import expect

    store = Store(app_server.store_url)
    store.assign(make_record(judgements={}).model_copy(update={"assessor": "Morgan Hale"}))
    store.close()
    app_server.start()
    page = browser.new_page()
    page.set_default_timeout(60_000)

    def open_it():
        page.goto(app_server.url, timeout=60_000)
        page.locator(".epa-assessor select").wait_for()
        page.locator(".epa-assessor select").select_option(label="Morgan Hale")
        choice = page.locator(".epa-assignment select")
        option = choice.locator("option", has_text="Practical observation")
        option.wait_for(state="attached")
        choice.select_option(label=option.inner_text())
        page.locator(".epa-outcome-panel").wait_for()

    open_it()
    order = ["P1", "P2", "P3", "P4", "P5", "P6", "P10", "P11"]
    page.locator(".epa-P1").get_by_role("radio", name="Met", exact=True).click()
    expect(page.locator(".epa-status")).to_contain_text("Saved (version")
    for cid in order[1:]:  # as fast as the browser sends them: saves are in flight
        page.locator(f".epa-{cid}").get_by_role("radio", name="Met", exact=True).click()
    kill_tree(app_server.proc.pid)
    app_server.kill()

    store = Store(app_server.store_url)
    assert store.verify() == []
    stored = store.find("1000000019", "practical_observation")
    kept = set(stored.record.judgements)
    assert kept == set(order[: len(kept)]) and kept  # saved in order; none half-made
    # created, then a version per save: one per tick, or one for two ticks the checklist sent in
    # one update when they came faster than a save (its judgements are one synced dict)
    assert 2 <= len(store.history(stored.id)) <= 1 + len(kept)
    store.close()

    app_server.start()
    open_it()  # the page shows what the store holds, and saving carries on
    for cid in kept:
        assert page.locator(f".epa-{cid} [role=radio][aria-checked=true]").inner_text() == "Met"
    page.locator(".epa-P12").get_by_role("radio", name="Not met", exact=True).click()
    expect(page.locator(".epa-status")).to_contain_text("Saved (version")
    page.close()
    store = Store(app_server.store_url)
    assert store.find("1000000019", "practical_observation").record.judgements["P12"] == "not_met"
    assert store.verify() == []
    store.close()


# --------------------------------------------------------------------------- a damaged SQLite file


@pytest.fixture(scope="module")
def damaged_store(tmp_path_factory):
    base = tmp_path_factory.mktemp("damaged")
    demo_cohort.write_cohort(base / "cohort", seed=1)
    path = base / "epa.sqlite"
    assert (
        epa("import", base / "cohort", "--store", f"sqlite:///{path}", "--submitted").returncode
        == 0
    )
    import sqlite3

    # A page of garbage where the records' versions start, as a bad disk would leave it: a page
    # every command reads (the middle of the file may be a table a command never touches).
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?",
            (versions.name,),
        ).fetchone()
    db.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(random.Random(3).randbytes(page_size))
    return base, path


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--store", "{url}", "--out", "{base}/out", "--quiet", "--format", "none"],
        ["iqa", "sample", "--store", "{url}"],
        ["export-records", "{base}/records", "--store", "{url}"],
    ],
    ids=["run", "iqa sample", "export-records"],
)
def test_a_damaged_sqlite_file_is_one_line_and_stays_as_it_was(damaged_store, command):
    base, path = damaged_store
    before = path.read_bytes()
    args = [a.format(url=f"sqlite:///{path}", base=base) for a in command]
    done = epa(*args)
    assert done.returncode == 3, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "the store failed: database disk image is malformed" in lines[0]
    assert "restore it from a backup" in lines[0]
    assert path.read_bytes() == before
