"""Writing a record's next version: move its pointer from the version the writer saw, then
append the version to its hash chain.

Every change to a stored record (a draft saved, a submission, an amendment, a moderation) is the
same two steps in one transaction, so they are written once, here:

- The pointer moves only if it still points where the writer last saw it (optimistic saving):
  if someone else has saved since, the change is refused with :class:`ConflictError` naming who
  and when, instead of silently overwriting theirs.
- The new version is appended, never updated in place, and its chain hash covers the previous
  version's (:mod:`epa_kernel.store.history`), so editing history behind the kit's back shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from epa_kernel.core.records import MethodRecord
from epa_kernel.errors import ConflictError, InputError, LockedError
from epa_kernel.store.database import Database
from epa_kernel.store.history import chain_hash
from epa_kernel.store.schema import records, versions

#: The store's clock: when a version is written, as an ISO 8601 UTC timestamp. A parameter, so
#: tests and retention checks can write history at a chosen time.
Clock = Callable[[], str]


@dataclass(frozen=True)
class StoredRecord:
    """A record as the store holds it: its id, its current version and whether it is submitted.

    The version is what a later change must name, so a change made from a stale copy is refused.
    """

    id: int
    record: MethodRecord
    status: str
    version: int

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


def append_version(
    conn,
    clock: Clock,
    record_id: int,
    version: int,
    kind: str,
    author: str,
    reason: str,
    record: MethodRecord,
    previous_chain: str,
) -> None:
    """Append ``record`` as version ``version``, chained to the previous version's hash."""
    at = clock()
    content = record.content_hash()
    conn.execute(
        insert(versions).values(
            record_id=record_id,
            version=version,
            kind=kind,
            author=author,
            at=at,
            reason=reason,
            data=record.canonical_json(),
            content_hash=content,
            chain_hash=chain_hash(previous_chain, content, kind, author, at, reason),
        )
    )


def advance_pointer(
    conn, stored_id: int, expected: int, *, status: str | None = None, require: str | None = None
) -> str:
    """Move the record's pointer from ``expected`` to the next version, or refuse; returns the
    chain hash of version ``expected``, which the next version continues."""
    row = conn.execute(select(records).where(records.c.id == stored_id)).first()
    if row is None:
        raise InputError(f"no stored record {stored_id}", field="record")
    if require == "draft" and row.status == "submitted":
        raise LockedError(
            "this record is submitted and cannot be edited; amend it with a reason instead",
            field="status",
        )
    if require == "submitted" and row.status != "submitted":
        raise InputError("only a submitted record can be amended or moderated", field="status")
    values = {"current_version": expected + 1}
    if status:
        values["status"] = status
    done = conn.execute(
        update(records)
        .where((records.c.id == stored_id) & (records.c.current_version == expected))
        .values(**values)
    )
    if done.rowcount != 1:
        last = conn.execute(
            select(versions.c.author, versions.c.at).where(
                (versions.c.record_id == stored_id) & (versions.c.version == row.current_version)
            )
        ).first()
        raise ConflictError(
            f"changed by {last.author} at {last.at} since you opened it (you have version "
            f"{expected}, the store has {row.current_version}); reload to see their change",
            field="version",
        )
    return conn.execute(
        select(versions.c.chain_hash).where(
            (versions.c.record_id == stored_id) & (versions.c.version == expected)
        )
    ).scalar_one()


def write_next_version(
    db: Database,
    clock: Clock,
    stored: StoredRecord,
    record: MethodRecord,
    *,
    kind: str,
    author: str,
    reason: str = "",
    require: str,
    status: str | None = None,
) -> StoredRecord:
    """Write ``record`` as the version after ``stored``'s, in its own transaction.

    ``require`` is the status the record must have (``draft`` or ``submitted``); ``status`` the
    one it moves to, when it changes. Returns the record's new state.
    """
    with db.transaction() as conn:
        previous = advance_pointer(conn, stored.id, stored.version, status=status, require=require)
        append_version(
            conn, clock, stored.id, stored.version + 1, kind, author, reason, record, previous
        )
    return StoredRecord(stored.id, record, status or require, stored.version + 1)
