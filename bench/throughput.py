"""Cohort throughput: ``epa run`` against a shell loop of ``papermill`` commands.

Both run the same notebooks with the same parameters: the workbook of every method record and
the result notebook of every apprentice, as :func:`epa_kernel.batch.jobs.plan` lists them. ``epa
run`` is timed as a user runs it (``--format none``: no exports, which the loop does not do
either; a fresh output folder, so nothing is skipped). The loop is ``bench/papermill_loop.sh``,
one ``papermill`` process per notebook, one after another, as a shell loop runs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import cohorts

ROOT = Path(__file__).resolve().parents[1]
LOOP = Path(__file__).resolve().parent / "papermill_loop.sh"


@dataclass
class Timing:
    what: str
    notebooks: int
    seconds: float
    size: int | None = None  # apprentices

    @property
    def per_second(self) -> float:
        return self.notebooks / self.seconds

    @property
    def per_notebook(self) -> float:
        return self.seconds / self.notebooks


def epa_run(
    cohort: Path,
    out: Path,
    *,
    env: dict | None = None,
    what: str = "epa run",
    size: int | None = None,
) -> Timing:
    """``epa run COHORT --out OUT --format none --quiet`` in a fresh folder, timed outside."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "epa_kernel.cli",
            "run",
            str(cohort),
            "--out",
            str(out),
            "--format",
            "none",
            "--quiet",
        ],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env={**os.environ, **(env or {})},
    )
    seconds = time.perf_counter() - started
    found = re.search(r"(\d+) notebooks run, 0 already done and unchanged, 0 failed", done.stdout)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"epa run failed:\n{done.stdout}\n{done.stderr}")
    return Timing(what, int(found[1]), seconds, size)


def papermill_loop(cohort: Path, work: Path, count: int | None = None) -> Timing:
    """``bench/papermill_loop.sh`` over ``count`` of the cohort's notebooks (all if None),
    spread through the job list so every kind of notebook is among them."""
    jobs = cohorts.jobs(cohort, work / "out")
    chosen = cohorts.spread(jobs, count) if count else jobs
    lines = []
    for n, job in enumerate(chosen):
        parameters = work / "parameters" / f"{n:04d}.json"
        parameters.parent.mkdir(parents=True, exist_ok=True)
        parameters.write_text(json.dumps(job.parameters, ensure_ascii=False), encoding="utf-8")
        Path(job.output).parent.mkdir(parents=True, exist_ok=True)
        lines.append(
            "\t".join([job.notebook, job.output, str(parameters), str(Path(job.notebook).parent)])
        )
    table = work / "jobs.tsv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "PAPERMILL": str(Path(sys.executable).parent / "papermill")}
    with open(work / "loop.log", "wb") as log:
        started = time.perf_counter()
        done = subprocess.run(
            ["bash", str(LOOP), str(table)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        seconds = time.perf_counter() - started
    made = sum(Path(job.output).exists() for job in chosen)
    if done.returncode != 0 or made != len(chosen):
        raise RuntimeError(f"the papermill loop failed; see {work / 'loop.log'}")
    return Timing("papermill CLI loop", len(chosen), seconds)


def growth(timings: list[Timing]) -> tuple[float, float] | None:
    """Least-squares fit seconds = fixed + per_notebook * notebooks over the sizes measured."""
    if len(timings) < 2:
        return None
    xs = [t.notebooks for t in timings]
    ys = [t.seconds for t in timings]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if not sxx:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my - slope * mx, slope


def measure(
    work: Path,
    sizes: list[int],
    *,
    loop_size: int,
    loop_notebooks: int | None,
    ablation: bool = True,
    say=print,
) -> dict:
    """``epa run`` at each size; at ``loop_size`` also the papermill loop (on
    ``loop_notebooks`` of its notebooks, or all) and ``epa run`` without kernels started
    ahead (``EPA_KERNELS_AHEAD=0``), side by side."""
    runs: list[Timing] = []
    extra: dict[str, Timing] = {}
    for size in sizes:
        cohort = cohorts.make(work / f"cohort-{size}", size)
        if size == loop_size:
            extra["loop"] = papermill_loop(cohort, work / f"loop-{size}", loop_notebooks)
            say(
                f"  papermill loop: {extra['loop'].notebooks} notebooks in "
                f"{extra['loop'].seconds:.1f} s ({extra['loop'].per_second:.2f}/s)"
            )
        timing = epa_run(cohort, work / f"run-{size}", size=size)
        runs.append(timing)
        say(
            f"  epa run, {size} apprentices: {timing.notebooks} notebooks in "
            f"{timing.seconds:.1f} s ({timing.per_second:.2f}/s)"
        )
        if size == loop_size and ablation:
            extra["no_ahead"] = epa_run(
                cohort,
                work / f"run-{size}-no-ahead",
                env={"EPA_KERNELS_AHEAD": "0"},
                size=size,
                what="epa run, no kernel started ahead",
            )
            say(f"  epa run without kernels started ahead: {extra['no_ahead'].per_second:.2f}/s")
    return {
        "runs": runs,
        "loop": extra.get("loop"),
        "no_ahead": extra.get("no_ahead"),
        "loop_size": loop_size,
        "growth": growth(runs),
        "run_folders": {size: work / f"run-{size}" for size in sizes},
    }
