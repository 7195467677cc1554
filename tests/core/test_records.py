"""Method records: the ULN rule, the canonical form and content hash, and validation against the
standard a record names."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from epa_kernel.core.records import MethodRecord, bind, parse_record, record_json_schema
from epa_kernel.core.uln import uln_is_valid
from epa_kernel.errors import InputError
from epa_kernel.files import parse_json
from helpers import EXAMPLES, VALID_ULNS, judgements_for, make_record

# Method records are named <standard>_<method>.json; the other examples (gateway_*.json) are not.
EXAMPLE_FILES = sorted(EXAMPLES.glob("st[0-9][0-9][0-9][0-9]_*.json"))
PO_EXAMPLE = EXAMPLES / "st0072_practical_observation.json"


def example(name: str = "st0072_practical_observation") -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def refused(data: dict) -> InputError:
    """The InputError parse_record raises for ``data`` (which must be refused)."""
    with pytest.raises(InputError) as caught:
        parse_record(data, file="rec.json")
    return caught.value


def reversed_keys(value):
    """The same JSON value with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


# --- The ULN rule -------------------------------------------------------------------------------


def reference_check_digit(first_nine: str) -> int | None:
    """The published algorithm, stated as the issuer does: weight the first nine digits 10..2,
    take the sum mod 11 and subtract it from 10; a result of 10 means no valid ULN exists."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1))) % 11
    check = 10 - remainder
    return None if check == 10 else check


# Worked by hand: weighted sum of all ten digits (weights 10..1) mod 11 must be 10.
KNOWN_VALID = [
    "1000000019",  # 10 + 2 + 9 = 21 = 11 + 10
    "1000000027",  # 10 + 4 + 7 = 21
    "1000000035",  # 10 + 6 + 5 = 21
    "9999999998",  # 9*54 + 8 = 494 = 44*11 + 10
    "9999999904",  # 9*52 + 4 = 472 = 42*11 + 10
    "5000000004",  # 50 + 4 = 54 = 4*11 + 10
    "1234567899",  # 10+18+24+28+30+30+28+24+18 + 9 = 219 = 19*11 + 10
]
KNOWN_INVALID = {
    "wrong check digit": "1000000018",
    "all nines (sum 495 = 45*11, remainder 0)": "9999999999",
    "one off the valid 1234567899": "1234567898",
    "9 digits": "100000001",
    "11 digits": "10000000190",
    "leading zero (sum fits: 1*3 + 7 = 10)": "0000000107",
    "letters": "10000000A9",
    "all letters": "ABCDEFGHIJ",
    "Arabic-Indic digits": "١٠٠٠٠٠٠٠١٩",
    "one Arabic-Indic digit": "١000000019",
    "full-width digits": "１０００００００１９",
    "inner space": "10000 00019",
    "leading space": " 1000000019",
    "trailing newline": "1000000019\n",
    "empty": "",
    "sign": "+100000019",
}


@pytest.mark.parametrize("uln", KNOWN_VALID)
def test_known_valid_ulns_pass_the_rule(uln):
    assert uln_is_valid(uln)
    assert reference_check_digit(uln[:9]) == int(uln[9])


@pytest.mark.parametrize("uln", list(KNOWN_INVALID.values()), ids=list(KNOWN_INVALID))
def test_known_invalid_ulns_fail_the_rule(uln):
    assert not uln_is_valid(uln)


def test_the_builders_valid_ulns_are_valid():
    assert all(uln_is_valid(u) for u in VALID_ULNS), VALID_ULNS


def test_leading_zero_is_refused_even_when_the_sum_fits():
    # 0,0,0,0,0,0,0,1,0,x: weighted sum 3 + x; x = 7 gives 10. Only the leading zero is wrong.
    uln = "0000000107"
    assert sum(int(d) * w for d, w in zip(uln, range(10, 0, -1))) % 11 == 10
    assert not uln_is_valid(uln)


def test_non_strings_are_not_ulns():
    assert not uln_is_valid(1000000019)
    assert not uln_is_valid(None)


@settings(max_examples=200, deadline=None)
@given(first=st.integers(1, 9), rest=st.text("0123456789", min_size=8, max_size=8))
def test_exactly_the_published_check_digit_is_accepted(first, rest):
    prefix = f"{first}{rest}"
    expected = reference_check_digit(prefix)
    accepted = [d for d in "0123456789" if uln_is_valid(prefix + d)]
    assert accepted == ([] if expected is None else [str(expected)])


@pytest.mark.parametrize(
    "uln, why",
    [
        ("1000000018", "check digit does not match"),
        ("9999999999", "check digit does not match"),
        ("100000001", "exactly 10 digits"),
        ("10000000190", "exactly 10 digits"),
        ("10000000A9", "exactly 10 digits"),
        ("١٠٠٠٠٠٠٠١٩", "exactly 10 digits"),
        ("10000 00019", "exactly 10 digits"),
        ("0000000107", "cannot start with 0"),
    ],
)
def test_invalid_uln_is_refused_without_echoing_it(uln, why):
    data = example()
    data["apprentice"]["uln"] = uln
    error = refused(data)
    assert error.field == "apprentice.uln"
    assert why in error.message
    assert str(error).startswith("rec.json: apprentice.uln: ")
    assert uln not in str(error)
    # Nor in pydantic's own error text, for callers that validate the model directly and log it.
    with pytest.raises(ValidationError) as caught:
        MethodRecord.model_validate(data)
    assert uln not in str(caught.value) and uln not in repr(caught.value)


def test_a_refused_record_does_not_echo_the_apprentice_in_pydantic_errors():
    data = example()
    data["apprentice"]["start_date"] = "2026-03-01"  # after the gateway: the whole object fails
    with pytest.raises(ValidationError) as caught:
        MethodRecord.model_validate(data)
    text = str(caught.value)
    assert "gateway_date is before start_date" in text
    assert data["apprentice"]["uln"] not in text and "Priya" not in text


def test_surrounding_white_space_is_trimmed_before_the_check():
    # Every string in a record is stripped (str_strip_whitespace), the ULN included: the record
    # keeps the bare ULN, so the canonical form and hash do not depend on the padding.
    data = example()
    data["apprentice"]["uln"] = " 1000000019\t"
    record, _ = parse_record(data)
    assert record.apprentice.uln == "1000000019"
    assert record.content_hash() == parse_record(example())[0].content_hash()


# --- Canonical JSON and content hash ------------------------------------------------------------


def test_key_order_does_not_change_canonical_json_or_hash():
    a, _ = parse_record(example())
    b, _ = parse_record(reversed_keys(example()))
    assert list(b.judgements) != list(a.judgements)  # really written in another order
    assert a.canonical_json() == b.canonical_json()
    assert a.content_hash() == b.content_hash()


def test_file_layout_does_not_change_the_hash():
    text = PO_EXAMPLE.read_text(encoding="utf-8")
    squeezed = json.dumps(reversed_keys(json.loads(text)), separators=(",", ":"))
    spread = json.dumps(json.loads(text), indent=8, ensure_ascii=True)
    hashes = {
        parse_record(parse_json(t, file="x"))[0].content_hash() for t in (text, squeezed, spread)
    }
    assert len(hashes) == 1


def test_canonical_json_is_sorted_compact_and_complete():
    record, _ = parse_record(example())
    canonical = record.canonical_json()
    data = json.loads(canonical)
    assert canonical == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert data["standard"] == "ST0072" and data["version"] == "1.0"
    assert data["judgements"]["P19"] == "deferred" and data["notes"]["P19"].startswith(
        "No follow-up"
    )
    assert data["evidence"] == {"duration_minutes": 95.0, "qa_minutes": 10.0}


def test_content_hash_is_sha256_of_the_canonical_utf8():
    data = example()
    data["apprentice"]["name"] = "Zoë Ōkubo (synthetic)"
    record, _ = parse_record(data)
    assert "Zoë Ōkubo" in record.canonical_json()  # not \u-escaped
    expected = hashlib.sha256(record.canonical_json().encode("utf-8")).hexdigest()
    assert record.content_hash() == expected
    assert len(expected) == 64


def test_channel_order_does_not_change_the_hash(st0072):
    both = ["face_to_face", "non_face_to_face"]
    j = judgements_for(st0072, "practical_observation", both)
    a = make_record(judgements=j, channels=both)
    b = make_record(judgements=j, channels=list(reversed(both)))
    assert a.channels != b.channels
    assert a.canonical_json() == b.canonical_json()
    assert a.content_hash() == b.content_hash()


def test_a_channel_listed_twice_is_refused():
    data = example()
    data["channels"] = ["face_to_face", "face_to_face"]
    error = refused(data)
    assert error.field == "channels" and "only once" in error.message


def test_equal_numbers_written_differently_hash_the_same():
    a = example()
    b = example()
    b["evidence"]["duration_minutes"] = 95.0
    assert parse_record(a)[0].content_hash() == parse_record(b)[0].content_hash()


def test_defaults_written_out_or_omitted_hash_the_same():
    a = example()
    b = example()
    del b["attempt"]  # default "first"
    a["evidence"] = {}
    del b["evidence"]
    assert parse_record(a)[0].content_hash() == parse_record(b)[0].content_hash()


def _changed(change) -> dict:
    data = example()
    change(data)
    return data


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d["judgements"].update(D5="met"), id="one judgement"),
        pytest.param(lambda d: d["judgements"].update(P1="not_met"), id="one pass judgement"),
        pytest.param(lambda d: d["judgements"].pop("D5"), id="a judgement removed"),
        pytest.param(lambda d: d["notes"].update(P19="Follow-up seen."), id="a note"),
        pytest.param(lambda d: d["notes"].update(P1="Greeted the customer."), id="a note added"),
        pytest.param(lambda d: d.update(assessor="Another Assessor"), id="the assessor"),
        pytest.param(lambda d: d.update(attempt="resit"), id="the attempt"),
        pytest.param(lambda d: d.update(assessed_on="2026-03-03"), id="the date"),
        pytest.param(lambda d: d["evidence"].update(duration_minutes=96), id="an evidence fact"),
        pytest.param(lambda d: d["apprentice"].update(uln="1000000027"), id="the apprentice"),
    ],
)
def test_any_change_to_what_was_recorded_changes_the_hash(change):
    original = parse_record(example())[0]
    edited = parse_record(_changed(change))[0]
    assert edited.canonical_json() != original.canonical_json()
    assert edited.content_hash() != original.content_hash()


def test_the_hash_covers_the_standard_version():
    # The same judgements, valid under both ST0071 versions, recorded under each.
    j = {"P1": "met", "P2": "not_met", "D1": "met"}
    v10 = make_record("ST0071", "1.0", "work_based_project", judgements=j)
    v11 = make_record("ST0071", "1.1", "work_based_project", judgements=j)
    assert '"version":"1.0"' in v10.canonical_json() and '"version":"1.1"' in v11.canonical_json()
    assert '"standard":"ST0071"' in v11.canonical_json()
    assert v10.content_hash() != v11.content_hash()


def test_bind_fills_in_the_latest_version_when_omitted():
    j = {"P1": "met"}
    omitted = MethodRecord.model_validate(
        {
            "standard": "ST0071",
            "method": "work_based_project",
            "assessor": "A. Assessor",
            "apprentice": {"uln": "1000000019", "name": "Ada Example"},
            "judgements": j,
        }
    )
    assert omitted.version is None
    with pytest.raises(ValueError, match="bind the record"):
        omitted.content_hash()
    bound, standard = bind(omitted)
    assert bound.version == standard.version == "1.1"
    explicit = make_record("ST0071", "1.1", "work_based_project", judgements=j)
    assert bound.content_hash() == explicit.content_hash()


def test_an_explicit_older_version_is_kept():
    record = make_record("ST0071", "1.0", "work_based_project", judgements={})
    assert record.version == "1.0"


def test_parse_record_without_version_uses_the_latest():
    data = example()
    del data["version"]
    record, standard = parse_record(data)
    assert record.version == standard.version == "1.0"
    assert record.content_hash() == parse_record(example())[0].content_hash()


# --- Validation against the standard ------------------------------------------------------------


def test_the_examples_are_valid_records():
    for path in EXAMPLE_FILES:
        record, _ = parse_record(json.loads(path.read_text(encoding="utf-8")), file=path.name)
        assert path.name == f"{record.standard.lower()}_{record.method}.json"


@pytest.mark.parametrize(
    "ref", ["P99", "D6", "P0", "p1", "X1", "P1a", "professional_discussion.P1"]
)
def test_unknown_descriptor_id_is_refused(ref):
    data = example()
    data["judgements"][ref] = "met"
    error = refused(data)
    assert error.field == f"judgements.{ref}"
    assert "unknown descriptor" in error.message
    assert "allowed: P1..D5 of practical_observation" in error.message


def test_deferred_is_refused_on_a_non_deferrable_descriptor():
    data = example()
    data["judgements"]["P1"] = "deferred"
    error = refused(data)
    assert error.field == "judgements.P1"
    assert error.message == "P1 cannot be deferred; allowed: met, not_met"


def test_distinction_descriptor_cannot_be_deferred():
    data = example()
    data["judgements"]["D1"] = "deferred"
    assert "D1 cannot be deferred" in refused(data).message


@pytest.mark.parametrize("value", ["met", "not_met"])
def test_deferred_into_judgement_is_accepted_as_met_or_not_met(value):
    data = example("st0072_professional_discussion")
    data["judgements"]["practical_observation.P15"] = value
    record, _ = parse_record(data)
    assert record.judgements["practical_observation.P15"] == value


def test_deferred_into_judgement_cannot_itself_be_deferred():
    data = example("st0072_professional_discussion")
    data["judgements"]["practical_observation.P15"] = "deferred"
    error = refused(data)
    assert error.field == "judgements.practical_observation.P15"
    assert "must be judged here: met or not_met" in error.message


@pytest.mark.parametrize(
    "ref",
    [
        "practical_observation.P1",  # exists, but may not be deferred
        "practical_observation.P21",  # does not exist
        "apprentice_showcase.P15",  # P15 of the showcase is not deferrable
    ],
)
def test_deferred_into_key_must_name_a_descriptor_deferrable_here(ref):
    data = example("st0072_professional_discussion")
    data["judgements"][ref] = "met"
    error = refused(data)
    assert error.field == f"judgements.{ref}" and "unknown descriptor" in error.message


def test_deferred_into_key_is_refused_in_another_method():
    data = example("st0072_apprentice_showcase")
    data["judgements"]["practical_observation.P15"] = "met"
    assert "unknown descriptor" in refused(data).message


def test_observation_without_channels_is_refused():
    data = example()
    del data["channels"]
    error = refused(data)
    assert error.field == "channels"
    assert "allowed: face_to_face, non_face_to_face" in error.message


def test_empty_channel_list_is_refused():
    data = example()
    data["channels"] = []
    assert refused(data).field == "channels"


def test_channels_for_a_method_without_channels_are_refused():
    data = example("st0072_professional_discussion")
    data["channels"] = ["face_to_face"]
    error = refused(data)
    assert error.field == "channels" and "has no channels" in error.message


def test_unknown_channel_is_refused():
    data = example()
    data["channels"] = ["telepathy"]
    error = refused(data)
    assert error.field == "channels[0]"
    assert "'face_to_face' or 'non_face_to_face'" in error.message


def test_descriptor_of_a_channel_not_observed_is_refused():
    data = example()
    data["judgements"]["P7"] = "met"  # non_face_to_face only; the example is face_to_face
    error = refused(data)
    assert error.field == "judgements.P7" and "applies only to non_face_to_face" in error.message


def test_note_for_an_unknown_descriptor_is_refused():
    data = example()
    data["notes"]["P99"] = "Something"
    error = refused(data)
    assert error.field == "notes.P99" and "unknown descriptor" in error.message


def test_note_for_an_unjudged_known_descriptor_is_accepted():
    data = example()
    del data["judgements"]["D5"]
    data["notes"]["D5"] = "Not seen yet."
    assert parse_record(data)[0].notes["D5"] == "Not seen yet."


@pytest.mark.parametrize("value", ["maybe", "Met", "MET", "", None, True, 1])
def test_judgement_value_outside_met_not_met_deferred_is_refused(value):
    data = example()
    data["judgements"]["P1"] = value
    error = refused(data)
    assert error.field == "judgements.P1"
    assert "'met', 'not_met' or 'deferred'" in error.message


@pytest.mark.parametrize(
    "field, value",
    [
        ("standard", "ST9999"),
        ("standard", "st0072"),
        ("version", "9.9"),
        ("version", "1"),
        ("method", "work_based_project"),
        ("method", "interview"),
        ("attempt", "third"),
    ],
)
def test_unknown_standard_version_method_or_attempt_is_refused(field, value):
    data = example()
    data[field] = value
    error = refused(data)
    assert error.field == field
    assert str(error).startswith(f"rec.json: {field}: ")


# --- Dates, evidence and unknown fields ---------------------------------------------------------


def test_gateway_before_start_is_refused():
    data = example()
    data["apprentice"]["start_date"] = "2026-02-03"
    data["apprentice"]["gateway_date"] = "2026-02-02"
    error = refused(data)
    assert error.field == "apprentice"
    assert error.message == "gateway_date is before start_date"


def test_gateway_on_the_start_date_is_accepted():
    data = example()
    data["apprentice"]["start_date"] = data["apprentice"]["gateway_date"] = "2026-02-02"
    parse_record(data)


@pytest.mark.parametrize("value", ["2026-02-30", "02/03/2026", "yesterday", 20260302])
def test_impossible_or_misspelt_date_is_refused(value):
    data = example()
    data["assessed_on"] = value
    assert refused(data).field == "assessed_on"


@pytest.mark.parametrize(
    "fact, value",
    [
        ("duration_minutes", -1),
        ("duration_minutes", -0.5),
        ("qa_minutes", -10),
        ("word_count", -1),
        ("slides", -3),
        ("portfolio_items", -1),
        ("questions_asked", -1),
    ],
)
def test_negative_evidence_is_refused(fact, value):
    data = example()
    data["evidence"][fact] = value
    error = refused(data)
    assert error.field == f"evidence.{fact}"
    assert "greater than or equal to 0" in error.message


@pytest.mark.parametrize(
    "fact, value",
    [
        ("duration_minutes", "ninety"),
        ("duration_minutes", "95"),  # a number written as text
        ("duration_minutes", True),  # JSON true is not 1 minute
        ("duration_minutes", [95]),
        ("duration_minutes", {"value": 95}),
        ("qa_minutes", False),
        ("word_count", 2650.5),
        ("word_count", "2650"),
        ("word_count", True),
        ("slides", 12.0),  # a count is a whole number
        ("questions_asked", "ten"),
    ],
)
def test_evidence_of_the_wrong_type_is_refused(fact, value):
    data = example()
    data["evidence"][fact] = value
    error = refused(data)
    assert error.field == f"evidence.{fact}"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 24 * 60 + 1])
def test_evidence_that_is_not_a_finite_plausible_number_is_refused(value):
    data = example()
    data["evidence"]["duration_minutes"] = value
    assert refused(data).field == "evidence.duration_minutes"


@pytest.mark.parametrize(
    "where, key",
    [
        ((), "grade"),
        ((), "Standard"),
        (("apprentice",), "date_of_birth"),
        (("evidence",), "mood"),
        (("evidence",), "durationMinutes"),
    ],
)
def test_unknown_fields_are_refused(where, key):
    data = example()
    target = data
    for part in where:
        target = target[part]
    target[key] = "x"
    error = refused(data)
    assert error.field == ".".join((*where, key))
    assert error.message.startswith("unknown field")


@pytest.mark.parametrize("field", ["standard", "method", "apprentice", "assessor"])
def test_required_fields_are_required(field):
    data = example()
    del data[field]
    error = refused(data)
    assert error.field == field and error.message == "required field is missing"


def test_apprentice_needs_uln_and_name():
    for key in ("uln", "name"):
        data = example()
        del data["apprentice"][key]
        assert refused(data).field == f"apprentice.{key}"


def test_a_record_must_be_an_object():
    for data in ([], "record", None, 3):
        with pytest.raises(InputError, match="expected a JSON object"):
            parse_record(data, file="rec.json")


def test_a_record_cannot_be_changed_after_validation():
    record, _ = parse_record(example())
    with pytest.raises(ValidationError):
        record.assessor = "Someone Else"


# --- The JSON Schema ----------------------------------------------------------------------------


def test_record_schema_is_valid_draft_2020_12():
    schema = record_json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_record_schema_accepts_the_examples(path):
    validator = Draft202012Validator(record_json_schema())
    errors = list(validator.iter_errors(json.loads(path.read_text(encoding="utf-8"))))
    assert errors == []


def test_there_are_examples_to_check():
    names = {p.name for p in EXAMPLE_FILES}
    assert {
        "st0072_apprentice_showcase.json",
        "st0072_practical_observation.json",
        "st0072_professional_discussion.json",
    } <= names


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d.update(attempt="third"), id="attempt"),
        pytest.param(lambda d: d["judgements"].update(P1="maybe"), id="judgement value"),
        pytest.param(lambda d: d.update(grade="Pass"), id="unknown field"),
        pytest.param(lambda d: d["evidence"].update(duration_minutes=-1), id="negative evidence"),
        pytest.param(lambda d: d["evidence"].update(duration_minutes="95"), id="evidence as text"),
        pytest.param(lambda d: d.pop("assessor"), id="missing assessor"),
        pytest.param(lambda d: d.update(method="interview"), id="method"),
    ],
)
def test_record_schema_refuses_what_the_kit_refuses(change):
    data = copy.deepcopy(example())
    change(data)
    assert list(Draft202012Validator(record_json_schema()).iter_errors(data))
    with pytest.raises(InputError):
        parse_record(data)
