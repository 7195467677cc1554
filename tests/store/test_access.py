"""Each signed-in user reaches only what their role allows, whatever they call on the store.

An assessor is the person whose reach matters most: another assessor's apprentices must be
neither listed nor reachable by ULN, by crafted record id or by any call of the API the app's
kernel holds. IQA reads and moderates; only an admin amends, and always with a reason.
"""

from __future__ import annotations

from datetime import date

import pytest

from epa_kernel.core.moderation import Moderation
from epa_kernel.errors import AccessError, InputError
from epa_kernel.store.access import Access
from epa_kernel.store.users import list_users, remove_user, set_user
from epa_kernel.store.versions import StoredRecord
from helpers import (
    ATTEMPT_ASSESSORS,
    ATTEMPT_ULN,
    VALID_ULNS,
    attempt_record,
    make_record,
    three_attempts,
)

A, B = "Alex Ash", "Billie Birch"
A_ULN, B_ULN = VALID_ULNS[0], VALID_ULNS[1]


@pytest.fixture
def team(store):
    """Assessor a holds one apprentice, b another (b's submitted), plus an iqa and an admin."""
    for uln, assessor in ((A_ULN, A), (B_ULN, B)):
        store.assign(make_record(uln=uln, assessor=assessor, judgements={}))
    set_user(store, "alex", "assessor", A)
    set_user(store, "billie", "assessor", B)
    set_user(store, "quinn", "iqa")
    set_user(store, "ada", "admin")
    b_draft = store.put(make_record(uln=B_ULN, assessor=B), author=B)
    b_record = store.submit(b_draft, author=B)
    return store, b_record


def test_an_assessor_lists_only_their_own_assignments(team):
    store, _ = team
    alex = Access(store, "alex")
    assert alex.assessors() == [A]
    assert [a["uln"] for a in alex.assignments_of()] == [A_ULN]
    assert list(alex.all_records()) == []
    with pytest.raises(AccessError, match="another assessor"):
        alex.assignments_of(B)


def test_another_assessors_apprentice_is_unreachable_by_uln_id_or_any_call(team):
    store, b_record = team
    alex = Access(store, "alex")
    calls = {
        "find": lambda: alex.find(B_ULN, "practical_observation"),
        "get": lambda: alex.get(b_record.id),
        "apprentice": lambda: alex.apprentice(B_ULN),
        "history": lambda: alex.history(b_record.id),
        "moderations": lambda: alex.moderations(b_record.id),
        "save_draft": lambda: alex.save_draft(b_record, b_record.record),
        "submit": lambda: alex.submit(b_record),
        "amend": lambda: alex.amend(b_record, b_record.record, reason="x"),
        "put": lambda: alex.put(make_record(uln=B_ULN, assessor=A, judgements={})),
        "standing": lambda: alex.standing(B_ULN, date(2026, 3, 20)),
    }
    for name, call in calls.items():
        with pytest.raises(AccessError) as refused:
            call()
        assert B_ULN not in str(refused.value) and "Billie" not in str(refused.value), name
    # a crafted id that exists and one that does not are refused with the same words
    with pytest.raises(AccessError) as missing:
        alex.get(b_record.id + 1000)
    with pytest.raises(AccessError) as existing:
        alex.get(b_record.id)
    assert str(missing.value).replace(str(b_record.id + 1000), "N") == str(existing.value).replace(
        str(b_record.id), "N"
    )


def test_the_epa_standing_is_shown_to_whoever_may_see_the_apprentice(team):
    store, _ = team
    day = date(2026, 3, 20)
    assert Access(store, "billie").standing(B_ULN, day).status.methods  # their own apprentice
    assert Access(store, "quinn").standing(B_ULN, day).status.overall is None  # a submitted one
    assert Access(store, "ada").standing(B_ULN, day) == store.standing(B_ULN, day)
    with pytest.raises(InputError, match="no stored records"):
        Access(store, "alex").standing(A_ULN, day)  # assigned, nothing stored yet
    with pytest.raises(AccessError):
        Access(store, "quinn", sample=set()).standing(B_ULN, day)  # nothing of theirs sampled


def test_an_assessor_edits_their_own_draft_in_their_own_name_until_submitted(team):
    store, _ = team
    alex = Access(store, "alex")
    stored = alex.put(make_record(uln=A_ULN, assessor=A, judgements={}))
    stored = alex.save_draft(stored, stored.record.model_copy(update={"judgements": {"P1": "met"}}))
    assert [v.author for v in store.history(stored.id)] == [A, A]
    with pytest.raises(AccessError, match="in the name of"):
        alex.save_draft(stored, stored.record, author="Someone Else")
    full = make_record(uln=A_ULN, assessor=A)
    submitted = alex.submit(alex.save_draft(stored, full))
    with pytest.raises(InputError, match="submitted"):
        alex.save_draft(submitted, full)
    assert alex.get(submitted.id).submitted  # still readable, read-only


