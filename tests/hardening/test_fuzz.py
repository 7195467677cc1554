"""Fuzzing: whatever the input, the kit raises its own InputError or succeeds — never anything else.

Hypothesis draws arbitrary JSON-like data, and mutations of valid records, standards and gateway
applications (a value replaced anywhere in the tree by arbitrary JSON, a key dropped or added,
the YAML text cut, doubled or garbled). Targets: the record parser (``parse_record``), the JSON
reader, the standards loader (``load_standard`` on mutated YAML), the gateway parser and check,
and the grading engine on whatever parses. Atheris, coverage-guided, runs the same targets on raw
bytes for a bounded number of runs (``tests/hardening/fuzz_atheris.py``).

Example counts are fixed (300 per test, 2,500 atheris runs) so CI time stays bounded;
``EPA_FUZZ_EXAMPLES`` raises the hypothesis count for a longer hunt by hand.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epa_kernel.core.catalogue import load_standard
from epa_kernel.core.gateway import check_gateway
from epa_kernel.core.gateway_application import parse_application
from epa_kernel.core.grading import grade_epa, grade_method
from epa_kernel.core.records import parse_record
from epa_kernel.errors import InputError
from epa_kernel.files import parse_json
from epa_kernel.paths import STANDARDS_DIR
from helpers import ROOT

EXAMPLES = int(os.environ.get("EPA_FUZZ_EXAMPLES", "300"))  # more by hand: EPA_FUZZ_EXAMPLES=20000
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

RECORDS = [
    json.loads(p.read_text(encoding="utf-8"))
    for p in sorted((ROOT / "examples").glob("st00*.json"))
]
APPLICATIONS = [
    json.loads(p.read_text(encoding="utf-8"))
    for p in sorted((ROOT / "examples" / "gateway").glob("*.json"))
]
STANDARD_TEXT = (STANDARDS_DIR / "st0072_v1.0.yaml").read_text(encoding="utf-8")
STANDARD_DATA = yaml.safe_load(STANDARD_TEXT)

FIELD_WORDS = [
    "standard",
    "version",
    "method",
    "apprentice",
    "uln",
    "name",
    "assessor",
    "assessed_on",
    "attempt",
    "channels",
    "judgements",
    "notes",
    "evidence",
    "P1",
    "D1",
    "practical_observation.P19",
    "duration_minutes",
    "met",
    "deferred",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(FIELD_WORDS),
    st.sampled_from(
        [
            "1000000019",
            "2026-02-30",
            "ST0072",
            "1.0",
            "../../etc",
            "\u0000",
            "😀",
            "ST9999",
            "9.9",
            "face_to_face",
            "first",
            "retake",
            "not_met",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(
            st.one_of(st.text(max_size=10), st.sampled_from(FIELD_WORDS)), inner, max_size=5
        ),
    ),
    max_leaves=25,
)


def paths_of(value, prefix=()):
    """Every path into a JSON tree (dict keys and list indexes), the root included."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths_of(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths_of(child, (*prefix, index))


@st.composite
def mutated(draw, originals):
    """A valid document with one to three mutations: a subtree replaced by arbitrary JSON, a key
    dropped, or a key added."""
    data = copy.deepcopy(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(paths_of(data))
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(["replace", "drop", "add"]))
        if not path:
            if kind == "replace":
                data = draw(json_values)
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if kind == "replace":
            parent[path[-1]] = draw(json_values)
        elif kind == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif kind == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(FIELD_WORDS))] = draw(json_values)
        if not isinstance(data, (dict, list)):
            break
    return data


def only_input_errors(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except InputError as exc:
        assert str(exc), "an InputError must say what is wrong"
        return None


def grade_if_valid(data) -> None:
    parsed = only_input_errors(parse_record, data, file="fuzz.json")
    if parsed is not None:
        record, standard = parsed
        only_input_errors(grade_method, standard, record)
        only_input_errors(grade_epa, standard, [record])


@FUZZ
@given(json_values)
def test_record_parser_on_arbitrary_json(data):
    grade_if_valid(data)


@FUZZ
@given(mutated(RECORDS))
def test_record_parser_and_grading_on_mutated_records(data):
    grade_if_valid(data)


@FUZZ
@given(st.lists(mutated(RECORDS), min_size=1, max_size=4))
def test_grading_several_mutated_records_as_one_apprentice(items):
    parsed = [p for p in (only_input_errors(parse_record, d) for d in items) if p is not None]
    if parsed:
        standard = parsed[0][1]
        only_input_errors(grade_epa, standard, [r for r, s in parsed if s.key == standard.key])


@FUZZ
@given(
    st.one_of(
        st.text(max_size=200),
        st.builds(lambda d, cut: json.dumps(d)[:cut], json_values, st.integers(0, 200)),
    )
)
def test_json_reader_on_arbitrary_text(text):
    only_input_errors(parse_json, text, file="fuzz.json")


@FUZZ
@given(mutated(APPLICATIONS))
def test_gateway_parser_and_check_on_mutated_applications(data):
    parsed = only_input_errors(parse_application, data, file="fuzz.json")
    if parsed is not None:
        application, standard = parsed
        only_input_errors(check_gateway, standard, application, today=date(2026, 11, 1))


def _yaml_text_mutations():
    lines = STANDARD_TEXT.splitlines(keepends=True)
    index = st.integers(0, len(lines) - 1)
    return st.one_of(
        st.builds(lambda i: "".join(lines[:i] + lines[i + 1 :]), index),  # a line lost
        st.builds(lambda i: "".join(lines[: i + 1] + lines[i:]), index),  # a line twice
        st.builds(lambda i: "".join(lines[:i]), index),  # cut short
        st.builds(
            lambda i, junk: "".join(lines[:i]) + junk + "".join(lines[i:]),
            index,
            st.text(alphabet=":-[]{}&*!|>?'\"#%@` \n\t", max_size=8),
        ),  # garbled
        st.builds(
            lambda data: yaml.safe_dump(data, allow_unicode=True), mutated([STANDARD_DATA])
        ),  # structure
    )


@FUZZ
@given(_yaml_text_mutations())
def test_standards_loader_on_mutated_yaml(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "st0072_v1.0.yaml"
        path.write_text(text, encoding="utf-8")
        only_input_errors(load_standard, path)


def atheris_corpus(folder: Path) -> Path:
    """Seeds for atheris: the valid files, each behind the byte that picks its target."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = (
        [(0, p) for p in sorted((ROOT / "examples").glob("st00*.json"))]
        + [(1, p) for p in sorted((ROOT / "examples" / "gateway").glob("*.json"))]
        + [(2, p) for p in sorted(STANDARDS_DIR.glob("*.yaml"))]
    )
    for i, (target, path) in enumerate(seeds):
        (folder / f"seed{i}").write_bytes(bytes([target]) + path.read_bytes())
    return folder


def test_atheris_on_raw_bytes(tmp_path):
    """Coverage-guided fuzzing of the same targets, from the valid files, for a bounded number
    of runs."""
    pytest.importorskip("atheris")
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("fuzz_atheris.py")),
            "-runs=2500",
            "-seed=1",
            "-max_len=65536",
            str(atheris_corpus(tmp_path / "corpus")),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Done 2500 runs" in done.stderr
