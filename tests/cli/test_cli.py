"""The installed ``epa`` command, run as a user runs it: output shapes, and bad input reported as
one line on stderr (file, field, what is allowed) with exit status 2 and never a traceback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from epa_kernel.core.records import record_json_schema
from helpers import EXAMPLES, installed_epa
from helpers import epa as run_epa

ST0072_RECORDS = [
    EXAMPLES / f"st0072_{m}.json"
    for m in ("apprentice_showcase", "practical_observation", "professional_discussion")
]
PO_EXAMPLE = EXAMPLES / "st0072_practical_observation.json"
METHOD_KEYS = {
    "grade",
    "status",
    "pass_met",
    "pass_required",
    "distinction_met",
    "distinction_required",
    "reasons",
    "warnings",
}  # README, `epa grade --json`
EPA = installed_epa()


def epa(*args, cwd: Path) -> subprocess.CompletedProcess:
    # Run from an empty folder: the command must not depend on the repository being the cwd.
    return run_epa(*args, cwd=cwd, timeout=120, command=EPA)


def ok_json(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def bad_input(result: subprocess.CompletedProcess, *expected: str) -> str:
    """Assert the documented bad-input contract; return the one stderr line."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("epa: ")
    for fragment in expected:
        assert fragment in line, (fragment, line)
    return line


def write_record(tmp_path: Path, change=None, name="record.json") -> Path:
    """A copy of the observation example, changed by ``change(data)``."""
    data = json.loads(PO_EXAMPLE.read_text(encoding="utf-8"))
    if change:
        change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_console_script_is_installed():
    assert Path(EPA[0]).name in ("epa", "epa.exe"), EPA


# --- Output -------------------------------------------------------------------------------------


def test_standards_json_lists_the_three_versions(tmp_path):
    rows = ok_json(epa("standards", "--json", cwd=tmp_path))
    assert sorted((r["standard"], r["version"]) for r in rows) == [
        ("ST0071", "1.0"),
        ("ST0071", "1.1"),
        ("ST0072", "1.0"),
    ]
    methods = {(r["standard"], r["version"]): r["methods"] for r in rows}
    assert methods[("ST0072", "1.0")] == [
        "apprentice_showcase",
        "practical_observation",
        "professional_discussion",
    ]
    assert methods[("ST0071", "1.1")] == [
        "practical_observation",
        "work_based_project",
        "professional_discussion",
    ]
    assert all(r["title"] and r["level"] in (2, 3) and r["sources"] for r in rows)


def test_standards_readable_names_each_version(tmp_path):
    result = epa("standards", cwd=tmp_path)
    assert result.returncode == 0
    for key in ("ST0072 v1.0", "ST0071 v1.0", "ST0071 v1.1"):
        assert key in result.stdout


def test_criteria_json_lists_the_25_observation_descriptors(tmp_path):
    rows = ok_json(
        epa("criteria", "ST0072", "--method", "practical_observation", "--json", cwd=tmp_path)
    )
    assert len(rows) == 25
    for row in rows:
        assert {"id", "band", "text", "ksbs", "applies_to", "deferrable_to"} <= set(row), row
        assert row["band"] == ("pass" if row["id"].startswith("P") else "distinction")
        assert row["text"] and row["ksbs"]
        assert row["applies_to"] is None or set(row["applies_to"]) <= {
            "face_to_face",
            "non_face_to_face",
        }
    ids = [r["id"] for r in rows]
    assert ids == [f"P{i}" for i in range(1, 21)] + [f"D{i}" for i in range(1, 6)]
    by_id = {r["id"]: r for r in rows}
    assert by_id["P4"]["applies_to"] == ["face_to_face"]
    assert by_id["P7"]["applies_to"] == ["non_face_to_face"]
    assert by_id["P1"]["applies_to"] is None and by_id["P1"]["deferrable_to"] is None
    assert {i for i, r in by_id.items() if r["deferrable_to"] == "professional_discussion"} == {
        f"P{i}" for i in range(15, 21)
    }


def test_criteria_version_option_selects_the_version(tmp_path):
    latest = ok_json(
        epa("criteria", "ST0071", "--method", "practical_observation", "--json", cwd=tmp_path)
    )
    older = ok_json(
        epa(
            "criteria",
            "ST0071",
            "--version",
            "1.0",
            "--method",
            "practical_observation",
            "--json",
            cwd=tmp_path,
        )
    )
    assert (len(latest), len(older)) == (22, 23)  # v1.0 has one more pass descriptor


