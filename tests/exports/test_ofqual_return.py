"""The Ofqual EPA outcomes return, on SQLite and a real PostgreSQL server: the columns and types
of the format file, the reporting period's ends, a Fail and a Distinction per component and
overall, results not released or changed since, and the checker's problems by row and column."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from epa_kernel.errors import InputError
from epa_kernel.exports.ofqual_format import check_file, check_text, ofqual_format, value_problem
from epa_kernel.exports.ofqual_return import quarter, return_rows, to_csv, write_ofqual_return
from helpers import redate, released_epa

ORG = {"organisation": "Example Assessment Ltd", "organisation_id": "EPA0123"}
# ULNs with a valid check digit, one per apprentice of the seeded store.
FIRST_DAY, LAST_DAY, DAY_AFTER, FAILED, DISTINCTION, UNRELEASED = (
    "1000000108", "1000000116", "1000000124", "1000000132", "1000000140", "1000000159"
)  # fmt: skip
START, END = date(2026, 1, 1), date(2026, 3, 31)


@pytest.fixture
def seeded(store):
    released_epa(store, FIRST_DAY, START)
    released_epa(store, LAST_DAY, END)
    released_epa(store, DAY_AFTER, date(2026, 4, 1))
    released_epa(store, FAILED, date(2026, 2, 10), fail="practical_observation")
    released_epa(store, DISTINCTION, date(2026, 2, 11), distinction=True)
    released_epa(store, UNRELEASED, date(2026, 2, 12), release=False)
    return store


def by_uln(rows):
    out: dict[str, dict[str, dict]] = {}
    for r in rows:
        key = r["ComponentTitle"] if r["OutcomeLevel"] == "Component" else "EPA"
        out.setdefault(r["ULN"], {})[key] = r
    return out


def test_the_return_of_a_seeded_store_has_the_formats_columns_and_types(seeded, tmp_path):
    out = write_ofqual_return(seeded, START, END, tmp_path / "return.csv", **ORG)
    assert out == tmp_path / "return.csv"
    assert out.stat().st_mode & 0o777 == 0o600
    fmt = ofqual_format()
    with out.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    assert tuple(header) == fmt.names
    assert [c.position for c in fmt.columns] == list(range(1, len(header) + 1))
    for row in rows:
        assert len(row) == len(header)
        for column, value in zip(fmt.columns, row, strict=True):
            assert value_problem(column, value, fmt.not_available) is None, (column.name, value)
    assert check_file(out) == []
    first = dict(zip(header, rows[0], strict=True))
    assert first["ReportingDate"] == "2026-03-31"  # the period's last day unless told
    assert (first["AwardingOrganisation"], first["AwardingOrganisationID"]) == (
        "Example Assessment Ltd",
        "EPA0123",
    )
    assert (first["StandardID"], first["AssessmentPlanVersionNumber"]) == ("ST0072", "1.0")
    assert first["StandardTitle"] == "Customer Service Practitioner"
    assert (first["QualificationNumber"], first["CandidateIdentifierOther"]) == ("-2", "-2")
    # Four EPAs in the period: three components and the EPA each, components first.
    assert len(rows) == 4 * 4
    levels = [dict(zip(header, r, strict=True))["OutcomeLevel"] for r in rows[:4]]
    assert levels == ["Component", "Component", "Component", "EPA"]
    assert "Ada Example" not in out.read_text(encoding="utf-8")  # names are not in the format


def test_period_includes_its_first_and_last_day_not_the_day_after(seeded):
    rows, skipped = return_rows(seeded, START, END, **ORG)
    assert skipped == []
    epas = {u: r["EPA"] for u, r in by_uln(rows).items()}
    assert set(epas) == {FIRST_DAY, LAST_DAY, FAILED, DISTINCTION}
    assert epas[FIRST_DAY]["ResultDate"] == "2026-01-01"
    assert epas[LAST_DAY]["ResultDate"] == "2026-03-31"
    april, _ = return_rows(seeded, *quarter("2026-Q2"), **ORG)
    assert set(by_uln(april)) == {DAY_AFTER}
    assert by_uln(april)[DAY_AFTER]["EPA"]["ResultDate"] == "2026-04-01"
    # A component's own day may fall before the period: the EPA's day decides.
    first = by_uln(rows)[FIRST_DAY]
    assert first["Apprentice Showcase"]["ResultDate"] == "2025-12-30"


def test_a_fail_and_a_distinction_per_component_and_overall(seeded):
    rows = by_uln(return_rows(seeded, START, END, **ORG)[0])
    failed = {k: r["Grade"] for k, r in rows[FAILED].items()}
    assert failed == {
        "Apprentice Showcase": "Pass",
        "Practical Observation": "Fail",
        "Professional Discussion": "Pass",
        "EPA": "Fail",
    }
    best = {k: r["Grade"] for k, r in rows[DISTINCTION].items()}
    assert set(best.values()) == {"Distinction"} and len(best) == 4
    observation = rows[FAILED]["Practical Observation"]
    assert (observation["AssessmentMethod"], observation["AttemptType"]) == ("Observation", "First")
    epa_row = rows[FAILED]["EPA"]
    assert (epa_row["ComponentTitle"], epa_row["AssessmentMethod"]) == ("-2", "-2")


def test_results_changed_since_release_are_skipped_and_unreleased_left_out(seeded):
    redate(seeded, FAILED, "professional_discussion", date(2026, 2, 9))
    rows, skipped = return_rows(seeded, START, END, **ORG)
    assert UNRELEASED not in by_uln(rows) and FAILED not in by_uln(rows)
    assert [(s.uln, s.reason) for s in skipped] == [
        (FAILED, "results changed since their release; release them again")
    ]


def test_organisation_and_period_are_checked(store, monkeypatch):
    monkeypatch.delenv("EPA_ORGANISATION", raising=False)
    monkeypatch.delenv("EPA_ORGANISATION_ID", raising=False)
    with pytest.raises(InputError, match="AwardingOrganisationID: give --organisation-id"):
        return_rows(store, START, END, organisation="Example")
    with pytest.raises(InputError, match=r"AwardingOrganisationID: does not match \^\(EPA\)"):
        return_rows(store, START, END, organisation="Example", organisation_id="EPA12")
    with pytest.raises(InputError, match="--from: the period starts"):
        return_rows(store, END, START, **ORG)
    monkeypatch.setenv("EPA_ORGANISATION", "From Env")
    monkeypatch.setenv("EPA_ORGANISATION_ID", "EPA0001")
    assert return_rows(store, START, END) == ([], [])
    assert quarter("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    with pytest.raises(InputError, match="--quarter"):
        quarter("2026-Q5")


def _good_rows():
    fmt = ofqual_format()
    row = dict.fromkeys(fmt.names, "-2")
    row.update(
        ReportingDate="2026-04-30",
        AwardingOrganisation="Example",
        AwardingOrganisationID="EPA0123",
        StandardTitle="Customer Service Practitioner",
        StandardID="ST0072",
        AssessmentPlanVersionNumber="1.0",
        ULN="1000000108",
        OutcomeLevel="EPA",
        Grade="Pass",
        AttemptType="First",
        ResultDate="2026-03-31",
    )
    return [row, dict(row)]


def test_the_checker_lists_every_problem_by_row_and_column():
    assert check_text(to_csv(_good_rows())) == []
    rows = _good_rows()
    rows[0]["ResultDate"] = "31/03/2026"  # a bad type
    rows[1]["Grade"] = "Excellent"  # a bad value
    rows[1]["StandardID"] = "-2"  # not accepted there
    rows[1]["ReportingDate"] = "2026-02-30"
    problems = [str(p) for p in check_text(to_csv(rows))]
    assert problems == [
        "row 2, column ResultDate: does not match a date (yyyy-mm-dd)",
        "row 3, column ReportingDate: not a day of the calendar",
        "row 3, column StandardID: -2 is not accepted here",
        "row 3, column Grade: not one of Fail, Pass, Merit, Distinction",
    ]
    # A wrong column: renamed in the header, so one is missing and one unknown.
    text = to_csv(_good_rows()).replace("Grade,", "Result,", 1)
    assert [str(p) for p in check_text(text)] == [
        "row 1, column Grade: missing from the header",
        "row 1, column Result: not a column of the format",
    ]
    # Two columns swapped, and a row short of a value.
    header, *lines = to_csv(_good_rows()).splitlines()
    names = header.split(",")
    names[0], names[1] = names[1], names[0]
    swapped = "\n".join([",".join(names), lines[0].rsplit(",", 1)[0]]) + "\n"
    found = [str(p) for p in check_text(swapped)]
    assert found[:2] == [
        "row 1, column AwardingOrganisation: in position 1; the format has it in 2",
        "row 1, column ReportingDate: in position 2; the format has it in 1",
    ]
    assert "row 2, column (row): has 14 values; the header has 15" in found
    assert [str(p) for p in check_text("")] == [
        "row 1, column (header): the file is empty; the header row is needed"
    ]


def test_the_format_file_names_its_sources_and_marks_what_is_unverified():
    fmt = ofqual_format()
    assert any("EPA__Outcomes_file_format" in s["url"] for s in fmt.sources)
    verified = {c.name: c.verified for c in fmt.columns}
    assert [n for n, v in verified.items() if v == "yes"] == list(fmt.names[:8])
    assert verified["CandidateIdentifierOther"] == "name only"
    assert {v for n, v in verified.items() if fmt.column(n).position > 9} == {"no"}
    # The grades the engine gives are all allowed values.
    assert {"Fail", "Pass", "Distinction"} <= set(fmt.column("Grade").values)
    reader = csv.reader(io.StringIO(to_csv([])))
    assert tuple(next(reader)) == fmt.names
