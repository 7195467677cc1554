"""The ``epa status --done`` file: per apprentice, the deadlines done and the events' dates.

One JSON object::

    {"apprentices": [
        {"uln": "1000000019",
         "done": {"showcase_submission": "2026-03-10",
                  "feedback_on_fail:practical_observation:1": "2026-03-12"},
         "events": {"result_notified": "2026-03-19", "final_result": "2026-03-20"}}
    ]}

``done`` maps a deadline's key (as ``epa status`` shows it: the deadline's id, or
``"<id>:<method>:<attempt number>"`` for one counted from an assessment) to the date it was done;
``events`` gives the dates of the events deadlines are counted from. Both are optional. Entries
are a list, not a mapping keyed by ULN, so that an error names its place
(``apprentices[2].done.appeal``) and never a ULN. Every problem is an
:class:`~epa_kernel.errors.InputError` naming the file and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from epa_kernel.core.lifecycle_spec import EVENTS
from epa_kernel.core.uln import uln_is_valid
from epa_kernel.errors import InputError
from epa_kernel.files import read_json

SHAPE = (
    'an object {"apprentices": [{"uln": ..., "done": {deadline key: "YYYY-MM-DD"}, '
    '"events": {event: "YYYY-MM-DD"}}]}'
)


@dataclass(frozen=True)
class DoneEntry:
    """One apprentice's entry; ``where`` is its place in the file, e.g. ``apprentices[0]``."""

    where: str
    done: dict[str, date] = field(default_factory=dict)
    events: dict[str, date] = field(default_factory=dict)


def _object(value, what: str, file: str, where: str | None) -> dict:
    if not isinstance(value, dict):
        raise InputError(f"must be {what}", file=file, field=where)
    return value


def _dates(value, where: str, file: str, today: date, allowed=None) -> dict[str, date]:
    out = {}
    for key, text in _object(value, "an object of dates", file, where).items():
        at = f"{where}.{key}"
        if allowed is not None and key not in allowed:
            raise InputError(f"unknown event (allowed: {', '.join(allowed)})", file=file, field=at)
        try:
            iso = isinstance(text, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)
            day = date.fromisoformat(text) if iso else None
        except ValueError:
            day = None
        if day is None:
            raise InputError(f"{text!r} is not a date (YYYY-MM-DD)", file=file, field=at)
        if day > today:
            raise InputError(
                f"{day} is after the day of the report ({today}): it cannot have happened yet",
                file=file,
                field=at,
            )
        out[key] = day
    return out


def parse_done(data, *, file: str, today: date) -> dict[str, DoneEntry]:
    """The entries of a ``--done`` document, by ULN; dates after ``today`` are refused."""
    top = _object(data, SHAPE, file, None)
    unknown = sorted(set(top) - {"apprentices"})
    if unknown:
        raise InputError("unknown field (allowed: apprentices)", file=file, field=unknown[0])
    entries = top.get("apprentices")
    if not isinstance(entries, list):
        raise InputError(f"must be a list of entries ({SHAPE})", file=file, field="apprentices")
    out: dict[str, DoneEntry] = {}
    for i, entry in enumerate(entries):
        where = f"apprentices[{i}]"
        entry = _object(entry, 'an object {"uln", "done", "events"}', file, where)
        extra = sorted(set(entry) - {"uln", "done", "events"})
        if extra:
            raise InputError(
                "unknown field (allowed: uln, done, events)", file=file, field=f"{where}.{extra[0]}"
            )
        uln = entry.get("uln")
        if not (isinstance(uln, str) and uln_is_valid(uln)):
            raise InputError(
                "must be a valid ULN (10 digits, the last a check digit)",
                file=file,
                field=f"{where}.uln",
            )
        if uln in out:
            raise InputError(
                f"the same ULN as {out[uln].where}: give one entry per apprentice",
                file=file,
                field=f"{where}.uln",
            )
        out[uln] = DoneEntry(
            where=where,
            done=_dates(entry.get("done", {}), f"{where}.done", file, today),
            events=_dates(entry.get("events", {}), f"{where}.events", file, today, EVENTS),
        )
    return out


def read_done(path: str | Path, *, today: date) -> dict[str, DoneEntry]:
    """The ``--done`` file at ``path``, checked (see the module's docstring)."""
    return parse_done(read_json(Path(path)), file=str(path), today=today)


def check_done_keys(entry: DoneEntry, keys: list[str], *, file: str) -> None:
    """Every key of ``entry.done`` must be one of the apprentice's deadlines (``keys``): a typo
    would otherwise leave a deadline silently missed."""
    for key in entry.done:
        if key not in keys:
            shown = ", ".join(keys) or "none"
            raise InputError(
                f"is not one of this apprentice's deadlines (their keys: {shown})",
                file=file,
                field=f"{entry.where}.done.{key}",
            )
