"""IQA moderations kept in a submitted record's history, and read back from it.

A moderation never edits the record: it is a version of the record's history whose reason is
the moderation itself (reviewer, per-descriptor agreement, outcome, rationale), so the hash chain
covers it like any other change and a grade it changes is then made as an amendment with its own
who, when and why (:mod:`epa_kernel.core.moderation`).
"""

from __future__ import annotations

from collections.abc import Iterable

from epa_kernel.core.moderation import Moderation
from epa_kernel.errors import InputError
from epa_kernel.store.database import Database
from epa_kernel.store.history import Version
from epa_kernel.store.versions import Clock, StoredRecord, write_next_version


def add_moderation(
    db: Database, clock: Clock, stored: StoredRecord, moderation: Moderation
) -> StoredRecord:
    """Record an IQA moderation of a submitted record as a version of its history; the record
    itself is kept. Refused when it names a descriptor the record does not judge."""
    unknown = [d for d in moderation.descriptors if d not in stored.record.judgements]
    if unknown:
        raise InputError(
            f"moderation names descriptor {unknown[0]!r}, which the record does not judge",
            field="descriptors",
        )
    return write_next_version(
        db,
        clock,
        stored,
        stored.record,
        kind="moderated",
        author=moderation.reviewer,
        reason=moderation.model_dump_json(),
        require="submitted",
    )


def moderations_in(history: Iterable[Version]) -> list[tuple[Version, Moderation]]:
    """The moderations in a record's history, in its order, with the version that holds each."""
    return [(v, Moderation.model_validate_json(v.reason)) for v in history if v.kind == "moderated"]
