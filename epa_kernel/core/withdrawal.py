"""An apprentice's withdrawal from the EPA: the day they left it, why, and who recorded it.

A withdrawal belongs to the apprentice, not to one method record (they may leave before any
assessment, and it ends every method at once), so the store keeps it as an append-only row of
its own, like a release (:mod:`epa_kernel.store.withdrawals`), never as an edit of a record. It
is undone only by another row, a reinstatement (``reinstated`` true), never by deleting one: the
apprentice's latest row says whether they are withdrawn now (:func:`current`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

from epa_kernel.core.model import PersonalDataModel
from epa_kernel.core.uln import check_uln


class Withdrawal(PersonalDataModel):
    """One row: ``uln`` left the EPA ``on`` a day for ``reason``, recorded by ``by`` at ``at``
    (ISO time, UTC); ``reinstated``: this row undoes the withdrawal before it."""

    uln: Annotated[str, AfterValidator(check_uln)]
    on: date
    reason: Annotated[str, Field(min_length=1, max_length=2000)]
    by: Annotated[str, Field(min_length=1, max_length=200)]
    at: str
    reinstated: bool = False


def current(rows: Iterable[Withdrawal]) -> dict[str, Withdrawal]:
    """Each apprentice withdrawn now, by ULN: their latest row (in the order given), unless it
    reinstates them."""
    latest: dict[str, Withdrawal] = {}
    for row in rows:
        latest[row.uln] = row
    return {uln: w for uln, w in latest.items() if not w.reinstated}


def withdrawn_on(withdrawal: Withdrawal | None, today: date) -> date | None:
    """The day the apprentice left the EPA when that is ``today`` or before; else None."""
    if withdrawal is None or withdrawal.reinstated or withdrawal.on > today:
        return None
    return withdrawal.on
