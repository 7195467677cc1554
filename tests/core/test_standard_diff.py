"""Comparing standard versions: ST0071 v1.0 -> v1.1 moved one pass descriptor, and nothing else
changed; what that does to records; and `epa diff` in the terminal."""

from __future__ import annotations

import json

import pytest

from epa_kernel.cli import main
from epa_kernel.core.catalogue import catalogue, get_standard
from epa_kernel.core.spec import Standard
from epa_kernel.core.standard_diff import (
    DescriptorRef,
    default_comparison,
    diff_json,
    diff_versions,
    match_descriptors,
    normalised,
)
from epa_kernel.trainer.version_effect import effect_on_record
from helpers import judgements_for, make_record

COMPLEX_ISSUES = (
    "Demonstrates resolution of a range of complex customer service issues, "
    "explaining the approach used and why, demonstrating accountability throughout."
)
PO, PD, WBP = "practical_observation", "professional_discussion", "work_based_project"


def test_st0071_v10_to_v11_moves_exactly_one_pass_descriptor_from_observation_to_discussion(
    st0071_v10, st0071
):
    diff = diff_versions(st0071_v10, st0071)
    moved = diff.of_kind("moved")
    assert len(moved) == 1
    (change,) = moved
    assert change.band == "pass" and change.text == COMPLEX_ISSUES
    assert change.old == DescriptorRef(method=PO, id="P21")
    assert change.new == DescriptorRef(method=PD, id="P9")
    assert change.fields == {}  # same KSBs, module and band: only its place changed
    assert not diff.of_kind("added") and not diff.of_kind("removed")
    assert not diff.of_kind("changed")
    # the discussion's later pass descriptors shift up by one to make room
    assert [(c.old.id, c.new.id) for c in diff.of_kind("renumbered")] == [
        ("P9", "P10"),
        ("P10", "P11"),
        ("P11", "P12"),
    ]
    assert all(c.old.method == c.new.method == PD for c in diff.of_kind("renumbered"))
    assert diff.rules == () and diff.overall == ()
    assert diff.methods_added == diff.methods_removed == ()
    assert diff.for_method(WBP) == ()
    assert diff.counts() == {"moved": 1, "renumbered": 3}


def test_the_reverse_diff_mirrors_it(st0071_v10, st0071):
    back = diff_versions(st0071, st0071_v10)
    (change,) = back.of_kind("moved")
    assert (change.old, change.new) == (
        DescriptorRef(method=PD, id="P9"),
        DescriptorRef(method=PO, id="P21"),
    )
    assert back.counts() == {"moved": 1, "renumbered": 3}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_a_version_compared_with_itself_has_no_differences(key):
    std = get_standard(*key)
    diff = diff_versions(std, std)
    assert diff.empty and diff.descriptors == () and diff.counts() == {}


def test_texts_that_differ_only_by_white_space_or_a_trailing_full_stop_match():
    assert normalised("Does  this well.") == normalised("Does this well") == "Does this well"
    assert normalised("Does this well.") != normalised("Does this well!")


def _edited(std: Standard, method_id: str, edit) -> Standard:
    """A copy of ``std`` with one method's criteria replaced by ``edit(criteria)``."""
    data = std.model_dump(mode="json", by_alias=True)
    for m in data["methods"]:
        if m["id"] == method_id:
            m["criteria"] = edit(m["criteria"])
    data["version"] = "9.9"
    return Standard.model_validate(data)


def test_a_trailing_full_stop_is_a_text_change_not_a_new_descriptor(st0072):
    def add_stop(criteria):
        assert not criteria[0]["text"].endswith(".")
        criteria[0]["text"] += "."
        return criteria

    new = _edited(st0072, PD, add_stop)
    diff = diff_versions(st0072, new)
    (change,) = diff.descriptors
    assert change.change == "changed" and set(change.fields) == {"text"}
    assert change.old == change.new == DescriptorRef(method=PD, id="P1")


def test_added_removed_and_changed_descriptors_are_named_with_their_ids(st0072):
    def edit(criteria):
        removed = criteria.pop(1)  # P2 goes; later pass ids keep their numbers in this edit
        criteria[0]["ksbs"] = ["K1"]
        criteria.append(
            {
                "id": "P99",
                "band": "pass",
                "module": removed["module"],
                "text": "Explains something new.",
                "ksbs": ["K1"],
            }
        )
        return criteria

    new = _edited(st0072, PD, edit)
    diff = diff_versions(st0072, new)
    (added,) = diff.of_kind("added")
    (removed,) = diff.of_kind("removed")
    (changed,) = diff.of_kind("changed")
    assert added.new == DescriptorRef(method=PD, id="P99") and added.old is None
    assert removed.old == DescriptorRef(method=PD, id="P2") and removed.new is None
    assert changed.fields == {"ksbs": (list(st0072.method(PD).criterion("P1").ksbs), ["K1"])}


def test_a_repeated_text_stays_put_rather_than_moving(st0072):
    text = st0072.method(PD).criterion("P1").text

    def add_copy(criteria):
        criteria.append({"id": "P99", "band": "pass", "module": "m", "text": text, "ksbs": ["K1"]})
        return criteria

    new = _edited(st0072, "apprentice_showcase", add_copy)
    pairs, gone, came = match_descriptors(st0072, new)
    assert (DescriptorRef(method=PD, id="P1"), DescriptorRef(method=PD, id="P1")) in pairs
    assert came == [DescriptorRef(method="apprentice_showcase", id="P99")] and gone == []


