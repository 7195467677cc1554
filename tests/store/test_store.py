"""The store, on SQLite and a real PostgreSQL server: nothing lost, nothing changed in secret."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text

from epa_kernel.errors import ConflictError, InputError, LockedError, StoreError
from epa_kernel.store.store import Store
from helpers import judgements_for, make_record


def test_a_draft_saves_every_change_and_reads_back_exactly(store, st0072):
    record = make_record(judgements={})
    stored = store.put(record, author="Sam")
    j = judgements_for(st0072, "practical_observation", ["face_to_face"])
    for i in range(1, len(j) + 1):
        changed = stored.record.model_copy(update={"judgements": dict(list(j.items())[:i])})
        stored = store.save_draft(stored, changed, author="Sam")
    again = store.get(stored.id)
    assert again.record == stored.record and again.record.judgements == j
    assert again.version == len(j) + 1
    assert [v.kind for v in store.history(stored.id)] == ["created"] + ["saved"] * len(j)


def test_a_second_store_process_sees_every_saved_change(store_url, st0072):
    first = Store(store_url)
    stored = first.put(make_record(judgements={}), author="Sam")
    stored = first.save_draft(
        stored, stored.record.model_copy(update={"judgements": {"P1": "met"}}), author="Sam"
    )
    first.close()  # as if the server stopped
    second = Store(store_url)
    assert second.find(stored.record.apprentice.uln, "practical_observation").record.judgements == {
        "P1": "met"
    }
    second.close()


def test_a_stale_save_is_refused_with_a_conflict_not_an_overwrite(store):
    stored = store.put(make_record(judgements={}), author="Sam")
    mine = store.save_draft(
        stored, stored.record.model_copy(update={"judgements": {"P1": "met"}}), author="Sam"
    )
    with pytest.raises(ConflictError, match=r"changed by Sam at .* reload"):
        store.save_draft(
            stored,
            stored.record.model_copy(update={"judgements": {"P1": "not_met"}}),
            author="Alex",
        )
    assert store.get(stored.id).record == mine.record


def test_concurrent_saves_of_one_record_lose_nothing_silently(store):
    stored = store.put(make_record(judgements={}), author="Sam")
    outcomes: list[str] = []

    def save(value, who):
        try:
            store.save_draft(
                stored, stored.record.model_copy(update={"judgements": {"P1": value}}), author=who
            )
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [
        threading.Thread(target=save, args=(v, w))
        for v, w in (("met", "Sam"), ("not_met", "Alex"), ("met", "Jo"), ("not_met", "Kim"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["saved"]
    assert len(store.history(stored.id)) == 2


def test_different_records_saved_at_once_are_all_kept(store, st0072):
    stored = [
        store.put(make_record(judgements={}, uln=u), author="Sam")
        for u in ("1000000019", "1000000027", "1000000035", "9999999904")
    ]
    errors = []

    def work(s):
        try:
            current = s
            for cid in ("P1", "P2", "P3", "P10", "P11"):
                j = dict(current.record.judgements, **{cid: "met"})
                current = store.save_draft(
                    current, current.record.model_copy(update={"judgements": j}), author="Sam"
                )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in stored]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for s in stored:
        assert set(store.get(s.id).record.judgements) == {"P1", "P2", "P3", "P10", "P11"}


def test_submitted_records_are_immutable_and_amendments_say_who_when_why(store):
    stored = store.submit(store.put(make_record(), author="Sam"), author="Sam")
    with pytest.raises(LockedError, match="submitted and cannot be edited"):
        store.save_draft(stored, stored.record, author="Sam")
    changed = stored.record.model_copy(update={"notes": {"P1": "typo fixed"}})
    with pytest.raises(InputError, match="needs a reason"):
        store.amend(stored, changed, author="Sam", reason="  ")
    amended = store.amend(stored, changed, author="Lead IQA", reason="Note mistyped at submission")
    last = store.history(stored.id)[-1]
    assert (last.kind, last.author, last.reason) == (
        "amended",
        "Lead IQA",
        "Note mistyped at submission",
    )
    assert last.at and amended.submitted
    assert [v.kind for v in store.history(stored.id)] == ["created", "submitted", "amended"]


def test_a_save_cannot_change_whose_record_it_is(store):
    stored = store.put(make_record(judgements={}), author="Sam")
    other = make_record(judgements={}, uln="1000000027")
    with pytest.raises(InputError, match="cannot change the record's apprentice"):
        store.save_draft(stored, other, author="Sam")


def test_an_existing_record_is_never_replaced_by_put(store):
    store.put(make_record(judgements={"P1": "met"}), author="Sam")
    with pytest.raises(ConflictError, match="already stored"):
        store.put(make_record(judgements={}), author="Sam")
    assert store.find("1000000019", "practical_observation").record.judgements == {"P1": "met"}


@pytest.mark.parametrize(
    "tamper, words",
    [
        (
            "UPDATE record_versions SET data = replace(data, '\"met\"', '\"not_met\"') "
            "WHERE version = 2",
            "does not match its content hash",
        ),
        (
            "UPDATE record_versions SET author = 'Someone else' WHERE version = 2",
            "hash chain is broken",
        ),
        ("DELETE FROM record_versions WHERE version = 2", "not consecutive"),
        ("UPDATE records SET status = 'draft'", "was submitted but is marked draft"),
    ],
)
def test_an_edit_behind_the_kits_back_is_detected(store, store_url, tamper, words):
    stored = store.put(make_record(judgements={}), author="Sam")
    stored = store.save_draft(
        stored, stored.record.model_copy(update={"judgements": {"P1": "met"}}), author="Sam"
    )
    store.submit(stored, author="Sam")
    assert store.verify() == []
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text(tamper))
    engine.dispose()
    assert any(words in p for p in store.verify())


def test_assignments_list_what_an_assessor_has_to_do(store):
    store.assign(make_record(method="practical_observation"))
    store.assign(make_record(method="professional_discussion", judgements={}))
    store.assign(make_record(uln="1000000027").model_copy(update={"assessor": "Other Assessor"}))
    mine = store.assignments_of("A. Assessor")
    assert [(a["uln"], a["method"], a["status"]) for a in mine] == [
        ("1000000019", "practical_observation", None),
        ("1000000019", "professional_discussion", None),
    ]
    assert store.assessors() == ["A. Assessor", "Other Assessor"]


def test_a_corrupt_sqlite_file_is_reported_not_overwritten(tmp_path):
    path = tmp_path / "epa.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(InputError, match="cannot open the store"):
        Store(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_a_database_failing_under_the_store_is_a_store_error_without_sql_or_ulns(store, store_url):
    stored = store.put(make_record(judgements={}), author="Sam")
    engine = create_engine(store_url)
    with engine.begin() as conn:  # a table gone behind the kit's back, as a damaged file would
        conn.execute(text("DROP TABLE record_versions"))
    engine.dispose()
    with pytest.raises(StoreError) as failed:
        store.save_draft(
            stored, stored.record.model_copy(update={"judgements": {"P1": "met"}}), author="Sam"
        )
    message = str(failed.value)
    assert "record_versions" in message  # the driver's own words
    assert not any(word in message for word in ("SELECT", "FROM", "LINE", "DETAIL"))
    assert stored.record.apprentice.uln not in message and "\n" not in message


def test_a_store_error_keeps_the_drivers_first_line_and_redacts_ulns():
    from sqlalchemy.exc import OperationalError

    from epa_kernel.store.database import store_failure

    failed = OperationalError(
        "SELECT name FROM apprentices WHERE uln = ?",
        ("1000000019",),
        Exception("no row for 1000000019\nDETAIL: Key (name)=(Sam)"),
    )
    assert str(store_failure(failed)) == "no row for <uln>"
