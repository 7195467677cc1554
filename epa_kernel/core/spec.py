"""A standard version as data: the models of one assessment plan, validated as a whole.

Each file in ``epa_kernel/standards/`` holds one version of one standard (format in the README
beside them; :mod:`epa_kernel.core.catalogue` loads them). The models validate the whole file when
it loads — unique ids, KSBs that exist, methods a descriptor may be deferred to, an overall table
that gives exactly one grade for every combination — so that the grading engine can trust what
it is given and never has to check a standard's numbers itself.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from epa_kernel.core.booking_spec import Bookings
from epa_kernel.core.lifecycle_spec import Deadline
from epa_kernel.core.method_spec import Method
from epa_kernel.core.model import Model
from epa_kernel.core.values import (
    GRADES,
    Attempt,
    Grade,
    MethodId,
    StandardCode,
    Text,
    VersionNumber,
)


class Source(Model):
    document: Text
    title: Text
    used_for: Text


class Choice(Model):
    topic: Text
    decision: Text
    why: Text


class Ksb(Model):
    id: Text
    kind: Literal["knowledge", "skill", "behaviour"]
    module: Text
    text: Text


class Overall(Model):
    rule: Literal["table"]
    source: Text
    table: Annotated[
        tuple[dict[str, Literal["Fail", "Pass", "Distinction", "Any"]], ...], Field(min_length=1)
    ]

    def lookup(self, grades: dict[str, Grade]) -> tuple[Grade, int]:
        """The overall grade for ``grades`` and the (0-based) table row that gave it."""
        for index, row in enumerate(self.table):
            if all(row[m] in ("Any", g) for m, g in grades.items()):
                return row["overall"], index
        raise LookupError(f"no row of the overall table matches {grades}")  # excluded on load


class ServiceGrade(Model):
    """How the engine's overall grades are told to the Apprenticeship assessment service (the
    ``service_grade`` block, read by :mod:`epa_kernel.submit`): ``epa_outcome`` names each grade's
    EPA outcome (every grade has one), ``certificate`` the certificate grade of those that earn a
    certificate (a grade absent from it, such as Fail, is sent as an EPA record only).
    ``course_options``: the standard version's options as the service lists them (its
    ``GET api/v1/standard/options``); none: the service takes no ``CourseOption``, and with some
    every certificate must name one of them (BatchCertificateRequestValidator.cs)."""

    epa_outcome: dict[Grade, Text]
    certificate: dict[Grade, Text]
    course_options: tuple[Text, ...] = ()
    source: Text

    @model_validator(mode="after")
    def _every_grade(self):
        missing = [g for g in GRADES if g not in self.epa_outcome]
        if missing:
            raise ValueError(f"service_grade.epa_outcome has no outcome for {missing[0]}")
        return self


class Window(Model):
    """A window of calendar months counted from the gateway or from a failed attempt's fail
    notification; ``exceptional_circumstances_lift``: the EPAO may lift it for a record marked
    ``exceptional_circumstances``."""

    model_config = ConfigDict(populate_by_name=True)  # ``from_`` in code, ``from`` in the file

    months: Annotated[int, Field(ge=1)]
    from_: Literal["gateway", "fail_notification"] = Field(alias="from")
    # What a fail-notification window counts from when the failed record holds no
    # ``result_notified_on``: its ``assessed_on`` (None: it cannot be counted).
    fallback: Literal["assessment"] | None = None
    exceptional_circumstances_lift: bool = False
    source: Text

    @model_validator(mode="after")
    def _fallback_of_notification(self):
        if self.fallback and self.from_ != "fail_notification":
            raise ValueError("fallback is for a window counted from the fail notification")
        return self


class Attempts(Model):
    """Resits and retakes: the cap, when one may be taken, how many, and in what window."""

    capped: tuple[Attempt, ...]
    max_grade: Grade
    scope: Literal["method", "overall"]
    source: Text
    exceptional_circumstances_lift_cap: bool = False
    only_after_fail: bool = True  # never to move from Pass to Distinction
    limit: Annotated[int, Field(ge=1)] | None = None  # resits + retakes per method; None: no limit
    window: Window | None = None  # None: the assessment window holds for them too
    rules_source: Text | None = None


class TimeOnProgramme(Model):
    months: Annotated[int, Field(ge=1)] | None = None
    days: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _one_unit(self):
        if (self.months is None) == (self.days is None):
            raise ValueError("give exactly one of months or days")
        return self


class Subject(Model):
    level: Text
    ehc_plan_level: Text | None = None
    bsl_alternative: bool = False


class PortfolioSize(Model):
    min_items: Annotated[int, Field(ge=0)]
    max_items: Annotated[int, Field(ge=1)]


class Gateway(Model):
    min_time_on_programme: TimeOnProgramme
    english: Subject
    maths: Subject
    declaration: bool
    portfolio: PortfolioSize | None = None
    project_synopsis: bool = False
    source: Text


class Weightings(Model):
    percent: dict[MethodId, Annotated[float, Field(ge=0, le=100)]]
    note: Text

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data):
        # The file spells weightings flat ({method: percent, ..., note}) as the documents do.
        if isinstance(data, dict) and "percent" not in data:
            data = dict(data)
            note = data.pop("note", None)
            return {"percent": data, "note": note}
        return data


class Standard(Model):
    standard: StandardCode
    version: VersionNumber
    title: Text
    level: Annotated[int, Field(ge=1, le=8)]
    sources: Annotated[tuple[Source, ...], Field(min_length=1)]
    choices: tuple[Choice, ...] = ()
    ksbs: Annotated[tuple[Ksb, ...], Field(min_length=1)]
    methods: Annotated[tuple[Method, ...], Field(min_length=1)]
    overall: Overall
    service_grade: ServiceGrade | None = None
    attempts: Attempts
    assessment_window: Window
    weightings: Weightings | None = None
    gateway: Gateway
    deadlines: tuple[Deadline, ...] = ()
    bookings: Bookings | None = None

    @model_validator(mode="after")
    def _cross_references(self):
        ksb_ids = [k.id for k in self.ksbs]
        duplicates = sorted({k for k in ksb_ids if ksb_ids.count(k) > 1})
        if duplicates:
            raise ValueError(f"duplicate KSB ids: {', '.join(duplicates)}")
        method_ids = [m.id for m in self.methods]
        if len(set(method_ids)) != len(method_ids):
            raise ValueError(f"a method appears twice: {method_ids}")
        for m in self.methods:
            for c in m.criteria:
                unknown = [k for k in c.ksbs if k not in ksb_ids]
                if unknown:
                    raise ValueError(f"{m.id} {c.id} names unknown KSB {unknown[0]!r}")
                if c.deferrable_to and c.deferrable_to not in method_ids:
                    raise ValueError(
                        f"{m.id} {c.id} is deferrable to {c.deferrable_to}, "
                        "which this standard does not assess"
                    )
        self._check_table(method_ids)
        deadline_ids = [d.id for d in self.deadlines]
        if len(set(deadline_ids)) != len(deadline_ids):
            raise ValueError(f"a deadline id appears twice: {deadline_ids}")
        for d in self.deadlines:
            if d.method and d.method not in method_ids:
                raise ValueError(f"deadline {d.id} names {d.method}, which this standard lacks")
        stray_booked = (self.bookings.methods_named() if self.bookings else set()) - set(method_ids)
        if stray_booked:
            raise ValueError(f"bookings name methods this standard lacks: {sorted(stray_booked)}")
        if self.weightings:
            stray = set(self.weightings.percent) - set(method_ids)
            if stray:
                raise ValueError(f"weightings name methods this standard lacks: {sorted(stray)}")
        return self

    def _check_table(self, method_ids: list[str]) -> None:
        expected = set(method_ids) | {"overall"}
        for index, row in enumerate(self.overall.table):
            if set(row) != expected:
                raise ValueError(
                    f"overall.table[{index}] must have exactly the columns "
                    f"{sorted(expected)}; has {sorted(row)}"
                )
            if row["overall"] == "Any":
                raise ValueError(f"overall.table[{index}]: the overall grade cannot be 'Any'")
        for combo in itertools.product(GRADES, repeat=len(method_ids)):
            grades = dict(zip(method_ids, combo))
            found = {
                row["overall"]
                for row in self.overall.table
                if all(row[m] in ("Any", g) for m, g in grades.items())
            }
            if len(found) != 1:
                what = "no row" if not found else f"rows that disagree ({sorted(found)})"
                raise ValueError(f"overall table: {what} for {grades}")

    @property
    def key(self) -> str:
        return f"{self.standard} v{self.version}"

    def method(self, method_id: str) -> Method | None:
        return next((m for m in self.methods if m.id == method_id), None)

    def ksb(self, ksb_id: str) -> Ksb | None:
        return next((k for k in self.ksbs if k.id == ksb_id), None)