def test_iqa_reads_submitted_records_and_moderates_but_cannot_edit(team):
    store, b_record = team
    quinn = Access(store, "quinn")
    assert [s.id for s in quinn.all_records()] == [b_record.id]
    with pytest.raises(AccessError):
        quinn.assignments_of(A)
    for call in (
        lambda: quinn.save_draft(b_record, b_record.record),
        lambda: quinn.submit(b_record),
        lambda: quinn.amend(b_record, b_record.record, reason="regrade"),
    ):
        with pytest.raises(AccessError):
            call()
    moderation = {"outcome": "confirmed", "rationale": "Evidence supports every judgement."}
    with pytest.raises(AccessError, match="in the name of"):
        quinn.moderate(b_record, Moderation(reviewer="ada", **moderation))
    moderated = quinn.moderate(b_record, Moderation(reviewer="quinn", **moderation))
    assert moderated.record == b_record.record
    assert store.moderations(b_record.id)[0][1].reviewer == "quinn"


def test_only_an_admin_amends_and_the_amendment_says_who_and_why(team):
    store, b_record = team
    with pytest.raises(AccessError):
        Access(store, "billie").amend(b_record, b_record.record, reason="typo")
    ada = Access(store, "ada")
    changed = b_record.record.model_copy(update={"judgements": {**b_record.record.judgements}})
    with pytest.raises(InputError, match="reason"):
        ada.amend(b_record, changed, reason="  ")
    amended = ada.amend(b_record, changed, reason="Assessor mis-keyed P1; confirmed by email")
    last = store.history(amended.id)[-1]
    assert (last.kind, last.author) == ("amended", "ada")
    assert last.reason == "Assessor mis-keyed P1; confirmed by email"


def test_a_user_without_a_role_reaches_nothing(team):
    store, _ = team
    with pytest.raises(AccessError, match="no role"):
        Access(store, "mallory")
    remove_user(store, "billie")
    with pytest.raises(AccessError, match="no role"):
        Access(store, "billie")
    assert [u.name for u in list_users(store)] == ["ada", "alex", "quinn"]


@pytest.mark.parametrize(
    ("name", "role", "assessor", "field"),
    [
        ("Alex Ash", "assessor", A, "NAME"),
        ("alex", "superuser", None, "--role"),
        ("alex", "assessor", None, "--assessor"),
        ("quinn", "iqa", "Quinn Q", "--assessor"),
    ],
)
def test_a_bad_user_is_refused_naming_the_field(store, name, role, assessor, field):
    with pytest.raises(InputError) as refused:
        set_user(store, name, role, assessor)
    assert refused.value.field == field
    assert list_users(store) == []


def test_with_a_sampling_plan_iqa_opens_only_the_sampled_records(team):
    store, b_record = team
    a_record = store.submit(store.put(make_record(uln=A_ULN, assessor=A), author=A), author=A)
    sample = {f"{B_ULN}/practical_observation"}
    quinn = Access(store, "quinn", sample=sample)
    assert [s.id for s in quinn.all_records()] == [b_record.id]
    with pytest.raises(AccessError):
        quinn.get(a_record.id)
    assert {s.id for s in Access(store, "quinn").all_records()} == {a_record.id, b_record.id}


PO = "practical_observation"


def test_each_attempt_is_its_own_assessors_and_no_other_attempt_is_reachable(store):
    stored = three_attempts(store)
    users = {key: Access(store, name.split()[0].lower()) for key, name in ATTEMPT_ASSESSORS.items()}
    for key, user in users.items():  # each lists their own attempt, and only that
        assert [(a["uln"], a["method"], a["attempt"]) for a in user.assignments_of()] == [
            (ATTEMPT_ULN, PO, key)
        ]
    morgan = users["resit2"]
    for other in ("first", "resit"):
        with pytest.raises(AccessError):
            morgan.find(ATTEMPT_ULN, PO, other)
        with pytest.raises(AccessError):
            morgan.get(stored[other].id)
    # refused in the same words whether the attempt's record exists (first) or not (retake)
    with pytest.raises(AccessError) as existing:
        morgan.find(ATTEMPT_ULN, PO, "first")
    with pytest.raises(AccessError) as missing:
        morgan.find(ATTEMPT_ULN, PO, "retake")
    assert str(existing.value) == str(missing.value)
    assert ATTEMPT_ULN not in str(existing.value) and "Ruth" not in str(existing.value)

    resit = stored["resit"]
    mine = attempt_record("resit2")
    for refused in (
        lambda: morgan.save_draft(
            resit, resit.record.model_copy(update={"assessor": mine.assessor})
        ),
        lambda: morgan.submit(resit),
        lambda: morgan.put(attempt_record("resit", assessor=mine.assessor)),
        # another attempt's id dressed as his own attempt's record
        lambda: morgan.save_draft(StoredRecord(resit.id, mine, "draft", resit.version), mine),
        lambda: users["first"].save_draft(resit, resit.record),
    ):
        with pytest.raises(AccessError):
            refused()
    assert store.get(resit.id) == resit and len(store.history(resit.id)) == 1

    assert morgan.find(ATTEMPT_ULN, PO, "resit2") is None  # his own, not started yet
    opened = morgan.put(mine)
    assert morgan.find(ATTEMPT_ULN, PO, "resit2") == opened
    assert opened.record.attempt_key == "resit2" and opened.record.assessor == mine.assessor
    saved = morgan.save_draft(opened, mine.model_copy(update={"judgements": {"P1": "met"}}))
    assert [v.author for v in store.history(saved.id)] == [mine.assessor] * 2
    assert morgan.apprentice(ATTEMPT_ULN)["name"] == "Viktor Hussain"  # per apprentice, as before
    assert users["resit"].find(ATTEMPT_ULN, PO, "resit") == resit
