"""When the apprentice was told of the result that a resit or retake follows.

A resit's window counts from the fail notification where the documents say so (ST0071, 003:
"within three months of the fail notification"), and from the failed assessment's day only when
no notification date is recorded (:func:`epa_kernel.core.lifecycle.window_for`). The date is on
the failed attempt's submitted record (``result_notified_on``), so booking a resit reads it from
there instead of asking the person booking for it.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from epa_kernel.core.booking import Booking
from epa_kernel.store.schema import CURRENT_VERSION, records, versions


def notified_before(conn, booking: Booking) -> date | None:
    """The latest ``result_notified_on`` among the apprentice's submitted records of the booked
    method from another attempt, assessed before the booked day (None: a first attempt, or no
    notification recorded), read in the open connection ``conn``."""
    if booking.method is None or booking.attempt == "first":
        return None
    query = (
        select(versions.c.data)
        .join(records, CURRENT_VERSION)
        .where(
            records.c.uln == booking.uln,
            records.c.method == booking.method,
            records.c.attempt != booking.attempt,
            records.c.status == "submitted",
        )
    )
    told = []
    for (data,) in conn.execute(query):
        record = json.loads(data)
        notified, assessed = record.get("result_notified_on"), record.get("assessed_on")
        if notified and assessed and date.fromisoformat(assessed) < booking.on:
            told.append(date.fromisoformat(notified))
    return max(told, default=None)
