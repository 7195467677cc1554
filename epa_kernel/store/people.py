"""Who is assessed and who assesses them: apprentices, assessors and their assignments (one
assessor per attempt of an apprentice's method).

A record names its apprentice and its assessor; the store keeps each person once, so the
assessor app can list what an assessor has to assess and a record's apprentice details are read
back from one row. An apprentice already stored is never overwritten by a later record: the first
details stored stand, as evidence does.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from epa_kernel.core.records import MethodRecord
from epa_kernel.errors import InputError
from epa_kernel.store.database import Database
from epa_kernel.store.schema import apprentices, assessors, assignments, records

#: What the assessment service matches or takes of an apprentice (``epa submit``).
SERVICE_FIELDS = ("family_name", "course_option")


def ensure_apprentice(conn, record: MethodRecord) -> None:
    """Store ``record``'s apprentice in the open transaction ``conn`` unless already stored; a
    family name or course option the stored row lacks is filled in from the record (a blank
    filled, nothing overwritten), so records started from the row later carry it."""
    a = record.apprentice
    row = conn.execute(select(apprentices).where(apprentices.c.uln == a.uln)).first()
    given = {k: getattr(a, k) for k in SERVICE_FIELDS if getattr(a, k)}
    blank = {k: v for k, v in given.items() if row is not None and getattr(row, k) is None}
    if blank:
        conn.execute(update(apprentices).where(apprentices.c.uln == a.uln).values(**blank))
    values = {
        **given,
        "name": a.name,
        "provider": a.provider,
        "employer": a.employer,
        "start_date": a.start_date,
        "gateway_date": a.gateway_date,
    }
    if row is None:
        conn.execute(insert(apprentices).values(uln=a.uln, **values))


def _ensure_assessor(conn, name: str) -> None:
    if conn.execute(select(assessors).where(assessors.c.name == name)).first() is None:
        conn.execute(insert(assessors).values(name=name))


def _attempt_key(uln: str, method: str, attempt: str):
    return (
        (assignments.c.uln == uln)
        & (assignments.c.method == method)
        & (assignments.c.attempt == attempt)
    )


def _started(conn, uln: str, method: str, attempt: str) -> bool:
    started = conn.execute(
        select(records.c.id).where(
            (records.c.uln == uln) & (records.c.method == method) & (records.c.attempt == attempt)
        )
    ).first()
    return started is not None


def assign(db: Database, record: MethodRecord) -> None:
    """Make ``record``'s assessor responsible for its apprentice, method and attempt (its own
    ``attempt_key``: a resit is assigned apart from the first attempt).

    One attempt has one assessor. An attempt already assigned to someone else follows the
    record while no record of it is stored (the record about to be stored names its assessor);
    once one is, the assignment stays with the assessor who started it.
    """
    uln, attempt = record.apprentice.uln, record.attempt_key
    key = _attempt_key(uln, record.method, attempt)
    with db.transaction() as conn:
        ensure_apprentice(conn, record)
        _ensure_assessor(conn, record.assessor)
        row = conn.execute(select(assignments).where(key)).first()
        if row is not None and (
            row.assessor == record.assessor or _started(conn, uln, record.method, attempt)
        ):
            return
        _set_assignment(
            conn, uln, record.method, attempt, record.assessor, (record.standard, record.version)
        )


def assign_attempt(
    conn, uln: str, method: str, attempt: str, assessor: str, standard: tuple[str, str]
) -> None:
    """In the open transaction ``conn``: make ``assessor`` (already stored) responsible for the
    apprentice's ``method`` ``attempt`` (a booking does). Refused when another assessor has
    started its record: it stays theirs."""
    key = _attempt_key(uln, method, attempt)
    row = conn.execute(select(assignments).where(key)).first()
    if row is not None and row.assessor == assessor:
        return
    if row is not None and _started(conn, uln, method, attempt):
        raise InputError(
            f"{method} {attempt} is already started by its assigned assessor; it stays theirs",
            field="--assessor",
        )
    _set_assignment(conn, uln, method, attempt, assessor, standard)


def _set_assignment(
    conn, uln: str, method: str, attempt: str, assessor: str, standard: tuple[str, str]
) -> None:
    """The attempt's one assignment, to ``assessor`` (any earlier one replaced)."""
    conn.execute(delete(assignments).where(_attempt_key(uln, method, attempt)))
    code, version = standard
    conn.execute(
        insert(assignments).values(
            assessor=assessor,
            uln=uln,
            method=method,
            attempt=attempt,
            standard=code,
            version=version,
        )
    )


def apprentice_details(db: Database, uln: str) -> dict:
    """The apprentice's details as a record's ``apprentice`` object."""
    with db.connection() as conn:
        row = conn.execute(select(apprentices).where(apprentices.c.uln == uln)).first()
    if row is None:
        raise InputError("no such apprentice in the store", field="apprentice.uln")
    data = {k: v for k, v in row._mapping.items() if v is not None}
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}


def assessor_names(db: Database) -> list[str]:
    """Every assessor the store knows, by name."""
    with db.connection() as conn:
        return [r.name for r in conn.execute(select(assessors.c.name).order_by(assessors.c.name))]


def assignments_of(db: Database, assessor: str) -> list[dict]:
    """What ``assessor`` has to assess, one row per attempt: ``assessor``, ``uln``, ``name``
    (the apprentice's), ``standard``, ``version``, ``method``, ``attempt`` (its key), and the
    attempt's record ``id`` and ``status`` (None while not started)."""
    query = (
        select(assignments, apprentices.c.name, records.c.status, records.c.id)
        .join(apprentices, apprentices.c.uln == assignments.c.uln)
        .outerjoin(
            records,
            (records.c.uln == assignments.c.uln)
            & (records.c.method == assignments.c.method)
            & (records.c.attempt == assignments.c.attempt),
        )
        .where(assignments.c.assessor == assessor)
        .order_by(
            apprentices.c.name, assignments.c.uln, assignments.c.method, assignments.c.attempt
        )
    )
    with db.connection() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def reassign(db: Database, uln: str, method: str, assessor: str, attempt: str = "first") -> None:
    """Give the apprentice's ``method`` ``attempt`` (its key) to ``assessor`` instead (an
    admin's decision); the other attempts keep their assessors.

    Only before its record is started: a record names its assessor, and a draft or a submitted
    record keeps the assessor who made it (a submitted one is changed by amendment only).
    """
    key = _attempt_key(uln, method, attempt)
    with db.transaction() as conn:
        row = conn.execute(select(assignments).where(key)).first()
        if row is None:
            raise InputError(
                "no such assignment; import the apprentice's record first (epa import)",
                field="ULN METHOD ATTEMPT",
            )
        if _started(conn, uln, method, attempt):
            raise InputError(
                "its record is already started by the assigned assessor; it stays theirs "
                "(a submitted record is changed by amendment)",
                field="ULN METHOD ATTEMPT",
            )
        _ensure_assessor(conn, assessor)
        conn.execute(update(assignments).where(key).values(assessor=assessor))
