"""What changed between two versions of a standard in its rules rather than its descriptors.

A revision can leave every descriptor alone and still change grades: a distinction threshold,
the channels a method is observed on, an evidence limit, the resit/retake cap, or a row of the
overall-grade table. :func:`~epa_kernel.core.standard_diff.diff_versions` reports these beside
the descriptor changes, so the version comparison shows both.

A threshold reported as "all 21" -> "all 20" is not a rule change: it is the descriptor change
itself, reported there. The overall-table comparison calls the grading engine's
:func:`~epa_kernel.core.grading.combine` on every combination of method grades, so it shows
what the engine would do, not a re-reading of the tables. Pure functions: no files, no widgets.
"""

from __future__ import annotations

import itertools

from epa_kernel.core.grading import combine
from epa_kernel.core.method_spec import BandRule
from epa_kernel.core.model import Model
from epa_kernel.core.spec import Standard
from epa_kernel.core.values import GRADES, Grade


class RuleChange(Model):
    """A grading or evidence rule that differs; ``method`` is None for standard-wide rules."""

    method: str | None
    rule: str
    old: str
    new: str


class OverallChange(Model):
    """A combination of method grades that the overall-grade table grades differently."""

    grades: dict[str, Grade]
    old: Grade
    new: Grade


def _rule_text(rule: BandRule, available: int) -> str:
    if rule.rule == "all":
        return f"all {available}"
    return f"at least {rule.count} of {available}"


def rule_changes(old: Standard, new: Standard) -> list[RuleChange]:
    """The rules of methods in both versions that differ (thresholds, channels, evidence limits),
    in the new version's method order, then the resit/retake cap if it differs."""
    out: list[RuleChange] = []
    for m_new in new.methods:
        m_old = old.method(m_new.id)
        if m_old is None:
            continue
        for band in ("pass", "distinction"):
            rule_old = m_old.grading.pass_ if band == "pass" else m_old.grading.distinction
            rule_new = m_new.grading.pass_ if band == "pass" else m_new.grading.distinction
            count_old = len(m_old.pass_criteria if band == "pass" else m_old.distinction_criteria)
            count_new = len(m_new.pass_criteria if band == "pass" else m_new.distinction_criteria)
            # "all 21" -> "all 20" is the descriptor change itself, reported there.
            if rule_old != rule_new or (rule_old.rule == "at_least" and count_old != count_new):
                out.append(
                    RuleChange(
                        method=m_new.id,
                        rule=f"{band} descriptors needed",
                        old=_rule_text(rule_old, count_old),
                        new=_rule_text(rule_new, count_new),
                    )
                )
        if m_old.channels != m_new.channels:
            out.append(
                RuleChange(
                    method=m_new.id,
                    rule="channels",
                    old=", ".join(m_old.channels or ()) or "none",
                    new=", ".join(m_new.channels or ()) or "none",
                )
            )
        limits_old = {x.fact: x.describe() for x in m_old.evidence}
        limits_new = {x.fact: x.describe() for x in m_new.evidence}
        for fact in sorted(set(limits_old) | set(limits_new)):
            if limits_old.get(fact) != limits_new.get(fact):
                out.append(
                    RuleChange(
                        method=m_new.id,
                        rule=f"evidence limit: {fact}",
                        old=limits_old.get(fact, "none"),
                        new=limits_new.get(fact, "none"),
                    )
                )
    a, b = old.attempts, new.attempts
    if (set(a.capped), a.max_grade, a.scope) != (set(b.capped), b.max_grade, b.scope):

        def cap(x):
            return f"{'/'.join(x.capped) or 'none'} capped at {x.max_grade} ({x.scope})"

        out.append(RuleChange(method=None, rule="resit/retake cap", old=cap(a), new=cap(b)))
    return out


def overall_changes(old: Standard, new: Standard) -> list[OverallChange]:
    """Every combination of method grades the two overall-grade tables grade differently (none
    when the versions have different methods: the combinations cannot be paired one to one)."""
    order = [m.id for m in new.methods]
    if order != [m.id for m in old.methods]:
        return []  # different methods: the combinations cannot be compared one to one
    out = []
    for combo in itertools.product(GRADES, repeat=len(order)):
        grades = dict(zip(order, combo))
        was, _ = combine(old, grades)
        now, _ = combine(new, grades)
        if was != now:
            out.append(OverallChange(grades=grades, old=was, new=now))
    return out
