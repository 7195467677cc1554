"""Releases of apprentices' results and the certificates claimed for them: append-only rows.

A release is about an apprentice, not one record, so it is a row of its own rather than a
version in each record's chain: one row per release, never updated, naming who released and
when, and the content hash of every submitted record released (``hashes``) with their digest
(``results``). The digest is unique per apprentice, so releasing the same results twice inserts
nothing, even from two processes at once; results changed after their release (an amendment
after an upheld appeal) have another digest and need a release of their own. The content hashes
are those the records' hash chains hold, so a release names exactly the evidence it released.
A certificate claim is a row too, one per apprentice and standard: claimed once, never again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from epa_kernel.store.database import Database
from epa_kernel.store.schema import (
    CURRENT_VERSION,
    certificate_claims,
    records,
    releases,
    versions,
)
from epa_kernel.store.versions import Clock


@dataclass(frozen=True)
class Release:
    uln: str
    results: str  # digest of ``hashes``
    hashes: dict[str, str]  # "<method>/<attempt>" -> content hash
    by: str
    at: str


@dataclass(frozen=True)
class Claim:
    uln: str
    standard: str
    version: str
    grade: str
    achieved_on: str
    results: str
    file: str
    at: str


class _AlreadyReleased(Exception):
    """Raised inside the transaction so it rolls back; caught outside: a no-op."""


def current_results(conn, uln: str) -> dict[str, str]:
    """The content hash of each of the apprentice's submitted records, as stored now."""
    rows = conn.execute(
        select(records.c.method, records.c.attempt, versions.c.content_hash)
        .join(versions, CURRENT_VERSION)
        .where((records.c.uln == uln) & (records.c.status == "submitted"))
    )
    return {f"{r.method}/{r.attempt}": r.content_hash for r in rows}


def digest(hashes: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode("utf-8")).hexdigest()


def _release(row) -> Release:
    return Release(row.uln, row.results, json.loads(row.hashes), row.released_by, row.at)


def release(db: Database, clock: Clock, uln: str, *, by: str) -> tuple[Release, bool]:
    """Release the apprentice's submitted results as they stand; returns the release and whether
    it is new (False: these very results were released before, and nothing was written)."""
    with db.connection() as conn:
        hashes = current_results(conn, uln)
    results = digest(hashes)
    try:
        with db.transaction() as conn:
            try:
                conn.execute(
                    insert(releases).values(
                        uln=uln,
                        results=results,
                        hashes=json.dumps(hashes, sort_keys=True),
                        released_by=by,
                        at=clock(),
                    )
                )
            except IntegrityError:
                raise _AlreadyReleased from None
        new = True
    except _AlreadyReleased:
        new = False
    with db.connection() as conn:
        row = conn.execute(
            select(releases).where((releases.c.uln == uln) & (releases.c.results == results))
        ).one()
    return _release(row), new


def latest_releases(db: Database, uln: str | None = None) -> dict[str, Release]:
    """Each released apprentice's latest release, by ULN (only ``uln``'s when given)."""
    query = select(releases).order_by(releases.c.id)
    if uln is not None:
        query = query.where(releases.c.uln == uln)
    with db.connection() as conn:
        rows = conn.execute(query).all()
    return {r.uln: _release(r) for r in rows}


def results_now(db: Database, uln: str) -> str:
    """The digest of the apprentice's submitted results as stored now."""
    with db.connection() as conn:
        return digest(current_results(conn, uln))


def claims(db: Database, uln: str | None = None) -> list[Claim]:
    """The certificate claims recorded, in order (only ``uln``'s when given)."""
    query = select(certificate_claims).order_by(certificate_claims.c.id)
    if uln is not None:
        query = query.where(certificate_claims.c.uln == uln)
    with db.connection() as conn:
        rows = conn.execute(query).all()
    return [
        Claim(r.uln, r.standard, r.version, r.grade, r.achieved_on, r.results, r.file, r.at)
        for r in rows
    ]


def record_claims(db: Database, clock: Clock, rows: list[dict], *, file: str) -> None:
    """Record the claims of one batch file in one transaction (``rows``: uln, standard, version,
    grade, achieved_on, results)."""
    at = clock()
    with db.transaction() as conn:
        for row in rows:
            conn.execute(insert(certificate_claims).values(**row, file=file, at=at))
