"""The outbox: each e-mail the kit is to send, and each try to send it (append-only).

A message is queued under a key that says what it tells (the apprentice, its kind and the
versions of the bookings it was made from: :func:`message_key`); a key already queued is not
queued again, so running ``epa confirm`` twice sends nothing new. A message is *sent* once a
try is recorded ``sent``; until then every ``epa outbox send`` tries it again, and a failure
is a try recorded ``failed`` with what went wrong (no address, no password). The bookings are
saved before anything is queued: a mail server that is down loses no booking.

Two senders at once (two admins' ``epa outbox send``, or one and a planning app) never send one
message twice: a sender first *claims* each message (:func:`claim`: a ``sending`` try written
under the message row's write lock) and skips any message sent or claimed by another within
:data:`LEASE`. A sender that crashed mid-send leaves its claim; once the lease has passed the
message is tried again (the same Message-ID, which mail systems use to drop a copy), so sending
is never silently dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from epa_kernel.store.database import Database
from epa_kernel.store.schema import outbox, outbox_tries
from epa_kernel.store.versions import Clock

KINDS = ("confirmation", "cancellation")
#: How long a claim keeps other senders off a message (a send takes seconds; a crashed sender's
#: message waits this long before another sends it).
LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Queued:
    id: int
    uln: str
    kind: str
    message: bytes


def message_key(uln: str, kind: str, versions: Iterable[tuple[int, int]]) -> str:
    """The key of a message about these (booking id, version) pairs."""
    told = ",".join(f"{i}:{v}" for i, v in sorted(versions))
    return hashlib.sha256(f"{uln}|{kind}|{told}".encode()).hexdigest()


def queue(
    db: Database, clock: Clock, *, key: str, uln: str, kind: str, message: bytes, by: str
) -> int | None:
    """Queue ``message``; its id, or None when that key was queued before (nothing added)."""
    if kind not in KINDS:
        raise ValueError(f"kind is one of {KINDS}")
    try:
        with db.transaction() as conn:
            if conn.execute(select(outbox.c.id).where(outbox.c.key == key)).first():
                return None
            row = conn.execute(
                insert(outbox).values(
                    key=key,
                    uln=uln,
                    kind=kind,
                    message=message.decode("ascii"),
                    queued_by=by,
                    at=clock(),
                )
            )
            return row.inserted_primary_key[0]
    except IntegrityError:  # queued meanwhile by another process
        return None


def _sent_ids():
    return select(outbox_tries.c.message_id).where(outbox_tries.c.state == "sent")


def unsent(db: Database) -> list[Queued]:
    """Every message with no try recorded ``sent``, oldest first."""
    query = select(outbox).where(outbox.c.id.not_in(_sent_ids())).order_by(outbox.c.id)
    with db.connection() as conn:
        return [Queued(r.id, r.uln, r.kind, r.message.encode("ascii")) for r in conn.execute(query)]


def claim(db: Database, clock: Clock, message_id: int) -> bool:
    """Take ``message_id`` to send it now: False when it was sent, or another sender claimed it
    less than :data:`LEASE` ago. The message row's write lock (PostgreSQL: that row; SQLite:
    the database) makes two claims of one message happen one after the other."""
    with db.transaction() as conn:
        conn.execute(update(outbox).where(outbox.c.id == message_id).values(id=message_id))
        tries = select(outbox_tries.c.state, outbox_tries.c.at).where(
            outbox_tries.c.message_id == message_id
        )
        states = conn.execute(tries.order_by(outbox_tries.c.id.desc())).all()
        now = clock()
        if any(t.state == "sent" for t in states):
            return False
        if states and states[0].state == "sending":
            if datetime.fromisoformat(now) - datetime.fromisoformat(states[0].at) < LEASE:
                return False
        conn.execute(
            insert(outbox_tries).values(
                message_id=message_id, state="sending", answer="claimed by a sender", at=now
            )
        )
        return True


def record_try(db: Database, clock: Clock, message_id: int, state: str, answer: str) -> None:
    """Record how a claimed try to send a message ended: ``sent`` or ``failed``, and the answer."""
    if state not in ("sent", "failed"):
        raise ValueError("state is sent or failed")
    with db.transaction() as conn:
        conn.execute(
            insert(outbox_tries).values(
                message_id=message_id, state=state, answer=answer, at=clock()
            )
        )


def outbox_rows(db: Database) -> list[dict]:
    """Each message: id, uln, kind, queued (when), state (sent, failed, sending or queued),
    tries (ended ones) and the last answer; oldest first. No addresses."""
    ended = func.sum(case((outbox_tries.c.state != "sending", 1), else_=0))
    tries = (
        select(
            outbox_tries.c.message_id,
            ended.label("tries"),
            func.max(outbox_tries.c.id).label("last"),
        )
        .group_by(outbox_tries.c.message_id)
        .subquery()
    )
    query = (
        select(
            outbox.c.id,
            outbox.c.uln,
            outbox.c.kind,
            outbox.c.at,
            tries.c.tries,
            outbox_tries.c.state,
            outbox_tries.c.answer,
        )
        .outerjoin(tries, tries.c.message_id == outbox.c.id)
        .outerjoin(outbox_tries, outbox_tries.c.id == tries.c.last)
        .order_by(outbox.c.id)
    )
    with db.connection() as conn:
        rows = conn.execute(query).all()
        sent = {r.message_id for r in conn.execute(_sent_ids())}
    return [
        {
            "id": r.id,
            "uln": r.uln,
            "kind": r.kind,
            "queued": r.at,
            "state": "sent" if r.id in sent else (r.state or "queued"),
            "tries": r.tries or 0,
            "answer": r.answer or "",
        }
        for r in rows
    ]
