"""Properties of the grading engine, over every standard version the kit holds and every method.

Records are drawn from the standards' own descriptor lists: a standard version, one of its
methods, a non-empty set of channels where the method has them (in any order), and for each
applicable descriptor met, not_met, omitted, or deferred where the standard allows it (with the
judgement made later in the method it was deferred to, or none yet). Every drawn record is
validated and bound as a user's would be, so the properties speak only about valid records.

Grades are ordered Fail < Pass < Distinction; None means "not yet decided" and is not a grade.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from epa_kernel.core.grading import combine, deferred_judgements, grade_epa, grade_method
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard
from helpers import DEFERRING, PROPERTY, STANDARDS, Case, cases, deferred_into, varied_cases

RANK = {"Fail": 0, "Pass": 1, "Distinction": 2}


def test_the_strategies_cover_all_three_standard_versions():
    assert [s.key for s in STANDARDS] == ["ST0071 v1.0", "ST0071 v1.1", "ST0072 v1.0"]


def test_some_method_has_deferrable_descriptors():
    assert [(s.key, m.id) for s, m in DEFERRING] == [("ST0072 v1.0", "practical_observation")]


def test_the_strategy_reaches_every_method_and_every_kind_of_judgement():
    """Guard against a strategy that silently stops drawing some methods or values."""
    seen_methods, seen_values, seen_grades, seen_status = set(), set(), set(), set()

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(varied_cases())
    def collect(case):
        seen_methods.add((case.standard.key, case.method.id))
        seen_values.update(case.judgements.values())
        outcome = case.grade()
        seen_grades.add(outcome.grade)
        seen_status.add(outcome.status)

    collect()
    assert seen_methods == {(s.key, m.id) for s in STANDARDS for m in s.methods}
    assert seen_values == {"met", "not_met", "deferred"}
    assert seen_grades == {"Fail", "Pass", "Distinction", None}
    assert seen_status == {"complete", "incomplete", "pending"}


# (a) -------------------------------------------------------------------------------------------


@PROPERTY
@given(case=varied_cases(), data=st.data())
def test_met_instead_of_not_met_never_lowers_the_grade(case, data):
    """Take one judgement made as met or not_met — in the record, or where a deferred
    descriptor was judged later — and grade the record with it not_met ("before") and met
    ("after"), all else equal. Asserted:

    - when both grades are decided, after >= before (Fail < Pass < Distinction);
    - a decided Distinction stays Distinction (so it never becomes Fail, nor undecided);
    - an undecided grade (None) never becomes Fail: a met judgement cannot decide a Fail;
    - so a Fail after the change means there was a Fail before it.

    A decided Pass may become None (one more distinction met brings the threshold back within
    reach of the descriptors still to judge); None is not compared as a grade.
    """
    judged = [
        ("record", k)
        for k, v in case.judgements.items()
        if v in ("met", "not_met") and "." not in k
    ]
    judged += [("elsewhere", k) for k in case.elsewhere]
    by_band: dict[str, list] = {}
    for where, key in judged:
        by_band.setdefault(case.method.criterion(key).band, []).append((where, key))
    assume(by_band)
    band = data.draw(st.sampled_from(sorted(by_band)), label="band")  # else pass dominates
    where, key = data.draw(st.sampled_from(by_band[band]), label="changed")
    graded = {}
    for value in ("not_met", "met"):
        judgements, elsewhere = dict(case.judgements), dict(case.elsewhere)
        (judgements if where == "record" else elsewhere)[key] = value
        graded[value] = case.grade(judgements, elsewhere).grade
    before, after = graded["not_met"], graded["met"]

    if before is not None and after is not None:
        assert RANK[after] >= RANK[before], (before, after)
    if before == "Distinction":
        assert after == "Distinction"
    if before is None:
        assert after != "Fail"
    if after == "Fail":
        assert before == "Fail"


# (b) -------------------------------------------------------------------------------------------


@PROPERTY
@given(case=varied_cases(), data=st.data())
def test_any_applicable_pass_descriptor_not_met_fails_the_method(case, data):
    """Whatever else is judged, omitted or deferred, and whatever the attempt: one applicable
    pass descriptor not met — directly, or where it was deferred to — gives Fail and names it."""
    passes = [c for c in case.method.applicable(case.channels) if c.band == "pass"]
    target = data.draw(st.sampled_from(passes), label="unmet pass descriptor")
    judgements, elsewhere = dict(case.judgements), dict(case.elsewhere)
    if target.deferrable_to and data.draw(st.booleans(), label="via deferral"):
        judgements[target.id] = "deferred"
        elsewhere[target.id] = "not_met"
    else:
        judgements[target.id] = "not_met"
        elsewhere.pop(target.id, None)
    outcome = case.grade(judgements, elsewhere)
    assert outcome.grade == "Fail"
    assert target.id in outcome.unmet_pass
    assert not outcome.capped
    assert any("not met" in r and target.id in r for r in outcome.reasons)


# (c) -------------------------------------------------------------------------------------------


@PROPERTY
@given(case=varied_cases(), data=st.data())
def test_grading_is_deterministic_and_ignores_key_and_channel_order(case, data):
    """The same judgements written in another key order, with the channels listed in another
    order, give an equal MethodOutcome (every field: grade, status, counts, ids, reasons,
    warnings) and the same content hash; grading the same record twice does too."""
    items = data.draw(st.permutations(list(case.judgements.items())), label="judgement order")
    later = data.draw(st.permutations(list(case.elsewhere.items())), label="elsewhere order")
    channels = list(reversed(case.channels)) if case.channels else None

    record = case.record()
    shuffled = case.record(dict(items), channels)
    assert shuffled.judgements == record.judgements  # same meaning, possibly another order
    first = grade_method(case.standard, record, case.elsewhere)
    again = grade_method(case.standard, record, case.elsewhere)
    other = grade_method(case.standard, shuffled, dict(later))
    assert first == again
    assert other == first
    assert other.model_dump() == first.model_dump()
    assert shuffled.content_hash() == record.content_hash()


# (d) -------------------------------------------------------------------------------------------


def expected_full_grade(case: Case) -> str:
    """The grade a fully judged record must get, from the standard's rules stated directly."""
    applicable = case.method.applicable(case.channels)
    if any(case.judgements[c.id] == "not_met" for c in applicable if c.band == "pass"):
        return "Fail"
    distinctions = [c for c in applicable if c.band == "distinction"]
    rule = case.method.grading.distinction
    needed = rule.count if rule.rule == "at_least" else len(distinctions)
    grade = (
        "Distinction"
        if sum(case.judgements[c.id] == "met" for c in distinctions) >= needed
        else "Pass"
    )
    cap = case.standard.attempts
    if cap.scope == "method" and case.attempt in cap.capped and RANK[grade] > RANK[cap.max_grade]:
        grade = cap.max_grade
    return grade


