"""The trainer's explanations: the generated overall-grade table is the documents' table, and the
boundary explorer names changes that really move the grade, and no fewer would."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import grade_method
from epa_kernel.core.values import GRADES
from epa_kernel.trainer.boundaries import (
    apprentice_boundaries,
    boundaries,
    fewest_changes,
    floor_grade,
    reachable_grades,
)
from epa_kernel.trainer.overall_table import matching_rows, overall_combinations, overall_frame
from epa_kernel.trainer.sample_records import sample_record, sample_records
from helpers import ST0071_TABLE, ST0072_TABLE, expand, judgements_for, make_record

STANDARDS = [("ST0072", "1.0"), ("ST0071", "1.0"), ("ST0071", "1.1")]


# --- the overall-grade table ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "standard_id, version, table",
    [
        ("ST0072", "1.0", ST0072_TABLE),
        ("ST0071", "1.0", ST0071_TABLE),
        ("ST0071", "1.1", ST0071_TABLE),
    ],
)
def test_the_generated_table_is_the_documents_table(standard_id, version, table):
    std = get_standard(standard_id, version)
    documents = {}
    for pattern, grade in table:
        for combo in expand(pattern):
            assert documents.setdefault(combo, grade) == grade  # the document agrees with itself
    generated = {tuple(c.grades.values()): c.overall for c in overall_combinations(std)}
    assert generated == documents
    assert len(generated) == 3 ** len(std.methods)


@pytest.mark.parametrize("standard_id, version", STANDARDS)
def test_the_table_lists_every_combination_once_in_method_order(standard_id, version):
    std = get_standard(standard_id, version)
    combos = overall_combinations(std)
    assert [tuple(c.grades) for c in combos] == [tuple(m.id for m in std.methods)] * len(combos)
    assert [tuple(c.grades.values()) for c in combos] == list(
        itertools.product(GRADES, repeat=len(std.methods))
    )
    assert all(c.reason.startswith(f"Overall {c.overall} by row ") for c in combos)
    frame = overall_frame(std)
    assert list(frame.columns) == [m.name for m in std.methods] + ["Overall"]
    assert list(frame["Overall"]) == [c.overall for c in combos]


def test_matching_rows_marks_the_current_combination(st0071):
    combos = overall_combinations(st0071)
    (row,) = matching_rows(
        combos,
        {
            "practical_observation": "Distinction",
            "work_based_project": "Distinction",
            "professional_discussion": "Distinction",
        },
    )
    assert combos[row].overall == "Distinction" and row == len(combos) - 1
    undecided = matching_rows(
        combos,
        {
            "practical_observation": ("Pass", "Distinction"),
            "work_based_project": "Pass",
            "professional_discussion": None,
        },
    )
    assert len(undecided) == 6
    assert {combos[i].grades["practical_observation"] for i in undecided} == {"Pass", "Distinction"}


# --- what a record can still reach ----------------------------------------------------------------


def test_reachable_grades(st0072):
    full = judgements_for(st0072, "practical_observation", ["face_to_face"], distinctions=4)
    assert reachable_grades(st0072, make_record(judgements=full)) == ("Distinction",)
    assert reachable_grades(st0072, make_record(judgements={})) == GRADES
    no_p1 = {k: v for k, v in full.items() if k != "P1"}
    # four distinctions met already: every completion is a Fail or a Distinction, never a Pass
    assert reachable_grades(st0072, make_record(judgements=no_p1)) == ("Fail", "Distinction")
    resit = make_record(judgements={}, attempt="resit")
    assert reachable_grades(st0072, resit) == ("Fail", "Pass")


# --- the boundary explorer ------------------------------------------------------------------------


def _floor_after(std, record, flips, elsewhere=None):
    """The grade a record is sure of after ``flips``: its open descriptors all judged not met
    (grades only rise with descriptors met), as the engine grades it."""
    changed = record.model_copy(
        update={"judgements": {**record.judgements, **{c: "met" for c in flips}}}
    )
    method = std.method(record.method)
    judged = {
        **{k: v for k, v in changed.judgements.items()},
        **{k: v for k, v in (elsewhere or {}).items() if changed.judgements.get(k) == "deferred"},
    }
    completed = {
        c.id: judged.get(c.id) if judged.get(c.id) in ("met", "not_met") else "not_met"
        for c in method.applicable(record.channels)
    }
    return grade_method(std, changed.model_copy(update={"judgements": completed})).grade


def _candidates(std, record):
    method = std.method(record.method)
    return [
        c.id for c in method.applicable(record.channels) if record.judgements.get(c.id) != "met"
    ]


def _check_minimal(std, record, target):
    """The explorer's flips reach ``target`` and no smaller set of flips does (brute force)."""
    boundary = fewest_changes(std, record, target)
    flips = [f.criterion for f in boundary.flips]
    if not boundary.reachable:
        for size in range(len(_candidates(std, record)) + 1):
            for subset in itertools.combinations(_candidates(std, record), size):
                assert GRADES.index(_floor_after(std, record, subset)) < GRADES.index(target)
        return boundary
    assert GRADES.index(_floor_after(std, record, flips)) >= GRADES.index(target)
    changed = record.model_copy(
        update={"judgements": {**record.judgements, **{c: "met" for c in flips}}}
    )
    assert boundary.reached == grade_method(std, changed).grade
    candidates = _candidates(std, record)
    assert set(flips) <= set(candidates)
    for size in range(len(flips)):
        for subset in itertools.combinations(candidates, size):
            assert GRADES.index(_floor_after(std, record, subset)) < GRADES.index(target), (
                f"{subset} already reaches {target}, fewer than {flips}"
            )
    return boundary


