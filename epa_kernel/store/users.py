"""Who may sign in and with which role: the store's ``users`` table, kept by an admin.

The hub (JupyterHub) proves who someone is; this table says what they may do. A user is
``assessor`` (the apprentices assigned to them, editable until submission), ``iqa`` (reads
submitted records, records moderations, changes no judgement) or ``admin`` (reads everything,
amends submitted records with a reason). An assessor's row names the assessor their records and
assignments carry, since a sign-in name ("mhale") is rarely the name on a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update

from epa_kernel.core.vocabulary import ROLES
from epa_kernel.errors import InputError
from epa_kernel.store.database import Database
from epa_kernel.store.schema import users

# JupyterHub's sign-in names: NativeAuthenticator refuses spaces, commas and slashes and
# lower-cases the rest; the same rule here keeps the two in step.
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,99}$")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    assessor: str | None = None


def check_user(name: str, role: str, assessor: str | None) -> None:
    if not USERNAME.match(name):
        raise InputError(
            f"{name!r} is not a sign-in name: lower-case letters, digits and . _ @ - only "
            "(as the hub's sign-up page takes them)",
            field="NAME",
        )
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; one of {', '.join(ROLES)}", field="--role")
    if role == "assessor" and not (assessor or "").strip():
        raise InputError(
            "an assessor needs the name their records carry (e.g. --assessor 'Morgan Hale')",
            field="--assessor",
        )
    if role != "assessor" and assessor:
        raise InputError("only an assessor has an assessor name", field="--assessor")


def set_user(db: Database, name: str, role: str, assessor: str | None = None) -> bool:
    """Add ``name`` with ``role`` or change their role; True when the user is new."""
    check_user(name, role, assessor)
    values = {"role": role, "assessor": assessor.strip() if assessor else None}
    with db.transaction() as conn:
        if conn.execute(select(users.c.name).where(users.c.name == name)).first() is None:
            conn.execute(insert(users).values(name=name, **values))
            return True
        conn.execute(update(users).where(users.c.name == name).values(**values))
        return False


def remove_user(db: Database, name: str) -> None:
    """Withdraw ``name``'s role: the hub no longer signs them in and the apps open nothing."""
    with db.transaction() as conn:
        if conn.execute(delete(users).where(users.c.name == name)).rowcount == 0:
            raise InputError(f"no user {name!r} in the store", field="NAME")


def get_user(db: Database, name: str) -> User | None:
    with db.connection() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    return None if row is None else User(row.name, row.role, row.assessor)


def list_users(db: Database) -> list[User]:
    with db.connection() as conn:
        rows = conn.execute(select(users).order_by(users.c.name)).all()
    return [User(r.name, r.role, r.assessor) for r in rows]
