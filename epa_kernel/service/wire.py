"""What crosses between the apps and the store service: the kit's values as tagged JSON.

Every value that is not plain JSON is an object with a ``"$"`` tag naming its kind. Both sides
use :func:`encode`; the client decodes the service's answers with :func:`decode`, and the service
decodes a caller's arguments with :func:`decode_argument`, which takes only the kinds an
argument may be and validates each as the kit validates a file. A stored record sent by a caller
is never believed: the service reads it again by id (the caller's version kept, so a stale save
is still refused) and Access then checks that record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import date, time
from typing import Any

from epa_kernel.core.allocation import Suggestion
from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_rules import Finding
from epa_kernel.core.epa_status import EpaStatus
from epa_kernel.core.moderation import Moderation
from epa_kernel.core.records import MethodRecord, parse_record
from epa_kernel.errors import InputError
from epa_kernel.store.history import Version
from epa_kernel.store.standing import Standing
from epa_kernel.store.users import User
from epa_kernel.store.versions import StoredRecord


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data, the kit's own kinds tagged."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return {"$": "date", "iso": value.isoformat()}
    if isinstance(value, time):
        return {"$": "time", "iso": value.isoformat()}
    if isinstance(value, Booking):
        return {"$": "booking", "data": value.model_dump(mode="json")}
    if isinstance(value, Finding):
        return {"$": "finding", "data": value.model_dump(mode="json")}
    if isinstance(value, Suggestion):
        return {"$": "suggestion", "data": value.model_dump(mode="json")}
    if isinstance(value, StoredRecord):
        return {
            "$": "stored",
            "id": value.id,
            "status": value.status,
            "version": value.version,
            "record": encode(value.record),
        }
    if isinstance(value, MethodRecord):
        return {"$": "record", "data": json.loads(value.canonical_json())}
    if isinstance(value, Moderation):
        return {"$": "moderation", "data": value.model_dump(mode="json")}
    if isinstance(value, Version):
        return {"$": "version", **asdict(value)}
    if isinstance(value, User):
        return {"$": "user", **asdict(value)}
    if isinstance(value, Standing):
        return {
            "$": "standing",
            "status": value.status.model_dump(mode="json"),
            "open_appeals": list(value.open_appeals),
            "released": value.released,
            "claimed": value.claimed,
        }
    if isinstance(value, dict):
        return {"$": "dict", "items": {str(k): encode(v) for k, v in value.items()}}
    if isinstance(value, list | tuple | set | frozenset | Iterator):
        return [encode(v) for v in value]
    raise TypeError(f"the store service cannot send a {type(value).__name__}")


def _record(data: dict) -> MethodRecord:
    return parse_record(data.get("data"), file="<store service>")[0]


#: How each kind is read back on the client, from a service the client trusts.
ANSWERS: dict[str, Callable[[dict], Any]] = {
    "date": lambda d: date.fromisoformat(d["iso"]),
    "time": lambda d: time.fromisoformat(d["iso"]),
    "booking": lambda d: Booking.model_validate(d["data"]),
    "finding": lambda d: Finding.model_validate(d["data"]),
    "suggestion": lambda d: Suggestion.model_validate(d["data"]),
    "record": _record,
    "stored": lambda d: StoredRecord(d["id"], _record(d["record"]), d["status"], d["version"]),
    "moderation": lambda d: Moderation.model_validate(d["data"]),
    "version": lambda d: Version(**{k: v for k, v in d.items() if k != "$"}),
    "user": lambda d: User(d["name"], d["role"], d["assessor"]),
    "standing": lambda d: Standing(
        EpaStatus.model_validate(d["status"]),
        tuple(d["open_appeals"]),
        d["released"],
        d["claimed"],
    ),
    "dict": lambda d: {k: decode(v) for k, v in d["items"].items()},
}


def decode(data: Any) -> Any:
    """The service's answer read back into the kit's values."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if isinstance(data, dict):
        return ANSWERS[data["$"]](data)
    return data


def decode_argument(data: Any, reread: Callable[[int], StoredRecord]) -> Any:
    """A caller's argument, validated: plain JSON, a date, a time, a booking (the model's own
    checks; Access decides what a caller may do with it), a record, a moderation, or a stored
    record (read again through ``reread``, the caller's Access). Anything else is refused."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    kind = data.get("$") if isinstance(data, dict) else None
    try:
        if kind == "date":
            return date.fromisoformat(str(data["iso"]))
        if kind == "time":
            return time.fromisoformat(str(data["iso"]))
        if kind == "booking":
            return Booking.model_validate(data["data"])
        if kind == "record":
            return _record(data)
        if kind == "moderation":
            return Moderation.model_validate(data["data"])
        if kind == "stored" and isinstance(data.get("version"), int):
            fresh = reread(int(data["id"]))
            return StoredRecord(fresh.id, fresh.record, fresh.status, data["version"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"a malformed {kind} ({type(exc).__name__})", field="argument") from None
    raise InputError("not a value the store service takes", field="argument")
