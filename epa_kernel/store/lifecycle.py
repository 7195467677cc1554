"""A record's life in the store: created, saved as a draft, submitted, amended with a reason.

These are the rules of evidence for the assessor's own changes. A record is a draft until it is
submitted, and a draft may be saved again and again; a submitted record is locked, and a change
after submission is an amendment, which must say why. No change may turn a record into one for
another apprentice, standard, method or attempt: that would be a different record's evidence.
Each function is one transaction (:func:`~epa_kernel.store.versions.write_next_version`).
"""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from epa_kernel.core.records import MethodRecord
from epa_kernel.errors import ConflictError, InputError
from epa_kernel.store.database import Database
from epa_kernel.store.people import ensure_apprentice
from epa_kernel.store.schema import records
from epa_kernel.store.versions import Clock, StoredRecord, append_version, write_next_version


def create_record(
    db: Database, clock: Clock, record: MethodRecord, *, author: str, submitted: bool, reason: str
) -> int:
    """Store a new record (draft or submitted) as its first version; returns its id. Refused if
    one exists for the same apprentice, method and attempt: existing evidence is never replaced."""
    with db.transaction() as conn:
        try:
            ensure_apprentice(conn, record)
            result = conn.execute(
                insert(records).values(
                    uln=record.apprentice.uln,
                    method=record.method,
                    attempt=record.attempt_key,
                    status="submitted" if submitted else "draft",
                    current_version=1,
                )
            )
        except IntegrityError:
            raise ConflictError(
                f"a {record.attempt_key} {record.method} record for this "
                "apprentice is already stored; it is kept unchanged",
                field="method",
            ) from None
        record_id = result.inserted_primary_key[0]
        kind = "submitted" if submitted else "created"
        append_version(conn, clock, record_id, 1, kind, author, reason, record, "")
    return record_id


def require_same_identity(stored: StoredRecord, record: MethodRecord) -> None:
    """Refuse a change that would make ``stored`` another apprentice's, standard's, method's or
    attempt's record."""
    keys = ("standard", "version", "method", "attempt", "sitting")
    if (
        any(getattr(stored.record, k) != getattr(record, k) for k in keys)
        or stored.record.apprentice.uln != record.apprentice.uln
    ):
        raise InputError(
            "a save cannot change the record's apprentice, standard, version, method or attempt",
            field="record",
        )


def save_draft(
    db: Database, clock: Clock, stored: StoredRecord, record: MethodRecord, *, author: str
) -> StoredRecord:
    """Save a change to a draft, in its own transaction; returns the new state."""
    require_same_identity(stored, record)
    return write_next_version(
        db, clock, stored, record, kind="saved", author=author, require="draft"
    )


def submit(db: Database, clock: Clock, stored: StoredRecord, *, author: str) -> StoredRecord:
    """Submit a draft as it stands: from now on it changes only by amendment."""
    return write_next_version(
        db,
        clock,
        stored,
        stored.record,
        kind="submitted",
        author=author,
        require="draft",
        status="submitted",
    )


def amend(
    db: Database,
    clock: Clock,
    stored: StoredRecord,
    record: MethodRecord,
    *,
    author: str,
    reason: str,
) -> StoredRecord:
    """Change a submitted record: a new version saying who, when (now) and why."""
    if not reason.strip():
        raise InputError("an amendment needs a reason", field="reason")
    require_same_identity(stored, record)
    return write_next_version(
        db,
        clock,
        stored,
        record,
        kind="amended",
        author=author,
        reason=reason.strip(),
        require="submitted",
    )
