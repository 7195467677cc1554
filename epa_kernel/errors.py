"""The kit's exception tree: what went wrong, said so that the person who can fix it can.

``EpaError`` is the root. Every problem a user can cause (a malformed file, an unknown
descriptor, an impossible ULN) is an :class:`InputError`, which names the file, the field inside
it and what is allowed; the CLI prints it as one line and exits with status 2. A save refused
because someone else saved first is a :class:`ConflictError`, an edit of a submitted record a
:class:`LockedError` (both input errors: the person can act on them). A store that fails under
the kit (a damaged file, a server gone) is a :class:`StoreError`, exit status 3. Something the
signed-in person's role does not allow (another assessor's apprentice, an IQA edit) is an
:class:`AccessError`, exit status 4. Anything else escaping is a bug in the kit.
"""

from __future__ import annotations

from collections.abc import Sequence


class EpaError(Exception):
    """Any failure the kit reports to a person rather than as a bug."""


class InputError(EpaError):
    """Bad input, described well enough for the person who made it to fix it."""

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None):
        self.message = message
        self.file = file
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.field) if part)
        return f"{where}: {self.message}" if where else self.message

    def in_file(self, file: str) -> InputError:
        """The same error, attributed to ``file`` (kept when one is already named)."""
        return InputError(self.message, file=self.file or file, field=self.field)


class ConflictError(InputError):
    """Someone else saved the record since this caller last read it."""


class LockedError(InputError):
    """The record is submitted: it can be amended (with a reason), not edited."""


class AccessError(EpaError):
    """The signed-in user's role or assignments do not cover this read or write. The message
    names the user and what their role allows, never the record's apprentice."""


class StoreError(EpaError):
    """The store itself failed (a damaged database file, a server gone): nothing was half-written,
    since every save is one transaction. The message holds no statement and no parameters."""


def field_path(loc: Sequence[str | int]) -> str:
    """``("methods", 1, "criteria", 3, "ksbs")`` -> ``methods[1].criteria[3].ksbs``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def from_validation_error(exc, *, file: str | None = None) -> InputError:
    """Turn pydantic's ValidationError into one InputError naming the first failing field.

    Pydantic reports every failure; a person fixes them one at a time, and the first names the
    field to look at. The count of the rest is kept so nothing is hidden.
    """
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = [p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        message = "required field is missing"
    elif first["type"] == "extra_forbidden":
        message = "unknown field (not part of the format)"
    elif first["type"] in ("literal_error", "enum"):
        message = f"{message} (got {first.get('input')!r})"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return InputError(message, file=file, field=field_path(loc) or None)
