"""Standards as data: the models of a standard version, and loading them from YAML.

Each file in ``epa_kernel/standards/`` holds one version of one standard (format in the README
beside them). The models here are frozen and validate the whole file when it loads — unique ids,
KSBs that exist, thresholds a method can reach, an overall table that gives exactly one grade for
every combination — so that the grading engine can trust what it is given and never has to
check a standard's numbers itself.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from epa_kernel.errors import InputError, from_validation_error
from epa_kernel.files import read_yaml
from epa_kernel.paths import STANDARDS_DIR


Grade = Literal["Fail", "Pass", "Distinction"]
GRADES: tuple[Grade, ...] = ("Fail", "Pass", "Distinction")
MethodId = Literal["practical_observation", "apprentice_showcase", "professional_discussion",
                   "work_based_project"]
Channel = Literal["face_to_face", "non_face_to_face"]
Fact = Literal["duration_minutes", "qa_minutes", "word_count", "slides", "portfolio_items",
               "questions_asked"]
Attempt = Literal["first", "resit", "retake"]
Band = Literal["pass", "distinction"]

Text = Annotated[str, Field(min_length=1)]
StandardCode = Annotated[str, Field(pattern=r"^ST[0-9]{4}$")]
VersionNumber = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]+$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Source(_Model):
    document: Text
    title: Text
    used_for: Text


class Choice(_Model):
    topic: Text
    decision: Text
    why: Text


class Ksb(_Model):
    id: Text
    kind: Literal["knowledge", "skill", "behaviour"]
    module: Text
    text: Text


class Criterion(_Model):
    """One grading descriptor: ``P<n>`` for the pass band, ``D<n>`` for distinction."""

    id: Annotated[str, Field(pattern=r"^[PD][1-9][0-9]*$")]
    band: Band
    module: Text
    text: Text
    ksbs: Annotated[tuple[Text, ...], Field(min_length=1)]
    applies_to: Annotated[tuple[Channel, ...], Field(min_length=1)] | None = None
    deferrable_to: MethodId | None = None

    @model_validator(mode="after")
    def _band_matches_id(self):
        expected = "pass" if self.id.startswith("P") else "distinction"
        if self.band != expected:
            raise ValueError(f"criterion {self.id} has band {self.band!r}; ids starting "
                             f"{self.id[0]} are {expected!r}")
        return self

    def applies(self, channels: tuple[str, ...] | None) -> bool:
        """Whether this descriptor is assessed in an assessment using ``channels``."""
        return self.applies_to is None or bool(set(self.applies_to) & set(channels or ()))


class EvidenceLimit(_Model):
    """A limit on one evidence fact, as a document states it.

    Forms: ``min``/``max``; ``target`` with ``tolerance_percent`` either side; or a share of
    another fact (``max_share_of`` with ``max_share_percent``, e.g. questions at most 15% of
    the observation's time).
    """

    fact: Fact
    label: Text
    min: Annotated[float, Field(ge=0)] | None = None
    max: Annotated[float, Field(ge=0)] | None = None
    target: Annotated[float, Field(gt=0)] | None = None
    tolerance_percent: Annotated[float, Field(ge=0, le=100)] | None = None
    max_share_of: Fact | None = None
    max_share_percent: Annotated[float, Field(gt=0, le=100)] | None = None
    required: bool = False
    source: Text

    @model_validator(mode="after")
    def _one_form(self):
        forms = [self.min is not None or self.max is not None,
                 self.target is not None or self.tolerance_percent is not None,
                 self.max_share_of is not None or self.max_share_percent is not None]
        if sum(forms) != 1:
            raise ValueError(f"limit on {self.fact} must use exactly one form: min/max, "
                             "target+tolerance_percent, or max_share_of+max_share_percent")
        if forms[1] and (self.target is None or self.tolerance_percent is None):
            raise ValueError(f"limit on {self.fact}: target and tolerance_percent go together")
        if forms[2] and (self.max_share_of is None or self.max_share_percent is None):
            raise ValueError(f"limit on {self.fact}: max_share_of and max_share_percent go together")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"limit on {self.fact}: min {self.min:g} is above max {self.max:g}")
        if self.max_share_of == self.fact:
            raise ValueError(f"limit on {self.fact} cannot be a share of itself")
        return self

    def bounds(self) -> tuple[float | None, float | None]:
        """The allowed range as (low, high); None where open. Share limits have no fixed range."""
        if self.target is not None:
            spread = self.target * (self.tolerance_percent or 0) / 100
            return self.target - spread, self.target + spread
        return self.min, self.max

    def describe(self) -> str:
        """The limit in words, as shown beside the field in a form."""
        if self.max_share_of is not None:
            return f"at most {self.max_share_percent:g}% of {self.max_share_of}"
        if self.target is not None:
            low, high = self.bounds()
            return f"{self.target:g} ± {self.tolerance_percent:g}% ({low:g}–{high:g})"
        if self.min is not None and self.max is not None:
            return f"{self.min:g}" if self.min == self.max else f"{self.min:g}–{self.max:g}"
        return f"at least {self.min:g}" if self.min is not None else f"at most {self.max:g}"


class BandRule(_Model):
    rule: Literal["all", "at_least"]
    count: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _count_matches_rule(self):
        if (self.rule == "at_least") != (self.count is not None):
            raise ValueError("'at_least' needs a count; 'all' takes none")
        return self


class Grading(_Model):
    pass_: BandRule = Field(alias="pass")
    distinction: BandRule
    source: Text

    @field_validator("pass_")
    @classmethod
    def _pass_is_all(cls, rule: BandRule) -> BandRule:
        if rule.rule != "all":
            raise ValueError("the engine knows only 'all' for the pass band")
        return rule


class Method(_Model):
    id: MethodId
    name: Text
    summary: Text
    channels: Annotated[tuple[Channel, ...], Field(min_length=1)] | None = None
    evidence: tuple[EvidenceLimit, ...] = ()
    grading: Grading
    criteria: Annotated[tuple[Criterion, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self):
        seen: set[str] = set()
        for criterion in self.criteria:
            if criterion.id in seen:
                raise ValueError(f"duplicate criterion id {criterion.id!r} in {self.id}")
            seen.add(criterion.id)
            if criterion.applies_to and not set(criterion.applies_to) <= set(self.channels or ()):
                raise ValueError(f"{criterion.id} applies to {list(criterion.applies_to)} but the "
                                 f"method declares channels {list(self.channels or [])}")
            if criterion.deferrable_to == self.id:
                raise ValueError(f"{criterion.id} cannot be deferred to its own method")
        if not self.pass_criteria:
            raise ValueError(f"{self.id} has no pass descriptors")
        rule = self.grading.distinction
        available = len(self.distinction_criteria)
        if rule.rule == "at_least" and rule.count > available:
            raise ValueError(f"{self.id}: distinction threshold {rule.count} is above the "
                             f"{available} distinction descriptors")
        facts = [limit.fact for limit in self.evidence]
        for limit in self.evidence:
            if limit.max_share_of and limit.max_share_of not in facts:
                raise ValueError(f"limit on {limit.fact} is a share of {limit.max_share_of}, "
                                 "which the method has no limit for")
        return self

    @property
    def pass_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.band == "pass")

    @property
    def distinction_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.band == "distinction")

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def applicable(self, channels: tuple[str, ...] | None) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.applies(channels))


class Overall(_Model):
    rule: Literal["table"]
    source: Text
    table: Annotated[tuple[dict[str, Literal["Fail", "Pass", "Distinction", "Any"]], ...],
                     Field(min_length=1)]

    def lookup(self, grades: dict[str, Grade]) -> tuple[Grade, int]:
        """The overall grade for ``grades`` and the (0-based) table row that gave it."""
        for index, row in enumerate(self.table):
            if all(row[m] in ("Any", g) for m, g in grades.items()):
                return row["overall"], index
        raise LookupError(f"no row of the overall table matches {grades}")  # excluded on load


class Attempts(_Model):
    capped: tuple[Attempt, ...]
    max_grade: Grade
    scope: Literal["method", "overall"]
    source: Text


class Window(_Model):
    months: Annotated[int, Field(ge=1)]
    from_: Text = Field(alias="from")
    source: Text


class TimeOnProgramme(_Model):
    months: Annotated[int, Field(ge=1)] | None = None
    days: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _one_unit(self):
        if (self.months is None) == (self.days is None):
            raise ValueError("give exactly one of months or days")
        return self


class Subject(_Model):
    level: Text
    ehc_plan_level: Text | None = None
    bsl_alternative: bool = False


class PortfolioSize(_Model):
    min_items: Annotated[int, Field(ge=0)]
    max_items: Annotated[int, Field(ge=1)]


class Gateway(_Model):
    min_time_on_programme: TimeOnProgramme
    english: Subject
    maths: Subject
    declaration: bool
    portfolio: PortfolioSize | None = None
    project_synopsis: bool = False
    source: Text


class Weightings(_Model):
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


class Standard(_Model):
    standard: StandardCode
    version: VersionNumber
    title: Text
    level: Annotated[int, Field(ge=1, le=8)]
    sources: Annotated[tuple[Source, ...], Field(min_length=1)]
    choices: tuple[Choice, ...] = ()
    ksbs: Annotated[tuple[Ksb, ...], Field(min_length=1)]
    methods: Annotated[tuple[Method, ...], Field(min_length=1)]
    overall: Overall
    attempts: Attempts
    assessment_window: Window
    weightings: Weightings | None = None
    gateway: Gateway

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
                    raise ValueError(f"{m.id} {c.id} is deferrable to {c.deferrable_to}, "
                                     "which this standard does not assess")
        self._check_table(method_ids)
        if self.weightings:
            stray = set(self.weightings.percent) - set(method_ids)
            if stray:
                raise ValueError(f"weightings name methods this standard lacks: {sorted(stray)}")
        return self

    def _check_table(self, method_ids: list[str]) -> None:
        expected = set(method_ids) | {"overall"}
        for index, row in enumerate(self.overall.table):
            if set(row) != expected:
                raise ValueError(f"overall.table[{index}] must have exactly the columns "
                                 f"{sorted(expected)}; has {sorted(row)}")
            if row["overall"] == "Any":
                raise ValueError(f"overall.table[{index}]: the overall grade cannot be 'Any'")
        for combo in itertools.product(GRADES, repeat=len(method_ids)):
            grades = dict(zip(method_ids, combo))
            found = {row["overall"] for row in self.overall.table
                     if all(row[m] in ("Any", g) for m, g in grades.items())}
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


def load_standard(path: str | Path) -> Standard:
    """Load and validate one standard file; errors name the file and the path inside it."""
    path = Path(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("expected a mapping at the top level", file=str(path))
    try:
        return Standard.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, file=str(path)) from None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@cache
def catalogue(folder: Path = STANDARDS_DIR) -> dict[tuple[str, str], Standard]:
    """Every standard version in ``folder``, keyed by (standard, version).

    Loaded once per process: standards are read-only data and grading 100,000 records must not
    re-read them.
    """
    found: dict[tuple[str, str], Standard] = {}
    for path in sorted(folder.glob("*.yaml")):
        std = load_standard(path)
        expected = f"{std.standard.lower()}_v{std.version}.yaml"
        if path.name != expected:
            raise InputError(f"file name should be {expected} for {std.key}", file=str(path))
        found[(std.standard, std.version)] = std
    return found


def versions(standard: str, folder: Path = STANDARDS_DIR) -> list[str]:
    """The versions held for ``standard``, oldest first."""
    return sorted((v for s, v in catalogue(folder) if s == standard), key=_version_key)


def get_standard(standard: str, version: str | None = None,
                 folder: Path = STANDARDS_DIR) -> Standard:
    """The standard's given version, or its latest when ``version`` is None."""
    known = sorted({s for s, _ in catalogue(folder)})
    if standard not in known:
        raise InputError(f"unknown standard {standard!r}; known: {', '.join(known)}",
                         field="standard")
    held = versions(standard, folder)
    chosen = version if version is not None else held[-1]
    if chosen not in held:
        raise InputError(f"{standard} has no version {chosen!r}; known: {', '.join(held)}",
                         field="version")
    return catalogue(folder)[(standard, chosen)]


def method_of(standard: Standard, method_id: str) -> Method:
    method = standard.method(method_id)
    if method is None:
        allowed = ", ".join(m.id for m in standard.methods)
        raise InputError(f"{standard.key} has no method {method_id!r}; allowed: {allowed}",
                         field="method")
    return method


_ID = re.compile(r"^(?:(?P<method>[a-z_]+)\.)?(?P<criterion>[PD][1-9][0-9]*)$")


def split_criterion_ref(ref: str) -> tuple[str | None, str] | None:
    """``"practical_observation.P15"`` -> (method, "P15"); ``"P3"`` -> (None, "P3")."""
    match = _ID.match(ref)
    return (match["method"], match["criterion"]) if match else None
