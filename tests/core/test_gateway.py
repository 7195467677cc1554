"""Gateway eligibility: each rule at and either side of its boundary, read from the standards'
own gateway data; impossible dates and unknown levels refused as input errors; and messages
that say what is missing without naming the apprentice."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import ValidationError

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.gateway import add_months, check_gateway
from epa_kernel.core.gateway_application import LEVELS, GatewayApplication, parse_application
from epa_kernel.errors import InputError
from epa_kernel.files import read_json
from helpers import ROOT

TODAY = date(2026, 6, 1)
NAME = "Zebedee Quill (synthetic)"
ULN = "1000000019"

# An application that meets every rule of its standard, changed one field at a time below.
ELIGIBLE = {
    "ST0072": {"start": "2025-01-06", "gateway": "2026-01-06", "level": "Level 1"},
    "ST0071": {"start": "2025-01-06", "gateway": "2026-01-07", "level": "Level 2"},
}


def application(
    standard="ST0072", *, start=None, gateway=None, english=None, maths=None, **overrides
) -> dict:
    base = ELIGIBLE[standard]
    data = {
        "standard": standard,
        "apprentice": {
            "uln": ULN,
            "name": NAME,
            "provider": "Northwind Training (synthetic)",
            "start_date": start or base["start"],
        },
        "gateway_date": gateway or base["gateway"],
        "english": english or {"level": base["level"]},
        "maths": maths or {"level": base["level"]},
        "declaration_signed": True,
    }
    if standard == "ST0071":
        data.update(portfolio_items=12, project_synopsis=True)
    data.update(overrides)
    return data


def outcome(data, today=TODAY, standard=None):
    parsed, bound = parse_application(data, file="app.json")
    return check_gateway(standard or bound, parsed, today)


def check(result, rule):
    return next(c for c in result.checks if c.rule == rule)


def with_gateway(standard, **changes):
    """``standard`` with its gateway rules changed: the numbers are data, not code."""
    gateway = standard.gateway.model_copy(update=changes)
    return standard.model_copy(update={"gateway": gateway})


# --- the baseline ----------------------------------------------------------------------------


@pytest.mark.parametrize("standard", ["ST0072", "ST0071"])
def test_a_complete_application_is_eligible(standard):
    result = outcome(application(standard))
    assert result.eligible
    assert result.missing == ()
    assert all(c.passed for c in result.checks)


def test_st0072_checks_four_rules_and_no_portfolio_or_synopsis():
    # ST0072's gateway has no portfolio or synopsis rule; giving them changes nothing.
    result = outcome(application("ST0072", portfolio_items=0, project_synopsis=False))
    assert [c.rule for c in result.checks] == [
        "Time on programme",
        "English",
        "Maths",
        "Declaration",
    ]
    assert result.eligible and result.standard == "ST0072 v1.0"


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_st0071_checks_six_rules_in_both_versions(version):
    result = outcome(application("ST0071", version=version))
    assert [c.rule for c in result.checks] == [
        "Time on programme",
        "English",
        "Maths",
        "Declaration",
        "Portfolio",
        "Project synopsis",
    ]
    assert result.eligible and result.standard == f"ST0071 v{version}"


def test_version_defaults_to_the_latest_and_is_filled_in():
    parsed, standard = parse_application(application("ST0071"), file="app.json")
    assert parsed.version == standard.version == "1.1"


# --- time on programme ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "gateway, eligible", [("2026-01-05", False), ("2026-01-06", True), ("2026-01-07", True)]
)
def test_st0072_twelve_calendar_months(gateway, eligible):
    result = outcome(application("ST0072", start="2025-01-06", gateway=gateway))
    assert check(result, "Time on programme").passed is eligible
    assert result.eligible is eligible


def test_st0072_short_time_says_when_twelve_months_are_reached():
    result = outcome(application("ST0072", start="2025-01-06", gateway="2025-12-20"))
    assert result.missing == (
        "Time on programme: 11 months and 14 days from 2025-01-06 to "
        "2025-12-20; at least 12 months needed, reached on 2026-01-06 "
        "(17 more days)",
    )


@pytest.mark.parametrize(
    "start, before, due",
    [
        ("2025-01-31", "2026-01-30", "2026-01-31"),  # same day a year on
        ("2024-02-29", "2025-02-27", "2025-02-28"),  # no 29 February: the month's last day
        ("2023-02-28", "2024-02-27", "2024-02-28"),  # not pushed to the leap day
    ],
)
def test_st0072_months_at_month_ends(start, before, due):
    assert not check(
        outcome(application("ST0072", start=start, gateway=before)), "Time on programme"
    ).passed
    ok = check(outcome(application("ST0072", start=start, gateway=due)), "Time on programme")
    assert ok.passed and f"reached on {due}" in ok.detail


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2025, 1, 31), 12, date(2026, 1, 31)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 3, 15), 0, date(2025, 3, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    "gateway, days, eligible",
    [("2026-01-06", 365, False), ("2026-01-07", 366, True), ("2026-01-08", 367, True)],
)
def test_st0071_366_days(gateway, days, eligible):
    result = outcome(application("ST0071", start="2025-01-06", gateway=gateway))
    time = check(result, "Time on programme")
    assert time.passed is eligible
    assert time.detail.startswith(f"{days} days from 2025-01-06 to {gateway}")


def test_st0071_days_not_months_twelve_months_can_be_one_day_short():
    # 12 calendar months from 2025-01-06 is 365 days; ST0071 asks for 366.
    result = outcome(application("ST0071", start="2025-01-06", gateway="2026-01-06"))
    assert result.missing == (
        "Time on programme: 365 days from 2025-01-06 to 2026-01-06; "
        "at least 366 days needed (1 more)",
    )


def test_st0071_days_across_a_leap_day():
    assert outcome(application("ST0071", start="2023-03-01", gateway="2024-03-01")).eligible
    assert not outcome(application("ST0071", start="2023-03-01", gateway="2024-02-29")).eligible


def test_the_brief_example_message():
    result = outcome(application("ST0071", start="2025-01-06", gateway="2025-11-02"))
    assert result.missing == (
        "Time on programme: 300 days from 2025-01-06 to 2025-11-02; "
        "at least 366 days needed (66 more)",
    )


# --- English and maths ------------------------------------------------------------------------

SUBJECT_CASES = [
    # standard, held, ehc_plan, passed
    ("ST0072", "Entry Level 3", False, False),
    ("ST0072", "Level 1", False, True),
    ("ST0072", "Level 2", False, True),
    ("ST0072", "Entry Level 2", True, False),
    ("ST0072", "Entry Level 3", True, True),
    ("ST0072", "Level 1", True, True),
    ("ST0071", "Level 1", False, False),
    ("ST0071", "Level 2", False, True),
    ("ST0071", "Level 3", False, True),
    ("ST0071", "Entry Level 2", True, False),
    ("ST0071", "Entry Level 3", True, True),
    ("ST0071", "Level 1", True, True),
]


@pytest.mark.parametrize("standard, held, ehc, passed", SUBJECT_CASES)
def test_english_level(standard, held, ehc, passed):
    data = application(
        standard,
        english={"level": held, "ehc_plan": ehc},
        maths={"level": "Level 3", "ehc_plan": ehc},
    )
    result = outcome(data)
    assert check(result, "English").passed is passed
    assert result.eligible is passed


@pytest.mark.parametrize("standard, held, ehc, passed", SUBJECT_CASES)
def test_maths_level(standard, held, ehc, passed):
    data = application(
        standard,
        english={"level": "Level 3", "ehc_plan": ehc},
        maths={"level": held, "ehc_plan": ehc},
    )
    result = outcome(data)
    assert check(result, "Maths").passed is passed
    assert result.eligible is passed


def test_level_messages_say_what_is_held_and_needed():
    result = outcome(
        application("ST0071", english={"level": "Level 1"}, maths={"level": "Entry Level 3"})
    )
    assert result.missing == (
        "English: Level 1 held; Level 2 or above needed",
        "Maths: Entry Level 3 held; Level 2 or above needed",
    )


def test_ehc_plan_message_names_the_lower_minimum_and_the_usual_one():
    result = outcome(
        application(
            "ST0072",
            english={"level": "Entry Level 2", "ehc_plan": True},
            maths={"level": "Entry Level 3", "ehc_plan": True},
        )
    )
    assert result.missing == (
        "English: Entry Level 2 held; Entry Level 3 or above needed (the minimum with an "
        "education, health and care plan or legacy statement; Level 1 otherwise)",
    )


def test_ehc_plan_without_a_lower_level_in_the_standard_keeps_the_usual_minimum(st0072):
    plain = with_gateway(
        st0072, english=st0072.gateway.english.model_copy(update={"ehc_plan_level": None})
    )
    data = application(
        "ST0072",
        english={"level": "Entry Level 3", "ehc_plan": True},
        maths={"level": "Entry Level 3", "ehc_plan": True},
    )
    result = outcome(data, standard=plain)
    assert not check(result, "English").passed and check(result, "Maths").passed
    assert "sets no lower minimum" in check(result, "English").detail


def test_ehc_plan_must_be_the_same_for_english_and_maths():
    data = application(
        "ST0072",
        english={"level": "Entry Level 3", "ehc_plan": True},
        maths={"level": "Entry Level 3"},
    )
    with pytest.raises(InputError) as err:
        parse_application(data, file="app.json")
    assert err.value.file == "app.json" and err.value.field == "maths"
    assert "both must agree" in err.value.message


@pytest.mark.parametrize(
    "standard, held, ehc, passed",
    [
        ("ST0072", "Entry Level 3", False, False),
        ("ST0072", "Level 1", False, True),
        ("ST0072", "Entry Level 2", True, False),
        ("ST0072", "Entry Level 3", True, True),
        ("ST0071", "Level 1", False, False),
        ("ST0071", "Level 2", False, True),
        ("ST0071", "Entry Level 2", True, False),
        ("ST0071", "Entry Level 3", True, True),
    ],
)
def test_bsl_counts_in_place_of_english_at_the_same_level(standard, held, ehc, passed):
    data = application(
        standard,
        english={"level": held, "ehc_plan": ehc, "bsl": True},
        maths={"level": "Level 3", "ehc_plan": ehc},
    )
    english = check(outcome(data), "English")
    assert english.passed is passed
    assert "British Sign Language, in place of English" in english.detail


@pytest.mark.parametrize("standard", ["ST0072", "ST0071"])
def test_bsl_refused_where_the_standard_does_not_allow_it(standard):
    std = get_standard(standard)
    no_bsl = with_gateway(
        std, english=std.gateway.english.model_copy(update={"bsl_alternative": False})
    )
    data = application(standard, english={"level": "Level 3", "bsl": True})
    result = outcome(data, standard=no_bsl)
    assert not result.eligible
    assert result.missing[0].startswith(
        "English: a British Sign Language qualification is not accepted in place of English"
    )
    # The same level as an English qualification passes.
    assert outcome(application(standard, english={"level": "Level 3"}), standard=no_bsl).eligible


def test_maths_has_no_bsl_field():
    with pytest.raises(InputError) as err:
        parse_application(
            application("ST0072", maths={"level": "Level 1", "bsl": True}), file="app.json"
        )
    assert err.value.field == "maths.bsl" and "unknown field" in err.value.message


@pytest.mark.parametrize(
    "subject, level",
    [
        ("english", "Level 4"),
        ("maths", "level 2"),
        ("english", "GCSE grade 4"),
        ("maths", "Entry level 3"),
        ("english", ""),
    ],
)
def test_unknown_level_is_an_input_error_naming_the_allowed_levels(subject, level):
    data = application("ST0072", **{subject: {"level": level}})
    with pytest.raises(InputError) as err:
        parse_application(data, file="app.json")
    assert err.value.file == "app.json" and err.value.field == f"{subject}.level"
    for allowed in LEVELS:
        assert f"'{allowed}'" in err.value.message


def test_a_standard_with_a_level_outside_the_vocabulary_is_named(st0072):
    odd = with_gateway(st0072, maths=st0072.gateway.maths.model_copy(update={"level": "GCSE 4"}))
    parsed, _ = parse_application(application("ST0072"), file="app.json")
    with pytest.raises(InputError) as err:
        check_gateway(odd, parsed, TODAY)
    assert err.value.field == "gateway.maths.level" and "Entry Level 1" in err.value.message


# --- declaration ------------------------------------------------------------------------------


@pytest.mark.parametrize("standard", ["ST0072", "ST0071"])
@pytest.mark.parametrize("signed", [True, False])
def test_declaration(standard, signed):
    result = outcome(application(standard, declaration_signed=signed))
    assert check(result, "Declaration").passed is signed
    assert result.eligible is signed
    if not signed:
        assert result.missing == (
            "Declaration: not signed; a signed gateway declaration is needed",
        )


@pytest.mark.parametrize("value", ["yes", "true", 1, None])
def test_declaration_must_be_a_json_boolean(value):
    with pytest.raises(InputError) as err:
        parse_application(application("ST0072", declaration_signed=value), file="app.json")
    assert err.value.field == "declaration_signed"


def test_declaration_is_required():
    data = application("ST0072")
    del data["declaration_signed"]
    with pytest.raises(InputError) as err:
        parse_application(data, file="app.json")
    assert err.value.field == "declaration_signed"
    assert err.value.message == "required field is missing"


# --- ST0071 portfolio and synopsis ------------------------------------------------------------


@pytest.mark.parametrize(
    "items, passed, tail",
    [
        (0, False, "0 items; 10 to 15 items needed (10 more)"),
        (9, False, "9 items; 10 to 15 items needed (1 more)"),
        (10, True, "10 items; 10 to 15 items needed"),
        (11, True, "11 items; 10 to 15 items needed"),
        (14, True, "14 items; 10 to 15 items needed"),
        (15, True, "15 items; 10 to 15 items needed"),
        (16, False, "16 items; 10 to 15 items needed (1 too many)"),
    ],
)
def test_st0071_portfolio_10_to_15(items, passed, tail):
    result = outcome(application("ST0071", portfolio_items=items))
    portfolio = check(result, "Portfolio")
    assert portfolio.passed is passed and portfolio.detail == tail
    assert result.eligible is passed


def test_st0071_portfolio_not_given():
    data = application("ST0071")
    del data["portfolio_items"]
    result = outcome(data)
    assert result.missing == ("Portfolio: number of items not given; 10 to 15 items needed",)


@pytest.mark.parametrize("value", [-1, True, "12", 12.5])
def test_portfolio_must_be_a_whole_non_negative_count(value):
    with pytest.raises(InputError) as err:
        parse_application(application("ST0071", portfolio_items=value), file="app.json")
    assert err.value.field == "portfolio_items"


def test_validation_errors_do_not_print_the_apprentice():
    data = application("ST0072", english={"level": "Level 9"})
    with pytest.raises(ValidationError) as err:
        GatewayApplication.model_validate(data)
    assert NAME not in str(err.value) and ULN not in str(err.value)


@pytest.mark.parametrize(
    "ready, passed, detail",
    [
        (True, True, "ready to submit"),
        (False, False, "not ready; a project synopsis ready to submit is needed"),
        (None, False, "not given; a project synopsis ready to submit is needed"),
    ],
)
def test_st0071_project_synopsis(ready, passed, detail):
    data = application("ST0071")
    if ready is None:
        del data["project_synopsis"]
    else:
        data["project_synopsis"] = ready
    synopsis = check(outcome(data), "Project synopsis")
    assert synopsis.passed is passed and synopsis.detail == detail


def test_rules_come_from_the_standard_data(st0071):
    # Change the numbers in the data and the verdict follows; nothing is hard-coded.
    stricter = with_gateway(
        st0071,
        min_time_on_programme=st0071.gateway.min_time_on_programme.model_copy(update={"days": 400}),
        portfolio=st0071.gateway.portfolio.model_copy(update={"min_items": 12, "max_items": 12}),
    )
    result = outcome(application("ST0071", portfolio_items=11), standard=stricter)
    assert result.missing == (
        "Time on programme: 366 days from 2025-01-06 to 2026-01-07; at least 400 days needed "
        "(34 more)",
        "Portfolio: 11 items; exactly 12 items needed (1 more)",
    )
    no_rules = with_gateway(st0071, portfolio=None, project_synopsis=False, declaration=False)
    relaxed = outcome(
        application("ST0071", declaration_signed=False, portfolio_items=0, project_synopsis=False),
        standard=no_rules,
    )
    assert relaxed.eligible and [c.rule for c in relaxed.checks] == [
        "Time on programme",
        "English",
        "Maths",
    ]


# --- several things missing at once -----------------------------------------------------------


def test_everything_missing_is_listed_in_rule_order():
    data = application(
        "ST0071",
        start="2025-01-06",
        gateway="2025-11-02",
        english={"level": "Entry Level 3"},
        maths={"level": "Level 1"},
        declaration_signed=False,
        portfolio_items=7,
        project_synopsis=False,
    )
    result = outcome(data)
    assert not result.eligible
    assert not any(c.passed for c in result.checks)
    assert result.missing == (
        "Time on programme: 300 days from 2025-01-06 to 2025-11-02; at least 366 days needed "
        "(66 more)",
        "English: Entry Level 3 held; Level 2 or above needed",
        "Maths: Level 1 held; Level 2 or above needed",
        "Declaration: not signed; a signed gateway declaration is needed",
        "Portfolio: 7 items; 10 to 15 items needed (3 more)",
        "Project synopsis: not ready; a project synopsis ready to submit is needed",
    )


def test_some_missing_lists_only_those():
    data = application("ST0072", gateway="2025-12-01", maths={"level": "Entry Level 1"})
    result = outcome(data)
    assert [m.split(":")[0] for m in result.missing] == ["Time on programme", "Maths"]
    assert [c.passed for c in result.checks] == [False, True, False, True]


# --- impossible dates -------------------------------------------------------------------------


def test_gateway_before_start_is_an_input_error():
    data = application("ST0072", start="2025-03-01", gateway="2025-02-28")
    with pytest.raises(InputError) as err:
        parse_application(data, file="app.json")
    assert err.value.file == "app.json" and err.value.field == "gateway_date"
    assert "before the apprentice's start_date" in err.value.message


def test_gateway_on_the_start_day_is_possible_but_not_eligible():
    result = outcome(application("ST0072", start="2025-03-01", gateway="2025-03-01"))
    assert not result.eligible and "0 months from 2025-03-01" in result.missing[0]


def test_start_after_today_is_an_input_error():
    data = application("ST0072", start="2026-06-02", gateway="2026-06-03")
    parsed, standard = parse_application(data, file="app.json")
    with pytest.raises(InputError) as err:
        check_gateway(standard, parsed, TODAY)
    assert err.value.field == "apprentice.start_date" and "after today" in err.value.message


def test_gateway_after_today_is_an_input_error():
    data = application("ST0072", start="2025-01-06", gateway="2026-06-02")
    parsed, standard = parse_application(data, file="app.json")
    with pytest.raises(InputError) as err:
        check_gateway(standard, parsed, TODAY)
    assert err.value.field == "gateway_date" and "after today" in err.value.message


def test_gateway_today_is_allowed():
    assert outcome(application("ST0072", gateway="2026-06-01")).eligible


def test_start_date_is_required_at_gateway():
    data = application("ST0072")
    del data["apprentice"]["start_date"]
    with pytest.raises(InputError) as err:
        parse_application(data, file="app.json")
    assert err.value.field == "apprentice.start_date"


def test_apprentice_gateway_date_must_agree():
    data = application("ST0072")
    data["apprentice"]["gateway_date"] = "2026-02-01"
    with pytest.raises(InputError) as err:
        parse_application(data, file="app.json")
    assert err.value.field == "gateway_date" and "differs" in err.value.message
    data["apprentice"]["gateway_date"] = data["gateway_date"]
    assert outcome(data).eligible


@pytest.mark.parametrize("value", ["2025-02-30", "06/01/2025", "soon"])
def test_dates_that_do_not_exist_are_input_errors(value):
    with pytest.raises(InputError) as err:
        parse_application(application("ST0072", gateway_date=value), file="app.json")
    assert err.value.field == "gateway_date"


# --- binding and shape ------------------------------------------------------------------------


def test_unknown_standard_and_version_name_the_file():
    with pytest.raises(InputError) as err:
        parse_application({**application("ST0072"), "standard": "ST0999"}, file="app.json")
    assert (err.value.file, err.value.field) == ("app.json", "standard")
    with pytest.raises(InputError) as err:
        parse_application(application("ST0072", version="9.9"), file="app.json")
    assert (err.value.file, err.value.field) == ("app.json", "version")


def test_checking_against_another_standard_is_refused():
    parsed, _ = parse_application(application("ST0072"), file="app.json")
    with pytest.raises(InputError) as err:
        check_gateway(get_standard("ST0071"), parsed, TODAY)
    assert err.value.field == "standard"
    parsed, _ = parse_application(application("ST0071", version="1.0"), file="app.json")
    with pytest.raises(InputError) as err:
        check_gateway(get_standard("ST0071", "1.1"), parsed, TODAY)
    assert err.value.field == "version"


@pytest.mark.parametrize("data", [[], "x", None, 3])
def test_not_an_object_is_an_input_error(data):
    with pytest.raises(InputError) as err:
        parse_application(data, file="app.json")
    assert err.value.file == "app.json"


def test_unknown_fields_are_refused():
    with pytest.raises(InputError) as err:
        parse_application(application("ST0072", employer_ok=True), file="app.json")
    assert err.value.field == "employer_ok" and "unknown field" in err.value.message


def test_invalid_uln_is_refused_without_echoing_it():
    data = application("ST0072")
    data["apprentice"]["uln"] = "1000000018"
    with pytest.raises(InputError) as err:
        parse_application(data, file="app.json")
    assert err.value.field == "apprentice.uln" and "1000000018" not in str(err.value)


def test_application_and_outcome_are_frozen():
    parsed, standard = parse_application(application("ST0072"), file="app.json")
    result = check_gateway(standard, parsed, TODAY)
    with pytest.raises(ValidationError):
        parsed.declaration_signed = False
    with pytest.raises(ValidationError):
        result.eligible = False
    assert isinstance(parsed, GatewayApplication)
    assert json.loads(result.model_dump_json())["checks"][0]["rule"] == "Time on programme"


# --- privacy ----------------------------------------------------------------------------------

FAILING = [
    application(
        "ST0071",
        start="2025-01-06",
        gateway="2025-11-02",
        english={"level": "Entry Level 1", "bsl": True},
        maths={"level": "Level 1"},
        declaration_signed=False,
        portfolio_items=3,
        project_synopsis=False,
    ),
    application(
        "ST0071",
        english={"level": "Entry Level 2", "ehc_plan": True},
        maths={"level": "Entry Level 1", "ehc_plan": True},
        portfolio_items=40,
    ),
    application(
        "ST0072",
        gateway="2025-06-30",
        english={"level": "Entry Level 1"},
        maths={"level": "Entry Level 2"},
        declaration_signed=False,
    ),
]


@pytest.mark.parametrize("data", FAILING)
def test_messages_never_contain_the_name_or_uln(data):
    result = outcome(data)
    assert result.missing
    text = result.model_dump_json()
    for secret in (ULN, NAME, "Zebedee", "Quill", "Northwind"):
        assert secret not in text
        assert all(secret not in m for m in result.missing)


# --- the example files ------------------------------------------------------------------------


def test_example_st0072_is_eligible():
    path = ROOT / "examples" / "gateway" / "st0072.json"
    parsed, standard = parse_application(read_json(path), file=str(path))
    result = check_gateway(standard, parsed, TODAY)
    assert result.eligible and result.standard == "ST0072 v1.0"
    assert "(synthetic)" in parsed.apprentice.name


def test_example_st0071_lacks_portfolio_and_synopsis():
    path = ROOT / "examples" / "gateway" / "st0071.json"
    parsed, standard = parse_application(read_json(path), file=str(path))
    result = check_gateway(standard, parsed, TODAY)
    assert not result.eligible
    assert [m.split(":")[0] for m in result.missing] == ["Portfolio", "Project synopsis"]
    assert "(synthetic)" in parsed.apprentice.name
