"""Where one apprentice's EPA stands, from the store: the engine's status and what followed it.

The assessor and IQA apps show it beside the record opened (:mod:`epa_kernel.apps.status_panel`).
It is the pure engine's answer (:func:`epa_kernel.core.epa_status.epa_status`) over the
apprentice's stored records, drafts included (a draft not yet fully judged is assessed, not
graded), for a ``today`` the caller reads, with the open appeals, the release and the
certificate claim the store holds. It is a summary, not the records: on a hub an assessor sees
the standing of an apprentice assigned to them (:meth:`epa_kernel.store.access.Access.standing`)
without reading another assessor's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.epa_status import EpaStatus, epa_status
from epa_kernel.errors import InputError


@dataclass(frozen=True)
class Standing:
    """The engine's status, and the store's open appeals, release and claim."""

    status: EpaStatus
    open_appeals: tuple[str, ...]  # "appeal 1 on work_based_project (first): lodged"
    released: str | None  # "on <day> by <who>"
    claimed: str | None  # "on <day> (<grade>, batch <file>)"


def standing(store, uln: str, today: date) -> Standing:
    """The apprentice's standing on ``today`` in ``store`` (a Store); InputError when they have
    no stored record or their records cannot be read together, with the engine's reason."""
    stored = store.records_of(uln)
    if not stored:
        raise InputError("no stored records for this apprentice yet")
    first = stored[0].record
    standard = get_standard(first.standard, first.version)
    records = [s.record for s in stored]
    gateway = next((r.apprentice.gateway_date for r in records if r.apprentice.gateway_date), None)
    appeals = tuple(
        f"{a.kind} {a.number} on {s.record.method} ({s.record.attempt_key}): {a.status}"
        for s, a in store.open_appeals(stored)
    )
    release = store.releases(uln).get(uln)
    claim = next(iter(store.claims(uln)), None)
    return Standing(
        epa_status(standard, gateway, records, today),
        appeals,
        f"on {release.at[:10]} by {release.by}" if release else None,
        f"on {claim.at[:10]} ({claim.grade}, batch {claim.file})" if claim else None,
    )
