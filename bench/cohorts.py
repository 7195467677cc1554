"""Synthetic cohorts of any size, written as a user's cohort folder would be."""

from __future__ import annotations

from pathlib import Path

from epa_kernel.batch.cohort import read_cohort
from epa_kernel.batch.demo_cohort import write_cohort
from epa_kernel.batch.jobs import Job, plan
from epa_kernel.paths import notebooks_dir


def make(folder: Path, apprentices: int, seed: int = 2026) -> Path:
    """``apprentices`` invented apprentices' method records (the demo plan, cycled) in
    ``folder``; the same seed gives the same records."""
    write_cohort(folder, seed=seed, apprentices=apprentices)
    return folder


def jobs(cohort: Path, out: Path) -> list[Job]:
    """The notebooks ``epa run`` would execute for ``cohort`` into ``out``."""
    return plan(read_cohort(cohort), out, notebooks_dir())


def spread(items: list, count: int) -> list:
    """``count`` items evenly spaced through ``items`` (every method and result notebooks)."""
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]
