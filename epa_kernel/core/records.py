"""What an assessor records for one apprentice and one assessment method.

A :class:`MethodRecord` is validated twice: on its own shape (types, the ULN's check digit, dates)
and against the standard version it names (the method exists, every descriptor id is the
method's, "deferred" only where the standard allows it, channels given where the method has
them). A record that passes both can be graded without further checks.

Records are evidence, so each has a canonical JSON form (sorted keys, no insignificant white
space, the standard version filled in) and a SHA-256 content hash over it: the same judgements
give the same hash however the file was written, and any change to them changes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, field_validator, model_validator

from epa_kernel.core.catalogue import get_standard, method_of
from epa_kernel.core.method_spec import split_criterion_ref
from epa_kernel.core.model import PersonalDataModel, validate_input
from epa_kernel.core.spec import Standard
from epa_kernel.core.uln import check_uln
from epa_kernel.core.values import Attempt, Channel, MethodId, StandardCode, VersionNumber
from epa_kernel.core.vocabulary import attempt_key
from epa_kernel.errors import InputError
from epa_kernel.files import read_json

Judgement = Literal["met", "not_met", "deferred"]
JUDGEMENTS: tuple[str, ...] = ("met", "not_met", "deferred")


def _control_characters(text: str, allowed: str = "") -> list[str]:
    return [c for c in text if (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0) and c not in allowed]


def _check_name(text: str) -> str:
    # A NUL is refused by PostgreSQL text columns, an escape sequence rewrites a terminal, and
    # neither can be shown in a record: refused here, before anything is stored or printed.
    found = _control_characters(text)
    if found:
        raise ValueError(f"a name cannot contain control characters (found U+{ord(found[0]):04X})")
    return text


def _check_note(text: str) -> str:
    found = _control_characters(text, allowed="\t\n\r")
    if found:
        raise ValueError(
            "a note can contain line breaks and tabs but no other control "
            f"characters (found U+{ord(found[0]):04X})"
        )
    return text


Uln = Annotated[str, AfterValidator(check_uln)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_check_name)]
Note = Annotated[str, Field(max_length=10_000), AfterValidator(_check_note)]


class Apprentice(PersonalDataModel):
    """Who is assessed. ``family_name``: as the learner record (ILR) holds it, which the service
    matches and a full name cannot tell ("van der Berg"); ``course_option``: the standard's option
    they follow, when it has options. The kit never guesses either (:mod:`epa_kernel.submit`)."""

    uln: Uln
    name: Name
    family_name: Name | None = None
    course_option: Name | None = None
    provider: Name | None = None
    employer: Name | None = None
    start_date: date | None = None
    gateway_date: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.start_date and self.gateway_date and self.gateway_date < self.start_date:
            raise ValueError("gateway_date is before start_date")
        return self


class EvidenceFacts(PersonalDataModel):
    """Facts about how the assessment ran, checked against the standard's limits."""

    # Strict: numbers only. Lax mode would read JSON true as 1 and "95" as 95.
    model_config = ConfigDict(strict=True)

    duration_minutes: Annotated[float, Field(ge=0, le=24 * 60)] | None = None
    qa_minutes: Annotated[float, Field(ge=0, le=24 * 60)] | None = None
    word_count: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    slides: Annotated[int, Field(ge=0, le=10_000)] | None = None
    portfolio_items: Annotated[int, Field(ge=0, le=10_000)] | None = None
    questions_asked: Annotated[int, Field(ge=0, le=10_000)] | None = None


class MethodRecord(PersonalDataModel):
    """One apprentice's assessment by one method, as the assessor recorded it."""

    standard: StandardCode
    version: VersionNumber | None = None
    method: MethodId
    apprentice: Apprentice
    assessor: Name
    assessed_on: date | None = None
    attempt: Attempt = "first"
    # Which resit or retake of the method this is: 1 for the first resit, 2 for the second
    # (the documents allow any number). A first attempt has only 1. Absent means 1.
    sitting: Annotated[int, Field(ge=1, le=99)] = 1
    channels: Annotated[tuple[Channel, ...], Field(min_length=1)] | None = None
    judgements: dict[str, Judgement] = Field(default_factory=dict)
    notes: dict[str, Note] = Field(default_factory=dict)
    evidence: EvidenceFacts = Field(default_factory=EvidenceFacts)
    # Set by the EPAO when it has accepted exceptional circumstances for this attempt; where the
    # standard allows, they lift the resit/retake cap (and window). Absent means false.
    exceptional_circumstances: bool = False
    # When the apprentice was notified of this attempt's result: a resit window the standard
    # counts from the fail notification starts here. Absent (None) leaves the hash unchanged.
    result_notified_on: date | None = None

    @model_validator(mode="after")
    def _first_attempt_sits_once(self):
        if self.attempt == "first" and self.sitting != 1:
            raise ValueError("a first attempt has sitting 1: sittings number resits and retakes")
        if (
            self.result_notified_on
            and self.assessed_on
            and self.result_notified_on < self.assessed_on
        ):
            raise ValueError("result_notified_on is before assessed_on: notify after assessing")
        return self

    @property
    def attempt_key(self) -> str:
        """The attempt as the kit names it: ``first``, ``resit``, ``retake``, or ``resit2``...
        for a later sitting (:func:`epa_kernel.core.vocabulary.attempt_key`)."""
        return attempt_key(self.attempt, self.sitting)

    @field_validator("channels")
    @classmethod
    def _channels_once(cls, channels):
        # A repeated channel means nothing more but would change the canonical form and hash.
        if channels and len(set(channels)) != len(channels):
            raise ValueError("each channel may be listed only once")
        return channels

    def canonical_json(self) -> str:
        """Sorted keys, compact separators, UTF-8 text: one byte string per meaning."""
        data = self.model_dump(mode="json", exclude_none=True)
        # Left out while false, so that records written before the field existed keep their
        # hash, and false spelt out or not gives the same bytes.
        if not data.get("exceptional_circumstances"):
            data.pop("exceptional_circumstances", None)
        if data.get("sitting") == 1:  # likewise: the first sitting is the one always assumed
            data.pop("sitting")
        if data.get("channels"):
            data["channels"] = sorted(data["channels"])
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON, which includes the standard and its version."""
        if self.version is None:
            raise ValueError("bind the record to its standard version before hashing it")
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def check_against(record: MethodRecord, standard: Standard) -> None:
    """Raise InputError unless every id and value in ``record`` fits ``standard``'s method."""
    method = method_of(standard, record.method)
    if method.channels and not record.channels:
        raise InputError(
            f"{method.id} needs the channels it observed; allowed: {', '.join(method.channels)}",
            field="channels",
        )
    if record.channels and not method.channels:
        raise InputError(
            f"{method.id} of {standard.key} has no channels; leave it out", field="channels"
        )
    if record.channels:
        stray = [c for c in record.channels if c not in method.channels]
        if stray:
            raise InputError(
                f"{stray[0]!r} is not a channel of {method.id}; allowed: "
                f"{', '.join(method.channels)}",
                field="channels",
            )
    for ref, value in record.judgements.items():
        _check_judgement(ref, value, record, standard)
    for ref in record.notes:
        if ref not in record.judgements and _resolve(ref, record, standard) is None:
            raise InputError(f"note for unknown descriptor {ref!r}", field=f"notes.{ref}")


