"""Assessors' profiles as versions: each change (standards, capacity, days away, a conflict of
interest declared) appends the whole profile with who, when and why; the current profile is the
latest version. Nothing is updated or deleted in place, so the declarations an allocation was
checked against can always be read back (:func:`profile_history`).

A change first takes the write lock on the assessor's row (as a booking does,
:mod:`epa_kernel.store.bookings`), so a profile changed while one of the assessor's bookings is
being checked is written before or after that check, never in the middle of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import func, insert, select, update

from epa_kernel.core.assessor_profile import AssessorProfile
from epa_kernel.errors import InputError
from epa_kernel.store.database import Database
from epa_kernel.store.schema import assessor_profiles, assessors
from epa_kernel.store.versions import Clock

Change = Callable[[AssessorProfile], AssessorProfile]


def lock_assessor(conn, name: str, field: str = "NAME") -> None:
    """The write lock on ``name``'s row (PostgreSQL: that row; SQLite: the database)."""
    found = conn.execute(update(assessors).where(assessors.c.name == name).values(name=name))
    if found.rowcount == 0:
        raise InputError("no such assessor in the store (epa assessors add NAME)", field=field)


def _latest(conn, name: str) -> tuple[int, AssessorProfile | None]:
    row = conn.execute(
        select(assessor_profiles.c.version, assessor_profiles.c.data)
        .where(assessor_profiles.c.assessor == name)
        .order_by(assessor_profiles.c.version.desc())
        .limit(1)
    ).first()
    if row is None:
        return 0, None
    return row.version, AssessorProfile.model_validate_json(row.data)


def profile_in(conn, name: str) -> AssessorProfile | None:
    """``name``'s current profile, in the open connection ``conn`` (None: none stored)."""
    return _latest(conn, name)[1]


def get_profile(db: Database, name: str) -> AssessorProfile | None:
    with db.connection() as conn:
        return profile_in(conn, name)


def all_profiles(db: Database) -> list[AssessorProfile]:
    """Every assessor's current profile, by name (assessors without one are left out)."""
    latest = (
        select(assessor_profiles.c.assessor, func.max(assessor_profiles.c.version).label("v"))
        .group_by(assessor_profiles.c.assessor)
        .subquery()
    )
    query = (
        select(assessor_profiles.c.data)
        .join(
            latest,
            (latest.c.assessor == assessor_profiles.c.assessor)
            & (latest.c.v == assessor_profiles.c.version),
        )
        .order_by(assessor_profiles.c.assessor)
    )
    with db.connection() as conn:
        return [AssessorProfile.model_validate_json(r.data) for r in conn.execute(query)]


def add_assessor(db: Database, clock: Clock, name: str, *, by: str) -> AssessorProfile:
    """Store a new assessor with an empty profile; an assessor already stored without a
    profile (from ``epa assign`` or a record) is given one; one with a profile is refused."""
    profile = AssessorProfile(name=name)
    with db.transaction() as conn:
        if conn.execute(select(assessors).where(assessors.c.name == profile.name)).first() is None:
            conn.execute(insert(assessors).values(name=profile.name))
        lock_assessor(conn, profile.name)
        if _latest(conn, profile.name)[1] is not None:
            raise InputError("this assessor already has a profile", field="NAME")
        _append(conn, clock, 1, profile, by=by, reason="added")
    return profile


def change_profile(
    db: Database, clock: Clock, name: str, change: Change, *, by: str, reason: str
) -> AssessorProfile:
    """Append ``change`` applied to ``name``'s current profile (an empty one when none is
    stored) as a new version; the changed profile is validated before anything is written."""
    with db.transaction() as conn:
        lock_assessor(conn, name)
        version, current = _latest(conn, name)
        changed = change(current or AssessorProfile(name=name))
        changed = AssessorProfile.model_validate(changed.model_dump())
        _append(conn, clock, version + 1, changed, by=by, reason=reason)
    return changed


def _append(conn, clock: Clock, version: int, profile: AssessorProfile, *, by, reason) -> None:
    conn.execute(
        insert(assessor_profiles).values(
            assessor=profile.name,
            version=version,
            author=by,
            at=clock(),
            reason=reason,
            data=profile.model_dump_json(),
        )
    )


def profile_history(db: Database, name: str) -> list[dict]:
    """Every version of ``name``'s profile, oldest first: version, author, at, reason, profile."""
    query = (
        select(assessor_profiles)
        .where(assessor_profiles.c.assessor == name)
        .order_by(assessor_profiles.c.version)
    )
    with db.connection() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["profile"] = AssessorProfile.model_validate(json.loads(row.pop("data")))
        del row["assessor"]
    return rows