@PROPERTY
@given(case=cases(omit=False, defer=False))
def test_a_fully_judged_record_is_always_graded_and_complete(case):
    """Every applicable descriptor judged met or not_met (nothing omitted, nothing deferred):
    the grade is decided, the status is complete, nothing is missing or deferred — and the
    grade is the one the standard's pass/distinction/cap rules give."""
    outcome = case.grade()
    assert outcome.grade is not None
    assert outcome.status == "complete"
    assert outcome.missing == () and outcome.deferred == ()
    assert outcome.grade == expected_full_grade(case)
    assert outcome.reasons[0].endswith(f": {outcome.grade}")


def open_descriptors(case: Case) -> tuple[list[str], list[str]]:
    """(not judged at all, deferred and not yet judged where they were deferred to)."""
    applicable = case.method.applicable(case.channels)
    missing = [c.id for c in applicable if c.id not in case.judgements]
    waiting = [
        c.id
        for c in applicable
        if case.judgements.get(c.id) == "deferred" and c.id not in case.elsewhere
    ]
    return missing, waiting


def completed(case: Case, value_of) -> tuple[dict, dict]:
    """The case's judgements with every open descriptor judged ``value_of(id)``: an omitted one
    in the record, a deferred one where it was deferred to."""
    missing, waiting = open_descriptors(case)
    judgements = {**case.judgements, **{i: value_of(i) for i in missing}}
    elsewhere = {**case.elsewhere, **{i: value_of(i) for i in waiting}}
    return judgements, elsewhere


