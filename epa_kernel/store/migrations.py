"""Bringing a store made by an older kit up to the current tables, when it is opened.

Nullable columns added since a table was made are added to it (:func:`add_nullable_columns`:
``apprentices.family_name`` and ``course_option``, which ``epa submit`` sends; the users' code
columns). One rebuild: ``assignments`` gained ``attempt`` (one assessor per attempt of an
apprentice's method, :data:`~epa_kernel.store.schema.assignments`). An old store assigned every
attempt's assessor to the same (uln, method), which let a resit's assessor open the first
attempt's record. Its table is rebuilt in one transaction, each old row becoming the attempts
whose stored record (its current version) names that row's assessor. A row whose assessor has
no record of that (uln, method) becomes its ``first`` attempt, unless a record of the first
attempt exists or another row already took it (rows taken in order of assessor): then it is
dropped, since it would reach another assessor's attempt. Only counts are logged, no names.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import column, delete, insert, inspect, select, table, text
from sqlalchemy.engine import Engine

from epa_kernel.store.schema import CURRENT_VERSION, apprentices, assignments, records, versions

log = logging.getLogger(__name__)

_OLD_COLUMNS = ("assessor", "uln", "standard", "version", "method")


def migrate(engine: Engine) -> None:
    """Rebuild what the current tables need of an older store; nothing when it is current."""
    columns = {c["name"] for c in inspect(engine).get_columns("assignments")}
    if "attempt" not in columns:
        _assignments_by_attempt(engine)
    add_nullable_columns(engine, apprentices, ("family_name", "course_option"))


def add_nullable_columns(engine: Engine, table, names) -> None:
    """Add the nullable columns ``names`` of ``table`` that a store made before them lacks
    (SQLite and PostgreSQL both take ``ALTER TABLE ... ADD COLUMN`` of a nullable column).
    Nothing to do on a current store."""
    have = {column["name"] for column in inspect(engine).get_columns(table.name)}
    missing = [table.c[name] for name in names if name not in have]
    if not missing:
        return
    preparer = engine.dialect.identifier_preparer
    with engine.begin() as conn:
        for column in missing:
            kind = column.type.compile(dialect=engine.dialect)
            conn.execute(
                text(f"ALTER TABLE {table.name} ADD COLUMN {preparer.quote(column.name)} {kind}")
            )


def _record_assessors(conn) -> dict[tuple[str, str, str], str]:
    """(uln, method, attempt) of every stored record → the assessor its current version names."""
    query = select(records.c.uln, records.c.method, records.c.attempt, versions.c.data).join(
        versions, CURRENT_VERSION
    )
    return {
        (r.uln, r.method, r.attempt): json.loads(r.data)["assessor"] for r in conn.execute(query)
    }


def _assignments_by_attempt(engine: Engine) -> None:
    old = table("assignments", *(column(name) for name in _OLD_COLUMNS))
    with engine.begin() as conn:
        rows = conn.execute(select(old).order_by(old.c.uln, old.c.method, old.c.assessor)).all()
        owners = _record_assessors(conn)
        new: dict[tuple[str, str, str], dict] = {}
        for row in rows:
            mine = [k for k in owners if k[:2] == (row.uln, row.method)]
            attempts = [k[2] for k in mine if owners[k] == row.assessor]
            if not attempts and not any(k[2] == "first" for k in mine):
                attempts = ["first"]
            for attempt in attempts:
                new.setdefault((row.uln, row.method, attempt), {**row._mapping, "attempt": attempt})
        # A write before the DDL: SQLite's driver opens its transaction on the first write, so
        # the drop and create below are inside it and roll back with it.
        conn.execute(delete(old))
        conn.exec_driver_sql("DROP TABLE assignments")
        assignments.create(conn)
        if new:
            conn.execute(insert(assignments), list(new.values()))
    kept = {(v["uln"], v["method"], v["assessor"]) for v in new.values()}
    log.info(
        "store: assignments rebuilt by attempt: %d old row(s), %d attempt(s) assigned, %d dropped",
        len(rows),
        len(new),
        sum((r.uln, r.method, r.assessor) not in kept for r in rows),
    )
