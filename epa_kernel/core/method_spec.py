"""One assessment method as a standard defines it: its descriptors, evidence limits and the
rule that grades it.

A method validates itself when its standard's file loads (unique descriptor ids, channels it
declares, a distinction threshold its descriptors can reach, share limits of facts it limits), so
the grading engine can read these numbers without checking them again.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from epa_kernel.core.model import Model
from epa_kernel.core.values import Band, Channel, Fact, MethodId, Text


class Criterion(Model):
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
            raise ValueError(
                f"criterion {self.id} has band {self.band!r}; ids starting "
                f"{self.id[0]} are {expected!r}"
            )
        return self

    def applies(self, channels: tuple[str, ...] | None) -> bool:
        """Whether this descriptor is assessed in an assessment using ``channels``."""
        return self.applies_to is None or bool(set(self.applies_to) & set(channels or ()))


class EvidenceLimit(Model):
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
        forms = [
            self.min is not None or self.max is not None,
            self.target is not None or self.tolerance_percent is not None,
            self.max_share_of is not None or self.max_share_percent is not None,
        ]
        if sum(forms) != 1:
            raise ValueError(
                f"limit on {self.fact} must use exactly one form: min/max, "
                "target+tolerance_percent, or max_share_of+max_share_percent"
            )
        if forms[1] and (self.target is None or self.tolerance_percent is None):
            raise ValueError(f"limit on {self.fact}: target and tolerance_percent go together")
        if forms[2] and (self.max_share_of is None or self.max_share_percent is None):
            raise ValueError(
                f"limit on {self.fact}: max_share_of and max_share_percent go together"
            )
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


class BandRule(Model):
    rule: Literal["all", "at_least"]
    count: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _count_matches_rule(self):
        if (self.rule == "at_least") != (self.count is not None):
            raise ValueError("'at_least' needs a count; 'all' takes none")
        return self


class Grading(Model):
    model_config = ConfigDict(populate_by_name=True)  # ``pass_`` in code, ``pass`` in the file

    pass_: BandRule = Field(alias="pass")
    distinction: BandRule
    source: Text

    @field_validator("pass_")
    @classmethod
    def _pass_is_all(cls, rule: BandRule) -> BandRule:
        if rule.rule != "all":
            raise ValueError("the engine knows only 'all' for the pass band")
        return rule


class Method(Model):
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
                raise ValueError(
                    f"{criterion.id} applies to {list(criterion.applies_to)} but the "
                    f"method declares channels {list(self.channels or [])}"
                )
            if criterion.deferrable_to == self.id:
                raise ValueError(f"{criterion.id} cannot be deferred to its own method")
        if not self.pass_criteria:
            raise ValueError(f"{self.id} has no pass descriptors")
        rule = self.grading.distinction
        available = len(self.distinction_criteria)
        if rule.rule == "at_least" and rule.count > available:
            raise ValueError(
                f"{self.id}: distinction threshold {rule.count} is above the "
                f"{available} distinction descriptors"
            )
        facts = [limit.fact for limit in self.evidence]
        for limit in self.evidence:
            if limit.max_share_of and limit.max_share_of not in facts:
                raise ValueError(
                    f"limit on {limit.fact} is a share of {limit.max_share_of}, "
                    "which the method has no limit for"
                )
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


_ID = re.compile(r"^(?:(?P<method>[a-z_]+)\.)?(?P<criterion>[PD][1-9][0-9]*)$")


def split_criterion_ref(ref: str) -> tuple[str | None, str] | None:
    """``"practical_observation.P15"`` -> (method, "P15"); ``"P3"`` -> (None, "P3")."""
    match = _ID.match(ref)
    return (match["method"], match["criterion"]) if match else None
