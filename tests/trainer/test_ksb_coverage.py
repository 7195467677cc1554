"""KSB coverage: which KSBs one apprentice's records evidence, by which method, and which not."""

from __future__ import annotations

import pytest

from epa_kernel.errors import InputError
from epa_kernel.trainer.ksb_coverage import coverage_chart, coverage_frame, figure_png, ksb_coverage
from epa_kernel.trainer.sample_records import sample_records
from helpers import VALID_ULNS, judgements_for, make_record


def _ksbs(std, method_id, ids, channels=None):
    method = std.method(method_id)
    return {k for c in method.applicable(channels) if c.id in ids for k in c.ksbs}


def test_a_ksb_is_evidenced_by_the_methods_whose_met_descriptors_map_to_it(st0071):
    po = make_record(
        "ST0071",
        "1.1",
        "practical_observation",
        channels=None,
        judgements={"P1": "met", "P2": "not_met"},
    )
    coverage = ksb_coverage(st0071, [po])
    by_id = {k.ksb: k for k in coverage.ksbs}
    evidenced = _ksbs(st0071, "practical_observation", {"P1"})
    assert {k.ksb for k in coverage.with_status("evidenced")} == evidenced
    for ksb in evidenced:
        assert "P1" in by_id[ksb].evidenced_in["practical_observation"]
    for ksb in _ksbs(st0071, "practical_observation", {"P2"}) - evidenced:
        assert by_id[ksb].status == "not evidenced"
        assert by_id[ksb].assessed_in == ("practical_observation",)
    assert coverage.recorded == ("practical_observation",)
    # KSBs that no descriptor of any method maps to can never be evidenced
    mapped = {k for m in st0071.methods for c in m.criteria for k in c.ksbs}
    assert {k.ksb for k in coverage.with_status("not assessed")} == {
        k.id for k in st0071.ksbs
    } - mapped
    assert sum(coverage.counts().values()) == len(st0071.ksbs)


def test_a_full_set_of_records_evidences_every_mapped_ksb(st0072):
    records = [
        make_record(
            method=m.id,
            judgements=judgements_for(
                st0072,
                m.id,
                ["face_to_face"] if m.channels else None,
                distinctions=len(m.distinction_criteria),
            ),
            channels=["face_to_face"] if m.channels else None,
        )
        for m in st0072.methods
    ]
    coverage = ksb_coverage(st0072, records)
    assert coverage.counts() == {
        "evidenced": len(st0072.ksbs),
        "not evidenced": 0,
        "not assessed": 0,
    }


def test_only_descriptors_that_apply_to_the_channels_count(st0072):
    record = make_record(
        judgements=judgements_for(st0072, "practical_observation", ["non_face_to_face"]),
        channels=["non_face_to_face"],
    )
    coverage = ksb_coverage(st0072, [record])
    cited = {d for k in coverage.ksbs for ids in k.evidenced_in.values() for d in ids}
    face_only = {
        c.id
        for c in st0072.method("practical_observation").criteria
        if c.applies_to == ("face_to_face",)
    }
    assert cited and not cited & face_only


def test_a_deferred_descriptor_evidences_its_ksbs_where_it_was_judged(st0072):
    po = make_record(
        judgements=judgements_for(
            st0072, "practical_observation", ["face_to_face"], deferred=("P19",)
        )
    )
    pd = make_record(
        method="professional_discussion", judgements={"practical_observation.P19": "met"}
    )
    coverage = ksb_coverage(st0072, [po, pd])
    p19 = st0072.method("practical_observation").criterion("P19")
    for row in coverage.ksbs:
        if row.ksb in p19.ksbs:
            assert "practical_observation.P19" in row.evidenced_in["professional_discussion"]
            assert "P19" not in row.evidenced_in.get("practical_observation", ())


def test_the_latest_attempt_counts(st0072):
    first = make_record(
        method="professional_discussion",
        judgements=judgements_for(st0072, "professional_discussion"),
    )
    resit = make_record(method="professional_discussion", attempt="resit", judgements={"P1": "met"})
    coverage = ksb_coverage(st0072, [first, resit])
    cited = {d for k in coverage.ksbs for ids in k.evidenced_in.values() for d in ids}
    assert cited == {"P1"}


def test_records_of_two_apprentices_or_versions_are_refused(st0071, st0072):
    with pytest.raises(InputError, match="different apprentices"):
        ksb_coverage(
            st0072,
            [
                make_record(uln=VALID_ULNS[0]),
                make_record(method="professional_discussion", uln=VALID_ULNS[1]),
            ],
        )
    with pytest.raises(InputError, match="cannot be read under ST0071 v1.1"):
        ksb_coverage(st0071, [make_record("ST0071", "1.0", "work_based_project")])


def test_the_table_has_a_row_per_ksb_and_a_column_per_method(st0071):
    coverage = ksb_coverage(st0071, sample_records(st0071))
    frame = coverage_frame(coverage, st0071)
    assert list(frame.index) == [k.id for k in st0071.ksbs]
    assert list(frame.columns) == (
        ["kind", "module"] + [m.name for m in st0071.methods] + ["status"]
    )
    po = st0071.method("practical_observation").name
    row = frame.loc["M5.S3"]  # the complex-issues skill moved to the discussion in v1.1
    assert row[po] == "" and row["status"] == "evidenced"
    assert frame.loc["M7.S3", "status"] == "not assessed"
    assert (frame["status"] == "evidenced").sum() == coverage.counts()["evidenced"]


def test_the_chart_draws_one_cell_per_ksb_and_method(st0071):
    coverage = ksb_coverage(st0071, sample_records(st0071))
    fig = coverage_chart(coverage, st0071)
    (ax,) = fig.axes
    image = ax.images[0].get_array()
    assert image.shape == (len(st0071.ksbs), len(st0071.methods))
    assert [t.get_text() for t in ax.get_yticklabels()][0] == st0071.ksbs[0].id
    assert "KSB coverage" in ax.get_title()
    assert figure_png(fig).startswith(b"\x89PNG")
