"""Load: 20 simulated assessors saving at once on loopback for a few seconds, against SQLite and a
real PostgreSQL server. Zero lost or duplicated writes: every save an assessor was told succeeded
is in the history exactly once (at the version it was told), no refused save is there, conflicts
on shared records are reported to the one who lost, never silent, and every hash chain verifies.
The load itself is ``bench/load_store.py``, which prints the latencies when run by hand."""

from __future__ import annotations

import importlib.util
import sys

from helpers import ROOT

BENCH = ROOT / "bench" / "load_store.py"
SECONDS = 3.0


def load_bench():
    spec = importlib.util.spec_from_file_location("load_store", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_twenty_assessors_saving_at_once_lose_and_duplicate_nothing(store_url):
    result = load_bench().run_load(store_url, assessors=20, seconds=SECONDS, contenders=6)
    print(result.line())  # pytest -s shows the figures
    assert result.errors == []
    assert result.problems == []
    assert result.saved >= 20 * SECONDS  # every assessor got saves through, not just a few
    assert result.conflicts > 0  # the shared records really were contended, and it was said
    assert result.percentile(50) < 1000  # loose: a 2-core CI machine under load
