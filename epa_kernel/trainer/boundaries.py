"""The boundary explorer: the fewest judgements that would take a record to the next grade.

A trainer explaining the grading rules wants to show, from a record as it stands, what it would
take for it to reach the next grade (Fail -> Pass, Pass -> Distinction) — something the
assessor's form does not show. The changes are worked out from the standard's rule *kinds*
(every pass descriptor; all or at least *k* distinction descriptors; a resit/retake cap) and
then checked by grading the changed record, so the explorer can never name a change the engine
would not agree with. Which grades a record can still reach is answered here too, since the
explorer starts from the grade a record is sure of.

Pure functions: models in, models out; no widgets, no files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

from epa_kernel.core.attempt_cap import cap_applies
from epa_kernel.core.grading import deferred_judgements, grade_method, select_attempts
from epa_kernel.core.grading_keys import resolve_judgements
from epa_kernel.core.model import Model
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard
from epa_kernel.core.values import GRADES, Band, Grade

# --- what a record can still reach ---------------------------------------------------------------


def _open_ids(
    standard: Standard, record: MethodRecord, judged_elsewhere: Mapping[str, str] | None
) -> dict[str, Band]:
    """Applicable descriptors not yet decided (unjudged, or deferred and still awaited)."""
    method = standard.method(record.method)
    effective = resolve_judgements(method, record, judged_elsewhere or {})
    return {
        cid: method.criterion(cid).band
        for cid, value in effective.items()
        if value in (None, "deferred")
    }


def _with(record: MethodRecord, changes: Mapping[str, str]) -> MethodRecord:
    return record.model_copy(update={"judgements": {**record.judgements, **changes}})


def reachable_grades(
    standard: Standard, record: MethodRecord, judged_elsewhere: Mapping[str, str] | None = None
) -> tuple[Grade, ...]:
    """The grades the record can still end with once every open descriptor is judged.

    Grades rise with every descriptor met, so three completions decide it: everything open not
    met (the lowest grade), everything open met (the highest), and open pass descriptors met
    with open distinction descriptors not met (Pass, if any completion gives it). Each is graded
    by the engine.
    """
    open_ids = _open_ids(standard, record, judged_elsewhere)
    completions = [
        {cid: "not_met" for cid in open_ids},
        {cid: "met" if band == "pass" else "not_met" for cid, band in open_ids.items()},
        {cid: "met" for cid in open_ids},
    ]
    found = {grade_method(standard, _with(record, c), judged_elsewhere).grade for c in completions}
    return tuple(g for g in GRADES if g in found)


def floor_grade(
    standard: Standard, record: MethodRecord, judged_elsewhere: Mapping[str, str] | None = None
) -> Grade:
    """The lowest grade the record can still end with: the grade it is sure of."""
    return reachable_grades(standard, record, judged_elsewhere)[0]


# --- the boundary explorer -----------------------------------------------------------------------


class Flip(Model):
    """One judgement to change to ``met``: from ``not_met``, ``deferred`` or unjudged (None)."""

    criterion: str
    band: Band
    before: str | None
    text: str


class Boundary(Model):
    """The fewest flips that take a record from the grade it is sure of to ``target``."""

    method: str
    grade: Grade | None  # the record's grade now (None: not yet decided)
    floor: Grade  # the lowest grade it can still end with
    target: Grade
    reachable: bool
    flips: tuple[Flip, ...]
    reached: Grade | None  # the engine's grade for the changed record (None: not decided)
    reached_floor: Grade | None  # the lowest grade the changed record can end with
    reasons: tuple[str, ...]  # why these flips, in the standard's rule terms


def _needed_flips(
    standard: Standard,
    record: MethodRecord,
    target: Grade,
    judged_elsewhere: Mapping[str, str] | None,
) -> tuple[list[str], list[str]]:
    """(descriptor ids to flip to met, reasons) for ``target``, from the rule kinds."""
    method = standard.method(record.method)
    effective = resolve_judgements(method, record, judged_elsewhere or {})
    applicable = method.applicable(record.channels)
    passes = [c.id for c in applicable if c.band == "pass"]
    not_met_pass = [i for i in passes if effective[i] != "met"]
    flips, reasons = list(not_met_pass), []
    if not_met_pass:
        reasons.append(
            f"Every applicable pass descriptor must be met: {len(not_met_pass)} of "
            f"{len(passes)} are not yet ({', '.join(not_met_pass)})"
        )
    else:
        reasons.append(f"All {len(passes)} applicable pass descriptors are met")
    if target == "Distinction":
        distinctions = [c.id for c in applicable if c.band == "distinction"]
        rule = method.grading.distinction
        needed = rule.count if rule.rule == "at_least" else len(distinctions)
        met = [i for i in distinctions if effective[i] == "met"]
        short = max(needed - len(met), 0)
        # Judging an open descriptor is a smaller step than overturning a judgement made, so
        # unjudged ones come first; within each, the document's order.
        candidates = [i for i in distinctions if effective[i] in (None, "deferred")] + [
            i for i in distinctions if effective[i] == "not_met"
        ]
        flips += candidates[:short]
        wanted = (
            f"at least {needed} of {len(distinctions)}"
            if rule.rule == "at_least"
            else f"all {needed}"
        )
        reasons.append(
            f"A distinction needs {wanted} distinction descriptors; {len(met)} met, so {short} more"
        )
    return flips, reasons


def fewest_changes(
    standard: Standard,
    record: MethodRecord,
    target: Grade,
    judged_elsewhere: Mapping[str, str] | None = None,
) -> Boundary:
    """The fewest judgements to flip to ``met`` so that ``record`` is sure of at least ``target``.

    "Sure of" means every way of judging what is still open gives at least ``target``: flipping
    every pass descriptor to met makes a record sure of a Pass even while distinction
    descriptors are unjudged. The flips are verified by grading the changed record; a
    disagreement with the engine is a bug and raises.
    """
    method = standard.method(record.method)
    now = grade_method(standard, record, judged_elsewhere)
    floor = floor_grade(standard, record, judged_elsewhere)
    boundary = partial(Boundary, method=method.id, grade=now.grade, floor=floor, target=target)
    cap = standard.attempts
    if (
        cap.scope == "method"
        and cap_applies(standard, record)
        and GRADES.index(target) > GRADES.index(cap.max_grade)
    ):
        return boundary(
            reachable=False,
            flips=(),
            reached=None,
            reached_floor=None,
            reasons=(
                f"A {record.attempt} can achieve at most {cap.max_grade} in "
                f"{method.name}: no change of judgements reaches {target}",
            ),
        )
    if GRADES.index(floor) >= GRADES.index(target):
        return boundary(
            reachable=True,
            flips=(),
            reached=now.grade,
            reached_floor=floor,
            reasons=(f"Already sure of at least {target}",),
        )
    ids, reasons = _needed_flips(standard, record, target, judged_elsewhere)
    changed = _with(record, {cid: "met" for cid in ids})
    after = grade_method(standard, changed, judged_elsewhere)
    after_floor = floor_grade(standard, changed, judged_elsewhere)
    if GRADES.index(after_floor) < GRADES.index(target):
        raise AssertionError(
            f"boundary explorer: flipping {ids} gives at least {after_floor}, "
            f"not {target}; the grading engine disagrees with the rule"
        )
    effective = resolve_judgements(method, record, judged_elsewhere or {})
    flips = tuple(
        Flip(
            criterion=cid,
            band=method.criterion(cid).band,
            before=effective[cid],
            text=method.criterion(cid).text,
        )
        for cid in ids
    )
    return boundary(
        reachable=True,
        flips=flips,
        reached=after.grade,
        reached_floor=after_floor,
        reasons=tuple(reasons),
    )


def boundaries(
    standard: Standard, record: MethodRecord, judged_elsewhere: Mapping[str, str] | None = None
) -> tuple[Boundary, ...]:
    """The fewest changes to each grade above the one the record is sure of."""
    floor = floor_grade(standard, record, judged_elsewhere)
    return tuple(
        fewest_changes(standard, record, target, judged_elsewhere)
        for target in GRADES[GRADES.index(floor) + 1 :]
    )


def apprentice_boundaries(
    standard: Standard, records: Sequence[MethodRecord]
) -> dict[str, tuple[Boundary, ...]]:
    """The boundaries of each method record of one apprentice, with descriptors deferred from
    one method resolved by the judgement made in the other, as in grading the EPA."""
    chosen = select_attempts(records)
    elsewhere = deferred_judgements(list(chosen.values()))
    return {
        m.id: boundaries(standard, chosen[m.id], elsewhere.get(m.id, {}))
        for m in standard.methods
        if m.id in chosen
    }
