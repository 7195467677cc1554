"""`epa status`: where each apprentice's EPA stands on `--today`, from a cohort folder or the
store; `--done` files checked; an attempt the rules do not allow reported and exit status 2; the
`--json` shape the README documents; ULNs on stdout but never a name, and nothing personal on
stderr or in the log."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from epa_kernel.batch.demo_cohort import write_cohort
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.epa_outcome import grade_files
from helpers import ROOT, epa, judgements_for

ULN, OTHER = "1000000019", "1000000027"
NAME = "Priya Zebedee-Example"
ST0072 = get_standard("ST0072", "1.0")
GATEWAY = "2026-02-02"
TODAY = "2026-03-20"
FEEDBACK = "feedback_on_fail:practical_observation:1"

# README, `epa status --json`
TOP_KEYS = {"today", "apprentices"}
ROW_KEYS = {
    "uln",
    "standard",
    "version",
    "gateway",
    "problem",
    "withdrawn",
    "withdrawn_reason",
    "notes",
    "window",
    "methods",
    "overall",
    "deadlines",
    "invalid",
}
WINDOW_KEYS = {"what", "opens", "closes", "state", "days_left", "reason"}
METHOD_KEYS = {"method", "name", "state", "grade", "attempts", "resit_window"}
ATTEMPT_KEYS = {
    "number",
    "attempt",
    "assessed_on",
    "grade",
    "valid",
    "reason",
    "inside_window",
    "window_reason",
    "file",
}
DEADLINE_KEYS = {
    "key",
    "id",
    "what",
    "by",
    "method",
    "counted_from",
    "anchor_date",
    "due",
    "done_on",
    "status",
    "reason",
    "source",
}


def record(method, on, attempt="first", *, grade="Pass", uln=ULN, gateway=GATEWAY) -> dict:
    """An ST0072 record graded Pass or Fail by its judgements."""
    channels = ["face_to_face"] if ST0072.method(method).channels else None
    pass_ = "not_met" if grade == "Fail" else "met"
    apprentice = {"uln": uln, "name": NAME, "start_date": "2025-01-06"}
    if gateway:
        apprentice["gateway_date"] = gateway
    data = {
        "standard": "ST0072",
        "version": "1.0",
        "method": method,
        "apprentice": apprentice,
        "assessor": "Sam Assessor",
        "assessed_on": on,
        "attempt": attempt,
        "judgements": judgements_for(ST0072, method, channels, pass_=pass_),
    }
    if channels:
        data["channels"] = channels
    return data


def write(folder: Path, records: dict[str, dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in records.items():
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    return folder


@pytest.fixture
def cohort(tmp_path) -> Path:
    """One apprentice on 20 March 2026: the showcase passed, the observation failed on 2 March,
    the discussion not assessed; the showcase deadline (16 March) met by the showcase itself, the
    feedback on the failed observation (due 16 March) not recorded, the window open."""
    return write(
        tmp_path / "cohort",
        {
            "showcase.json": record("apprentice_showcase", "2026-02-20"),
            "observation.json": record("practical_observation", "2026-03-02", grade="Fail"),
        },
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    return result.stdout


def bad_input(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("epa: ")
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def status_json(*args) -> dict:
    return json.loads(ok(epa("status", *args, "--json")))


# --- the demo cohort ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "cohort"
    write_cohort(folder)
    return folder


def files_by_uln(folder: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*.json")):
        uln = json.loads(path.read_text(encoding="utf-8"))["apprentice"]["uln"]
        out.setdefault(uln, []).append(path)
    return out


def test_demo_cohort_every_apprentice_with_the_engines_grades(demo):
    data = status_json(demo, "--today", "2026-03-01")
    by_uln = files_by_uln(demo)
    assert data["today"] == "2026-03-01"
    assert [r["uln"] for r in data["apprentices"]] == sorted(by_uln)
    for row in data["apprentices"]:
        files = by_uln[row["uln"]]
        attempts = [a for m in row["methods"] for a in m["attempts"]]
        assert sorted(a["file"] for a in attempts) == sorted(map(str, files))
        outcome = grade_files([str(f) for f in files])  # `epa grade` on the same files
        assert {m["method"]: m["grade"] for m in row["methods"]} == {
            m: o.grade for m, o in outcome.methods.items()
        }
        assert row["overall"]["grade"] == outcome.grade
        assert row["invalid"] == [] and row["problem"] is None
        first = json.loads(files[0].read_text(encoding="utf-8"))
        assert row["gateway"] == first["apprentice"]["gateway_date"]


def test_demo_cohort_text_shows_the_resit_and_the_window_days_left(demo):
    out = ok(epa("status", demo, "--today", "2026-03-01"))
    assert out.startswith("EPA status on 2026-03-01: 25 apprentice(s)")
    resit = next(demo.glob("*_resit.json"))  # a10: ST0072 observation failed, then resat
    data = json.loads(resit.read_text(encoding="utf-8"))
    uln, gateway = data["apprentice"]["uln"], date.fromisoformat(data["apprentice"]["gateway_date"])
    assert gateway.day <= 28
    closes = date(
        gateway.year + (gateway.month + 2) // 12, (gateway.month + 2) % 12 + 1, gateway.day
    )
    row = out.split(f"\n{uln}  ", 1)[1].split("\n\n", 1)[0]
    left = (closes - date(2026, 3, 1)).days
    assert f"gateway {gateway}; assessment window open: last day {closes}, {left} day(s)" in row
    first = json.loads(resit.with_name(resit.name.replace("_resit", "")).read_text())
    assert f"1. first  {first['assessed_on']}  Fail" in row
    assert f"2. resit  {data['assessed_on']}  " in row
    for files in files_by_uln(demo).values():  # ULNs for the EPAO, never a name
        name = json.loads(files[0].read_text(encoding="utf-8"))["apprentice"]["name"]
        assert name not in out and name.split()[-1] not in out


# --- a built record set ------------------------------------------------------------------------


def test_overdue_deadline_open_window_and_resit_window(cohort):
    out = ok(epa("status", cohort, "--today", TODAY))
    assert f"{ULN}  ST0072 v1.0" in out
    assert "gateway 2026-02-02; assessment window open: last day 2026-05-02, 43 day(s) left" in out
    assert "showcase_submission" not in out  # met: the showcase was assessed on 20 February
    assert f"OVERDUE {FEEDBACK} (by epao, due 2026-03-16)" in out  # 10 working days
    assert "resit/retake window open: last day 2026-05-02, 43 day(s) left" in out
    assert "professional_discussion  not assessed" in out
    assert "1. first  2026-03-02  Fail" in out
    assert NAME not in out and "Zebedee" not in out


def test_the_day_before_the_deadline_it_is_due(cohort):
    out = ok(epa("status", cohort, "--today", "2026-03-16"))
    assert f"DUE     {FEEDBACK} (by epao, due 2026-03-16)" in out
    assert "MISSED" not in out and "OVERDUE" not in out


def test_done_file_meets_a_deadline_and_starts_the_event_deadlines(cohort, tmp_path):
    done = tmp_path / "done.json"
    entry = {"uln": ULN, "done": {FEEDBACK: "2026-03-13"}, "events": {"result_notified": TODAY}}
    done.write_text(json.dumps({"apprentices": [entry]}), encoding="utf-8")
    (row,) = status_json(cohort, "--today", TODAY, "--done", done)["apprentices"]
    by_key = {d["key"]: d for d in row["deadlines"]}
    assert by_key[FEEDBACK]["status"] == "met" and by_key[FEEDBACK]["done_on"] == "2026-03-13"
    assert by_key["showcase_submission"]["status"] == "met"  # assessed on 20 February
    # 5 working days from Friday 20 March 2026
    assert by_key["exceptional_circumstances_request"]["due"] == "2026-03-27"
    assert "appeal" not in by_key  # the organisation's setting (epa.toml), not the standard's


def test_json_shape(cohort):
    data = status_json(cohort, "--today", TODAY)
    assert set(data) == TOP_KEYS
    (row,) = data["apprentices"]
    assert set(row) == ROW_KEYS and set(row["window"]) == WINDOW_KEYS
    assert set(row["overall"]) == {"grade", "reasons"} and row["overall"]["grade"] is None
    assert row["window"]["state"] == "open" and row["window"]["days_left"] == 43
    assert [m["method"] for m in row["methods"]] == [m.id for m in ST0072.methods]
    for m in row["methods"]:
        assert set(m) == METHOD_KEYS
        for a in m["attempts"]:
            assert set(a) == ATTEMPT_KEYS and Path(a["file"]).is_file()
    observation = row["methods"][1]
    assert observation["state"] == "graded" and observation["grade"] == "Fail"
    assert set(observation["resit_window"]) == WINDOW_KEYS
    assert row["methods"][2]["state"] == "not_assessed" and row["methods"][2]["attempts"] == []
    assert all(set(d) == DEADLINE_KEYS for d in row["deadlines"])
    assert {d["status"] for d in row["deadlines"]} == {"met", "overdue", "waiting"}


def test_an_apprentice_without_a_gateway_date_is_said_so_not_a_crash(cohort):
    write(
        cohort, {"other.json": record("apprentice_showcase", "2026-02-20", uln=OTHER, gateway=None)}
    )
    out = ok(epa("status", cohort, "--today", TODAY))
    row = out.split(f"\n{OTHER}  ", 1)[1]
    assert "no gateway date in the records (apprentice.gateway_date)" in row
    assert "1. first  2026-02-20  Pass" in row
    data = status_json(cohort, "--today", TODAY)
    other = next(r for r in data["apprentices"] if r["uln"] == OTHER)
    assert other["gateway"] is None and other["window"] is None and other["deadlines"] == []


def test_a_resit_after_a_pass_is_shown_then_exit_2_naming_its_file(cohort):
    write(
        cohort,
        {
            "discussion.json": record("professional_discussion", "2026-03-05"),
            "discussion_again.json": record("professional_discussion", "2026-03-19", "retake"),
        },
    )
    result = epa("status", cohort, "--today", TODAY)
    line = bad_input(result, "discussion_again.json", "attempt", "graded Pass")
    assert ULN not in line and NAME not in line
    assert "NOT ALLOWED" in result.stdout and "attempt not allowed:" in result.stdout
    data = json.loads(epa("status", cohort, "--today", TODAY, "--json").stdout)
    (bad,) = data["apprentices"][0]["invalid"]
    assert bad["file"].endswith("discussion_again.json") and bad["valid"] is False


def test_records_that_disagree_on_the_gateway_are_bad_input(cohort):
    write(
        cohort, {"late.json": record("professional_discussion", "2026-03-05", gateway="2026-02-03")}
    )
    bad_input(epa("status", cohort, "--today", TODAY), "apprentice.gateway_date", "2026-02-03")


# --- bad --done files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, fragments",
    [
        ("{", ("not valid JSON",)),
        ([], ("must be an object",)),
        ({"apprentice": []}, ("apprentice", "unknown field")),
        ({"apprentices": {}}, ("apprentices", "must be a list")),
        ({"apprentices": [{"uln": "123"}]}, ("apprentices[0].uln", "valid ULN")),
        ({"apprentices": [{"uln": OTHER}]}, ("apprentices[0].uln", "no apprentice")),
        (
            {"apprentices": [{"uln": ULN}, {"uln": ULN}]},
            ("apprentices[1].uln", "same ULN as apprentices[0]"),
        ),
        (
            {"apprentices": [{"uln": ULN, "done": {"showcase_submission": "16/03/2026"}}]},
            ("apprentices[0].done.showcase_submission", "not a date"),
        ),
        (
            {"apprentices": [{"uln": ULN, "done": {"showcase_submision": "2026-03-10"}}]},
            ("apprentices[0].done.showcase_submision", "not one of this apprentice's deadlines"),
        ),
        (
            {"apprentices": [{"uln": ULN, "done": {"showcase_submission": "2026-03-21"}}]},
            ("apprentices[0].done.showcase_submission", "after the day of the report"),
        ),
        (
            {"apprentices": [{"uln": ULN, "events": {"result_sent": "2026-03-10"}}]},
            ("apprentices[0].events.result_sent", "unknown event", "result_notified"),
        ),
        (
            {"apprentices": [{"uln": ULN, "done": ["showcase_submission"]}]},
            ("apprentices[0].done", "must be an object of dates"),
        ),
        ({"apprentices": [{"uln": ULN, "when": {}}]}, ("apprentices[0].when", "unknown field")),
    ],
)
def test_a_bad_done_file_is_exit_2_naming_file_and_field(cohort, tmp_path, content, fragments):
    done = tmp_path / "done.json"
    done.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    result = epa("status", cohort, "--today", TODAY, "--done", done)
    line = bad_input(result, str(done), *fragments)
    assert result.stdout == ""
    assert ULN not in line and OTHER not in line  # the entry's place names it, not its ULN


def test_bad_command_lines(cohort, tmp_path):
    bad_input(epa("status", "--today", TODAY), "COHORT", "one of them")
    bad_input(epa("status", tmp_path / "missing", "--today", TODAY), "is not a folder")
    result = epa("status", cohort, "--today", "20 March")
    assert result.returncode == 2 and "not a date (YYYY-MM-DD)" in result.stderr
    bad_input(epa("status", cohort, "--done", tmp_path / "nope.json"), "nope.json", "no such file")


def test_a_bad_record_is_bad_input_naming_its_file(cohort):
    (cohort / "broken.json").write_text('{"standard": "ST0072"}', encoding="utf-8")
    bad_input(epa("status", cohort, "--today", TODAY), "broken.json")


# --- the store and privacy ---------------------------------------------------------------------


def test_from_the_store_the_same_rows_as_from_the_folder(cohort, tmp_path):
    store = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    imported = epa("import", cohort, "--store", store, "--submitted")
    assert imported.returncode == 0, imported.stderr
    from_store = status_json("--store", store, "--today", TODAY)
    from_folder = status_json(cohort, "--today", TODAY)
    for row in (*from_store["apprentices"], *from_folder["apprentices"]):
        for m in row["methods"]:
            for a in m["attempts"]:
                a.pop("file")
    assert from_store == from_folder
    bad_input(epa("status", cohort, "--store", store), "one of them")


LOGGED = """
import logging, sys
logging.basicConfig(level=logging.DEBUG, filename=sys.argv[1])
from epa_kernel.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_ulns_only_on_stdout_and_no_name_anywhere(cohort, tmp_path):
    write(
        cohort,
        {
            "discussion.json": record("professional_discussion", "2026-03-05"),
            "discussion_again.json": record("professional_discussion", "2026-03-19", "retake"),
        },
    )
    log = tmp_path / "status.log"
    result = subprocess.run(
        [sys.executable, "-c", LOGGED, str(log), "status", str(cohort), "--today", TODAY],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2 and ULN in result.stdout  # the report, then the invalid attempt
    logged = log.read_text(encoding="utf-8") if log.exists() else ""
    for where, text in (("stdout", result.stdout), ("stderr", result.stderr), ("log", logged)):
        assert NAME not in text and "Zebedee" not in text, where
        if where != "stdout":
            assert ULN not in text, where
