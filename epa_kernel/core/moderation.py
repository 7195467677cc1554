"""Moderation: an IQA reviewer's judgement on an assessor's decision.

Per descriptor the reviewer agrees or disagrees (a disagreement needs a rationale), and the
decision as a whole is confirmed, has its grade changed, or is referred back to the assessor.
A moderation never edits the record: it is stored as a version in the record's hash-chained
history (see :meth:`epa_kernel.store.store.Store.moderate`), and a grade change is then made as an
amendment with its own who, when and why.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from epa_kernel.core.model import PersonalDataModel
from epa_kernel.core.values import Grade

Outcome = Literal["confirmed", "grade_changed", "referred_back"]


class DescriptorReview(PersonalDataModel):
    """The reviewer's view of one descriptor's judgement."""

    agree: bool
    rationale: Annotated[str, Field(max_length=5_000)] = ""

    @model_validator(mode="after")
    def _disagreement_explained(self):
        if not self.agree and not self.rationale:
            raise ValueError("a disagreement needs a rationale")
        return self


class Moderation(PersonalDataModel):
    """One review of one submitted record: who, the outcome, why, and per descriptor views."""

    reviewer: Annotated[str, Field(min_length=1, max_length=200)]
    outcome: Outcome
    new_grade: Grade | None = None
    rationale: Annotated[str, Field(min_length=1, max_length=10_000)]
    descriptors: dict[str, DescriptorReview] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _grade_given_when_changed(self):
        if (self.outcome == "grade_changed") != (self.new_grade is not None):
            raise ValueError("give new_grade exactly when the outcome is grade_changed")
        return self

    @property
    def disagreements(self) -> list[str]:
        """The descriptors the reviewer disagreed with, in id order."""
        return sorted(
            (k for k, r in self.descriptors.items() if not r.agree),
            key=lambda k: (k[0], int(k[1:]) if k[1:].isdigit() else 0),
        )
