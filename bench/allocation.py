"""What allocation adds to a booking, and how long ``free_assessors`` takes, on SQLite.

Side by side in one run: bookings alternate between assessors with no profile (only the
standard's rules and the double-booking check) and assessors with a profile (standards, days
away, three declared conflicts each, the week's capacity counted), so the ratio of their
medians is the cost of the allocation checks. Then ``free_assessors`` for one slot, with every
assessor's week already booked.

    python bench/allocation.py                     # 20 + 20 assessors, 400 bookings
    python bench/allocation.py --bookings 100
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from bench.load_store import valid_uln  # noqa: E402
from epa_kernel.core.assessor_profile import Away, Link  # noqa: E402
from epa_kernel.core.booking import Booking  # noqa: E402
from epa_kernel.core.catalogue import get_standard  # noqa: E402
from epa_kernel.store import assessor_profiles as profiles  # noqa: E402
from epa_kernel.store.allocation import free_assessors  # noqa: E402
from epa_kernel.store.bookings import book  # noqa: E402
from epa_kernel.store.schema import apprentices, assessors  # noqa: E402
from epa_kernel.store.store import Store  # noqa: E402

GATEWAY = date(2025, 1, 6)
ST0071 = get_standard("ST0071", "1.1")


def setup(store: Store, n_assessors: int, n_bookings: int) -> None:
    with store.transaction() as conn:
        for i in range(n_bookings):
            conn.execute(
                insert(apprentices).values(
                    uln=valid_uln(i),
                    name=f"Bench Apprentice {i} (synthetic)",
                    gateway_date=GATEWAY,
                    provider=f"Provider {i % 7}",
                    employer=f"Employer {i % 11}",
                )
            )
        for i in range(n_assessors):
            conn.execute(insert(assessors).values(name=f"Plain {i:02}"))
    for i in range(n_assessors):
        name = f"Profiled {i:02}"
        profiles.add_assessor(store, store.clock, name, by="bench")
        links = tuple(Link(kind="employer", organisation=f"Other {i}-{k}") for k in range(3))
        away = (Away(starts=date(2025, 8, 1), ends=date(2025, 8, 14), reason="leave"),)
        update = {"standards": ("ST0071",), "capacity": 50, "conflicts": links, "away": away}
        profiles.change_profile(
            store,
            store.clock,
            name,
            lambda p, u=update: p.model_copy(update=u),
            by="bench",
            reason="bench",
        )


def slot(i: int, assessor: str) -> Booking:
    day = GATEWAY + timedelta(days=35 + (i // 2) % 40)
    hour = 8 + (i // 80) % 10
    return Booking(
        uln=valid_uln(i),
        standard="ST0071",
        version="1.1",
        method="professional_discussion",
        on=day,
        starts=clock(hour),
        ends=clock(hour + 1),
        mode="remote",
        link="https://meet.example/bench",
        assessor=assessor,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessors", type=int, default=20)
    parser.add_argument("--bookings", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        setup(store, args.assessors, args.bookings)
        took: dict[str, list[float]] = {"no profile": [], "profile": []}
        for i in range(args.bookings):
            kind = "profile" if i % 2 else "no profile"
            name = f"{'Profiled' if i % 2 else 'Plain'} {(i // 2) % args.assessors:02}"
            start = time.perf_counter()
            book(store, store.clock, ST0071, slot(i, name), today=GATEWAY, by="bench")
            took[kind].append(time.perf_counter() - start)
        free = []
        for k in range(20):
            start = time.perf_counter()
            found = free_assessors(
                store, "ST0071", GATEWAY + timedelta(days=40), clock(7), clock(8), uln=valid_uln(k)
            )
            free.append(time.perf_counter() - start)
        store.close()
    plain, profiled = (statistics.median(took[k]) * 1000 for k in ("no profile", "profile"))
    print(
        f"SQLite, {args.bookings} bookings alternating, "
        f"{args.assessors} + {args.assessors} assessors"
    )
    print(f"  booking, no profile: median {plain:.1f} ms")
    print(f"  booking, profile:    median {profiled:.1f} ms  (ratio {profiled / plain:.2f})")
    print(
        f"  free_assessors ({args.assessors} profiled, {len(found)} free): median "
        f"{statistics.median(free) * 1000:.1f} ms ({statistics.median(free) * 1000 / plain:.1f}x "
        "a booking without profile)"
    )


if __name__ == "__main__":
    main()
