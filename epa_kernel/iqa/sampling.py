"""Internal quality assurance: which decisions to sample, and why.

A sampling plan is risk-based and reproducible. Each rule is data in a policy (defaults below,
overridable per standard, method and assessor from a YAML file), and each pick carries every
reason that selected it, so the plan itself explains the IQA reviewer's workload:

- ``first_n``: every decision among an assessor's first N (new assessors are watched closely);
- ``every_fail``: every Fail;
- ``boundaries``: every grade decided at a boundary — a Distinction with exactly the threshold
  of distinction descriptors, or a Fail exactly one pass descriptor short;
- ``rates``: a share of the decisions of a standard, a method or an assessor;
- ``random_share``: a share of whatever is left.

Decisions flagged by hand are always sampled; voided ones never. Shares are drawn by hashing the
seed with the decision's id, not by drawing in order, so the same seed gives the same plan, and
adding a decision to the cohort never changes whether another one is picked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from epa_kernel.core.model import Model
from epa_kernel.errors import InputError, from_validation_error
from epa_kernel.files import read_yaml

Share = Annotated[float, Field(ge=0, le=1)]


class Decision(Model):
    """One method grade, as IQA sees it."""

    id: str  # "<uln>/<method>" or "<uln>/<method>.<attempt>" (attempt: e.g. resit, resit2)
    uln: str
    standard: str
    version: str
    method: str
    attempt: str  # the attempt key: first, resit, retake, resit2 (a second resit)...
    assessor: str
    assessed_on: str | None
    grade: str | None
    pass_met: int
    pass_required: int
    distinction_met: int
    distinction_required: int
    content_hash: str


class Rates(Model):
    by_standard: dict[str, Share] = Field(default_factory=dict)
    by_method: dict[str, Share] = Field(default_factory=dict)
    by_assessor: dict[str, Share] = Field(default_factory=dict)


class Policy(Model):
    """A sampling policy. Every field has a default; a YAML file overrides any of them."""

    first_n: Annotated[int, Field(ge=0)] = 5
    every_fail: bool = True
    boundaries: bool = True
    rates: Rates = Field(default_factory=Rates)
    random_share: Share = 0.1
    flagged: tuple[str, ...] = ()
    voided: tuple[str, ...] = ()
    hold_results_until_moderated: bool = True


class Pick(Model):
    decision: Decision
    reasons: tuple[str, ...]


def load_policy(path: str | Path | None) -> Policy:
    """The policy in the YAML file at ``path`` (the defaults where it is silent, or all of
    them without a file); errors name the file and the field."""
    if path is None:
        return Policy()
    data = read_yaml(path)
    try:
        return Policy.model_validate(data or {})
    except ValidationError as exc:
        raise from_validation_error(exc, file=str(path)) from None


def draw(seed: int, decision_id: str, rule: str) -> float:
    """A number in [0, 1) fixed by the seed, the decision and the rule."""
    digest = hashlib.sha256(f"{seed}\x00{rule}\x00{decision_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def at_boundary(d: Decision) -> str | None:
    """Why ``d`` was decided at a grade boundary, or None: one descriptor either way would have
    changed its grade, so it is where assessors' judgements matter most."""
    if d.grade == "Distinction" and d.distinction_met == d.distinction_required:
        return (
            f"boundary: Distinction with exactly the {d.distinction_required} distinction "
            "descriptors needed"
        )
    if d.grade == "Fail" and d.pass_met == d.pass_required - 1:
        return "boundary: Fail one pass descriptor short"
    return None


def plan_sample(
    decisions: Iterable[Decision], policy: Policy, *, seed: int = 0, rate: float | None = None
) -> list[Pick]:
    """The decisions to sample, each with its reasons, in the order given. ``rate`` (the
    command's ``--rate``) replaces the policy's random share."""
    decisions = list(decisions)
    ids = [d.id for d in decisions]
    unknown = [f for f in (*policy.flagged, *policy.voided) if f not in ids]
    if unknown:
        raise InputError(
            f"no decision {unknown[0]!r} in this cohort; ids look like '<uln>/<method>'",
            field="flagged/voided",
        )
    share = policy.random_share if rate is None else rate
    order: dict[str, list[Decision]] = {}
    for d in sorted(decisions, key=lambda d: (d.assessed_on or "", d.id)):
        order.setdefault(d.assessor, []).append(d)
    first = {d.id for mine in order.values() for d in mine[: policy.first_n]}

    picks: list[Pick] = []
    for d in decisions:
        if d.id in policy.voided:
            continue
        reasons: list[str] = []
        if d.id in policy.flagged:
            reasons.append("flagged by hand")
        if d.id in first:
            reasons.append(f"among {d.assessor}'s first {policy.first_n} decisions")
        if policy.every_fail and d.grade == "Fail":
            reasons.append("every Fail is sampled")
        if policy.boundaries and (why := at_boundary(d)):
            reasons.append(why)
        for scope, key, table in (
            ("standard", d.standard, policy.rates.by_standard),
            ("method", d.method, policy.rates.by_method),
            ("assessor", d.assessor, policy.rates.by_assessor),
        ):
            if key in table and draw(seed, d.id, f"{scope}:{key}") < table[key]:
                reasons.append(f"rate for {scope} {key}: {table[key]:.0%}")
        if not reasons and draw(seed, d.id, "random") < share:
            reasons.append(f"random share of the rest: {share:.0%}")
        if reasons:
            picks.append(Pick(decision=d, reasons=tuple(reasons)))
    return picks


def release_status(
    picks: Iterable[Pick], moderated: dict[str, str], policy: Policy
) -> dict[str, str]:
    """Per apprentice (ULN): "released", or "pending release" while any of their sampled
    decisions lacks a completed moderation (confirmed or grade changed; a referral back to the
    assessor is not complete) and the policy holds results until moderation."""
    status: dict[str, str] = {}
    for pick in picks:
        uln = pick.decision.uln
        done = moderated.get(pick.decision.id) in ("confirmed", "grade_changed")
        if policy.hold_results_until_moderated and not done:
            status[uln] = "pending release"
        else:
            status.setdefault(uln, "released")
    return status
