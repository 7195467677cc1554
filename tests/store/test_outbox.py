"""The outbox in the store (SQLite and PostgreSQL): a key queued once, a message unsent until a
try is recorded sent, every try kept; and contact addresses and outbox messages leave with the
apprentice when a purge removes them."""

from __future__ import annotations

from datetime import UTC, date

from sqlalchemy import func, select

from epa_kernel.store.contacts import contact, set_contact
from epa_kernel.store.outbox import message_key, outbox_rows, queue, record_try, unsent
from epa_kernel.store.retention import purge_store
from epa_kernel.store.schema import contacts, outbox
from epa_kernel.store.store import Store
from helpers import VALID_ULNS, make_record

ULN = VALID_ULNS[0]
MESSAGE = b"Subject: x\r\n\r\nbody\r\n"


def stored_apprentice(store) -> None:
    record = make_record(uln=ULN, assessed_on="2019-01-10")
    store.assign(record)
    store.submit(store.put(record, author="Sam"), author="Sam")


def test_a_key_is_queued_once_and_sent_once(store):
    stored_apprentice(store)
    key = message_key(ULN, "confirmation", [(2, 1), (1, 3)])
    assert key == message_key(ULN, "confirmation", [(1, 3), (2, 1)])
    assert key != message_key(ULN, "confirmation", [(1, 3), (2, 2)])
    first = queue(
        store, store.clock, key=key, uln=ULN, kind="confirmation", message=MESSAGE, by="p"
    )
    again = queue(
        store, store.clock, key=key, uln=ULN, kind="confirmation", message=MESSAGE, by="p"
    )
    assert first is not None and again is None
    assert [q.message for q in unsent(store)] == [MESSAGE]
    record_try(store, store.clock, first, "failed", "ConnectionRefusedError")
    assert [(r["state"], r["tries"]) for r in outbox_rows(store)] == [("failed", 1)]
    record_try(store, store.clock, first, "sent", "accepted by the server")
    assert unsent(store) == []
    assert [(r["state"], r["tries"], r["answer"]) for r in outbox_rows(store)] == [
        ("sent", 2, "accepted by the server")
    ]


def test_a_purge_removes_the_apprentices_addresses_and_messages(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'epa.sqlite'}", clock=lambda: "2019-01-10T10:00:00")
    stored_apprentice(store)
    set_contact(store, "apprentice", ULN, "sam@example.org", field="--email")
    set_contact(store, "employer", ULN, "boss@example.org", field="--employer-email")
    key = message_key(ULN, "confirmation", [(1, 1)])
    queued = queue(
        store, store.clock, key=key, uln=ULN, kind="confirmation", message=MESSAGE, by="p"
    )
    record_try(store, store.clock, queued, "sent", "accepted by the server")
    assert contact(store, "apprentice", ULN).email == "sam@example.org"
    assert purge_store(store, date(2026, 3, 2)).apprentices == 1
    with store.connection() as conn:
        assert conn.execute(select(func.count()).select_from(contacts)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(outbox)).scalar() == 0
    assert outbox_rows(store) == []


def test_a_message_is_claimed_by_one_sender_until_its_lease_runs_out(store_url):
    from datetime import datetime, timedelta

    from epa_kernel.store.outbox import LEASE, claim

    now = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    store = Store(store_url, clock=lambda: now[0].isoformat())
    stored_apprentice(store)
    key = message_key(ULN, "confirmation", [(1, 1)])
    first = queue(
        store, store.clock, key=key, uln=ULN, kind="confirmation", message=MESSAGE, by="p"
    )
    assert claim(store, store.clock, first) is True
    assert claim(store, store.clock, first) is False  # another sender, while the first sends
    assert [(r["state"], r["tries"]) for r in outbox_rows(store)] == [("sending", 0)]
    now[0] += LEASE - timedelta(seconds=1)
    assert claim(store, store.clock, first) is False
    now[0] += timedelta(seconds=1)  # the first sender died: the message is not stuck
    assert claim(store, store.clock, first) is True
    record_try(store, store.clock, first, "failed", "ConnectionRefusedError")
    assert claim(store, store.clock, first) is True  # a failure is tried again at once
    record_try(store, store.clock, first, "sent", "accepted by the server")
    now[0] += LEASE * 2
    assert claim(store, store.clock, first) is False  # sent: never again
    assert [(r["state"], r["tries"]) for r in outbox_rows(store)] == [("sent", 2)]
    store.close()
