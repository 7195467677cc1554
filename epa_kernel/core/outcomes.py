"""What the grading engine returns: a method's outcome and an EPA's, each with its reasons.

Plain frozen data, apart from the engine that computes them, so that the exports, the bundles
and the trainer's views can read outcomes without depending on how a grade is worked out.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict

from epa_kernel.core.model import Model
from epa_kernel.core.values import Grade

#: incomplete: descriptors unjudged; pending: deferred and not yet judged in the other method.
Status = Literal["complete", "incomplete", "pending"]


class MethodOutcome(Model):
    """One method record graded: the counts against what is needed, and why."""

    # Built only by the engine, from a dict of exactly these fields, once per record graded:
    # refusing unknown fields would guard nothing here and cost 4% of a grade (measured on
    # 100,000 demo records: 6.9 against 6.6 µs).
    model_config = ConfigDict(extra="ignore")

    method: str
    grade: Grade | None
    status: Status
    pass_met: int
    pass_required: int
    distinction_met: int
    distinction_required: int
    distinction_available: int
    unmet_pass: tuple[str, ...]
    missing: tuple[str, ...]
    deferred: tuple[str, ...]
    capped: bool
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]


class EpaOutcome(Model):
    """One apprentice's EPA graded: the overall grade (None until decided) and each method's."""

    standard: str
    version: str
    grade: Grade | None
    methods: dict[str, MethodOutcome]
    reasons: tuple[str, ...]
