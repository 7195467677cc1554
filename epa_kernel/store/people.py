"""Who is assessed and who assesses them: apprentices, assessors and their assignments.

A record names its apprentice and its assessor; the store keeps each person once, so the
assessor app can list what an assessor has to assess and a record's apprentice details are read
back from one row. An apprentice already stored is never overwritten by a later record: the first
details stored stand, as evidence does.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from epa_kernel.core.records import MethodRecord
from epa_kernel.errors import InputError
from epa_kernel.store.database import Database
from epa_kernel.store.schema import apprentices, assessors, assignments, records


def ensure_apprentice(conn, record: MethodRecord) -> None:
    """Store ``record``'s apprentice in the open transaction ``conn`` unless already stored."""
    a = record.apprentice
    row = conn.execute(select(apprentices.c.uln).where(apprentices.c.uln == a.uln)).first()
    values = {
        "name": a.name,
        "provider": a.provider,
        "employer": a.employer,
        "start_date": a.start_date,
        "gateway_date": a.gateway_date,
    }
    if row is None:
        conn.execute(insert(apprentices).values(uln=a.uln, **values))


def assign(db: Database, record: MethodRecord) -> None:
    """Make ``record``'s assessor responsible for its apprentice and method."""
    with db.transaction() as conn:
        ensure_apprentice(conn, record)
        if (
            conn.execute(select(assessors).where(assessors.c.name == record.assessor)).first()
            is None
        ):
            conn.execute(insert(assessors).values(name=record.assessor))
        key = (
            (assignments.c.assessor == record.assessor)
            & (assignments.c.uln == record.apprentice.uln)
            & (assignments.c.method == record.method)
        )
        if conn.execute(select(assignments).where(key)).first() is None:
            conn.execute(
                insert(assignments).values(
                    assessor=record.assessor,
                    uln=record.apprentice.uln,
                    method=record.method,
                    standard=record.standard,
                    version=record.version,
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
    """What ``assessor`` has to assess: apprentice, standard and method, with status."""
    query = (
        select(assignments, apprentices.c.name, records.c.status, records.c.id)
        .join(apprentices, apprentices.c.uln == assignments.c.uln)
        .outerjoin(
            records,
            (records.c.uln == assignments.c.uln)
            & (records.c.method == assignments.c.method)
            & (records.c.attempt == "first"),
        )
        .where(assignments.c.assessor == assessor)
        .order_by(apprentices.c.name, assignments.c.method)
    )
    with db.connection() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def reassign(db: Database, uln: str, method: str, assessor: str) -> None:
    """Give the apprentice's ``method`` to ``assessor`` instead (an admin's decision).

    Only before its record is started: a record names its assessor, and a draft or a submitted
    record keeps the assessor who made it (a submitted one is changed by amendment only).
    """
    key = (assignments.c.uln == uln) & (assignments.c.method == method)
    with db.transaction() as conn:
        rows = conn.execute(select(assignments).where(key)).all()
        if not rows:
            raise InputError(
                "no such assignment; import the apprentice's record first (epa import)",
                field="ULN METHOD",
            )
        started = conn.execute(
            select(records.c.id).where((records.c.uln == uln) & (records.c.method == method))
        ).first()
        if started is not None:
            raise InputError(
                "its record is already started by the assigned assessor; it stays theirs "
                "(a submitted record is changed by amendment)",
                field="ULN METHOD",
            )
        if conn.execute(select(assessors).where(assessors.c.name == assessor)).first() is None:
            conn.execute(insert(assessors).values(name=assessor))
        conn.execute(delete(assignments).where(key))
        conn.execute(
            insert(assignments).values(
                assessor=assessor,
                uln=uln,
                method=method,
                standard=rows[0].standard,
                version=rows[0].version,
            )
        )
