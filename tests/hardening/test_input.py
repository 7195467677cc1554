"""Hardening: a catalogue of bad input that the other test files do not already try.

Already covered elsewhere (not repeated here): `epa grade` on missing, empty, white-space-only,
non-UTF-8, deeply nested and malformed JSON, duplicate keys, arrays, and every bad record field
(tests/cli/test_cli.py, tests/core/test_records.py); malformed standards: duplicate criterion
and KSB ids, a distinction threshold above the descriptor count, bad YAML, duplicate YAML keys
(tests/core/test_spec.py); a bad record in `epa run` (tests/batch/test_run.py); gateway
applications (tests/core/test_gateway.py).

Here: the doors those tests do not go through — `epa import` (which must leave the store as it
was for every refused file, on SQLite and PostgreSQL), `epa run` on a cohort of nothing but bad
files (ULNs that are paths, files too large), the IQA policy YAML, the run's own CSV read back by
`epa export`, standards with duplicate methods or thresholds that are not counts, and names in
right-to-left scripts and emoji that must be kept exactly. Each refusal names the file and the
field, exits non-zero with no traceback, and prints no name or ULN.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from epa_kernel.core.catalogue import load_standard
from epa_kernel.core.records import parse_record
from epa_kernel.errors import InputError
from helpers import EXAMPLES, epa, write_standard_variant

EXAMPLE_ULN = "1000000019"  # the examples' synthetic apprentice
RTL_EMOJI_NAME = "مريم الحسيني 👩🏽‍🔧 שָׁלוֹם"


def no_traceback(done: subprocess.CompletedProcess, *secrets: str) -> str:
    printed = done.stdout + done.stderr
    assert "Traceback" not in printed, printed
    for secret in secrets:
        assert secret not in printed, (secret, printed)
    return printed


def one_line_error(done: subprocess.CompletedProcess, code: int = 2, *words: str) -> str:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("epa: "), done.stderr
    no_traceback(done)
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def example(method: str = "practical_observation") -> dict:
    return json.loads((EXAMPLES / f"st0072_{method}.json").read_text(encoding="utf-8"))


def with_change(data: dict, *path_and_value) -> dict:
    *path, value = path_and_value
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


# --------------------------------------------------------------------------- bad files in a cohort

# (file name, content as bytes, words the refusal must hold). ULNs that are paths and names that
# are not text are refused by the record's own rules; the point here is the doors they go through.
BAD_FILES = [
    ("malformed.json", b'{"standard": "ST0072", "method": ', ["not valid JSON", "line 1"]),
    ("empty.json", b"", ["file is empty"]),
    (
        "yaml_not_json.json",
        b"standard: ST0072\nmethod: practical_observation\n",
        ["not valid JSON"],
    ),
    (
        "latin1.json",
        json.dumps(with_change(example(), "assessor", "Zoë"), ensure_ascii=False)
        .encode()
        .replace("Zoë".encode(), "Zoë".encode("latin-1")),
        ["is not UTF-8 text"],
    ),
    ("too_large.json", b" " * (5 * 1024 * 1024 + 1), ["bytes; at most 5,242,880 allowed"]),
    (
        "wrong_type.json",
        json.dumps(with_change(example(), "judgements", ["P1", "met"])).encode(),
        ["judgements", "valid dictionary"],
    ),
    (
        "unknown_id.json",
        json.dumps(with_change(example(), "judgements", "P77", "met")).encode(),
        ["judgements.P77", "unknown descriptor 'P77'"],
    ),
    (
        "evidence_out_of_range.json",
        json.dumps(with_change(example(), "evidence", "duration_minutes", 100_000)).encode(),
        ["evidence.duration_minutes", "less than or equal to 1440"],
    ),
    (
        "evidence_huge_integer.json",
        json.dumps(example())
        .replace('"evidence": {', '"evidence": {"slides": ' + "9" * 5000 + ", ")
        .encode(),
        ["not valid JSON"],
    ),
    (
        "uln_path.json",
        json.dumps(with_change(example(), "apprentice", "uln", "../../../etc")).encode(),
        ["apprentice.uln", "exactly 10 digits"],
    ),
    (
        "uln_slash.json",
        json.dumps(with_change(example(), "apprentice", "uln", "10000/0019")).encode(),
        ["apprentice.uln", "exactly 10 digits"],
    ),
    (
        "uln_backslash.json",
        json.dumps(with_change(example(), "apprentice", "uln", "1000\\00019")).encode(),
        ["apprentice.uln"],
    ),
    (
        "name_nul.json",
        json.dumps(with_change(example(), "apprentice", "name", "Ada\u0000Example")).encode(),
        ["apprentice.name", "control character"],
    ),
    (
        "assessor_escape.json",
        json.dumps(with_change(example(), "assessor", "Sam\u001b[31mRed")).encode(),
        ["assessor", "control character"],
    ),
]


def write_bad_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content, _ in BAD_FILES:
        (folder / name).write_bytes(content)
        paths.append(folder / name)
    return paths


def snapshot(url: str) -> dict[str, list]:
    """Every row of every table of the store, to compare before and after."""
    engine = create_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in ("apprentices", "assessors", "assignments", "records", "record_versions"):
            out[table] = sorted(
                tuple(map(str, row)) for row in conn.execute(text(f"SELECT * FROM {table}"))
            )
    engine.dispose()
    return out


def test_import_of_bad_files_refuses_each_by_name_and_leaves_the_store_as_it_was(
    tmp_path, store_url
):
    seeded = tmp_path / "seed"
    seeded.mkdir()
    for path in EXAMPLES.glob("st0072_*.json"):
        (seeded / path.name).write_bytes(path.read_bytes())
    assert epa("import", seeded, "--store", store_url).returncode == 0
    before = snapshot(store_url)

    cohort = tmp_path / "cohort"
    write_bad_files(cohort)
    # a bad file aimed at a record already stored: the stored one must not change
    (cohort / "stored_one_changed.json").write_text(
        json.dumps(with_change(example(), "judgements", "P1", "perhaps")), encoding="utf-8"
    )
    done = epa("import", cohort, "--store", store_url)
    assert done.returncode == 1
    printed = no_traceback(done, EXAMPLE_ULN, example()["apprentice"]["name"])
    assert (
        "imported 0 records; 0 already stored and left unchanged; "
        f"{len(BAD_FILES) + 1} files refused" in done.stdout
    )
    for name, _, words in [*BAD_FILES, ("stored_one_changed.json", b"", ["judgements.P1"])]:
        line = next((ln for ln in done.stdout.splitlines() if f"{name}:" in ln), None)
        assert line is not None, (name, printed)
        assert line.startswith("  refused: ") and str(cohort / name) in line
        for word in words:
            assert word in line, (word, line)
    assert snapshot(store_url) == before

    from epa_kernel.store.store import Store

    store = Store(store_url)
    assert store.verify() == []
    store.close()


def test_import_keeps_the_good_files_beside_the_bad_and_names_stay_exact(tmp_path, store_url):
    cohort = tmp_path / "cohort"
    write_bad_files(cohort)
    good = with_change(example(), "apprentice", "name", RTL_EMOJI_NAME)
    good["notes"]["P2"] = "ملاحظة 😀 — «quoted» \"double\" 'single' \\ back\nnew line"
    (cohort / "good.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    done = epa("import", cohort, "--store", store_url)
    assert done.returncode == 1
    no_traceback(done, RTL_EMOJI_NAME, EXAMPLE_ULN)
    assert (
        f"imported 1 records; 0 already stored and left unchanged; {len(BAD_FILES)} files refused"
        in done.stdout
    )
    out = tmp_path / "exported"
    assert epa("export-records", out, "--store", store_url).returncode == 0
    (written,) = out.glob("*.json")
    back = json.loads(written.read_text(encoding="utf-8"))
    assert back["apprentice"]["name"] == RTL_EMOJI_NAME
    assert back["notes"]["P2"] == good["notes"]["P2"]
    assert parse_record(back)[0] == parse_record(good)[0]


def test_run_of_a_cohort_of_bad_files_runs_nothing_and_creates_no_folder(tmp_path):
    cohort = tmp_path / "cohort"
    write_bad_files(cohort)
    out = tmp_path / "out"
    done = epa("run", cohort, "--out", out, "--quiet", "--format", "none")
    assert done.returncode == 1
    no_traceback(done)
    assert "0 notebooks run, 0 already done and unchanged" in done.stdout
    for name, _, words in BAD_FILES:
        line = next(ln for ln in done.stdout.splitlines() if f"{name}:" in ln)
        assert all(word in line for word in words), (words, line)
    assert sorted(p.name for p in out.iterdir()) == ["results.csv"]  # no folder from a ULN
    assert not (tmp_path / "etc").exists() and not any(tmp_path.glob("**/0019"))


def test_empty_cohort_folder_and_a_file_for_a_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    for command in ("run", "import"):
        args = (
            ["--out", tmp_path / "o"]
            if command == "run"
            else ["--store", f"sqlite:///{tmp_path / 's.db'}"]
        )
        one_line_error(epa(command, tmp_path / "empty", *args), 2, "holds no .json method records")
    (tmp_path / "a_file").write_text("x")
    one_line_error(
        epa("run", tmp_path / "a_file", "--out", tmp_path / "o"),
        2,
        "is not a folder of method-record JSON files",
    )


def test_a_file_where_the_output_folder_should_be_is_one_clear_line(tmp_path):
    cohort = tmp_path / "cohort"
    cohort.mkdir()
    (cohort / "one.json").write_bytes((EXAMPLES / "st0072_practical_observation.json").read_bytes())
    (tmp_path / "out").write_text("not a folder")
    one_line_error(
        epa("run", cohort, "--out", tmp_path / "out", "--quiet"),
        2,
        f"{tmp_path / 'out'}: --out: is a file",
    )
    (tmp_path / "records").write_text("not a folder")
    store = f"sqlite:///{tmp_path / 's.db'}"
    assert epa("import", cohort, "--store", store).returncode == 0
    one_line_error(epa("export-records", tmp_path / "records", "--store", store), 3, "records")


# --------------------------------------------------------------------------- names and notes


@pytest.mark.parametrize(
    "field", [("apprentice", "name"), ("apprentice", "employer"), ("assessor",)]
)
@pytest.mark.parametrize("bad", ["\u0000", "\u0007", "\u001b[2J", "\u007f"])
def test_control_characters_are_refused_in_names(field, bad):
    data = with_change(example(), *field, f"Ada{bad}Example")
    with pytest.raises(InputError, match="control character") as caught:
        parse_record(data, file="r.json")
    assert caught.value.field == ".".join(field)


@pytest.mark.parametrize(
    "name",
    [
        RTL_EMOJI_NAME,
        "O'Brien-Ñúñez",
        "李小龍",
        "Zoë\u200d👨‍👩‍👧",
        "\u202eevil\u202c name",
        "x" * 200,
    ],
)
def test_names_in_any_script_are_kept_exactly(name):
    record, _ = parse_record(with_change(example(), "apprentice", "name", name))
    assert record.apprentice.name == name
    assert json.loads(record.canonical_json())["apprentice"]["name"] == name


def test_notes_keep_newlines_and_tabs_but_no_other_control_characters():
    ok = "line one\n\tline two\r\nend"
    assert parse_record(with_change(example(), "notes", "P1", ok))[0].notes["P1"] == ok
    with pytest.raises(InputError, match="control character") as caught:
        parse_record(with_change(example(), "notes", "P1", "bad\u0000note"))
    assert caught.value.field == "notes.P1"


# --------------------------------------------------------------------------- YAML: the IQA policy


@pytest.fixture(scope="module")
def submitted_store(tmp_path_factory):
    base = tmp_path_factory.mktemp("iqa")
    url = f"sqlite:///{base / 'epa.sqlite'}"
    assert epa("import", EXAMPLES, "--store", url, "--submitted").returncode == 0
    return base, url


@pytest.mark.parametrize(
    "policy, words",
    [
        ("first_n: [1\n", ["not valid YAML", "line 2"]),
        ("first_n: many\n", ["first_n", "valid integer"]),
        ("first_n: -1\n", ["first_n", "greater than or equal to 0"]),
        ("random_share: 1.5\n", ["random_share", "less than or equal to 1"]),
        ("- a list\n", ["valid dictionary"]),
        ("", ["file is empty"]),
        ("first_n: 5\nfirst_n: 6\n", ["duplicate key 'first_n'"]),
        ("colour: blue\n", ["colour", "unknown field"]),
        (
            "rates: {by_method: {practical_observation: lots}}\n",
            ["rates.by_method.practical_observation"],
        ),
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "flagged: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            ["flagged[0]", "valid string"],
        ),  # alias bomb
        ("first_n: 5\n? {a: 1}\n: x\n", ["a key cannot be a dict", "line 2"]),  # found by atheris
        ("flagged: " + "[" * 20000 + "]" * 20000 + "\n", ["nested too deeply"]),
    ],
    ids=[
        "malformed",
        "wrong type",
        "negative",
        "share above 1",
        "not a mapping",
        "empty",
        "duplicate key",
        "unknown field",
        "rate not a number",
        "alias bomb",
        "mapping as a key",
        "nested too deeply",
    ],
)
def test_a_bad_sampling_policy_is_one_line(submitted_store, policy, words):
    base, url = submitted_store
    path = base / "policy.yaml"
    path.write_text(policy, encoding="utf-8")
    one_line_error(epa("iqa", "sample", "--store", url, "--policy", path), 2, str(path), *words)


# --------------------------------------------------------------------------- CSV


# No command reads CSV that a person wrote: cohorts are JSON records. The one CSV the kit reads
# is its own results.csv, which `epa export DIR` reads back from a run folder. A broken one is bad
# input like any other.
@pytest.mark.parametrize(
    "content, words",
    [
        (b"uln,standard\n\xff\xfe\x00garbage\n", ["is not UTF-8 text"]),
        (b"a,b\n1,2\n", ["column 'uln' is missing"]),
        (b"", ["column 'uln' is missing"]),
        (
            b"uln,standard,version,apprentice_showcase,practical_observation,work_based_project,"
            b"professional_discussion,overall,status,message\n1000000019,ST0072,1.0,,,,,,graded,,extra,cells\n",
            ["a row has more cells than the header"],
        ),
    ],
    ids=["not utf-8", "wrong columns", "empty", "ragged row"],
)
def test_a_broken_results_csv_is_one_line_from_export(tmp_path, content, words):
    (tmp_path / "results.csv").write_bytes(content)
    line = one_line_error(
        epa("export", tmp_path, "--format", "none", "--quiet"), 2, "results.csv", *words
    )
    assert EXAMPLE_ULN not in line


# --------------------------------------------------------------------------- standards


def _distinction(data, method="professional_discussion"):
    return next(m for m in data["methods"] if m["id"] == method)["grading"]["distinction"]


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda d: d["methods"].append(dict(d["methods"][0])), "a method appears twice"),
        (lambda d: _distinction(d).update(count=99), "threshold 99 is above the 4 distinction"),
        (lambda d: _distinction(d).update(count="seven"), "valid integer"),
        (lambda d: _distinction(d).update(count=0), "greater than or equal to 1"),
        (lambda d: _distinction(d).update(rule="all", count=3), "'all' takes none"),
        (
            lambda d: d["methods"][0]["criteria"].__setitem__(
                1, dict(d["methods"][0]["criteria"][1], id=d["methods"][0]["criteria"][0]["id"])
            ),
            "duplicate criterion id",
        ),
        (
            lambda d: d["methods"][0]["criteria"][0].update(id="P1; rm -rf /"),
            "should match pattern",
        ),
        (lambda d: d["methods"][0]["criteria"][0].update(text=""), "at least 1 character"),
        (lambda d: d.update(level=99), "less than or equal to 8"),
    ],
    ids=[
        "duplicate method",
        "threshold above count",
        "threshold not a number",
        "threshold 0",
        "all with a count",
        "duplicate id",
        "id with shell text",
        "empty text",
        "level",
    ],
)
def test_more_malformed_standards_are_refused(tmp_path, mutate, words):
    path = write_standard_variant(tmp_path, mutate)
    with pytest.raises(InputError) as caught:
        load_standard(path)
    assert caught.value.file == str(path) and words in str(caught.value)


def test_a_bad_standard_file_among_the_kits_is_one_line_from_the_cli(tmp_path, monkeypatch, capsys):
    """A standards folder with a broken file (as after a bad edit): every command that loads the
    catalogue says which file and what is wrong, exits 2, and prints no traceback."""
    from epa_kernel import cli
    from epa_kernel.core import catalogue as standards

    folder = tmp_path / "standards"
    folder.mkdir()
    write_standard_variant(folder, lambda d: _distinction(d).update(count=99))
    monkeypatch.setattr(cli.standards, "catalogue", lambda: standards.catalogue.__wrapped__(folder))
    assert cli.main(["standards"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(folder / "st0072_v1.0.yaml") in err[0] and "threshold 99" in err[0]
