"""The floors: what no notebook run can go below, and the engine without notebooks.

- A bare kernel: start, execute ``1+1``, shut down, through jupyter_client's blocking API with
  its defaults (as papermill would use it); the median of several, and the kernel's CPU time.
- The pure grading engine: :func:`epa_kernel.core.grading.grade_method` on 100,000 method records in
  one process (the demo cohort's records, parsed once, cycled: every standard, method, grade,
  deferral and resit), wall and CPU time; the best of several repeats is what the engine costs
  (as ``timeit`` reports), the median shows what sharing the machine added.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import time


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def kernel_floor(repeats: int = 7) -> dict:
    from jupyter_client.manager import start_new_kernel

    walls, starts, cpus = [], [], []
    for _ in range(repeats + 1):  # the first warms the disk cache and is not counted
        cpu = _children_cpu()
        t0 = time.perf_counter()
        km, kc = start_new_kernel(
            kernel_name="python3", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        t1 = time.perf_counter()
        kc.execute_interactive("1+1", timeout=30, output_hook=lambda _msg: None)
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        t2 = time.perf_counter()
        walls.append(t2 - t0)
        starts.append(t1 - t0)
        cpus.append(_children_cpu() - cpu)
    walls, starts, cpus = walls[1:], starts[1:], cpus[1:]
    return {
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "start": statistics.median(starts),
        "cpu": statistics.median(cpus),
        "repeats": repeats,
    }


def grading(records: int = 100_000, repeats: int = 5) -> dict:
    from epa_kernel.batch.demo_cohort import cohort_records
    from epa_kernel.core.grading import grade_method
    from epa_kernel.core.records import parse_record

    parsed = [parse_record(data, file=name) for name, data in cohort_records()]
    items = [parsed[i % len(parsed)] for i in range(records)]
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        for record, standard in items:
            grade_method(standard, record)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return {
        "records": records,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "best": min(walls),
        "repeats": repeats,
        "us_per_record": statistics.median(walls) / records * 1e6,
    }