def test_grade_json_has_the_documented_shape(tmp_path):
    data = ok_json(epa("grade", *ST0072_RECORDS, "--json", cwd=tmp_path))
    assert set(data) == {"standard", "version", "methods", "overall"}
    assert (data["standard"], data["version"]) == ("ST0072", "1.0")
    assert list(data["methods"]) == [
        "apprentice_showcase",
        "practical_observation",
        "professional_discussion",
    ]
    for method, outcome in data["methods"].items():
        assert set(outcome) == METHOD_KEYS, method
        assert outcome["status"] == "complete"
        assert all(
            isinstance(outcome[k], int)
            for k in ("pass_met", "pass_required", "distinction_met", "distinction_required")
        )
        assert isinstance(outcome["reasons"], list) and outcome["reasons"]
        assert isinstance(outcome["warnings"], list)
    grades = {m: o["grade"] for m, o in data["methods"].items()}
    assert grades == {
        "apprentice_showcase": "Pass",
        "practical_observation": "Distinction",
        "professional_discussion": "Distinction",
    }
    po = data["methods"]["practical_observation"]
    assert (
        po["pass_met"],
        po["pass_required"],
        po["distinction_met"],
        po["distinction_required"],
    ) == (15, 15, 4, 4)
    assert set(data["overall"]) == {"grade", "reasons"}
    assert data["overall"]["grade"] == "Pass"
    assert any("overall-grade table" in r for r in data["overall"]["reasons"])


def test_grade_json_overall_is_null_while_a_method_is_missing(tmp_path):
    data = ok_json(epa("grade", *ST0072_RECORDS[1:], "--json", cwd=tmp_path))
    assert data["overall"] is None
    assert set(data["methods"]) == {"practical_observation", "professional_discussion"}
    # The observation's deferred descriptors were judged in the discussion given with it.
    assert data["methods"]["practical_observation"]["grade"] == "Distinction"


def test_grade_json_of_an_observation_alone_is_pending(tmp_path):
    data = ok_json(epa("grade", PO_EXAMPLE, "--json", cwd=tmp_path))
    po = data["methods"]["practical_observation"]
    assert po["grade"] is None and po["status"] == "pending"
    assert data["overall"] is None


