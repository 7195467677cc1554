"""ULNs: the published check-digit rule, and keeping ULNs out of what the kit prints.

A Unique Learner Number is personal data: folder names and record fields hold it, but messages,
logs and summaries must not. Everything that may print a path under a run folder passes it
through :func:`redact_ulns`.
"""

from __future__ import annotations

import errno
import re

ULN_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2, 1)


def uln_is_valid(uln: str) -> bool:
    """The published ULN rule: 10 digits, the first not zero, and the sum of each digit times its
    weight (10, 9, ... 1) leaves remainder 10 when divided by 11."""
    if not (isinstance(uln, str) and len(uln) == 10 and uln.isascii() and uln.isdigit()):
        return False
    if uln[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(uln, ULN_WEIGHTS)) % 11 == 10


def redact_ulns(text: str) -> str:
    """``text`` with every valid ULN in it replaced by ``<uln>``: paths under a run folder hold
    ULNs, and messages that name such a path reach logs."""
    return re.sub(
        r"(?<![0-9])[1-9][0-9]{9}(?![0-9])",
        lambda m: "<uln>" if uln_is_valid(m.group(0)) else m.group(0),
        text,
    )


def describe_os_error(exc: OSError) -> str:
    """One line for a read or write the system refused (disk full, permissions, not a folder),
    naming the file without the ULN its path may hold."""
    what = exc.strerror or type(exc).__name__
    where = redact_ulns(str(exc.filename)) if exc.filename is not None else None
    line = f"{where}: {what}" if where else what
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        line += (
            "; nothing finished was lost: free some space and run the same command again, "
            "which carries on where this one stopped"
        )
    return line


def check_uln(uln: str) -> str:
    """``uln`` when valid; else a ValueError that says why without echoing it."""
    if not uln_is_valid(uln):
        # Say why without echoing the value: a ULN is personal data and messages reach logs.
        if not (len(uln) == 10 and uln.isascii() and uln.isdigit()):
            raise ValueError("a ULN is exactly 10 digits")
        if uln[0] == "0":
            raise ValueError("a ULN cannot start with 0")
        raise ValueError(
            "not a valid ULN: its check digit does not match (weighted sum "
            "10,9,...,1 must leave remainder 10 mod 11)"
        )
    return uln
