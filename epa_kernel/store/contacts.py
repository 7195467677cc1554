"""Who the confirmations and invites go to: an apprentice's e-mail address, their employer
contact's, an assessor's.

Personal data: kept in the ``contacts`` table only, never logged, never in an error message
(a bad address is refused naming the field, not quoting it), removed with the apprentice by
a purge (:mod:`epa_kernel.store.retention`). Setting one replaces the earlier address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from epa_kernel.errors import InputError
from epa_kernel.store.database import Database
from epa_kernel.store.schema import apprentices, assessors, contacts

WHO = ("apprentice", "employer", "assessor")
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class Contact:
    email: str
    name: str | None = None


def checked_email(email: str, field: str) -> str:
    """``email`` when it is one plain address (no display name, no list); else bad input that
    names the field and does not repeat what was typed."""
    found = (email or "").strip()
    if len(found) > 320 or not _EMAIL.match(found):
        raise InputError("not one e-mail address (name@example.org)", field=field)
    return found


def set_contact(
    db: Database, who: str, key: str, email: str, name: str | None = None, *, field: str
) -> None:
    """Keep ``email`` for the apprentice (``key`` their ULN), their employer contact (ULN) or an
    assessor (``key`` the name); the person must be in the store."""
    if who not in WHO:
        raise InputError(f"one of {', '.join(WHO)}", field="who")
    email = checked_email(email, field)
    with db.transaction() as conn:
        table, column = (
            (assessors, assessors.c.name)
            if who == "assessor"
            else (
                apprentices,
                apprentices.c.uln,
            )
        )
        if conn.execute(select(table).where(column == key)).first() is None:
            what = "assessor" if who == "assessor" else "apprentice with this ULN"
            raise InputError(
                f"no {what} in the store", field="ASSESSOR" if who == "assessor" else "ULN"
            )
        mine = (contacts.c.who == who) & (contacts.c.key == key)
        conn.execute(delete(contacts).where(mine))
        conn.execute(insert(contacts).values(who=who, key=key, email=email, name=name))


def contact(db: Database, who: str, key: str) -> Contact | None:
    """The address kept for that person, or None."""
    mine = (contacts.c.who == who) & (contacts.c.key == key)
    with db.connection() as conn:
        row = conn.execute(select(contacts.c.email, contacts.c.name).where(mine)).first()
    return Contact(row.email, row.name) if row else None
