"""Assessor consistency: the numbers the standardisation dashboard shows."""

from __future__ import annotations

from epa_kernel.core.moderation import Moderation
from epa_kernel.iqa.sampling import Decision
from epa_kernel.iqa.standardisation import disagreements, grade_chart, grade_table, outliers


def _d(i, assessor, grade):
    return Decision(
        id=f"{i}/practical_observation",
        uln=str(i),
        standard="ST0072",
        version="1.0",
        method="practical_observation",
        attempt="first",
        assessor=assessor,
        assessed_on=None,
        grade=grade,
        pass_met=1,
        pass_required=1,
        distinction_met=0,
        distinction_required=4,
        content_hash="",
    )


def cohort():
    ds = [_d(i, "Generous", "Distinction") for i in range(18)] + [
        _d(100 + i, "Generous", "Pass") for i in range(2)
    ]
    for n, name in enumerate(("Steady", "Even", "Fair", "Level", "Plain", "Usual")):
        base = 200 + 100 * n
        ds += [_d(base + i, name, "Distinction") for i in range(3)]
        ds += [_d(base + 10 + i, name, "Pass") for i in range(14)]
        ds += [_d(base + 30 + i, name, "Fail") for i in range(3)]
    return ds


def test_grade_table_counts_and_shares_per_assessor_and_cohort():
    table = grade_table(cohort())
    assert (
        table.loc["Generous", "Distinction"] == 18
        and table.loc["Generous", "Distinction %"] == 90.0
    )
    assert table.loc["(cohort)", "decisions"] == 140
    assert table.loc["Steady", ["Fail", "Pass", "Distinction"]].tolist() == [3, 14, 3]


def test_an_assessor_far_above_the_others_distinction_rate_is_flagged():
    flagged = outliers(cohort())
    row = flagged[(flagged.assessor == "Generous") & (flagged.grade == "Distinction")]
    assert len(row) == 1 and row.iloc[0]["flag"] == "Distinction rate above the others'"
    assert set(flagged.assessor) == {"Generous"}


def test_few_decisions_are_never_flagged():
    ds = [_d(i, "New", "Distinction") for i in range(3)] + [
        _d(10 + i, "Old", "Pass") for i in range(30)
    ]
    assert "New" not in set(outliers(ds, min_decisions=5).assessor)
    assert "New" in set(outliers(ds, min_decisions=3).assessor)


def test_disagreements_are_counted_per_descriptor_and_assessor():
    d1, d2 = _d(1, "Ann", "Pass"), _d(2, "Ann", "Pass")
    m = Moderation(
        reviewer="I",
        outcome="referred_back",
        rationale="r",
        descriptors={"P3": {"agree": False, "rationale": "x"}, "P1": {"agree": True}},
    )
    table = disagreements([(d1, m), (d2, m)])
    assert table.to_dict("records") == [
        {"assessor": "Ann", "descriptor": "ST0072 practical_observation P3", "disagreements": 2}
    ]


def test_the_chart_has_a_bar_per_assessor_and_grade():
    fig = grade_chart(grade_table(cohort()))
    assert len(fig.axes[0].patches) == 8 * 3