def _record(std, method_id, *, not_met=(), unjudged=(), d_met=None, attempt="first"):
    method = std.method(method_id)
    channels = ["face_to_face"] if method.channels else None
    judgements = judgements_for(
        std,
        method_id,
        channels,
        distinctions=len(method.distinction_criteria) if d_met is None else d_met,
    )
    judgements.update({c: "not_met" for c in not_met})
    for c in unjudged:
        judgements.pop(c)
    return make_record(
        std.standard,
        std.version,
        method_id,
        judgements=judgements,
        channels=channels,
        attempt=attempt,
    )


@pytest.mark.parametrize("standard_id, version", STANDARDS)
def test_every_boundary_of_every_method_is_the_fewest_changes(standard_id, version):
    std = get_standard(standard_id, version)
    for m in std.methods:
        rule = m.grading.distinction
        needed = rule.count if rule.rule == "at_least" else len(m.distinction_criteria)
        passes = [
            c.id
            for c in m.applicable(("face_to_face",) if m.channels else None)
            if c.band == "pass"
        ]
        cases = [
            ("Fail", dict(not_met=passes[:1], d_met=0)),  # one short of a Pass
            ("Fail", dict(not_met=passes[:2], d_met=needed)),  # Fail -> straight to Distinction
            ("Fail", dict(not_met=passes[:1], unjudged=passes[1:3], d_met=0)),
            ("Pass", dict(d_met=needed - 1)),  # one short of a Distinction
            ("Pass", dict(d_met=max(needed - 2, 0))),
        ]
        for grade, kw in cases:
            record = _record(std, m.id, **kw)
            assert grade_method(std, record).grade == grade, (m.id, kw)
            for target in GRADES[GRADES.index(grade) + 1 :]:
                _check_minimal(std, record, target)


def test_one_short_of_each_boundary_needs_exactly_one_change(st0072):
    record = _record(st0072, "apprentice_showcase", d_met=6)
    (to_distinction,) = boundaries(st0072, record)
    assert [f.criterion for f in to_distinction.flips] == ["D7"]
    assert to_distinction.reached == "Distinction"
    failed = _record(st0072, "apprentice_showcase", not_met=["P5"], d_met=0)
    to_pass, to_distinction = boundaries(st0072, failed)
    assert [(f.criterion, f.before) for f in to_pass.flips] == [("P5", "not_met")]
    assert to_pass.reached == "Pass"
    assert [f.criterion for f in to_distinction.flips] == [
        "P5",
        "D1",
        "D2",
        "D3",
        "D4",
        "D5",
        "D6",
        "D7",
    ]