def test_a_change_of_distinction_threshold_is_a_rule_change(st0072):
    data = st0072.model_dump(mode="json", by_alias=True)
    data["version"] = "9.9"
    data["methods"][0]["grading"]["distinction"] = {"rule": "all"}
    new = Standard.model_validate(data)
    diff = diff_versions(st0072, new)
    (rule,) = diff.rules
    assert (rule.method, rule.old, rule.new) == (
        "apprentice_showcase",
        "at least 7 of 10",
        "all 10",
    )
    assert diff.descriptors == ()


# --- what the change does to a record -------------------------------------------------------------


def test_an_observation_record_loses_the_moved_descriptor_to_the_discussion(st0071_v10, st0071):
    record = make_record(
        "ST0071", "1.0", PO, channels=None, notes={"P21": "Handled the escalated complaint well."}
    )
    effect = effect_on_record(st0071_v10, st0071, record)
    assert effect.moved_out == {"P21": DescriptorRef(method=PD, id="P9")}
    assert effect.rekeyed == {} and effect.dropped == {} and effect.missing == ()
    assert "P21" not in effect.record.judgements and "P21" not in effect.record.notes
    assert effect.record.version == "1.1"
    assert effect.old_outcome.grade == effect.new_outcome.grade == "Pass"
    assert effect.old_outcome.pass_required == 21 and effect.new_outcome.pass_required == 20


def test_a_discussion_record_is_rekeyed_and_misses_the_moved_descriptor(st0071_v10, st0071):
    judgements = judgements_for(st0071_v10, PD, distinctions=3)
    record = make_record(
        "ST0071", "1.0", PD, judgements=judgements, notes={"P11": "Development plan reviewed."}
    )
    effect = effect_on_record(st0071_v10, st0071, record)
    assert effect.rekeyed == {"P9": "P10", "P10": "P11", "P11": "P12"}
    assert effect.moved_in == {"P9": DescriptorRef(method=PO, id="P21")}
    assert effect.missing == ("P9",)
    assert effect.record.notes == {"P12": "Development plan reviewed."}
    assert effect.record.judgements["P12"] == judgements["P11"]
    assert effect.old_outcome.grade == "Distinction"
    assert effect.new_outcome.grade is None and effect.new_outcome.status == "incomplete"


def test_a_record_under_the_same_version_is_unchanged(st0071):
    record = make_record("ST0071", "1.1", PD)
    effect = effect_on_record(st0071, st0071, record)
    assert effect.unchanged and effect.record.judgements == record.judgements


def test_the_comparison_defaults_to_the_next_version_held():
    assert default_comparison("ST0071", "1.0") == "1.1"
    assert default_comparison("ST0071", "1.1") == "1.0"
    assert default_comparison("ST0072", "1.0") is None


# --- epa diff -------------------------------------------------------------------------------------


def test_epa_diff_json_shape(capsys):
    assert main(["diff", "ST0071", "1.0", "1.1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {
        "standard",
        "from_version",
        "to_version",
        "methods",
        "descriptors",
        "rules",
        "overall",
    }
    assert (data["standard"], data["from_version"], data["to_version"]) == ("ST0071", "1.0", "1.1")
    assert data["methods"] == {"added": [], "removed": []}
    assert data["rules"] == [] and data["overall"] == []
    moved = [d for d in data["descriptors"] if d["change"] == "moved"]
    assert moved == [
        {
            "change": "moved",
            "band": "pass",
            "text": COMPLEX_ISSUES,
            "old": {"method": PO, "id": "P21"},
            "new": {"method": PD, "id": "P9"},
            "fields": {},
        }
    ]
    assert [d["change"] for d in data["descriptors"]] == ["moved"] + ["renumbered"] * 3
    assert (
        diff_json(diff_versions(get_standard("ST0071", "1.0"), get_standard("ST0071", "1.1")))
        == data
    )


def test_epa_diff_text_names_the_move_per_method(capsys):
    assert main(["diff", "ST0071", "1.0", "1.1"]) == 0
    out = capsys.readouterr().out
    assert "moved out   P21 -> professional_discussion P9 (pass)" in out
    assert "moved in    P9 <- practical_observation P21 (pass)" in out
    assert "renumbered  P9 -> P10 (pass)" in out
    assert "Work-based project supported by an interview: no change" in out


def test_epa_diff_of_a_version_with_itself_is_empty(capsys):
    assert main(["diff", "ST0072", "1.0", "1.0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["descriptors"] == [] and data["rules"] == [] and data["overall"] == []


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["diff", "ST9999", "1.0", "1.1"],
            "epa: standard: unknown standard 'ST9999'; known: ST0071, ST0072",
        ),
        (
            ["diff", "ST0071", "1.0", "2.0"],
            "epa: version: ST0071 has no version '2.0'; known: 1.0, 1.1",
        ),
        (
            ["diff", "ST0071", "0.9", "1.1", "--json"],
            "epa: version: ST0071 has no version '0.9'; known: 1.0, 1.1",
        ),
    ],
)
def test_epa_diff_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == message + "\n"
