"""Reading the withdrawals table: its rows as :class:`~epa_kernel.core.withdrawal.Withdrawal`,
and whether an apprentice is withdrawn now, inside the caller's transaction.

Its own module because both the withdrawals' writer (:mod:`epa_kernel.store.withdrawals`, which
cancels bookings through :mod:`epa_kernel.store.booking_status`) and the bookings' writer
(:mod:`epa_kernel.store.bookings`, which refuses a booking for a withdrawn apprentice) need the
answer under their own lock; importing one from the other would be a cycle, and a second spelling
of "the latest row counts, unless it reinstates" would drift.
"""

from __future__ import annotations

from sqlalchemy import select

from epa_kernel.core.withdrawal import Withdrawal, current
from epa_kernel.store.schema import withdrawals

#: The columns whose names are not the model's (``on`` and ``by`` are SQL keywords).
FIELDS = {"effective_on": "on", "recorded_by": "by"}
COLUMNS = {field: column for column, field in FIELDS.items()}


def decode(r) -> Withdrawal:
    """One row of the table as the model."""
    data = {FIELDS.get(k, k): v for k, v in r._mapping.items() if k != "id"}
    return Withdrawal.model_validate(data)


def withdrawn_now(conn, uln: str) -> Withdrawal | None:
    """``uln``'s withdrawal in force (their latest row unless it reinstated them), or None."""
    mine = select(withdrawals).where(withdrawals.c.uln == uln).order_by(withdrawals.c.id)
    return current(decode(r) for r in conn.execute(mine)).get(uln)
