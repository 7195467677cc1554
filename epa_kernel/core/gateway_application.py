"""A gateway application: what a training provider submits for one apprentice, validated and
bound to the standard version it names.

The application holds evidence (time on programme, English and maths, the signed declaration,
the portfolio and project synopsis where the standard asks for them); whether it is enough is
decided by :func:`epa_kernel.core.gateway.check_gateway`. Contradictions that no rule could
weigh (a gateway date before the start date, two answers about the same EHC plan) are refused
here as mistakes to fix. Booleans are strict: a declaration or plan is a fact, and ``"no"`` must
not be read as anything but an error.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, ValidationInfo, field_validator

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.model import PersonalDataModel, validate_input
from epa_kernel.core.records import Apprentice
from epa_kernel.core.spec import Standard
from epa_kernel.core.values import StandardCode, VersionNumber
from epa_kernel.errors import InputError

Level = Literal["Entry Level 1", "Entry Level 2", "Entry Level 3", "Level 1", "Level 2", "Level 3"]
# Lowest first: a qualification at a level meets every requirement at or below it.
LEVELS: tuple[str, ...] = (
    "Entry Level 1",
    "Entry Level 2",
    "Entry Level 3",
    "Level 1",
    "Level 2",
    "Level 3",
)

EHC = "an education, health and care plan or legacy statement"


class GatewayApprentice(Apprentice):
    """The apprentice as in a method record, but the start date is required: time on programme
    is counted from it, so gateway cannot be decided without it."""

    start_date: date


class EnglishEvidence(PersonalDataModel):
    """The apprentice's English qualification.

    ``ehc_plan``: the apprentice has an education, health and care plan or a legacy statement,
    which lowers the minimum where the standard sets ``ehc_plan_level``. ``bsl``: the evidence is
    a British Sign Language qualification (for apprentices whose primary language it is), which
    counts in place of English only where the standard allows it. Booleans are strict: a
    declaration or plan is a fact, and ``"no"`` must not be read as anything but an error.
    """

    level: Level
    ehc_plan: StrictBool = False
    bsl: StrictBool = False


class MathsEvidence(PersonalDataModel):
    """The apprentice's maths qualification; ``ehc_plan`` as for English."""

    level: Level
    ehc_plan: StrictBool = False


class GatewayApplication(PersonalDataModel):
    """What a provider submits at gateway for one apprentice."""

    standard: StandardCode
    version: VersionNumber | None = None
    apprentice: GatewayApprentice
    gateway_date: date
    english: EnglishEvidence
    maths: MathsEvidence
    declaration_signed: StrictBool
    # Strict: a count only. Lax mode would read JSON true as 1 item and "12" as 12.
    portfolio_items: Annotated[int, Field(ge=0, le=10_000, strict=True)] | None = None
    project_synopsis: StrictBool | None = None

    @field_validator("gateway_date")
    @classmethod
    def _after_start(cls, value: date, info: ValidationInfo) -> date:
        # Checked here rather than as a failed rule: an apprentice cannot reach gateway before
        # starting, so such an application is a typing mistake to fix, not a reason to wait.
        apprentice = info.data.get("apprentice")
        if apprentice is None:
            return value
        if value < apprentice.start_date:
            raise ValueError(
                f"gateway_date {value} is before the apprentice's start_date "
                f"{apprentice.start_date}"
            )
        if apprentice.gateway_date is not None and apprentice.gateway_date != value:
            raise ValueError(
                f"gateway_date {value} differs from apprentice.gateway_date "
                f"{apprentice.gateway_date}; give one date (or the same in both)"
            )
        return value

    @field_validator("maths")
    @classmethod
    def _one_ehc_answer(cls, value: MathsEvidence, info: ValidationInfo) -> MathsEvidence:
        # An EHC plan or legacy statement belongs to the apprentice, and the documents lower the
        # English *and* maths minimum for its holder; two different answers cannot both be true.
        english = info.data.get("english")
        if english is not None and english.ehc_plan != value.ehc_plan:
            raise ValueError(
                f"maths.ehc_plan is {str(value.ehc_plan).lower()} but "
                f"english.ehc_plan is {str(english.ehc_plan).lower()}; {EHC} "
                "belongs to the apprentice, so both must agree"
            )
        return value


def parse_application(
    data: Any, *, file: str = "<application>"
) -> tuple[GatewayApplication, Standard]:
    """Validate raw JSON data as a gateway application and bind it to its standard version
    (the latest when ``version`` is omitted, then filled in); errors name ``file``."""
    application = validate_input(GatewayApplication, data, file=file, what="a gateway application")
    try:
        standard = get_standard(application.standard, application.version)
    except InputError as exc:
        raise exc.in_file(file) from None
    if application.version is None:
        application = application.model_copy(update={"version": standard.version})
    return application, standard