def test_unjudged_descriptors_are_named_before_overturning_a_judgement(st0072):
    record = _record(st0072, "professional_discussion", d_met=1, unjudged=["D4"])
    (boundary,) = boundaries(st0072, record)
    assert [(f.criterion, f.before) for f in boundary.flips] == [("D4", None), ("D2", "not_met")]


def test_an_incomplete_record_with_every_pass_met_is_already_sure_of_a_pass(st0072):
    record = _record(st0072, "practical_observation", d_met=3, unjudged=["D4", "D5"])
    assert grade_method(st0072, record).grade is None
    assert floor_grade(st0072, record) == "Pass"
    (boundary,) = boundaries(st0072, record)
    assert boundary.target == "Distinction" and [f.criterion for f in boundary.flips] == ["D4"]


def test_a_capped_resit_cannot_reach_a_distinction(st0072):
    record = _record(st0072, "professional_discussion", d_met=0, attempt="resit")
    assert grade_method(st0072, record).grade == "Pass"
    boundary = _check_minimal(st0072, record, "Distinction")
    assert not boundary.reachable and boundary.flips == ()
    assert "at most Pass" in boundary.reasons[0]
    assert boundaries(st0072, record) == (boundary,)


def test_a_distinction_has_no_boundary_above_it(st0071):
    record = _record(st0071, "work_based_project")
    assert grade_method(st0071, record).grade == "Distinction"
    assert boundaries(st0071, record) == ()


def test_deferred_descriptors_count_as_judged_where_they_were_judged(st0072):
    po = make_record(
        judgements=judgements_for(
            st0072, "practical_observation", ["face_to_face"], deferred=("P19",), distinctions=3
        )
    )
    pd = make_record(
        method="professional_discussion",
        judgements={
            **judgements_for(st0072, "professional_discussion"),
            "practical_observation.P19": "met",
        },
    )
    alone = boundaries(st0072, po)
    assert [f.criterion for f in alone[0].flips] == ["P19"] and alone[0].target == "Pass"
    together = apprentice_boundaries(st0072, [po, pd])
    (to_distinction,) = together["practical_observation"]
    assert [f.criterion for f in to_distinction.flips] == ["D4"]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data())
def test_the_explorer_is_minimal_on_random_small_records(data):
    key = data.draw(st.sampled_from(STANDARDS))
    std = get_standard(*key)
    method = data.draw(st.sampled_from(std.methods))
    channels = ("face_to_face",) if method.channels else None
    ids = [c.id for c in method.applicable(channels)]
    open_ids = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=7))
    states = {cid: data.draw(st.sampled_from(["not_met", None])) for cid in open_ids}
    judgements = {cid: "met" for cid in ids if cid not in states}
    judgements.update({cid: v for cid, v in states.items() if v is not None})
    attempt = data.draw(st.sampled_from(["first", "first", "resit"]))
    record = make_record(
        std.standard,
        std.version,
        method.id,
        judgements=judgements,
        channels=list(channels) if channels else None,
        attempt=attempt,
    )
    floor = floor_grade(std, record)
    assert floor == _floor_after(std, record, ())
    for target in GRADES[GRADES.index(floor) + 1 :]:
        _check_minimal(std, record, target)


# --- sample records ------------------------------------------------------------------------------


@pytest.mark.parametrize("standard_id, version", STANDARDS)
def test_sample_records_are_a_pass_one_change_short_of_a_distinction(standard_id, version):
    std = get_standard(standard_id, version)
    for record in sample_records(std):
        assert grade_method(std, record).grade == "Pass"
        (boundary,) = boundaries(std, record)
        assert boundary.target == "Distinction" and len(boundary.flips) == 1
    assert sample_record(std, std.methods[0].id).apprentice.name.endswith("(synthetic)")


def test_the_pure_modules_import_no_widgets_or_ipython():
    import subprocess
    import sys

    code = (
        "import sys, epa_kernel.core.standard_diff, epa_kernel.trainer.boundaries, "
        "epa_kernel.trainer.overall_table, epa_kernel.trainer.sample_records, "
        "epa_kernel.trainer.ksb_coverage, epa_kernel.trainer.explain, "
        "epa_kernel.trainer.explain_versions; "
        "print(sorted(m for m in ('ipywidgets', 'IPython') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
