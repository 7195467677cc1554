"""Synthetic method records for a trainer to explore the grading rules with.

When a trainer opens the grading-logic notebook or app without an apprentice's own records, the
explanations still need records to explain. Each sample is one judgement short of a distinction,
so the boundary explorer has something to show at once and one click in either direction crosses
a boundary. The apprentice and assessor are marked synthetic so a sample is never taken for a
real assessment.
"""

from __future__ import annotations

from collections.abc import Mapping

from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard

SAMPLE_APPRENTICE = {"uln": "9999999904", "name": "Demo Apprentice (synthetic)"}
SAMPLE_ASSESSOR = "Demo Trainer (synthetic)"


def sample_record(
    standard: Standard, method_id: str, *, apprentice: Mapping | None = None
) -> MethodRecord:
    """A synthetic record to explore with, one judgement short of a distinction: every
    applicable pass descriptor met and one distinction descriptor fewer than the rule needs (a
    Pass), observed on the method's first channel. The boundary explorer then has something to
    show at once, and one click in either direction crosses a boundary."""
    method = standard.method(method_id)
    channels = [method.channels[0]] if method.channels else None
    distinctions = [c for c in method.applicable(channels) if c.band == "distinction"]
    rule = method.grading.distinction
    short_by_one = (rule.count if rule.rule == "at_least" else len(distinctions)) - 1
    judgements = {c.id: "met" for c in method.applicable(channels) if c.band == "pass"}
    judgements.update(
        {c.id: "met" if i < short_by_one else "not_met" for i, c in enumerate(distinctions)}
    )
    return MethodRecord.model_validate(
        {
            "standard": standard.standard,
            "version": standard.version,
            "method": method_id,
            "apprentice": dict(apprentice or SAMPLE_APPRENTICE),
            "assessor": SAMPLE_ASSESSOR,
            "channels": channels,
            "judgements": judgements,
        }
    )


def sample_records(standard: Standard) -> list[MethodRecord]:
    """One sample record per method of the standard, for one synthetic apprentice."""
    return [sample_record(standard, m.id) for m in standard.methods]
