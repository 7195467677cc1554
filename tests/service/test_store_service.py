"""The store service answers each token as its own user and nobody else, whatever is sent.

What a hub relies on: a kernel holding its user's token gets through the service exactly what
that user's role gives (the same answers Access gives in the process), and nothing by sending a
forged stored record, an unknown call, a malformed value, another user's name or no token. The
hub's token lookup is replaced here by a table of tokens with their scopes (JupyterHub's own
check of scopes is used as is); the real hub is attacked in ``tests/security``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date

import pytest

from epa_kernel.core.moderation import Moderation
from epa_kernel.errors import AccessError, ConflictError, InputError
from epa_kernel.service.client import StoreClient
from epa_kernel.service.server import CALLS
from epa_kernel.store.access import Access
from epa_kernel.store.users import set_user
from epa_kernel.store.versions import StoredRecord
from helpers import SERVICE_SCOPE, VALID_ULNS, make_record, store_service, user_tokens

A, B = "Alex Ash", "Billie Birch"
A_ULN, B_ULN = VALID_ULNS[0], VALID_ULNS[1]
TOKENS = {
    **user_tokens("alex", "billie", "quinn"),
    "unscoped-token": {"kind": "user", "name": "alex", "scopes": ["read:users!user=alex"]},
    "service-token": {"kind": "service", "name": "other", "scopes": [SERVICE_SCOPE]},
}


@pytest.fixture
def service(store):
    """The service on a free loopback port over a store with two assessors and an IQA."""
    for uln, assessor in ((A_ULN, A), (B_ULN, B)):
        store.assign(make_record(uln=uln, assessor=assessor, judgements={}))
    set_user(store, "alex", "assessor", A)
    set_user(store, "billie", "assessor", B)
    set_user(store, "quinn", "iqa")
    with store_service(store, TOKENS) as url:
        yield store, url


def raw(url: str, path: str, body: bytes | None = None, token: str | None = "alex-token") -> int:
    headers = {"Authorization": f"token {token}"} if token else {}
    request = urllib.request.Request(url + path, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_token_is_its_own_user_and_gets_what_access_gives(service):
    store, url = service
    alex = StoreClient(url, "alex-token")
    assert (alex.user.name, alex.user.role, alex.author) == ("alex", "assessor", A)
    assert alex.assignments_of() == Access(store, "alex").assignments_of()
    draft = alex.put(make_record(uln=A_ULN, assessor=A, judgements={}))
    saved = alex.save_draft(draft, make_record(uln=A_ULN, assessor=A, judgements={"P1": "met"}))
    assert store.get(saved.id).record.judgements == {"P1": "met"}
    assert [v.author for v in alex.history(saved.id)] == [A, A]
    with pytest.raises(ConflictError):  # a stale copy is still refused through the service
        alex.save_draft(draft, make_record(uln=A_ULN, assessor=A, judgements={"P2": "met"}))
    here = Access(store, "alex").standing(A_ULN, date(2026, 1, 5))
    assert alex.standing(A_ULN, date(2026, 1, 5)) == here


def test_another_users_records_stay_out_of_reach_through_every_call(service):
    store, url = service
    b = store.submit(store.put(make_record(uln=B_ULN, assessor=B), author=B), author=B)
    alex = StoreClient(url, "alex-token")
    for call in (
        lambda: alex.get(b.id),
        lambda: alex.find(B_ULN, "practical_observation"),
        lambda: alex.history(b.id),
        lambda: alex.apprentice(B_ULN),
        lambda: alex.standing(B_ULN, date(2026, 1, 5)),
        lambda: alex.assignments_of(B),
        lambda: alex.amend(b, b.record, reason="x"),
    ):
        with pytest.raises(AccessError):
            call()
    assert list(alex.all_records()) == []
    quinn = StoreClient(url, "quinn-token")
    with pytest.raises(AccessError, match="in the name of"):
        quinn.moderate(b, Moderation(reviewer="ada", outcome="confirmed", rationale="ok"))
    assert store.history(b.id)[-1].kind == "submitted"


def test_a_forged_stored_record_is_read_again_so_it_changes_nobody_elses_record(service):
    store, url = service
    b = store.put(make_record(uln=B_ULN, assessor=B, judgements={}), author=B)
    alex = StoreClient(url, "alex-token")
    own = alex.put(make_record(uln=A_ULN, assessor=A, judgements={}))
    # Alex's own record under Billie's record id, and the reverse: each is refused
    forged = StoredRecord(b.id, own.record, "draft", b.version)
    with pytest.raises((AccessError, InputError)):
        alex.save_draft(forged, make_record(uln=A_ULN, assessor=A, judgements={"P1": "met"}))
    with pytest.raises((AccessError, InputError)):
        alex.submit(StoredRecord(b.id, own.record, "draft", b.version))
    assert store.get(b.id).record.judgements == {} and store.get(b.id).status == "draft"
    assert len(store.history(b.id)) == 1


def test_no_token_a_token_without_the_scope_or_a_services_token_reach_nothing(service):
    _, url = service
    for token in (None, "nonsense", "unscoped-token", "service-token"):
        assert raw(url, "api/whoami", token=token) == 403, token
        assert raw(url, "api/call/assessors", b"{}", token=token) == 403, token
    with pytest.raises(AccessError):
        StoreClient(url, "unscoped-token")


def test_only_access_calls_are_served_and_malformed_arguments_are_refused(service):
    store, url = service
    assert "store" not in CALLS and not any(name.startswith("_") for name in CALLS)
    for name in ("store", "_refuse", "__init__", "user", "author"):
        assert raw(url, f"api/call/{name}", b"{}") == 404, name
    assert raw(url, "api/call/get", b"not json") == 400
    assert raw(url, "api/call/get", b'{"args": {"not": "a list"}}') == 400
    hostile = {"$": "stored", "id": 1, "version": "x"}
    for args in ([{"$": "pickle", "data": "x"}], [hostile], [1, 2, 3, 4]):
        body = json.dumps({"args": args}).encode()
        assert raw(url, "api/call/get", body) == 400, args
    alex = StoreClient(url, "alex-token")
    with pytest.raises(AttributeError):
        alex.store  # noqa: B018 - the Store behind Access is not a call
    assert Access(store, "alex").assignments_of() == alex.assignments_of()
