"""Withdrawals from the EPA as append-only rows: one per withdrawal or reinstatement.

Why a row and not a version in each record's chain: a withdrawal is about the apprentice, who
may have no record yet (they left before any assessment) or several; it changes no assessment
decision, so no record's content or hash changes. Like a release
(:mod:`epa_kernel.store.releases`) it is its own row naming who recorded it and when, never
updated or deleted; undoing one is a new row that reinstates the apprentice
(:mod:`epa_kernel.core.withdrawal`). The rows are removed only with the apprentice, by the
retention purge.
"""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError
from sqlalchemy import insert, select

from epa_kernel.core.withdrawal import Withdrawal, current
from epa_kernel.errors import InputError, from_validation_error
from epa_kernel.store.booking_status import cancel_for_withdrawal
from epa_kernel.store.database import Database
from epa_kernel.store.schema import apprentices, withdrawals
from epa_kernel.store.versions import Clock
from epa_kernel.store.withdrawal_rows import COLUMNS, decode, withdrawn_now


def history(db: Database, uln: str | None = None) -> list[Withdrawal]:
    """Every withdrawal and reinstatement recorded, in order (only ``uln``'s when given)."""
    query = select(withdrawals).order_by(withdrawals.c.id)
    if uln is not None:
        query = query.where(withdrawals.c.uln == uln)
    with db.connection() as conn:
        return [decode(r) for r in conn.execute(query)]


def record(
    db: Database, clock: Clock, uln: str, *, on: date, reason: str, by: str, reinstate: bool
) -> Withdrawal:
    """Write one row: ``uln`` withdrawn ``on`` a day (or, with ``reinstate``, back in the EPA
    from that day), for ``reason``, by ``by``. Refused for an apprentice not in the store, a
    withdrawal of one already withdrawn, and a reinstatement of one who is not. A withdrawal
    cancels the apprentice's live bookings from its day on, in the same transaction; a
    reinstatement books nothing again (the planning meeting does)."""
    try:
        row = Withdrawal(uln=uln, on=on, reason=reason, by=by, at=clock(), reinstated=reinstate)
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    with db.transaction() as conn:
        known = conn.execute(select(apprentices.c.uln).where(apprentices.c.uln == uln)).first()
        if known is None:
            raise InputError("no apprentice with this ULN in the store", field="ULN")
        now = withdrawn_now(conn, uln)
        if reinstate and now is None:
            raise InputError("this apprentice is not withdrawn: nothing to undo", field="--undo")
        if not reinstate and now is not None:
            raise InputError(
                f"this apprentice is already withdrawn (on {now.on}); undo it first "
                "(--undo) to record another withdrawal",
                field="ULN",
            )
        values = {COLUMNS.get(k, k): v for k, v in row.model_dump().items()}
        conn.execute(insert(withdrawals).values(**values))
        if not reinstate:
            cancel_for_withdrawal(conn, clock, uln, on=on, by=by)
    return row


def withdrawn(db: Database, uln: str | None = None) -> list[Withdrawal]:
    """The apprentices withdrawn now (their latest row, unless it reinstated them), by ULN."""
    now = current(history(db, uln))
    return [now[u] for u in sorted(now)]


class StoreWithdrawals:
    """The :class:`~epa_kernel.store.store.Store`'s withdrawal methods (mixed into it)."""

    clock: Clock

    def withdraw(self, uln: str, *, on: date, reason: str, by: str) -> Withdrawal:
        """Record that ``uln`` left the EPA ``on`` a day, for ``reason``, recorded by ``by``."""
        return record(self, self.clock, uln, on=on, reason=reason, by=by, reinstate=False)

    def reinstate(self, uln: str, *, on: date, reason: str, by: str) -> Withdrawal:
        """Undo the apprentice's withdrawal by a new row (nothing is deleted)."""
        return record(self, self.clock, uln, on=on, reason=reason, by=by, reinstate=True)

    def withdrawals(self, uln: str | None = None) -> list[Withdrawal]:
        """The apprentices withdrawn now, in ULN order, each with uln, on (the day they left),
        reason, by and at (when recorded); only ``uln``'s when given. For ``epa submit``."""
        return withdrawn(self, uln)

    def withdrawal_history(self, uln: str | None = None) -> list[Withdrawal]:
        """Every withdrawal and reinstatement row, in the order recorded."""
        return history(self, uln)
