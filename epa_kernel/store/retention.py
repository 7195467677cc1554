"""Retention: when a record is past its retention period, and removing such records from the store.

Records are kept for ``retention_years`` (six by default) from the **last thing that happened to
them**, so an amendment or a moderation restarts the clock. In the store that is the later of the
record's ``assessed_on`` and the date of its latest version (created, saved, submitted, amended or
moderated); a run folder, which has no history, has its own clock
(:mod:`epa_kernel.exports.retention`).

On ``as_of`` (``epa purge --before DATE``) the cut-off is ``as_of`` minus the retention years
(29 February becomes 28 February); a record whose clock date is *before* the cut-off is past
retention. A record assessed on 2020-03-02 and not changed since is kept up to and including
2026-03-02 and purged from 2026-03-03.

From the store go each record past retention with every version of its history, in one
transaction; an apprentice left with no record loses their row (name, ULN, dates) and their
assignments, bookings, releases, certificate claims, service ledger rows, contact
addresses and outbox messages too. Every record's hash
chain is its own, so no other record's chain changes and
:meth:`~epa_kernel.store.store.Store.verify` stays clean.

Each purge leaves one audit line with no personal data — when, the cut-off, the retention years,
counts, and the store's record ids (never a ULN or a name): a row of the ``purge_audit`` table.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import delete, insert, select

from epa_kernel.errors import InputError
from epa_kernel.store.schema import (
    CURRENT_VERSION,
    apprentices,
    assignments,
    booking_versions,
    bookings,
    certificate_claims,
    contacts,
    outbox,
    outbox_tries,
    purge_audit,
    records,
    releases,
    service_ledger,
    versions,
    withdrawals,
)

DEFAULT_YEARS = 6


@dataclass
class PurgeResult:
    """What a purge removed (or, in a dry run, would remove). Counts and ids only."""

    as_of: date
    cutoff: date
    retention_years: int
    dry_run: bool = False
    records: int = 0
    versions: int = 0
    apprentices: int = 0
    record_ids: list[int] = field(default_factory=list)
    folders: int = 0
    notebooks: int = 0
    kept_unreadable: int = 0  # run folders left alone because a notebook could not be read

    def audit_line(self) -> dict:
        return {
            "at": _now(),
            "as_of": self.as_of.isoformat(),
            "cutoff": self.cutoff.isoformat(),
            "retention_years": self.retention_years,
            "records": self.records,
            "versions": self.versions,
            "apprentices": self.apprentices,
            "record_ids": self.record_ids,
            "folders": self.folders,
            "notebooks": self.notebooks,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def cutoff_date(
    as_of: date, retention_years: int = DEFAULT_YEARS, *, today: date | None = None
) -> date:
    """``as_of`` minus ``retention_years``; refuses a date in the future (a typo there would
    shorten the retention period) and a period under one year."""
    if retention_years < 1:
        raise InputError("the retention period is at least 1 year", field="--retention-years")
    if today is not None and as_of > today:
        raise InputError(
            f"{as_of.isoformat()} is in the future; purging as of a later date "
            "would remove records still inside their retention period",
            field="--before",
        )
    year = as_of.year - retention_years
    day = min(as_of.day, calendar.monthrange(year, as_of.month)[1])
    return as_of.replace(year=year, day=day)


def as_date(value) -> date | None:
    """A date or timestamp (ISO text, in UTC when it has a zone) as a date; None when it is
    missing or unreadable."""
    if not value:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.date()


def retention_clock(*values) -> date | None:
    """The date a record's retention runs from: the latest of ``values`` that can be read."""
    dates = [d for d in map(as_date, values) if d is not None]
    return max(dates) if dates else None


def purge_store(
    store, as_of: date, retention_years: int = DEFAULT_YEARS, *, dry_run: bool = False
) -> PurgeResult:
    """Remove the store's records past retention on ``as_of`` (see the module's docstring)."""
    result = PurgeResult(as_of, cutoff_date(as_of, retention_years), retention_years, dry_run)
    with store.transaction() as conn:
        heads = conn.execute(select(records.c.id, records.c.uln, records.c.current_version)).all()
        last_at: dict[int, list[str]] = {}
        for row in conn.execute(select(versions.c.record_id, versions.c.at)):
            last_at.setdefault(row.record_id, []).append(row.at)
        current = {
            row.record_id: row.data
            for row in conn.execute(
                select(versions.c.record_id, versions.c.data).join(records, CURRENT_VERSION)
            )
        }
        past: list[int] = []
        ulns: set[str] = set()
        for head in heads:
            try:
                assessed_on = json.loads(current.get(head.id, "{}")).get("assessed_on")
            except ValueError:
                assessed_on = None
            clock = retention_clock(assessed_on, *last_at.get(head.id, ()))
            if clock is not None and clock < result.cutoff:
                past.append(head.id)
                ulns.add(head.uln)
        result.record_ids = sorted(past)
        result.records = len(past)
        result.versions = sum(len(last_at.get(i, ())) for i in past)
        remaining = {
            row.uln
            for row in conn.execute(
                select(records.c.uln).where(records.c.id.not_in(past) if past else True)
            )
        }
        gone = sorted(ulns - remaining)
        result.apprentices = len(gone)
        if dry_run or not past:
            return result
        for chunk in _chunks(past):
            conn.execute(delete(versions).where(versions.c.record_id.in_(chunk)))
            conn.execute(delete(records).where(records.c.id.in_(chunk)))
        for chunk in _chunks(gone):
            conn.execute(delete(assignments).where(assignments.c.uln.in_(chunk)))
            booked = select(bookings.c.id).where(bookings.c.uln.in_(chunk))
            conn.execute(delete(booking_versions).where(booking_versions.c.booking_id.in_(booked)))
            conn.execute(delete(bookings).where(bookings.c.uln.in_(chunk)))
            conn.execute(delete(releases).where(releases.c.uln.in_(chunk)))
            conn.execute(delete(certificate_claims).where(certificate_claims.c.uln.in_(chunk)))
            conn.execute(delete(withdrawals).where(withdrawals.c.uln.in_(chunk)))
            conn.execute(delete(service_ledger).where(service_ledger.c.uln.in_(chunk)))
            mails = select(outbox.c.id).where(outbox.c.uln.in_(chunk))
            conn.execute(delete(outbox_tries).where(outbox_tries.c.message_id.in_(mails)))
            conn.execute(delete(outbox).where(outbox.c.uln.in_(chunk)))
            own = contacts.c.who.in_(("apprentice", "employer")) & contacts.c.key.in_(chunk)
            conn.execute(delete(contacts).where(own))
            conn.execute(delete(apprentices).where(apprentices.c.uln.in_(chunk)))
        line = result.audit_line()
        conn.execute(
            insert(purge_audit).values(
                at=line["at"],
                as_of=line["as_of"],
                cutoff=line["cutoff"],
                retention_years=retention_years,
                records=result.records,
                versions=result.versions,
                apprentices=result.apprentices,
                record_ids=json.dumps(result.record_ids),
            )
        )
    return result


def audit_rows(store) -> list[dict]:
    """The store's purge audit, oldest first."""
    with store.connection() as conn:
        return [
            dict(r._mapping) for r in conn.execute(select(purge_audit).order_by(purge_audit.c.id))
        ]


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]
