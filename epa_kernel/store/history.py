"""The hash-chained history of each record: the chain hash, and checking every chain again.

Versions chain their hashes (each chain hash covers the previous one, the record's content hash,
the author, the time, the reason and the kind), so a row edited in the database behind the kit's
back, a version removed or a submission undone is found by :func:`verify_history`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from epa_kernel.store.schema import records, versions


@dataclass(frozen=True)
class Version:
    """One version of a record's history, as :meth:`~epa_kernel.store.store.Store.history`
    lists it (without the record's data)."""

    version: int
    kind: str
    author: str
    at: str
    reason: str
    content_hash: str
    chain_hash: str


def chain_hash(
    previous: str, content_hash: str, kind: str, author: str, at: str, reason: str
) -> str:
    payload = json.dumps([previous, content_hash, kind, author, at, reason], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def verify_history(conn) -> list[str]:
    """Problems found by recomputing every record's hash chain; empty when all is intact."""
    problems: list[str] = []
    heads = {r.id: r for r in conn.execute(select(records))}
    rows = conn.execute(select(versions).order_by(versions.c.record_id, versions.c.version)).all()
    by_record: dict[int, list] = {}
    for row in rows:
        by_record.setdefault(row.record_id, []).append(row)
    for record_id, head in heads.items():
        chain = by_record.get(record_id, [])
        previous = ""
        for expected_version, row in enumerate(chain, 1):
            where = f"record {record_id} version {row.version}"
            if row.version != expected_version:
                problems.append(f"{where}: versions are not consecutive (a version was removed)")
                break
            content = hashlib.sha256(row.data.encode("utf-8")).hexdigest()
            if content != row.content_hash:
                problems.append(
                    f"{where}: its data does not match its content hash "
                    "(changed after it was saved)"
                )
            if (
                chain_hash(previous, row.content_hash, row.kind, row.author, row.at, row.reason)
                != row.chain_hash
            ):
                problems.append(f"{where}: its hash chain is broken (history rewritten)")
            previous = row.chain_hash
        if chain and head.current_version != chain[-1].version:
            problems.append(
                f"record {record_id}: points at version {head.current_version} "
                f"but its history ends at {chain[-1].version}"
            )
        submitted = any(r.kind == "submitted" for r in chain)
        if submitted and head.status != "submitted":
            problems.append(f"record {record_id}: was submitted but is marked {head.status}")
    return problems
