"""What the store service costs an app on a hub: each call through it beside the same call on
Access in the app's own process, measured side by side in one run.

    python -m bench.store_service [--calls 200]

On a hub the apps hold a StoreClient (an HTTP call to the store service per Access call) where
they once held an Access over the store's URL. The service runs here in a thread of this process
(so both sides share the same 2 cores and the same SQLite file) with the token lookup answered
from a table, as after HubAuth's cache is warm (it asks the hub once a minute per token). One
assessor with 30 assignments: listing them, opening one record, saving a draft.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from epa_kernel.service.client import StoreClient  # noqa: E402
from epa_kernel.store.access import Access  # noqa: E402
from epa_kernel.store.store import Store  # noqa: E402
from epa_kernel.store.users import set_user  # noqa: E402
from helpers import make_record, store_service, user_tokens  # noqa: E402

ASSESSOR = "Alex Ash"


def median_ms(action, calls: int) -> float:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(calls: int) -> list[tuple[str, float, float]]:
    from epa_kernel.core.uln import uln_is_valid

    folder = Path(tempfile.mkdtemp(prefix="epa-bench-service-"))
    store = Store(f"sqlite:///{folder / 'epa.sqlite'}")
    synthetic = (f"{n:010d}" for n in range(1000000000, 1000100000))
    ulns = [u for u in synthetic if uln_is_valid(u)][:30]
    for uln in ulns:
        store.assign(make_record(uln=uln, assessor=ASSESSOR, judgements={}))
    set_user(store, "alex", "assessor", ASSESSOR)
    here = Access(store, "alex")
    drafts = {"access": here.put(make_record(uln=ulns[0], assessor=ASSESSOR, judgements={}))}
    rows = []
    with store_service(store, user_tokens("alex")) as url:
        there = StoreClient(url, "alex-token")
        drafts["service"] = there.put(make_record(uln=ulns[1], assessor=ASSESSOR, judgements={}))
        judged = {"P1": "met"}
        for what, call in (
            ("list the assessor's assignments", lambda a, _: a.assignments_of()),
            ("open one record", lambda a, d: a.get(d.id)),
            ("save a draft", lambda a, d: a.save_draft(a.get(d.id), record_like(d, judged))),
        ):
            plain = median_ms(lambda c=call: c(here, drafts["access"]), calls)
            served = median_ms(lambda c=call: c(there, drafts["service"]), calls)
            rows.append((what, plain, served))
    store.close()
    return rows


def record_like(stored, judgements):
    return stored.record.model_copy(update={"judgements": judgements})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.store_service")
    parser.add_argument("--calls", type=int, default=200, help="calls per operation (median of)")
    args = parser.parse_args(argv)
    print("| operation | Access in the kernel (ms) | through the store service (ms) | ratio |")
    print("|---|---:|---:|---:|")
    for what, plain, served in measure(args.calls):
        print(f"| {what} | {plain:.2f} | {served:.2f} | {served / plain:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
