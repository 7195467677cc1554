"""Releasing results: each apprentice's submitted results released once QA and appeals allow.

An apprentice's results are released when the IQA hold allows it (the very decision
``epa iqa status`` makes: :func:`~epa_kernel.iqa.sampling.release_status` over the plan's picks
and the store's moderations), no appeal or enquiry about any of their records is open, and
they have not withdrawn from the EPA (:meth:`~epa_kernel.store.store.Store.withdrawals`).
Otherwise they are held, with every reason. A release is recorded in the store
(:meth:`~epa_kernel.store.store.Store.release`) with who and when; releasing the same results
again is a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from epa_kernel.iqa.sampling import Pick, Policy, release_status
from epa_kernel.iqa.sampling_plan import moderated_outcomes


@dataclass(frozen=True)
class ReleaseDecision:
    """What happened to one apprentice's results: ``released`` (now), ``already released``
    or ``held``, and why."""

    uln: str
    state: str
    why: str


def qa_holds(uln: str, picks: Sequence[Pick], moderated: dict[str, str], policy: Policy) -> list:
    """The apprentice's sampled decisions that hold their results, each with its moderation."""
    held = []
    for pick in picks:
        if pick.decision.uln != uln:
            continue
        if release_status([pick], moderated, policy)[uln] != "released":
            d = pick.decision.id
            held.append(f"{d} ({moderated.get(d, 'not moderated')})")
    return held


def release_results(
    store, picks: Sequence[Pick], policy: Policy, *, by: str
) -> list[ReleaseDecision]:
    """Release every apprentice with submitted records whose results QA and appeals allow."""
    moderated = moderated_outcomes(store)
    status = release_status(picks, moderated, policy)
    by_uln: dict[str, list] = {}
    for stored in store.all_records(submitted_only=True):
        by_uln.setdefault(stored.record.apprentice.uln, []).append(stored)
    withdrawn = {w.uln: w for w in store.withdrawals()}
    out = []
    for uln, mine in sorted(by_uln.items()):
        reasons = []
        if uln in withdrawn:
            left = withdrawn[uln]
            reasons.append(f"withdrawn from the EPA on {left.on}: results are not released")
        if status.get(uln, "released") != "released":
            held = qa_holds(uln, picks, moderated, policy)
            reasons.append("sampled decisions not yet moderated: " + ", ".join(held))
        appeals = [
            f"{a.kind} {a.number} on {s.record.method} ({s.record.attempt_key}) is {a.status}"
            for s, a in store.open_appeals(mine)
        ]
        if appeals:
            reasons.append("under appeal: " + "; ".join(appeals))
        if reasons:
            out.append(ReleaseDecision(uln, "held", "; ".join(reasons)))
            continue
        release, new = store.release(uln, by=by)
        if new:
            out.append(ReleaseDecision(uln, "released", f"released by {release.by}"))
        else:
            why = f"these results were released on {release.at} by {release.by}; nothing written"
            out.append(ReleaseDecision(uln, "already released", why))
    return out
