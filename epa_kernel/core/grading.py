"""The grading engine: pure functions from a standard and records to outcomes with reasons.

Nothing here opens a file, reads a clock or touches a widget, so the Voilà form, the batch run,
the CLI, the IQA re-run and the trainer's notebook all reach the same grade the same way. Every
outcome says *why*: which pass descriptors are unmet, how many distinction descriptors were met
against how many are needed, which caps applied, what is still missing, and which evidence facts
are outside the standard's limits (warnings from :mod:`epa_kernel.core.evidence`: they inform
the assessor and IQA, but the standard grades on the descriptors, so they never change a grade).

A grade is given as soon as the judgements made decide it: one unmet pass descriptor is a Fail
however many are still to judge; a Pass stays a Pass when even the unjudged distinction
descriptors could not reach the threshold. Otherwise the grade is None until the record is
complete. Which descriptors a method grades on, and what each was judged once deferrals are
resolved, come from :mod:`epa_kernel.core.grading_keys`, where they are worked out once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from epa_kernel.core.attempt_cap import cap_applies, cap_lifted
from epa_kernel.core.evidence import prepared_warnings
from epa_kernel.core.grading_keys import descriptor_keys, effective_values
from epa_kernel.core.outcomes import EpaOutcome, MethodOutcome, Status
from epa_kernel.core.records import MethodRecord, check_one_apprentice
from epa_kernel.core.spec import Standard
from epa_kernel.core.values import GRADES, Grade
from epa_kernel.errors import InputError

ATTEMPT_RANK = {"first": 0, "resit": 1, "retake": 1}
# Said whenever exceptional circumstances are what keeps a grade above the cap.
LIFTED = (
    "Not capped at {cap}: exceptional circumstances accepted for {what} lift the cap "
    "(attempts.exceptional_circumstances_lift_cap)"
)
# Validated exactly as MethodOutcome(...) would be, minus the keyword-argument wrapper: building
# the outcome was a third of a grade's cost, the wrapper a third of that.
_validate_outcome = MethodOutcome.__pydantic_validator__.validate_python


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def _names(standard: Standard, ids: Iterable[str]) -> str:
    """Methods as the standard names them (its data, not the ids), for the overall reasons a
    statement of results shows."""
    return ", ".join(standard.method(m).name for m in ids)


def grade_method(
    standard: Standard, record: MethodRecord, judged_elsewhere: Mapping[str, str] | None = None
) -> MethodOutcome:
    """Grade one method record under ``standard`` (the version the record names).

    ``judged_elsewhere`` maps this method's deferred descriptor ids to the judgement made in
    the method they were deferred to (see :func:`deferred_judgements`).
    """
    keys = descriptor_keys(standard, record.method, record.channels)
    if keys is None:
        raise InputError(f"{standard.key} has no method {record.method!r}", field="method")
    method = keys.method
    values = effective_values(keys, record.judgements, judged_elsewhere)
    passes, distinctions = keys.passes, keys.distinctions
    pass_values, d_values = values[: keys.npass], values[keys.npass :]

    # Membership tests and count() run in C; the id tuples are built only when needed.
    unmet_pass = (
        tuple(i for i, v in zip(passes, pass_values) if v == "not_met")
        if "not_met" in pass_values
        else ()
    )
    pass_met = pass_values.count("met")
    open_pass = pass_values.count(None) + pass_values.count("deferred")
    d_met = d_values.count("met")
    d_open = d_values.count(None) + d_values.count("deferred")
    missing = deferred = ()
    if None in values or "deferred" in values:
        effective = dict(zip(keys.order, values))
        missing = tuple(i for i in keys.applicable if effective[i] is None)
        deferred = tuple(i for i in keys.applicable if effective[i] == "deferred")
    d_required = keys.d_required

    reasons: list[str] = []
    if unmet_pass:
        grade: Grade | None = "Fail"
        reasons.append(
            f"Fail: pass descriptor{'s' if len(unmet_pass) > 1 else ''} not met: "
            f"{_ids(unmet_pass)} ({len(unmet_pass)} of {len(passes)})"
        )
    elif open_pass:
        grade = None
        reasons.append(f"Pass descriptors met so far: {pass_met} of {len(passes)}")
    else:
        reasons.append(f"All {len(passes)} applicable pass descriptors met")
        if d_met >= d_required:
            grade = "Distinction"
        elif d_met + d_open < d_required:
            grade = "Pass"
        else:
            grade = None
    if not unmet_pass:
        reasons.append(
            f"Distinction descriptors met: {d_met} of {len(distinctions)}; "
            f"{d_required} needed for a distinction"
        )
    if judged_elsewhere:
        resolved = dict(zip(keys.order, values))
        for cid in keys.applicable:
            original = record.judgements.get(cid)
            if original == "deferred" and resolved[cid] != "deferred":
                reasons.append(
                    f"{cid} was deferred to {keys.deferrable.get(cid)}, "
                    f"where it was judged {resolved[cid].replace('_', ' ')}"
                )
    if deferred:
        targets = sorted({keys.deferrable.get(i) for i in deferred})
        reasons.append(f"Deferred to {_ids(targets)}, awaiting its judgement: {_ids(deferred)}")
    if missing:
        reasons.append(f"Not yet judged: {_ids(missing)}")

    capped = False
    cap = standard.attempts
    # Every pass descriptor met but Pass/Distinction still open: a cap at Pass (or lower) gives
    # the same grade either way, so the grade is decided now.
    open_above_pass = (
        grade is None and not open_pass and GRADES.index(cap.max_grade) <= GRADES.index("Pass")
    )
    if (
        cap.scope == "method"
        and record.attempt in cap.capped  # the common first attempt skips the call below
        and cap_applies(standard, record)
        and (
            open_above_pass
            or (grade is not None and GRADES.index(grade) > GRADES.index(cap.max_grade))
        )
    ):
        grade, capped = cap.max_grade, True
        reasons.append(
            f"Capped at {cap.max_grade}: a {record.attempt} can achieve at most {cap.max_grade}"
        )
    elif (
        cap.scope == "method"
        and grade is not None
        and GRADES.index(grade) > GRADES.index(cap.max_grade)
        and cap_lifted(standard, record)
    ):
        reasons.append(LIFTED.format(cap=cap.max_grade, what=f"this {record.attempt}"))
    if grade is not None:
        reasons.insert(0, f"{method.name}: {grade}")

    status: Status = "incomplete" if missing else "pending" if deferred else "complete"
    return _validate_outcome(
        {
            "method": method.id,
            "grade": grade,
            "status": status,
            "pass_met": pass_met,
            "pass_required": len(passes),
            "distinction_met": d_met,
            "distinction_required": d_required,
            "distinction_available": len(distinctions),
            "unmet_pass": unmet_pass,
            "missing": missing,
            "deferred": deferred,
            "capped": capped,
            "reasons": tuple(reasons),
            "warnings": tuple(prepared_warnings(keys.limits, record.evidence)),
        }
    )


def deferred_judgements(records: Sequence[MethodRecord]) -> dict[str, dict[str, str]]:
    """Judgements made in one method for descriptors deferred from another.

    Returns {deferred-from method: {descriptor id: judgement}}, read from the records' keys of
    the form ``"<method>.<id>"``.
    """
    out: dict[str, dict[str, str]] = {}
    for record in records:
        for ref, value in record.judgements.items():
            if "." in ref:
                origin, cid = ref.split(".", 1)
                out.setdefault(origin, {})[cid] = value
    return out


def select_attempts(records: Sequence[MethodRecord]) -> dict[str, MethodRecord]:
    """The record that counts for each method: the latest attempt. A resit or retake replaces
    the first attempt; of several resits or retakes (the documents set no limit) the one
    assessed last counts. Two records of the same method and attempt that no date orders (the
    same day, or one undated) are ambiguous."""
    chosen: dict[str, MethodRecord] = {}
    for record in records:
        current = chosen.get(record.method)
        if current is None or ATTEMPT_RANK[record.attempt] > ATTEMPT_RANK[current.attempt]:
            chosen[record.method] = record
        elif ATTEMPT_RANK[record.attempt] < ATTEMPT_RANK[current.attempt]:
            continue
        elif (
            record.attempt != "first"
            and record.assessed_on is not None
            and current.assessed_on is not None
            and record.assessed_on != current.assessed_on
        ):
            if record.assessed_on > current.assessed_on:
                chosen[record.method] = record
        else:
            raise InputError(
                f"two {record.attempt} records for {record.method}; give one per "
                "method and attempt",
                field="method",
            )
    return chosen


def combine(standard: Standard, grades: Mapping[str, Grade]) -> tuple[Grade, str]:
    """The overall grade from the standard's table, and the reason naming the row used."""
    grade, row = standard.overall.lookup(dict(grades))
    shown = ", ".join(f"{m.name} {grades[m.id]}" for m in standard.methods)
    return grade, f"Overall {grade} by row {row + 1} of the overall-grade table ({shown})"


