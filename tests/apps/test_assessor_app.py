"""The assessor app lists one entry per assigned attempt and opens exactly that attempt's
record, saying whose it is; driven without a browser, through a signed-in user's Access."""

from __future__ import annotations

import pytest

from epa_kernel.apps.assessor_app import AssessorApp
from epa_kernel.store.access import Access
from helpers import ATTEMPT_ASSESSORS, ATTEMPT_ULN, three_attempts

PO = "practical_observation"


@pytest.fixture
def store(tmp_path):
    from epa_kernel.store.store import Store

    s = Store(f"sqlite:///{tmp_path / 'epa.sqlite'}")
    yield s
    s.close()


def test_morgan_lists_and_opens_his_second_resit_not_the_first_attempt(store):
    stored = three_attempts(store)
    morgan = ATTEMPT_ASSESSORS["resit2"]
    store.assign(stored["first"].record.model_copy(update={"method": "professional_discussion"}))
    store.reassign(ATTEMPT_ULN, "professional_discussion", morgan)  # a first attempt of his too
    app = AssessorApp(Access(store, "morgan"), morgan, banner="signed in")
    assert app.assignment.options == (
        (
            f"Viktor Hussain ({ATTEMPT_ULN}) — Practical observation · second resit (not started)",
            (ATTEMPT_ULN, PO, "resit2"),
        ),
        (
            f"Viktor Hussain ({ATTEMPT_ULN}) — Professional discussion · first attempt "
            "(not started)",
            (ATTEMPT_ULN, "professional_discussion", "first"),
        ),
    )
    app.assignment.value = (ATTEMPT_ULN, PO, "resit2")
    opened = app.stored
    assert opened.id not in (stored["first"].id, stored["resit"].id)
    assert (opened.record.attempt, opened.record.sitting) == ("resit", 2)
    assert opened.record.assessor == morgan and store.find(ATTEMPT_ULN, PO, "resit2") == opened
    assert "epa-record-owner" in app.owner._dom_classes
    assert app.owner.value == (
        f"<b>Morgan Hale's record</b> · Viktor Hussain ({ATTEMPT_ULN}) · Practical Observation · "
        "second resit"
    )
    assert app.assignment.value == (ATTEMPT_ULN, PO, "resit2")  # relabelled, still chosen
    assert "second resit (in progress)" in app.assignment.label
    app._save(opened.record.model_copy(update={"judgements": {"P1": "met"}}))
    assert store.get(stored["first"].id) == stored["first"]  # Ruth's record untouched
    assert store.find(ATTEMPT_ULN, PO, "resit2").record.judgements == {"P1": "met"}


def test_ruth_sees_her_submitted_first_attempt_as_hers(store):
    stored = three_attempts(store)
    app = AssessorApp(Access(store, "ruth"), ATTEMPT_ASSESSORS["first"], banner="signed in")
    assert [value for _label, value in app.assignment.options] == [(ATTEMPT_ULN, PO, "first")]
    app.assignment.value = (ATTEMPT_ULN, PO, "first")
    assert app.stored.id == stored["first"].id and app.stored.submitted
    assert "Ruth Okafor's record" in app.owner.value and "first attempt" in app.owner.value
