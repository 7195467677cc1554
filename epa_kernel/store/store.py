"""Persistence: apprentices, assessors, assignments, method records and their history.

The database (:mod:`epa_kernel.store.database`: SQLite by default, PostgreSQL by URL) is used in
short explicit transactions: each save is one transaction, so a crash loses at most the change
being made.

The rules of evidence:

- A record is a *draft* until submitted; every save appends a version to its history
  (append-only: nothing is ever updated in place except the pointer to the current version).
- A *submitted* record is immutable. A change after submission is an *amendment*: a new version
  that must say who, when and why.
- Saves are optimistic: the caller says which version it last saw; if someone else has saved
  since, the save is refused with :class:`ConflictError` instead of silently overwriting.
- Versions chain their hashes (:mod:`epa_kernel.store.history`), so a row edited in the
  database behind the kit's back is found by :meth:`Store.verify`.
- A database that fails under the kit is a :class:`~epa_kernel.errors.StoreError` naming no
  statement and no parameters; nothing was half-written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from epa_kernel.core.records import MethodRecord, parse_record
from epa_kernel.errors import ConflictError, InputError, LockedError
from epa_kernel.paths import store_url
from epa_kernel.store.database import Database
from epa_kernel.store.history import Version, chain_hash, verify_history
from epa_kernel.store.schema import (
    apprentices,
    assessors,
    assignments,
    records,
    versions,
)


@dataclass(frozen=True)
class StoredRecord:
    id: int
    record: MethodRecord
    status: str
    version: int

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Store(Database):
    """The kit's records. One instance per process; safe for many processes at once."""

    def __init__(self, url: str | None = None, *, clock: Callable[[], str] = _utc_now):
        super().__init__(url)
        self.clock = clock

    # --- people and assignments ------------------------------------------------------------

    def ensure_apprentice(self, conn, record: MethodRecord) -> None:
        a = record.apprentice
        row = conn.execute(select(apprentices.c.uln).where(apprentices.c.uln == a.uln)).first()
        values = {"name": a.name, "provider": a.provider, "employer": a.employer,
                  "start_date": a.start_date, "gateway_date": a.gateway_date}
        if row is None:
            conn.execute(insert(apprentices).values(uln=a.uln, **values))

    def assign(self, record: MethodRecord) -> None:
        """Make ``record``'s assessor responsible for its apprentice and method."""
        with self.transaction() as conn:
            self.ensure_apprentice(conn, record)
            if conn.execute(select(assessors).where(assessors.c.name == record.assessor)).first() is None:
                conn.execute(insert(assessors).values(name=record.assessor))
            key = (assignments.c.assessor == record.assessor) & (assignments.c.uln == record.apprentice.uln) \
                & (assignments.c.method == record.method)
            if conn.execute(select(assignments).where(key)).first() is None:
                conn.execute(insert(assignments).values(
                    assessor=record.assessor, uln=record.apprentice.uln, method=record.method,
                    standard=record.standard, version=record.version))

    def apprentice(self, uln: str) -> dict:
        """The apprentice's details as a record's ``apprentice`` object."""
        with self.connection() as conn:
            row = conn.execute(select(apprentices).where(apprentices.c.uln == uln)).first()
        if row is None:
            raise InputError("no such apprentice in the store", field="apprentice.uln")
        data = {k: v for k, v in row._mapping.items() if v is not None}
        return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}

    def assessors(self) -> list[str]:
        with self.connection() as conn:
            return [r.name for r in conn.execute(select(assessors.c.name).order_by(assessors.c.name))]

    def assignments_of(self, assessor: str) -> list[dict]:
        """What ``assessor`` has to assess: apprentice, standard and method, with status."""
        query = (select(assignments, apprentices.c.name, records.c.status, records.c.id)
                 .join(apprentices, apprentices.c.uln == assignments.c.uln)
                 .outerjoin(records, (records.c.uln == assignments.c.uln)
                            & (records.c.method == assignments.c.method)
                            & (records.c.attempt == "first"))
                 .where(assignments.c.assessor == assessor)
                 .order_by(apprentices.c.name, assignments.c.method))
        with self.connection() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # --- records ---------------------------------------------------------------------------

    def _append(self, conn, record_id: int, version: int, kind: str, author: str, reason: str,
                record: MethodRecord, previous_chain: str) -> None:
        at = self.clock()
        content = record.content_hash()
        conn.execute(insert(versions).values(
            record_id=record_id, version=version, kind=kind, author=author, at=at, reason=reason,
            data=record.canonical_json(), content_hash=content,
            chain_hash=chain_hash(previous_chain, content, kind, author, at, reason)))

    def put(self, record: MethodRecord, *, author: str, submitted: bool = False,
            reason: str = "imported") -> StoredRecord:
        """Store a new record (draft or submitted). Refused if one exists for the same apprentice,
        method and attempt: existing evidence is never replaced."""
        with self.transaction() as conn:
            try:
                self.ensure_apprentice(conn, record)
                result = conn.execute(insert(records).values(
                    uln=record.apprentice.uln, method=record.method, attempt=record.attempt,
                    status="submitted" if submitted else "draft", current_version=1))
            except IntegrityError:
                raise ConflictError(f"a {record.attempt} {record.method} record for this "
                                    "apprentice is already stored; it is kept unchanged",
                                    field="method") from None
            record_id = result.inserted_primary_key[0]
            self._append(conn, record_id, 1, "submitted" if submitted else "created", author,
                         reason, record, "")
        return self.get(record_id)

    def find(self, uln: str, method: str, attempt: str = "first") -> StoredRecord | None:
        with self.connection() as conn:
            row = conn.execute(select(records.c.id).where(
                (records.c.uln == uln) & (records.c.method == method)
                & (records.c.attempt == attempt))).first()
        return None if row is None else self.get(row.id)

    def get(self, record_id: int) -> StoredRecord:
        with self.connection() as conn:
            row = conn.execute(select(records).where(records.c.id == record_id)).first()
            if row is None:
                raise InputError(f"no stored record {record_id}", field="record")
            data = conn.execute(select(versions.c.data).where(
                (versions.c.record_id == record_id)
                & (versions.c.version == row.current_version))).scalar_one()
        record, _ = parse_record(json.loads(data), file=f"store record {record_id}")
        return StoredRecord(record_id, record, row.status, row.current_version)

    def _advance(self, conn, stored_id: int, expected: int, *, status: str | None = None,
                 require: str | None = None) -> str:
        """Move the record's pointer from ``expected`` to the next version, or refuse."""
        row = conn.execute(select(records).where(records.c.id == stored_id)).first()
        if row is None:
            raise InputError(f"no stored record {stored_id}", field="record")
        if require == "draft" and row.status == "submitted":
            raise LockedError("this record is submitted and cannot be edited; amend it with "
                              "a reason instead", field="status")
        if require == "submitted" and row.status != "submitted":
            raise InputError("only a submitted record can be amended or moderated",
                             field="status")
        values = {"current_version": expected + 1}
        if status:
            values["status"] = status
        done = conn.execute(update(records).where(
            (records.c.id == stored_id) & (records.c.current_version == expected)).values(**values))
        if done.rowcount != 1:
            last = conn.execute(select(versions.c.author, versions.c.at).where(
                (versions.c.record_id == stored_id)
                & (versions.c.version == row.current_version))).first()
            raise ConflictError(
                f"changed by {last.author} at {last.at} since you opened it (you have version "
                f"{expected}, the store has {row.current_version}); reload to see their change",
                field="version")
        return conn.execute(select(versions.c.chain_hash).where(
            (versions.c.record_id == stored_id) & (versions.c.version == expected))).scalar_one()

    def _same_identity(self, stored: StoredRecord, record: MethodRecord) -> None:
        keys = ("standard", "version", "method", "attempt")
        if any(getattr(stored.record, k) != getattr(record, k) for k in keys) or \
                stored.record.apprentice.uln != record.apprentice.uln:
            raise InputError("a save cannot change the record's apprentice, standard, version, "
                             "method or attempt", field="record")

    def save_draft(self, stored: StoredRecord, record: MethodRecord, *, author: str) -> StoredRecord:
        """Save a change to a draft, in its own transaction; returns the new state."""
        self._same_identity(stored, record)
        with self.transaction() as conn:
            previous = self._advance(conn, stored.id, stored.version, require="draft")
            self._append(conn, stored.id, stored.version + 1, "saved", author, "", record, previous)
        return StoredRecord(stored.id, record, "draft", stored.version + 1)

    def submit(self, stored: StoredRecord, *, author: str) -> StoredRecord:
        with self.transaction() as conn:
            previous = self._advance(conn, stored.id, stored.version, status="submitted",
                                     require="draft")
            self._append(conn, stored.id, stored.version + 1, "submitted", author, "",
                         stored.record, previous)
        return StoredRecord(stored.id, stored.record, "submitted", stored.version + 1)

    def amend(self, stored: StoredRecord, record: MethodRecord, *, author: str,
              reason: str) -> StoredRecord:
        """Change a submitted record: a new version saying who, when (now) and why."""
        if not reason.strip():
            raise InputError("an amendment needs a reason", field="reason")
        self._same_identity(stored, record)
        with self.transaction() as conn:
            previous = self._advance(conn, stored.id, stored.version, require="submitted")
            self._append(conn, stored.id, stored.version + 1, "amended", author, reason.strip(),
                         record, previous)
        return StoredRecord(stored.id, record, "submitted", stored.version + 1)

    def moderate(self, stored: StoredRecord, moderation) -> StoredRecord:
        """Record an IQA moderation of a submitted record as a version of its history.

        The moderation (reviewer, per-descriptor agreement, outcome, rationale) is the version's
        reason, so the hash chain covers it like any other change; the record itself is kept.
        """
        unknown = [d for d in moderation.descriptors if d not in stored.record.judgements]
        if unknown:
            raise InputError(f"moderation names descriptor {unknown[0]!r}, which the record "
                             "does not judge", field="descriptors")
        with self.transaction() as conn:
            previous = self._advance(conn, stored.id, stored.version, require="submitted")
            self._append(conn, stored.id, stored.version + 1, "moderated", moderation.reviewer,
                         moderation.model_dump_json(), stored.record, previous)
        return StoredRecord(stored.id, stored.record, "submitted", stored.version + 1)

    def moderations(self, record_id: int) -> list[tuple[Version, object]]:
        """The record's moderations, oldest first, with the version that holds each."""
        from epa_kernel.core.moderation import Moderation

        return [(v, Moderation.model_validate_json(v.reason))
                for v in self.history(record_id) if v.kind == "moderated"]

    def history(self, record_id: int) -> list[Version]:
        with self.connection() as conn:
            rows = conn.execute(select(versions).where(versions.c.record_id == record_id)
                                .order_by(versions.c.version)).all()
        return [Version(r.version, r.kind, r.author, r.at, r.reason, r.content_hash, r.chain_hash)
                for r in rows]

    def all_records(self, *, submitted_only: bool = False) -> Iterator[StoredRecord]:
        query = select(records.c.id).order_by(records.c.id)
        if submitted_only:
            query = query.where(records.c.status == "submitted")
        with self.connection() as conn:
            ids = [r.id for r in conn.execute(query)]
        for record_id in ids:
            yield self.get(record_id)

    def verify(self) -> list[str]:
        """Problems found by recomputing every record's hash chain; empty when all is intact."""
        with self.connection() as conn:
            return verify_history(conn)


def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (default: ``EPA_STORE_URL``, else ``outputs/epa.sqlite``)."""
    try:
        return Store(store_url(url))
    except OperationalError as exc:
        raise InputError(f"cannot open the store: {exc.orig}", field="store URL") from None
