"""`epa ofqual-return`: the return of a period written and checked, bad input refused naming the
field (exit 2, no traceback), and no apprentice's name on the terminal."""

from __future__ import annotations

from datetime import date

import pytest

from helpers import epa, redate, released_epa

ULN, SKIPPED = "1000000108", "1000000116"
ORG = ("--organisation", "Example Assessment Ltd", "--organisation-id", "EPA0123")
NAME = "Ada Example"  # every seeded record's apprentice


@pytest.fixture
def cli_store(tmp_path):
    from epa_kernel.store.store import Store

    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    released_epa(store, ULN, date(2026, 2, 10), fail="practical_observation")
    released_epa(store, SKIPPED, date(2026, 2, 11))
    redate(store, SKIPPED, "professional_discussion", date(2026, 2, 12), "after release")
    store.close()
    return url


def no_name_nor_traceback(result):
    assert NAME not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_write_then_check_from_the_command_line(cli_store, tmp_path):
    out = tmp_path / "ofqual.csv"
    result = epa("ofqual-return", "--store", cli_store, "--quarter", "2026-Q1", "--out", out, *ORG)
    no_name_nor_traceback(result)
    assert result.returncode == 1, result.stderr  # one released result skipped
    assert f"skipped {SKIPPED}: results changed since their release" in result.stdout
    assert "wrote 4 rows (1 EPA results and their components) for 2026-01-01 to 2026-03-31" in (
        result.stdout
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("ReportingDate,AwardingOrganisation,AwardingOrganisationID,")
    assert lines[-1].endswith(",EPA,-2,-2,Fail,First,2026-02-10")

    checked = epa("ofqual-return", "--check", out)
    assert checked.returncode == 0, checked.stdout
    assert "fits the kit's format; not verified" in checked.stdout
    standins = "OutcomeLevel, ComponentTitle, AssessmentMethod, Grade, AttemptType, ResultDate"
    assert f"{standins} are the kit's stand-ins" in checked.stdout
    assert "rules of CandidateIdentifierOther are the kit's guess" in result.stdout

    out.write_text(out.read_text(encoding="utf-8").replace(",Fail,", ",Failed,"), "utf-8")
    checked = epa("ofqual-return", "--check", out)
    no_name_nor_traceback(checked)
    assert checked.returncode == 1
    assert "row 3, column Grade: not one of Fail, Pass, Merit, Distinction" in checked.stdout
    assert "2 problems" in checked.stdout  # the component's Fail and the EPA's


def test_from_and_to_give_the_same_return_as_the_quarter(cli_store, tmp_path):
    result = epa(
        "ofqual-return", "--store", cli_store, "--from", "2026-02-10", "--to", "2026-02-10",
        "--out", tmp_path / "day.csv", "--reporting-date", "2026-04-30", *ORG,
    )  # fmt: skip
    assert "wrote 4 rows" in result.stdout
    assert (
        (tmp_path / "day.csv")
        .read_text(encoding="utf-8")
        .splitlines()[1]
        .startswith(
            "2026-04-30,Example Assessment Ltd,EPA0123,Customer Service Practitioner,ST0072,1.0,"
        )
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--from", "2026-02-30", "--to", "2026-03-31"), "argument --from: '2026-02-30' is not"),
        (("--from", "2026-03-31", "--to", "2026-01-01"), "--from: the period starts (2026-03-31)"),
        (("--from", "2026-01-01"), "--to: the period needs --from DATE and --to DATE"),
        (("--quarter", "2026-Q5"), "--quarter: '2026-Q5' is not a quarter"),
    ],
)
def test_bad_dates_are_refused_naming_the_field(cli_store, tmp_path, args, says):
    result = epa("ofqual-return", "--store", cli_store, *args, "--out", tmp_path / "r.csv", *ORG)
    no_name_nor_traceback(result)
    assert result.returncode == 2
    assert says in result.stderr
    assert not (tmp_path / "r.csv").exists()


def test_an_unknown_store_or_organisation_is_refused(cli_store, tmp_path):
    missing = tmp_path / "nowhere" / "epa.sqlite"
    result = epa(
        "ofqual-return", "--store", f"sqlite:///{missing}", "--quarter", "2026-Q1",
        "--out", tmp_path / "r.csv", *ORG,
    )  # fmt: skip
    no_name_nor_traceback(result)
    assert result.returncode == 2
    assert f"--store: no store at {missing}" in result.stderr
    assert not missing.parent.exists()  # not created empty

    result = epa(
        "ofqual-return", "--store", cli_store, "--quarter", "2026-Q1", "--out", tmp_path / "r.csv",
        env={"EPA_ORGANISATION": "Example", "EPA_ORGANISATION_ID": ""},
    )  # fmt: skip
    assert result.returncode == 2
    assert "AwardingOrganisationID: give --organisation-id or set EPA_ORGANISATION_ID" in (
        result.stderr
    )
    result = epa("ofqual-return", "--check", tmp_path / "absent.csv")
    assert result.returncode == 2 and "absent.csv: --check: no such file" in result.stderr
