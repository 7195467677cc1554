"""The standards as data: what the documents say, and malformed files refused clearly."""

from __future__ import annotations

import pytest

from epa_kernel.core.catalogue import catalogue, get_standard, load_standard, versions
from epa_kernel.errors import InputError
from helpers import write_standard_variant


def test_the_kit_holds_the_three_standard_versions():
    assert sorted(catalogue()) == [("ST0071", "1.0"), ("ST0071", "1.1"), ("ST0072", "1.0")]
    assert versions("ST0071") == ["1.0", "1.1"]


def test_latest_version_is_used_when_none_is_given():
    assert get_standard("ST0071").version == "1.1"


@pytest.mark.parametrize(
    "standard, version, expected",
    [
        # ST0072: 002's grading-descriptor tables.
        (
            "ST0072",
            "1.0",
            {
                "apprentice_showcase": (30, 10),
                "practical_observation": (20, 5),
                "professional_discussion": (7, 4),
            },
        ),
        # ST0071 v1.1: 003 Appendix 2.
        (
            "ST0071",
            "1.1",
            {
                "practical_observation": (20, 2),
                "work_based_project": (16, 1),
                "professional_discussion": (12, 3),
            },
        ),
        # ST0071 v1.0: one pass descriptor in the observation instead of the discussion.
        (
            "ST0071",
            "1.0",
            {
                "practical_observation": (21, 2),
                "work_based_project": (16, 1),
                "professional_discussion": (11, 3),
            },
        ),
    ],
)
def test_descriptor_counts_per_method(standard, version, expected):
    std = get_standard(standard, version)
    got = {m.id: (len(m.pass_criteria), len(m.distinction_criteria)) for m in std.methods}
    assert got == expected


def test_descriptors_are_numbered_in_order_per_band():
    for std in catalogue().values():
        for m in std.methods:
            for band, prefix in (("pass", "P"), ("distinction", "D")):
                ids = [c.id for c in m.criteria if c.band == band]
                assert ids == [f"{prefix}{i}" for i in range(1, len(ids) + 1)], (std.key, m.id)


def test_st0072_distinction_thresholds_are_7_of_10_4_of_5_3_of_4(st0072):
    got = {m.id: (m.grading.distinction.rule, m.grading.distinction.count) for m in st0072.methods}
    assert got == {
        "apprentice_showcase": ("at_least", 7),
        "practical_observation": ("at_least", 4),
        "professional_discussion": ("at_least", 3),
    }


def test_st0071_distinction_needs_all_distinction_descriptors(st0071):
    assert {m.grading.distinction.rule for m in st0071.methods} == {"all"}


def test_st0072_observation_channels(st0072):
    po = st0072.method("practical_observation")
    face = [c.id for c in po.criteria if c.applies_to == ("face_to_face",)]
    remote = [c.id for c in po.criteria if c.applies_to == ("non_face_to_face",)]
    assert face == ["P4", "P5", "P6", "P12"]
    assert remote == ["P7", "P8", "P9", "P13", "P14"]


def test_st0072_right_first_time_may_be_deferred_to_the_discussion(st0072):
    po = st0072.method("practical_observation")
    deferrable = {c.id: c.deferrable_to for c in po.criteria if c.deferrable_to}
    assert deferrable == {f"P{i}": "professional_discussion" for i in range(15, 21)}
    assert {po.criterion(i).module for i in deferrable} == {"Right first time"}


def test_st0072_ksb_catalogue_is_complete(st0072):
    ids = {k.id for k in st0072.ksbs}
    assert ids == (
        {f"K{i}" for i in range(1, 16)}
        | {f"S{i}" for i in range(1, 10)}
        | {f"B{i}" for i in range(1, 11)}
    )
    used = {k for m in st0072.methods for c in m.criteria for k in c.ksbs}
    assert used == ids, "every KSB is evidenced by some descriptor"


def test_st0072_timings_and_window(st0072):
    limits = {(m.id, e.fact): e for m in st0072.methods for e in m.evidence}
    assert limits[("apprentice_showcase", "word_count")].bounds() == (2000, 3000)
    assert limits[("apprentice_showcase", "slides")].bounds() == (None, 30)
    assert limits[("apprentice_showcase", "duration_minutes")].bounds() == (None, 30)
    assert limits[("apprentice_showcase", "qa_minutes")].bounds() == (None, 30)
    assert limits[("practical_observation", "duration_minutes")].bounds() == (60, 120)
    assert limits[("professional_discussion", "duration_minutes")].bounds() == (54, 66)
    assert st0072.assessment_window.months == 3
    assert st0072.attempts.max_grade == "Pass" and set(st0072.attempts.capped) == {
        "resit",
        "retake",
    }
    assert st0072.weightings.percent == {
        "apprentice_showcase": 65,
        "practical_observation": 20,
        "professional_discussion": 15,
    }


