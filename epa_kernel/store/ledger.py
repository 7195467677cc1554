"""The service ledger: what was sent to the Apprenticeship assessment service, and its answers.

Append-only rows (``service_ledger`` in :mod:`epa_kernel.store.schema`), one per item of a
request, written in one transaction per request once its answer is known. Nothing is updated:
what the kit knows of an apprentice at the service is read back from the rows in order
(:mod:`epa_kernel.submit.plan` decides from them what still has to be sent).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from epa_kernel.store.database import Database
from epa_kernel.store.schema import service_ledger
from epa_kernel.store.versions import Clock

FIELDS = (
    "target",
    "request_id",
    "kind",
    "action",
    "uln",
    "standard",
    "results",
    "body_hash",
    "state",
    "reference",
    "answer",
)


@dataclass(frozen=True)
class Sent:
    """One item sent and its answer (fields as the ``service_ledger`` table's)."""

    target: str
    request_id: str
    kind: str
    action: str
    uln: str
    standard: str
    results: str
    body_hash: str
    state: str
    reference: str | None
    answer: str
    at: str


def append(db: Database, clock: Clock, rows: list[dict]) -> None:
    """Append one request's items (dicts with :data:`FIELDS`) in one transaction."""
    at = clock()
    with db.transaction() as conn:
        for row in rows:
            conn.execute(insert(service_ledger).values(**{f: row.get(f) for f in FIELDS}, at=at))


def read(db: Database, target: str | None = None, uln: str | None = None) -> list[Sent]:
    """The rows in the order written (only ``target``'s, ``uln``'s when given)."""
    query = select(service_ledger).order_by(service_ledger.c.id)
    if target is not None:
        query = query.where(service_ledger.c.target == target)
    if uln is not None:
        query = query.where(service_ledger.c.uln == uln)
    with db.connection() as conn:
        rows = conn.execute(query).all()
    return [Sent(*(getattr(r, f) for f in FIELDS), r.at) for r in rows]