def test_grade_table_names_each_method_and_the_overall_grade(tmp_path):
    result = epa("grade", *ST0072_RECORDS, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ST0072 v1.0")
    for method, grade in (
        ("apprentice_showcase", "Pass"),
        ("practical_observation", "Distinction"),
        ("professional_discussion", "Distinction"),
        ("overall", "Pass"),
    ):
        row = [ln for ln in lines if ln.split()[:1] == [method]]
        assert len(row) == 1, (method, result.stdout)
        assert row[0].split()[1] == grade


def test_grade_table_shows_a_missing_method_and_no_overall_grade(tmp_path):
    result = epa("grade", *ST0072_RECORDS[1:], cwd=tmp_path)
    assert result.returncode == 0
    showcase = next(ln for ln in result.stdout.splitlines() if "apprentice_showcase" in ln)
    assert "not assessed" in showcase
    overall = next(ln for ln in result.stdout.splitlines() if ln.split()[:1] == ["overall"])
    assert "not yet graded" in overall


def test_schema_record_prints_the_record_schema(tmp_path):
    assert ok_json(epa("schema", "record", cwd=tmp_path)) == record_json_schema()


def test_version_option(tmp_path):
    result = epa("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("epa ")


# --- Usage errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [(), ("frobnicate",), ("grade",), ("criteria", "ST0072"), ("schema", "standard")],
    ids=[
        "no arguments",
        "unknown command",
        "grade without files",
        "criteria without method",
        "unknown schema",
    ],
)
def test_usage_errors_exit_2_without_a_traceback(tmp_path, args):
    result = epa(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "usage: epa" in result.stderr


# --- Bad input: files ---------------------------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.json"
    bad_input(epa("grade", path, cwd=tmp_path), f"epa: {path}: ", "no such file")


def test_a_folder_instead_of_a_file(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    bad_input(
        epa("grade", folder, cwd=tmp_path), f"epa: {folder}: ", "is a folder, expected a file"
    )


def test_malformed_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"standard": "ST0072",\n  "method": }\n', encoding="utf-8")
    bad_input(epa("grade", path, cwd=tmp_path), f"epa: {path}: ", "not valid JSON", "line 2 column")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("", encoding="utf-8")
    bad_input(
        epa("grade", path, cwd=tmp_path),
        f"epa: {path}: ",
        "file is empty",
        "expected a JSON object",
    )


def test_white_space_only_file(tmp_path):
    path = tmp_path / "blank.json"
    path.write_text(" \n\t\n", encoding="utf-8")
    bad_input(epa("grade", path, cwd=tmp_path), str(path), "file is empty")


def test_json_array_instead_of_an_object(tmp_path):
    path = tmp_path / "array.json"
    path.write_text(
        json.dumps([json.loads(PO_EXAMPLE.read_text(encoding="utf-8"))]), encoding="utf-8"
    )
    bad_input(
        epa("grade", path, cwd=tmp_path),
        f"epa: {path}: ",
        "expected a JSON object (a method record)",
    )


def test_duplicate_key(tmp_path):
    path = write_record(tmp_path)
    text = path.read_text(encoding="utf-8")
    doubled = text.replace('"P1": "met",', '"P1": "met",\n    "P1": "not_met",', 1)
    assert doubled != text
    path.write_text(doubled, encoding="utf-8")
    bad_input(epa("grade", path, cwd=tmp_path), f"epa: {path}: ", "duplicate key 'P1'")


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    data = json.loads(PO_EXAMPLE.read_text(encoding="utf-8"))
    data["assessor"] = "Zoë Assessor"
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode("latin-1"))
    bad_input(epa("grade", path, cwd=tmp_path), f"epa: {path}: ", "is not UTF-8 text (byte ")


def test_json_nested_too_deeply(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    bad_input(epa("grade", path, cwd=tmp_path), f"epa: {path}: ", "not valid JSON")


# --- Bad input: record fields -------------------------------------------------------------------


def _set(*keys_and_value):
    *keys, value = keys_and_value

    def change(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


@pytest.mark.parametrize(
    "change, field, expected",
    [
        pytest.param(
            _set("standard", "ST9999"),
            "standard",
            ["unknown standard 'ST9999'", "known: ST0071, ST0072"],
            id="unknown standard",
        ),
        pytest.param(
            _set("standard", "CS72"),
            "standard",
            ["String should match pattern '^ST[0-9]{4}$'"],
            id="malformed standard",
        ),
        pytest.param(
            _set("version", "9.9"),
            "version",
            ["ST0072 has no version '9.9'", "known: 1.0"],
            id="unknown version",
        ),
        pytest.param(
            _set("method", "work_based_project"),
            "method",
            [
                "ST0072 v1.0 has no method 'work_based_project'",
                "allowed: apprentice_showcase, practical_observation, professional_discussion",
            ],
            id="method of another standard",
        ),
        pytest.param(
            _set("method", "interview"),
            "method",
            ["'practical_observation'", "(got 'interview')"],
            id="unknown method",
        ),
        pytest.param(
            _set("judgements", "P99", "met"),
            "judgements.P99",
            ["unknown descriptor 'P99'", "allowed: P1..D5 of practical_observation"],
            id="unknown descriptor",
        ),
        pytest.param(
            _set("judgements", "P1", "maybe"),
            "judgements.P1",
            ["'met', 'not_met' or 'deferred'", "(got 'maybe')"],
            id="judgement value",
        ),
        pytest.param(
            _set("judgements", "P1", "deferred"),
            "judgements.P1",
            ["P1 cannot be deferred; allowed: met, not_met"],
            id="deferral not allowed",
        ),
        pytest.param(
            _set("apprentice", "uln", "1000000018"),
            "apprentice.uln",
            ["check digit does not match", "remainder 10 mod 11"],
            id="ULN check digit",
        ),
        pytest.param(
            _set("apprentice", "uln", "12345"),
            "apprentice.uln",
            ["a ULN is exactly 10 digits"],
            id="ULN length",
        ),
        pytest.param(
            _set("attempt", "third"),
            "attempt",
            ["'first', 'resit' or 'retake'", "(got 'third')"],
            id="unknown attempt",
        ),
        pytest.param(
            _set("channels", ["carrier_pigeon"]),
            "channels[0]",
            ["'face_to_face' or 'non_face_to_face'"],
            id="unknown channel",
        ),
        pytest.param(
            _set("evidence", "duration_minutes", -5),
            "evidence.duration_minutes",
            ["greater than or equal to 0"],
            id="negative evidence",
        ),
        pytest.param(
            _set("grade", "Distinction"),
            "grade",
            ["unknown field (not part of the format)"],
            id="unknown field",
        ),
        pytest.param(
            _set("apprentice", "start_date", "2026-03-01"),
            "apprentice",
            ["gateway_date is before start_date"],
            id="dates out of order",
        ),
    ],
)
def test_bad_record_field(tmp_path, change, field, expected):
    path = write_record(tmp_path, change)
    line = bad_input(epa("grade", path, cwd=tmp_path), f"epa: {path}: {field}: ", *expected)
    assert "1000000018" not in line and "1000000019" not in line  # the ULN is personal data


def test_records_of_two_apprentices(tmp_path):
    other = write_record(tmp_path, _set("apprentice", "uln", "1000000027"), name="other.json")
    line = bad_input(
        epa("grade", ST0072_RECORDS[0], other, cwd=tmp_path),
        f"epa: {other}: apprentice.uln: ",
        "2 different apprentices",
        "grade one apprentice at a time",
    )
    assert "1000000019" not in line and "1000000027" not in line


def test_a_bad_file_among_good_ones_is_named(tmp_path):
    bad = write_record(tmp_path, _set("judgements", "D9", "met"), name="bad.json")
    bad_input(
        epa("grade", ST0072_RECORDS[0], bad, ST0072_RECORDS[2], cwd=tmp_path),
        f"epa: {bad}: judgements.D9: ",
        "unknown descriptor 'D9'",
    )


def test_two_first_attempts_of_one_method(tmp_path):
    copy = write_record(tmp_path, name="again.json")
    bad_input(
        epa("grade", PO_EXAMPLE, copy, cwd=tmp_path),
        str(copy),
        "method",
        "two first records for practical_observation",
    )


def test_a_resit_after_a_passed_attempt_is_refused_naming_it(tmp_path):
    # 002: a resit only "in the event that the original assessment grade is a fail"; the
    # example observation has not failed (it waits on deferred descriptors): refused, exit 2.
    resit = write_record(
        tmp_path,
        lambda d: d.update(attempt="resit", assessed_on="2026-03-20"),
        name="resit.json",
    )
    line = bad_input(
        epa("grade", PO_EXAMPLE, resit, cwd=tmp_path),
        f"epa: {resit}: attempt: ",
        "follows an attempt graded nothing yet",
        "only after a failed attempt",
    )
    assert "1000000019" not in line


# --- Bad input: criteria ------------------------------------------------------------------------


def test_criteria_with_an_unknown_method(tmp_path):
    bad_input(
        epa("criteria", "ST0072", "--method", "work_based_project", cwd=tmp_path),
        "epa: method: ",
        "ST0072 v1.0 has no method 'work_based_project'",
        "allowed: apprentice_showcase, practical_observation, professional_discussion",
    )


def test_criteria_with_an_unknown_standard(tmp_path):
    bad_input(
        epa("criteria", "ST0999", "--method", "practical_observation", cwd=tmp_path),
        "epa: standard: ",
        "unknown standard 'ST0999'",
        "known: ST0071, ST0072",
    )


def test_criteria_with_an_unknown_version(tmp_path):
    bad_input(
        epa(
            "criteria",
            "ST0071",
            "--version",
            "2.0",
            "--method",
            "practical_observation",
            cwd=tmp_path,
        ),
        "epa: version: ",
        "ST0071 has no version '2.0'",
        "known: 1.0, 1.1",
    )


@pytest.mark.parametrize("text", ["first", "resit", "retake", "resit2", "retake12"])
def test_attempt_option_takes_the_names_the_store_uses(text):
    from epa_kernel.cli.options import attempt_key_option

    assert attempt_key_option(text) == text


@pytest.mark.parametrize("text", ["first2", "resit1", "resit0", "third", "resit100", ""])
def test_attempt_option_refuses_any_other_name(tmp_path, text):
    args = ["appeal", "resolve", "1000000019", "practical_observation", "--attempt", text]
    bad = epa(*args, "--number", "1", "--status", "withdrawn", "--by", "Rita", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "give first, resit or retake, with the sitting after it" in bad.stderr
