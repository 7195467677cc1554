"""Appeals and enquiries kept in a submitted record's history, and read back from it.

Like a moderation (:mod:`epa_kernel.store.moderations`), an appeal never edits the record: each
change to it (lodged, under review, upheld, rejected, withdrawn) is a version of kind ``appeal``
whose reason is the appeal's whole state as JSON, so the hash chain covers it and
:meth:`~epa_kernel.store.store.Store.verify` checks it like any other version. A grade an upheld
appeal changes is then an amendment with its own who, when and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import ValidationError

from epa_kernel.core.appeal import Appeal, check_lodged_in_time, check_move
from epa_kernel.errors import InputError, from_validation_error
from epa_kernel.settings import AppealPolicy
from epa_kernel.store.database import Database
from epa_kernel.store.history import Version
from epa_kernel.store.versions import Clock, StoredRecord, write_next_version

KIND = "appeal"


def appeals_in(history: Iterable[Version]) -> list[Appeal]:
    """Each appeal of a record as its latest version states it, in the order lodged."""
    latest: dict[int, Appeal] = {}
    for v in history:
        if v.kind == KIND:
            appeal = Appeal.model_validate_json(v.reason)
            latest[appeal.number] = appeal
    return [latest[n] for n in sorted(latest)]


def _appeal(data: dict) -> Appeal:
    """``data`` as an Appeal; what is wrong is an InputError naming the field."""
    try:
        return Appeal.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def _write(db: Database, clock: Clock, stored: StoredRecord, appeal: Appeal, by: str) -> None:
    if not by.strip():
        raise InputError("say who records the appeal", field="by")
    write_next_version(
        db,
        clock,
        stored,
        stored.record,
        kind=KIND,
        author=by.strip(),
        reason=appeal.model_dump_json(),
        require="submitted",
    )


def lodge(
    db: Database,
    clock: Clock,
    stored: StoredRecord,
    history: list[Version],
    *,
    by: str,
    policy: AppealPolicy | None = None,
    **fields,
) -> Appeal:
    """Lodge an appeal or enquiry against a submitted record (``fields``: the
    :class:`~epa_kernel.core.appeal.Appeal` fields but ``number``, ``status`` and ``flag``).
    Refused when lodged after the organisation's window (``policy``) counted from
    ``result_notified_on``; with no policy, flagged instead."""
    notified: date = fields["result_notified_on"]
    lodged_on: date = fields["lodged_on"]
    flag = check_lodged_in_time(policy, notified, lodged_on)
    number = len(appeals_in(history)) + 1
    appeal = _appeal({**fields, "number": number, "status": "lodged", "flag": flag})
    _write(db, clock, stored, appeal, by)
    return appeal


def resolve(
    db: Database,
    clock: Clock,
    stored: StoredRecord,
    history: list[Version],
    number: int,
    *,
    status: str,
    handler: str,
    outcome: str = "",
) -> Appeal:
    """Move appeal ``number`` of the record to ``status`` (under review, upheld, rejected or
    withdrawn), saying who handled it and, when decided, the outcome."""
    mine = {a.number: a for a in appeals_in(history)}
    if number not in mine:
        raise InputError(f"this record has no appeal {number} (it has {len(mine)})", field="number")
    current = mine[number]
    check_move(current, status)
    updated = _appeal(
        {
            **current.model_dump(),
            "status": status,
            "handler": handler,
            "outcome": outcome or current.outcome,
        }
    )
    _write(db, clock, stored, updated, handler)
    return updated