@PROPERTY
@given(case=varied_cases())
def test_status_says_what_is_still_open(case):
    """README: complete; incomplete (some descriptors not yet judged); pending (only deferred
    descriptors await the method they were deferred to)."""
    missing, waiting = open_descriptors(case)
    outcome = case.grade()
    assert outcome.status == ("incomplete" if missing else "pending" if waiting else "complete")
    assert list(outcome.missing) == missing and list(outcome.deferred) == waiting


@PROPERTY
@given(case=varied_cases(), data=st.data())
def test_a_decided_grade_is_final_and_none_means_it_could_still_change(case, data):
    """A grade is given as soon as the judgements decide it: judging what is still open, in any
    way, never changes a decided grade. And the grade is None only while it could still change:
    judging everything open as met, or everything open as not met, then gives different grades.
    """
    grade = case.grade().grade
    some = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                i: st.sampled_from(["met", "not_met"]) for i in sum(open_descriptors(case), [])
            },
        ),
        label="some completion",
    )
    extremes = {}
    for value in ("met", "not_met"):
        extremes[value] = case.grade(*completed(case, lambda i, v=value: some.get(i, v))).grade
    if grade is not None:
        assert extremes == {"met": grade, "not_met": grade}
    else:
        all_met = case.grade(*completed(case, lambda i: "met")).grade
        all_not_met = case.grade(*completed(case, lambda i: "not_met")).grade
        assert all_met != all_not_met, (all_met, all_not_met)


def test_a_capped_resit_is_decided_once_every_pass_descriptor_is_met():
    """The case the property above found: an ST0072 resit can achieve at most Pass, so with all
    pass descriptors met the unjudged distinction descriptors can no longer change its grade."""
    std = next(s for s in STANDARDS if s.key == "ST0072 v1.0")
    method = std.method("professional_discussion")
    judgements = {c.id: "met" for c in method.pass_criteria} | {"D1": "met", "D2": "met"}
    outcome = Case(std, method, None, judgements, attempt="resit").grade()
    assert (outcome.grade, outcome.status, outcome.capped) == ("Pass", "incomplete", True)
    assert outcome.missing == ("D3", "D4")
    first = Case(std, method, None, judgements, attempt="first").grade()
    assert first.grade is None  # a first attempt could still reach Distinction


# (e) -------------------------------------------------------------------------------------------


@dataclass
class FullEpa:
    standard: Standard
    parts: dict[str, Case]  # every method, every applicable descriptor judged
    movable: dict[tuple[str, str], bool]  # (method, descriptor) deferrable: defer it or not
    order: list[int]  # the order the records are given in

    def __repr__(self) -> str:
        return (
            f"FullEpa({self.standard.key}, parts={list(self.parts.values())}, "
            f"movable={self.movable}, order={self.order})"
        )

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def records(self, *, defer: bool = True) -> list[MethodRecord]:
        """The records; with ``defer``, each chosen deferrable descriptor is recorded as
        "deferred" and its judgement is made, unchanged, in the method it was deferred to."""
        judgements = {m: dict(c.judgements) for m, c in self.parts.items()}
        for (method_id, cid), chosen in self.movable.items():
            if defer and chosen:
                target = self.parts[method_id].method.criterion(cid).deferrable_to
                judgements[target][f"{method_id}.{cid}"] = judgements[method_id][cid]
                judgements[method_id][cid] = "deferred"
        records = [c.record(judgements[m]) for m, c in self.parts.items()]
        return [records[i] for i in self.order]