def grade_epa(standard: Standard, records: Sequence[MethodRecord]) -> EpaOutcome:
    """Grade one apprentice's EPA from their method records under ``standard``.

    Records must belong to one apprentice and to this standard version. Deferred descriptors
    are resolved across methods; the latest attempt of each method counts; the standard's
    resit/retake cap applies.
    """
    check_one_apprentice(standard, records, done="graded", advice="grade one apprentice at a time")
    chosen = select_attempts(records)
    elsewhere = deferred_judgements(list(chosen.values()))
    outcomes = {
        m.id: grade_method(standard, chosen[m.id], elsewhere.get(m.id, {}))
        for m in standard.methods
        if m.id in chosen
    }

    reasons: list[str] = []
    not_assessed = [m.id for m in standard.methods if m.id not in outcomes]
    undecided = [m for m, o in outcomes.items() if o.grade is None]
    failed = [m for m, o in outcomes.items() if o.grade == "Fail"]
    grade: Grade | None = None
    if not_assessed:
        # No overall grade until every method has a record, even when one has failed: the
        # statement of results is issued for the whole EPA.
        reasons.append(f"Not yet assessed: {_names(standard, not_assessed)}")
        if failed:
            reasons.append(
                f"Failed so far: {_names(standard, failed)}; "
                "the EPA cannot be passed without a resit or retake"
            )
    elif failed:
        # A Fail in any method decides the table whatever the undecided ones become.
        grade = "Fail"
        reasons.append(f"Overall Fail: {_names(standard, failed)} failed")
    elif undecided:
        reasons.append(f"Not yet graded: {_names(standard, undecided)}")
    else:
        grade, why = combine(standard, {m: o.grade for m, o in outcomes.items()})
        reasons.append(why)
        cap = standard.attempts
        repeated = [
            m.id
            for m in standard.methods  # in the table's order, not the files'
            if m.id in chosen and cap_applies(standard, chosen[m.id])
        ]
        if (
            cap.scope == "overall"
            and repeated
            and GRADES.index(grade) > GRADES.index(cap.max_grade)
        ):
            grade = cap.max_grade
            reasons.append(
                f"Capped at {cap.max_grade}: {_names(standard, repeated)} "
                f"{'was' if len(repeated) == 1 else 'were'} a resit or retake"
            )
        lifted = [m for m, r in chosen.items() if cap_lifted(standard, r)]
        if cap.scope == "overall" and lifted and GRADES.index(grade) > GRADES.index(cap.max_grade):
            reasons.append(LIFTED.format(cap=cap.max_grade, what=_names(standard, lifted)))
    return EpaOutcome(
        standard=standard.standard,
        version=standard.version,
        grade=grade,
        methods=outcomes,
        reasons=tuple(reasons),
    )
