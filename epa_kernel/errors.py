"""The kit's own error type.

Every problem a user can cause (a malformed file, an unknown descriptor, an impossible ULN) is
raised as :class:`InputError`, which names the file, the field inside it and what is allowed. The
CLI prints it as one line and exits with status 2; anything else escaping is a bug in the kit.
"""

from __future__ import annotations

from collections.abc import Sequence


class InputError(Exception):
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


def redact_ulns(text: str) -> str:
    """``text`` with every valid ULN in it replaced by ``<uln>``: paths under a run folder hold
    ULNs, and messages that name such a path reach logs."""
    import re

    from .records import uln_is_valid

    return re.sub(r"(?<![0-9])[1-9][0-9]{9}(?![0-9])",
                  lambda m: "<uln>" if uln_is_valid(m.group(0)) else m.group(0), text)


def describe_os_error(exc: OSError) -> str:
    """One line for a read or write the system refused (disk full, permissions, not a folder),
    naming the file without the ULN its path may hold."""
    import errno

    what = exc.strerror or type(exc).__name__
    where = redact_ulns(str(exc.filename)) if exc.filename is not None else None
    line = f"{where}: {what}" if where else what
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        line += ("; nothing finished was lost: free some space and run the same command again, "
                 "which carries on where this one stopped")
    return line
