"""Load on the store: simulated assessors saving judgements at once, for a bounded time.

Each assessor is a process of its own (as each Voilà kernel is) with its own ``Store``. Every
assessor saves its own record over and over, each save a new note marker; the first few also
save a record they share, refreshing it after every conflict, as the app asks a person to. Every
save is timed. After the time is up, the history is read back and checked: every save that
succeeded appears there exactly once, no refused save appears at all, and the hash chains verify.

    python bench/load_store.py                      # SQLite in a temporary folder
    python bench/load_store.py --store postgresql+psycopg://epa@127.0.0.1:5432/epa
    python bench/load_store.py --assessors 20 --seconds 5

It prints the save latency (p50, p95, max), the saves per second, and the conflicts, per store.
``tests/test_load.py`` runs the same load for a few seconds against SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from epa_kernel.core.records import MethodRecord, bind  # noqa: E402


def valid_uln(n: int) -> str:
    """The n-th valid ULN from 2000000000 up (synthetic: made by the check-digit rule)."""
    base = 200000000 + n
    while True:
        digits = str(base)
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1)))
        check = (10 - total) % 11
        if check < 10:
            return digits + str(check)
        base += 10_000_000  # no check digit works for this stem: take another


def blank(uln: str, assessor: str) -> MethodRecord:
    return bind(
        MethodRecord.model_validate(
            {
                "standard": "ST0072",
                "version": "1.0",
                "method": "practical_observation",
                "apprentice": {"uln": uln, "name": f"Load Apprentice {uln[-3:]} (synthetic)"},
                "assessor": assessor,
                "channels": ["face_to_face"],
            }
        )
    )[0]


DESCRIPTORS = ["P1", "P2", "P3", "P4", "P5", "P6", "P10", "P11", "P12", "P15", "P16"]


def _assessor(
    url: str, who: int, own: int, shared: int | None, start: float, stop: float, queue
) -> None:
    from epa_kernel.errors import ConflictError
    from epa_kernel.store.store import Store

    store = Store(url)
    mine = {own: store.get(own)}
    if shared is not None:
        mine[shared] = store.get(shared)
    events: list[tuple] = []
    seq = 0
    while time.time() < start:
        time.sleep(0.001)
    targets = [own, shared] if shared is not None else [own]
    while time.time() < stop:
        record_id = targets[seq % len(targets)]
        seq += 1
        current = mine[record_id]
        marker = f"a{who}-{seq}"
        judgements = dict(current.record.judgements)
        judgements[DESCRIPTORS[seq % len(DESCRIPTORS)]] = "met" if seq % 3 else "not_met"
        changed = current.record.model_copy(
            update={"judgements": judgements, "notes": {"P1": marker}}
        )
        began = time.perf_counter()
        try:
            saved = store.save_draft(current, changed, author=f"Assessor {who}")
            events.append(("saved", record_id, marker, saved.version, time.perf_counter() - began))
            mine[record_id] = saved
        except ConflictError:
            events.append(("conflict", record_id, marker, None, time.perf_counter() - began))
            mine[record_id] = store.get(record_id)  # reload, as the app tells the assessor to
        except Exception as exc:  # noqa: BLE001 - reported, and the check fails on it
            events.append(
                (
                    "error",
                    record_id,
                    marker,
                    f"{type(exc).__name__}: {exc}",
                    time.perf_counter() - began,
                )
            )
            mine[record_id] = store.get(record_id)
    store.close()
    queue.put(events)


@dataclass
class LoadResult:
    url: str
    assessors: int
    seconds: float
    saved: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # lost, duplicated or phantom writes

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies_ms)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, round(p / 100 * (len(data) - 1)))]

    def line(self) -> str:
        kind = self.url.split(":", 1)[0].split("+")[0]
        return (
            f"{kind:<10} {self.assessors} assessors, {self.seconds:.0f} s: {self.saved} saves "
            f"({self.saved / self.seconds:.0f}/s), {self.conflicts} conflicts, "
            f"{len(self.errors)} errors; save latency p50 {self.percentile(50):.1f} ms, "
            f"p95 {self.percentile(95):.1f} ms, max {max(self.latencies_ms, default=0):.1f} ms; "
            f"{len(self.problems)} lost or duplicated writes"
        )


def run_load(
    url: str,
    *,
    assessors: int = 20,
    seconds: float = 3.0,
    contenders: int = 6,
    shared_records: int = 2,
) -> LoadResult:
    """Run the load against an empty store at ``url`` and check what it left."""
    from sqlalchemy import select

    from epa_kernel.store.schema import versions
    from epa_kernel.store.store import Store

    store = Store(url)
    own = [
        store.put(blank(valid_uln(i), f"Assessor {i}"), author=f"Assessor {i}").id
        for i in range(assessors)
    ]
    shared = [
        store.put(blank(valid_uln(1000 + i), "Shared"), author="Shared").id
        for i in range(shared_records)
    ]
    store.close()

    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    start = time.time() + 1.0  # every process ready before the clock starts
    stop = start + seconds
    procs = [
        ctx.Process(
            target=_assessor,
            args=(
                url,
                i,
                own[i],
                shared[i % shared_records] if i < contenders else None,
                start,
                stop,
                queue,
            ),
        )
        for i in range(assessors)
    ]
    for proc in procs:
        proc.start()
    events = [e for _ in procs for e in queue.get(timeout=seconds + 120)]
    for proc in procs:
        proc.join(timeout=60)

    result = LoadResult(url, assessors, seconds)
    for kind, _record_id, _marker, detail, took in events:
        if kind == "saved":
            result.saved += 1
            result.latencies_ms.append(took * 1000)
        elif kind == "conflict":
            result.conflicts += 1
        else:
            result.errors.append(detail)

    # Every successful save exactly once in the history; no refused save there at all.
    store = Store(url)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(versions.c.record_id, versions.c.version, versions.c.kind, versions.c.data)
        ).all()
    in_history = Counter()
    version_of = {}
    for row in rows:
        if row.kind == "saved":
            marker = json.loads(row.data)["notes"]["P1"]
            in_history[(row.record_id, marker)] += 1
            version_of[(row.record_id, marker)] = row.version
    succeeded = {(r, m): v for kind, r, m, v, _ in events if kind == "saved"}
    refused = {(r, m) for kind, r, m, _, _ in events if kind != "saved"}
    for key, version in succeeded.items():
        if in_history[key] != 1:
            result.problems.append(f"save {key} is in the history {in_history[key]} times")
        elif version_of[key] != version:
            result.problems.append(
                f"save {key} reported version {version}, history has {version_of[key]}"
            )
    for key in refused:
        if in_history[key]:
            result.problems.append(f"refused save {key} is in the history")
    for key in in_history:
        if key not in succeeded:
            result.problems.append(f"history holds {key}, which no assessor was told was saved")
    result.problems += store.verify()
    for record_id in own + shared:
        history = store.history(record_id)
        if [v.version for v in history] != list(range(1, len(history) + 1)):
            result.problems.append(f"record {record_id}: versions not consecutive")
        if store.get(record_id).version != len(history):
            result.problems.append(f"record {record_id}: current version is not the last")
    store.close()
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--store",
        action="append",
        metavar="URL",
        help="an empty store to load (repeatable; default: SQLite in a temp folder)",
    )
    parser.add_argument("--assessors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    urls = args.store or []
    tmp = None
    if not urls:
        tmp = tempfile.TemporaryDirectory()
        urls = [f"sqlite:///{Path(tmp.name) / 'load.sqlite'}"]
    status = 0
    for url in urls:
        result = run_load(url, assessors=args.assessors, seconds=args.seconds)
        print(result.line())
        for problem in [*result.errors[:5], *result.problems[:5]]:
            print(f"  ! {problem}")
        status |= bool(result.errors or result.problems)
    if tmp:
        tmp.cleanup()
    return status


if __name__ == "__main__":
    sys.exit(main())
