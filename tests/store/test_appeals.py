"""Appeals and enquiries in the store, on SQLite and a real PostgreSQL server: lodged only within
the organisation's window when one is set (working days, England's bank holidays), flagged and
never refused as late when none is; kept as versions of the record's hash-chained history, the
record itself unchanged."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, text

from epa_kernel.core.appeal import Appeal
from epa_kernel.errors import InputError
from epa_kernel.settings import AppealPolicy
from helpers import lodge_appeal, make_record

# Result notified on Thursday 2 April 2026: 20 working days, skipping Good Friday (3 April),
# Easter Monday (6 April) and the early May bank holiday (Monday 4 May), end on Tuesday 5 May.
# Counting weekdays only would end on Thursday 30 April.
NOTIFIED = date(2026, 4, 2)
LAST_DAY = date(2026, 5, 5)
WORDS = "EPAO Appeals Policy v3, 2.1: 'Appeals must be lodged within 20 working days'"
POLICY = AppealPolicy(20, WORDS, "/etc/epa/epa.toml")


def submitted(store, **kwargs):
    return store.submit(store.put(make_record(**kwargs), author="Sam"), author="Sam")


def lodge(store, stored, lodged_on, **changes):
    return lodge_appeal(store, stored, lodged_on, NOTIFIED, **{"policy": POLICY, **changes})


@pytest.mark.parametrize(
    "lodged_on",
    [date(2026, 5, 4), LAST_DAY],  # the day before the last day (a bank holiday), and the day
    ids=["day-before", "last-day"],
)
def test_an_appeal_inside_the_window_is_lodged(store, lodged_on):
    stored = submitted(store)
    appeal = lodge(store, stored, lodged_on)
    assert (appeal.number, appeal.status, appeal.lodged_on) == (1, "lodged", lodged_on)
    assert store.appeals(stored.id) == [appeal]


def test_an_appeal_the_day_after_the_window_is_refused_naming_window_and_last_day(store):
    stored = submitted(store)
    with pytest.raises(InputError) as caught:
        lodge(store, stored, date(2026, 5, 6))
    message = str(caught.value)
    assert "20 working days after the result notification on 2026-04-02" in message
    assert "bank holidays in England" in message
    assert "the last day was 2026-05-05" in message
    assert WORDS in message and "/etc/epa/epa.toml" in message  # the policy's words and file
    assert [v.kind for v in store.history(stored.id)] == ["created", "submitted"]


@pytest.mark.parametrize(
    "lodged_on, late", [(LAST_DAY, 20), (date(2026, 5, 6), 21), (date(2026, 5, 7), 22)]
)
def test_with_no_policy_a_late_appeal_is_lodged_and_flagged(store, lodged_on, late):
    stored = submitted(store)
    appeal = lodge(store, stored, lodged_on, policy=None)
    assert appeal.status == "lodged" and appeal.lodged_on == lodged_on
    assert (
        f"lodged {late} working day(s) after the result notification on 2026-04-02" in appeal.flag
    )
    assert "the organisation has set none" in appeal.flag
    assert store.appeals(stored.id) == [appeal]  # the flag is kept in the chain


def test_under_a_policy_an_appeal_in_time_is_not_flagged(store):
    assert lodge(store, submitted(store), LAST_DAY).flag == ""


def test_an_enquiry_uses_the_same_window(store):
    stored = submitted(store)
    with pytest.raises(InputError, match="last day was 2026-05-05"):
        lodge(store, stored, date(2026, 5, 6), kind="enquiry")
    assert lodge(store, stored, LAST_DAY, kind="enquiry").kind == "enquiry"


def test_an_appeal_before_the_result_was_notified_is_refused(store):
    with pytest.raises(InputError, match="before the result was notified"):
        lodge(store, submitted(store), date(2026, 4, 1))


def test_only_a_submitted_record_can_be_appealed(store):
    draft = store.put(make_record(judgements={}), author="Sam")
    with pytest.raises(InputError, match="only a submitted record"):
        lodge(store, draft, LAST_DAY)


def test_appeal_versions_keep_the_record_and_the_chain_verifies(store, store_url):
    from epa_kernel.store.store import Store

    stored = submitted(store)
    lodge(store, stored, date(2026, 4, 10))
    store.resolve_appeal(store.get(stored.id), 1, status="under_review", handler="Hal Handler")
    lodge(store, store.get(stored.id), date(2026, 4, 20), kind="enquiry")
    store.resolve_appeal(
        store.get(stored.id),
        1,
        status="upheld",
        handler="Hal Handler",
        outcome="P3 met on review of the recording; grade to be amended.",
    )
    again = Store(store_url)
    history = again.history(stored.id)
    assert [v.kind for v in history] == ["created", "submitted"] + ["appeal"] * 4
    assert [v.author for v in history[2:]] == ["Rita Records", "Hal Handler"] * 2
    assert {v.content_hash for v in history} == {stored.record.content_hash()}
    assert again.get(stored.id).record == stored.record
    first, second = again.appeals(stored.id)
    assert (first.number, first.status, first.handler) == (1, "upheld", "Hal Handler")
    assert first.outcome.startswith("P3 met")
    assert (second.number, second.kind, second.status) == (2, "enquiry", "lodged")
    assert again.verify() == []
    again.close()


def test_an_appeal_edited_behind_the_kits_back_breaks_the_chain(store, store_url):
    stored = submitted(store)
    appeal = lodge(store, stored, date(2026, 4, 10))
    store.resolve_appeal(
        store.get(stored.id), 1, status="rejected", handler="Hal", outcome="No new evidence."
    )
    forged = appeal.model_copy(update={"status": "withdrawn", "handler": "Hal"})
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE record_versions SET reason = :r WHERE record_id = :i AND version = 4"),
            {"r": forged.model_dump_json(), "i": stored.id},
        )
    engine.dispose()
    assert any("hash chain is broken" in p for p in store.verify())


def test_a_closed_appeal_cannot_change_and_decisions_need_an_outcome(store):
    stored = submitted(store)
    lodge(store, stored, date(2026, 4, 10))
    with pytest.raises(InputError, match="outcome"):
        store.resolve_appeal(store.get(stored.id), 1, status="rejected", handler="Hal")
    with pytest.raises(InputError, match="no appeal 2"):
        store.resolve_appeal(store.get(stored.id), 2, status="withdrawn", handler="Hal")
    store.resolve_appeal(store.get(stored.id), 1, status="withdrawn", handler="Hal")
    with pytest.raises(InputError, match="already withdrawn"):
        store.resolve_appeal(
            store.get(stored.id), 1, status="upheld", handler="Hal", outcome="late"
        )
    assert [a.status for a in store.appeals(stored.id)] == ["withdrawn"]
    assert len(store.history(stored.id)) == 4


def test_the_appeal_model_refuses_what_is_not_an_appeal():
    base = {
        "number": 1,
        "kind": "appeal",
        "appellant_role": "apprentice",
        "appellant": " Ada ",
        "lodged_on": "2026-04-10",
        "result_notified_on": "2026-04-02",
        "grounds": "g",
    }
    assert Appeal.model_validate(base).appellant == "Ada"  # typed input is stripped
    for change, words in (
        ({"kind": "complaint"}, "appeal"),
        ({"status": "upheld", "handler": "H"}, "outcome"),
        ({"status": "under_review"}, "handler"),
        ({"grounds": ""}, "at least 1"),
    ):
        with pytest.raises(Exception, match=words):
            Appeal.model_validate({**base, **change})