@st.composite
def full_epas(draw):
    """One apprentice's full EPA under one standard version: a record for every method with
    every applicable descriptor judged met or not_met (mostly met, so that every overall grade
    is reached), and a choice, per deferrable descriptor, of deferring it."""
    std = draw(st.sampled_from(STANDARDS))
    parts = {}
    for m in std.methods:
        exceptions = draw(st.sampled_from([0, 0, 0, 2]), label=f"{m.id} pass exceptions")
        parts[m.id] = draw(
            cases(
                omit=False,
                defer=False,
                standard=std,
                method=m,
                pass_usual=["met"],
                pass_exceptions=exceptions,
            ),
            label=m.id,
        )
    for case in parts.values():
        for ref in deferred_into(std, case.method):  # only deferrals made here are judged there
            case.judgements.pop(ref, None)
    movable = {
        (m, cid): draw(st.booleans(), label=f"defer {m}.{cid}")
        for m, case in parts.items()
        for cid in case.judgements
        if case.method.criterion(cid).deferrable_to
    }
    order = draw(st.permutations(range(len(parts))), label="record order")
    return FullEpa(std, parts, movable, list(order))


@PROPERTY
@given(epa=full_epas())
def test_grade_epa_of_full_records_is_the_table_combination_of_the_method_grades(epa):
    """With every method fully judged (deferrals resolved where they were deferred to), each
    method's grade is decided, grade_epa's method outcomes are grade_method's, and the overall
    grade is combine() of the method grades — capped at the standard's maximum when the cap
    applies to the whole EPA (ST0071) and any method was a resit or retake."""
    std, records = epa.standard, epa.records()
    outcome = grade_epa(std, records)
    elsewhere = deferred_judgements(records)
    by_method = {r.method: grade_method(std, r, elsewhere.get(r.method, {})) for r in records}
    assert outcome.methods == by_method
    grades = {m: o.grade for m, o in by_method.items()}
    assert None not in grades.values()
    assert all(o.status == "complete" for o in by_method.values())

    expected, why = combine(std, grades)
    cap = std.attempts
    if (
        cap.scope == "overall"
        and any(r.attempt in cap.capped for r in records)
        and RANK[expected] > RANK[cap.max_grade]
    ):
        expected = cap.max_grade
    assert outcome.grade == expected
    assert outcome.grade is not None
    if "Fail" not in grades.values():
        assert why in outcome.reasons


@PROPERTY
@given(epa=full_epas(), seed=st.randoms(use_true_random=False))
def test_grade_epa_does_not_depend_on_the_order_of_the_records(epa, seed):
    records = epa.records()
    shuffled = list(records)
    seed.shuffle(shuffled)
    assert grade_epa(epa.standard, shuffled) == grade_epa(epa.standard, records)


@PROPERTY
@given(epa=full_epas())
def test_deferring_a_descriptor_and_judging_it_the_same_way_later_gives_the_same_grades(epa):
    """ST0072's deferral: a descriptor deferred from the observation and judged met (or not
    met) in the discussion counts exactly as if the observation had judged it so."""
    direct = grade_epa(epa.standard, epa.records(defer=False))
    deferred = grade_epa(epa.standard, epa.records(defer=True))
    assert deferred.grade == direct.grade
    for m, outcome in direct.methods.items():
        other = deferred.methods[m]
        assert (
            other.grade,
            other.status,
            other.pass_met,
            other.unmet_pass,
            other.distinction_met,
        ) == (
            outcome.grade,
            outcome.status,
            outcome.pass_met,
            outcome.unmet_pass,
            outcome.distinction_met,
        )
