"""Sign-up codes: one per registered name, stored only as a salted hash, used once, expiring.

What the hub's sign-up page relies on (tests/security/test_signup.py tries it in a browser): a
code opens only its own name, only once and only for a week; the store never holds the code
itself; and a store made before the codes gains their columns when it is opened.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, inspect, select, text

from epa_kernel.errors import InputError
from epa_kernel.store.schema import users
from epa_kernel.store.store import Store
from epa_kernel.store.user_codes import (
    CODE_LIFETIME,
    code_expires,
    issue_signup_code,
    redeem_signup_code,
)
from epa_kernel.store.users import get_user, set_user

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def alex(store):
    set_user(store, "alex", "assessor", "Alex Ash")
    set_user(store, "quinn", "iqa")
    return store


def stored(store, name: str):
    with store.connection() as conn:
        return conn.execute(select(users).where(users.c.name == name)).one()


def test_a_code_is_three_groups_of_four_unambiguous_characters_and_only_its_hash_is_stored(alex):
    code = issue_signup_code(alex, "alex", T0)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}", code)
    row = stored(alex, "alex")
    assert row.signup_code_hash.startswith("scrypt$")
    assert code not in row.signup_code_hash and code.replace("-", "") not in str(tuple(row))
    assert datetime.fromisoformat(row.signup_code_expires) == T0 + CODE_LIFETIME
    assert code_expires(alex, "alex") == T0 + CODE_LIFETIME
    assert issue_signup_code(alex, "quinn", T0) != code  # random, not derived from the name
    assert get_user(alex, "alex").role == "assessor"  # the role untouched


def test_the_right_code_opens_its_own_name_once(alex):
    code = issue_signup_code(alex, "alex", T0)
    quinns = issue_signup_code(alex, "quinn", T0)
    assert not redeem_signup_code(alex, "alex", quinns, T0)  # another name's code
    assert not redeem_signup_code(alex, "alex", "0000-0000-0000", T0)
    assert not redeem_signup_code(alex, "mallory", code, T0)  # no such user
    assert redeem_signup_code(alex, "alex", code.lower().replace("-", " "), T0 + timedelta(1))
    assert not redeem_signup_code(alex, "alex", code, T0 + timedelta(1))  # used up
    row = stored(alex, "alex")
    assert row.signup_code_hash is None
    assert datetime.fromisoformat(row.signup_code_used) == T0 + timedelta(1)
    assert code_expires(alex, "alex") is None
    assert redeem_signup_code(alex, "quinn", quinns, T0)  # quinn's still works


def test_a_code_expires_after_a_week_and_a_new_one_replaces_the_old(alex):
    old = issue_signup_code(alex, "alex", T0)
    assert not redeem_signup_code(alex, "alex", old, T0 + CODE_LIFETIME)
    assert redeem_signup_code(alex, "alex", old, T0 + CODE_LIFETIME - timedelta(1), use=False)
    new = issue_signup_code(alex, "alex", T0)  # `epa users code alex`: the old one lost
    assert not redeem_signup_code(alex, "alex", old, T0)
    assert redeem_signup_code(alex, "alex", new, T0)


def test_a_code_is_issued_only_for_a_registered_name(alex):
    with pytest.raises(InputError, match="no user 'mallory'"):
        issue_signup_code(alex, "mallory")


def test_a_store_made_before_the_codes_gains_their_columns_when_opened(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    with engine.begin() as conn:  # the users table as it was before
        conn.execute(
            text(
                "CREATE TABLE users (name VARCHAR(200) PRIMARY KEY, role VARCHAR(12) NOT NULL, "
                "assessor VARCHAR(200))"
            )
        )
        conn.execute(text("INSERT INTO users VALUES ('ada', 'admin', NULL)"))
    engine.dispose()
    store = Store(url)
    try:
        columns = {c["name"] for c in inspect(store.engine).get_columns("users")}
        assert {"signup_code_hash", "signup_code_expires", "signup_code_used"} <= columns
        assert get_user(store, "ada").role == "admin"
        code = issue_signup_code(store, "ada", T0)
        assert redeem_signup_code(store, "ada", code, T0)
    finally:
        store.close()
    Store(url).close()  # opening it again changes nothing
