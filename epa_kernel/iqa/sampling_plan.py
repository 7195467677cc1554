"""The sampling plan file: written by ``epa iqa sample --out``, read by ``verify`` and ``status``.

The plan is kept as JSON so an IQA reviewer can read it and a later command can act on the very
same picks: ``verify`` re-runs only the sampled decisions, and ``status`` holds each sampled
apprentice's result until the store records a moderation of every sampled decision.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from epa_kernel.core.vocabulary import decision_id
from epa_kernel.errors import InputError
from epa_kernel.files import read_json, write_atomic
from epa_kernel.iqa.sampling import Decision, Pick, Policy


def write_plan(
    path: Path,
    picks: Sequence[Pick],
    policy: Policy,
    *,
    decisions: int,
    seed: int,
    rate: float | None,
) -> None:
    """Write the plan with what made it (seed, rate, policy), so it can be drawn again."""
    plan = {
        "seed": seed,
        "rate": rate,
        "policy": policy.model_dump(mode="json"),
        "decisions": decisions,
        "picks": [
            {
                "id": p.decision.id,
                "reasons": list(p.reasons),
                "decision": p.decision.model_dump(mode="json"),
            }
            for p in picks
        ],
    }
    write_atomic(path, json.dumps(plan, indent=2, ensure_ascii=False) + "\n")


def sampled_ids(path: Path) -> set[str]:
    """The decision ids a plan picked (any JSON with ``{'picks': [{'id': ...}]}`` will do)."""
    plan = read_json(path)
    try:
        return {p["id"] for p in plan["picks"]}
    except (TypeError, KeyError):
        raise InputError(
            "not a sampling plan: expected {'picks': [{'id': ...}]}", file=str(path), field="picks"
        ) from None


def read_plan(path: Path) -> tuple[list[Pick], Policy]:
    """The picks of a plan written by :func:`write_plan`, and the policy that made them."""
    plan = read_json(path)
    try:
        picks = [
            Pick(decision=Decision.model_validate(p["decision"]), reasons=tuple(p["reasons"]))
            for p in plan["picks"]
        ]
        policy = Policy.model_validate(plan["policy"])
    except (TypeError, KeyError, ValueError):
        raise InputError(
            "not a sampling plan made by epa iqa sample --out", file=str(path), field="picks"
        ) from None
    return picks, policy


def moderated_outcomes(store) -> dict[str, str]:
    """The latest moderation outcome of each moderated submitted record, by decision id."""
    moderated = {}
    for stored in store.all_records(submitted_only=True):
        r = stored.record
        past = store.moderations(stored.id)
        if past:
            moderated[decision_id(r.apprentice.uln, r.method, r.attempt_key)] = past[-1][1].outcome
    return moderated
