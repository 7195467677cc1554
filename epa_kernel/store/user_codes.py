"""One-time sign-up codes: what lets a registered person, and only them, create their hub account.

``epa users add`` (and ``epa users code`` for a lost one) issues a code such as
``7KQ2-XM4D-9HTB``: 12 characters drawn by :mod:`secrets` from Crockford's base-32 alphabet (no
I, L, O or U, so it reads aloud and types without confusion), 60 random bits. The admin gives it
to the person; the sign-up page creates the account only for that name with that code, once,
within :data:`CODE_LIFETIME`.

Only a salted scrypt hash is stored (``users.signup_code_hash``), never the code: someone who
reads the store (a backup, a shared database) cannot use a pending code, and scrypt makes even a
60-bit code impractical to search for offline (a plain SHA-256 of 60 random bits would still
cost years of GPU time, scrypt makes each guess thousands of times dearer). A used code's hash
is cleared and the time it was used recorded (``signup_code_used``).

:func:`redeem_signup_code` always computes one hash, for a name with no code or no row as for a
real one, so the time it takes does not tell which names exist.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine

from epa_kernel.errors import InputError
from epa_kernel.store.schema import users

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: 5 bits a character
GROUPS, GROUP = 3, 4
CODE_LIFETIME = timedelta(days=7)
# scrypt at these costs takes ~50 ms and 16 MiB: cheap for one sign-up, dear for a search.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# Typing slips Crockford's alphabet forgives: O is zero, I and L are one.
READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_COLUMNS = ("signup_code_hash", "signup_code_expires", "signup_code_used")


class Transactional(Protocol):
    """A store (:class:`~epa_kernel.store.database.Database`): its transactions and reads."""

    def transaction(self) -> AbstractContextManager[Connection]: ...

    def connection(self) -> AbstractContextManager[Connection]: ...


def new_code() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP))
    return "-".join(chars[i : i + GROUP] for i in range(0, len(chars), GROUP))


def normalized(code: str) -> str:
    """The code as issued, whatever the case, spaces, dashes and look-alike letters typed."""
    return "".join(code.upper().split()).replace("-", "").translate(READ_AS)


def code_hash(code: str, salt: bytes | None = None) -> str:
    """``scrypt$<salt hex>$<hash hex>`` of the normalized code; a fresh salt unless given."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(normalized(code).encode(), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def code_matches(code: str, stored: str | None) -> bool:
    """Whether ``code`` hashes to ``stored``; one hash computed even when nothing is stored."""
    parts = (stored or "").split("$")
    salt = bytes.fromhex(parts[1]) if len(parts) == 3 and parts[0] == "scrypt" else b"\0" * 16
    return hmac.compare_digest(code_hash(code, salt), stored or "-") and stored is not None


def now_utc() -> datetime:
    return datetime.now(UTC)


def issue_signup_code(db: Transactional, name: str, now: datetime | None = None) -> str:
    """A new code for ``name`` (replacing any unused one), valid for :data:`CODE_LIFETIME`.
    Returned once, stored only as its hash: show it to the admin, log it nowhere."""
    code = new_code()
    expires = (now or now_utc()) + CODE_LIFETIME
    with db.transaction() as conn:
        changed = conn.execute(
            update(users)
            .where(users.c.name == name)
            .values(
                signup_code_hash=code_hash(code),
                signup_code_expires=expires.isoformat(timespec="seconds"),
                signup_code_used=None,
            )
        ).rowcount
    if changed == 0:
        raise InputError(f"no user {name!r} in the store", field="NAME")
    return code


def code_expires(db: Transactional, name: str) -> datetime | None:
    """When ``name``'s unused code expires; None when they have none."""
    with db.connection() as conn:
        row = conn.execute(
            select(users.c.signup_code_hash, users.c.signup_code_expires).where(
                users.c.name == name
            )
        ).first()
    if row is None or row.signup_code_hash is None:
        return None
    return datetime.fromisoformat(row.signup_code_expires)


def redeem_signup_code(
    db: Transactional, name: str, code: str, now: datetime | None = None, *, use: bool = True
) -> bool:
    """True when ``code`` is ``name``'s unused, unexpired code; it is then used up (unless
    ``use`` is False), so a second attempt with it fails. False in every other case, after the
    same work (one hash) whether or not the name exists."""
    now = now or now_utc()
    with db.connection() as conn:
        row = conn.execute(
            select(users.c.signup_code_hash, users.c.signup_code_expires).where(
                users.c.name == name
            )
        ).first()
    stored = row.signup_code_hash if row is not None else None
    matches = code_matches(code, stored)
    if not matches or now >= datetime.fromisoformat(row.signup_code_expires):
        return False
    if not use:
        return True
    with db.transaction() as conn:  # only the request that clears this very hash wins
        return (
            conn.execute(
                update(users)
                .where(users.c.name == name, users.c.signup_code_hash == stored)
                .values(signup_code_hash=None, signup_code_used=now.isoformat(timespec="seconds"))
            ).rowcount
            == 1
        )


def add_missing_user_columns(engine: Engine) -> None:
    """Add the code columns to a ``users`` table made before them. Nothing to do on a new
    store."""
    from epa_kernel.store.migrations import add_nullable_columns

    add_nullable_columns(engine, users, CODE_COLUMNS)