def test_st0071_requirements(st0071):
    limits = {(m.id, e.fact): e for m in st0071.methods for e in m.evidence}
    assert limits[("practical_observation", "duration_minutes")].bounds() == (60, 66)
    qa = limits[("practical_observation", "qa_minutes")]
    assert (qa.max_share_of, qa.max_share_percent) == ("duration_minutes", 15)
    assert limits[("work_based_project", "word_count")].bounds() == (2250, 2750)
    assert limits[("work_based_project", "duration_minutes")].bounds() == (54, 66)
    assert limits[("work_based_project", "questions_asked")].bounds() == (10, 10)
    assert limits[("professional_discussion", "duration_minutes")].bounds() == (54, 66)
    assert limits[("professional_discussion", "portfolio_items")].bounds() == (10, 15)
    gw = st0071.gateway
    assert gw.min_time_on_programme.days == 366
    assert (gw.english.level, gw.english.ehc_plan_level, gw.english.bsl_alternative) == (
        "Level 2",
        "Entry Level 3",
        True,
    )
    assert gw.maths.level == "Level 2"
    assert gw.declaration and gw.project_synopsis
    assert (gw.portfolio.min_items, gw.portfolio.max_items) == (10, 15)
    assert st0071.attempts.scope == "overall"


def test_every_file_names_its_sources_and_choices():
    for std in catalogue().values():
        assert std.sources and std.choices, std.key
        assert all(s.document for s in std.sources)


# --- malformed files ------------------------------------------------------------------------


def _method(data, method_id):
    return next(m for m in data["methods"] if m["id"] == method_id)


@pytest.mark.parametrize(
    "mutate, field, words",
    [
        (
            lambda d: _method(d, "practical_observation")["criteria"].append(
                dict(_method(d, "practical_observation")["criteria"][0])
            ),
            "methods[1]",
            "duplicate criterion id 'P1'",
        ),
        (
            lambda d: _method(d, "professional_discussion")["grading"]["distinction"].update(
                count=5
            ),
            "methods[2]",
            "threshold 5 is above the 4 distinction descriptors",
        ),
        (
            lambda d: _method(d, "apprentice_showcase")["criteria"][0].update(ksbs=["K99"]),
            None,
            "unknown KSB 'K99'",
        ),
        (lambda d: d["ksbs"].append(dict(d["ksbs"][0])), None, "duplicate KSB ids: K1"),
        (lambda d: d["overall"].update(table=d["overall"]["table"][:-1]), None, "no row for"),
        (
            lambda d: _method(d, "practical_observation")["criteria"][0].update(band="distinction"),
            "methods[1].criteria[0]",
            "ids starting P are 'pass'",
        ),
        (lambda d: d.pop("gateway"), "gateway", "required field is missing"),
        (
            lambda d: _method(d, "practical_observation")["criteria"][0].update(
                applies_to=["by_pigeon"]
            ),
            "methods[1].criteria[0].applies_to[0]",
            "face_to_face",
        ),
        (lambda d: d.update(colour="blue"), "colour", "unknown field"),
    ],
)
def test_malformed_standard_is_refused_naming_file_and_field(tmp_path, mutate, field, words):
    path = write_standard_variant(tmp_path, mutate)
    with pytest.raises(InputError) as caught:
        load_standard(path)
    error = caught.value
    assert error.file == str(path)
    if field:
        assert error.field == field
    assert words in error.message


def test_duplicate_yaml_key_is_refused_with_its_line(tmp_path):
    path = tmp_path / "st0072_v1.0.yaml"
    path.write_text("standard: ST0072\nversion: '1.0'\nstandard: ST0073\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"duplicate key 'standard' at line 3"):
        load_standard(path)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "file is empty"),
        ("methods: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_unparseable_standard_files(tmp_path, text, words):
    path = tmp_path / "st0072_v1.0.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=words):
        load_standard(path)


def test_unknown_standard_and_version_name_what_is_known():
    with pytest.raises(InputError, match="known: ST0071, ST0072"):
        get_standard("ST9999")
    with pytest.raises(InputError, match="known: 1.0, 1.1"):
        get_standard("ST0071", "2.0")
