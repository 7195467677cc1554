"""A store made before assignments named their attempt is rebuilt when opened, each assessor
keeping only the attempts whose records they made (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from epa_kernel.store.store import Store
from helpers import ATTEMPT_ASSESSORS, ATTEMPT_ULN, VALID_ULNS, attempt_record, make_record

PO = "practical_observation"
# The table as kits before the attempt column made it: every attempt's assessor on (uln, method).
OLD_ASSIGNMENTS = """CREATE TABLE assignments (
    assessor VARCHAR(200) NOT NULL REFERENCES assessors (name),
    uln VARCHAR(10) NOT NULL REFERENCES apprentices (uln),
    standard VARCHAR(6) NOT NULL,
    version VARCHAR(10) NOT NULL,
    method VARCHAR(40) NOT NULL,
    PRIMARY KEY (assessor, uln, method)
)"""


def old_store(url: str) -> None:
    """Records of three attempts by three assessors, plus assessors with no record, in a store
    whose assignments table has the old shape, rows as `epa import` wrote them."""
    store = Store(url)
    for key in ATTEMPT_ASSESSORS:
        record = attempt_record(key)
        store.assign(record)
        store.put(record, author=record.assessor)
    late = make_record(uln=VALID_ULNS[0], judgements={}, assessor="Nina Shaw")  # not started
    store.assign(late)
    store.close()
    rows = [(name, ATTEMPT_ULN) for name in [*ATTEMPT_ASSESSORS.values(), "Olive Stone"]]
    rows += [("Nina Shaw", VALID_ULNS[0]), ("Olive Stone", VALID_ULNS[0])]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE assignments"))
        conn.execute(text(OLD_ASSIGNMENTS))
        conn.execute(text("INSERT INTO assessors (name) VALUES ('Olive Stone')"))
        for name, uln in rows:
            conn.execute(
                text(
                    "INSERT INTO assignments (assessor, uln, standard, version, method) "
                    "VALUES (:a, :u, 'ST0072', '1.0', :m)"
                ),
                {"a": name, "u": uln, "m": PO},
            )
    engine.dispose()


def test_an_old_store_gets_one_assessor_per_attempt_when_opened(store_url, caplog):
    old_store(store_url)
    caplog.set_level("INFO")
    store = Store(store_url)
    try:
        mine = {
            name: [(a["uln"], a["attempt"], a["status"]) for a in store.assignments_of(name)]
            for name in [*ATTEMPT_ASSESSORS.values(), "Nina Shaw", "Olive Stone"]
        }
        assert mine == {
            "Ruth Okafor": [(ATTEMPT_ULN, "first", "draft")],
            "Declan Moss": [(ATTEMPT_ULN, "resit", "draft")],
            "Morgan Hale": [(ATTEMPT_ULN, "resit2", "draft")],
            # no record of theirs: the first attempt, while nobody else holds it (rows are
            # taken by assessor: Nina's before Olive's); Olive's row for Viktor, whose first
            # attempt is Ruth's record, is dropped
            "Nina Shaw": [(VALID_ULNS[0], "first", None)],
            "Olive Stone": [],
        }
        assert "Viktor" not in caplog.text and ATTEMPT_ULN not in caplog.text
        assert "6 old row(s), 4 attempt(s) assigned, 2 dropped" in caplog.text
        columns = [c["name"] for c in inspect(store.engine).get_columns("assignments")]
        assert "attempt" in columns
        store.reassign(VALID_ULNS[0], PO, "Olive Stone")  # the rebuilt table works as new
        assert [a["attempt"] for a in store.assignments_of("Olive Stone")] == ["first"]
    finally:
        store.close()
    Store(store_url).close()  # opened again: nothing more to migrate