def _resolve(ref: str, record: MethodRecord, standard: Standard):
    """The criterion ``ref`` names in this record's context, or None."""
    parts = split_criterion_ref(ref)
    if parts is None:
        return None
    method_id, criterion_id = parts
    if method_id is None:
        return method_of(standard, record.method).criterion(criterion_id)
    other = standard.method(method_id)
    criterion = other.criterion(criterion_id) if other else None
    if criterion is None or criterion.deferrable_to != record.method:
        return None
    return criterion


def _check_judgement(ref: str, value: str, record: MethodRecord, standard: Standard) -> None:
    field = f"judgements.{ref}"
    method = method_of(standard, record.method)
    criterion = _resolve(ref, record, standard)
    if criterion is None:
        deferred_here = [
            f"{m.id}.{c.id}"
            for m in standard.methods
            for c in m.criteria
            if c.deferrable_to == method.id
        ]
        allowed = f"{method.criteria[0].id}..{method.criteria[-1].id} of {method.id}"
        if deferred_here:
            allowed += f", or a descriptor deferred here ({deferred_here[0]}..)"
        raise InputError(
            f"unknown descriptor {ref!r} for {method.id} of {standard.key}; allowed: {allowed}",
            field=field,
        )
    if "." in ref:
        if value == "deferred":
            raise InputError(
                "a descriptor deferred to this method must be judged here: met or not_met",
                field=field,
            )
        return
    if value == "deferred" and not criterion.deferrable_to:
        raise InputError(f"{ref} cannot be deferred; allowed: met, not_met", field=field)
    if not criterion.applies(record.channels):
        raise InputError(
            f"{ref} applies only to {', '.join(criterion.applies_to)}; this "
            f"assessment's channels are {', '.join(record.channels or ())}",
            field=field,
        )


def check_one_apprentice(
    standard: Standard, records: Sequence[MethodRecord], *, done: str, advice: str
) -> None:
    """Records taken together (graded, checked, shown) must be one apprentice's, under
    ``standard``. ``done`` says what would be done to them ("graded"), ``advice`` what to do
    instead ("grade one apprentice at a time"); the messages name no person."""
    for record in records:
        if (record.standard, record.version) != (standard.standard, standard.version):
            raise InputError(
                f"a {record.standard} v{record.version} record cannot be {done} "
                f"under {standard.key}",
                field="version",
            )
    ulns = {r.apprentice.uln for r in records}
    if len(ulns) > 1:
        raise InputError(
            f"records belong to {len(ulns)} different apprentices; {advice}",
            field="apprentice.uln",
        )


def bind(record: MethodRecord) -> tuple[MethodRecord, Standard]:
    """Fill in the version (latest when omitted), check the record against it, return both."""
    standard = get_standard(record.standard, record.version)
    if record.version is None:
        record = record.model_copy(update={"version": standard.version})
    check_against(record, standard)
    return record, standard


def parse_record(data: Any, *, file: str = "<record>") -> tuple[MethodRecord, Standard]:
    """Validate raw JSON data as a record bound to its standard; errors name ``file``."""
    record = validate_input(MethodRecord, data, file=file, what="a method record")
    try:
        return bind(record)
    except InputError as exc:
        raise exc.in_file(file) from None


def load_record(path) -> tuple[MethodRecord, Standard]:
    return parse_record(read_json(path), file=str(path))


def record_json_schema() -> dict:
    """The JSON Schema of a method record, for other tools that write records."""
    schema = MethodRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "EPA method record"
    schema["description"] = (
        "One apprentice's assessment by one method. Judgement keys are descriptor ids of the "
        "method (P1.., D1..) or, in the method a descriptor may be deferred to, "
        "'<method>.<id>'. The ULN must pass the published check-digit rule."
    )
    return schema
