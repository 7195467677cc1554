"""Withdrawals from the EPA in the store, on SQLite and a real PostgreSQL server: append-only rows
with who, when and why, undone only by a reinstatement row; a withdrawn apprentice's results are
neither released nor claimed."""

from __future__ import annotations

from datetime import date

import pytest

from epa_kernel.errors import InputError
from epa_kernel.exports.certificates import claim_batch
from epa_kernel.iqa.release import release_results
from epa_kernel.iqa.sampling import Policy
from helpers import VALID_ULNS, put_epa

LEFT, STAYED = VALID_ULNS[0], VALID_ULNS[1]


@pytest.fixture
def cohort(store):
    put_epa(store, LEFT)
    put_epa(store, STAYED)
    return store


def test_withdraw_round_trip(cohort):
    store = cohort
    row = store.withdraw(LEFT, on=date(2026, 3, 20), reason="left the employer", by="Rita")
    assert (row.uln, row.on, row.reason, row.by, row.reinstated) == (
        LEFT,
        date(2026, 3, 20),
        "left the employer",
        "Rita",
        False,
    )
    assert row.at  # stamped by the store's clock
    assert store.withdrawals() == [row]
    assert store.withdrawals(STAYED) == [] and store.withdrawals(LEFT) == [row]


def test_undo_is_a_new_row_never_a_deletion(cohort):
    store = cohort
    first = store.withdraw(LEFT, on=date(2026, 3, 20), reason="left", by="Rita")
    back = store.reinstate(LEFT, on=date(2026, 4, 1), reason="recorded in error", by="Rita")
    assert store.withdrawals() == []
    assert store.withdrawal_history() == [first, back] and back.reinstated
    again = store.withdraw(LEFT, on=date(2026, 5, 1), reason="left for good", by="Rita")
    assert store.withdrawals() == [again] and len(store.withdrawal_history()) == 3


def test_refusals(cohort):
    store = cohort
    with pytest.raises(InputError, match="no apprentice with this ULN"):
        store.withdraw(VALID_ULNS[2], on=date(2026, 3, 20), reason="left", by="Rita")
    with pytest.raises(InputError, match="not withdrawn: nothing to undo"):
        store.reinstate(LEFT, on=date(2026, 3, 20), reason="oops", by="Rita")
    store.withdraw(LEFT, on=date(2026, 3, 20), reason="left", by="Rita")
    with pytest.raises(InputError, match="already withdrawn"):
        store.withdraw(LEFT, on=date(2026, 3, 21), reason="left again", by="Rita")
    with pytest.raises(InputError, match="reason"):
        store.withdraw(STAYED, on=date(2026, 3, 20), reason="  ", by="Rita")
    assert len(store.withdrawal_history()) == 1


def test_a_withdrawn_apprentices_results_are_not_released_or_claimed(cohort):
    store = cohort
    release_results(store, [], Policy(), by="Rel")  # both released
    store.withdraw(LEFT, on=date(2026, 3, 20), reason="left", by="Rita")
    rows, refused = claim_batch(store)
    assert [r["Uln"] for r in rows] == [STAYED]
    assert [(r.uln, r.reason) for r in refused] == [(LEFT, "withdrawn from the EPA on 2026-03-20")]
    other = VALID_ULNS[2]
    put_epa(store, other)
    store.withdraw(other, on=date(2026, 3, 25), reason="left", by="Rita")
    decision = {d.uln: d for d in release_results(store, [], Policy(), by="Rel")}[other]
    assert decision.state == "held" and "withdrawn from the EPA on 2026-03-25" in decision.why
