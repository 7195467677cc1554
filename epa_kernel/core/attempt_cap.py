"""Whether a standard's resit/retake cap applies to one record: the one place the
exceptional-circumstances lift is decided.

The grading engine applies the cap; it asks here rather than testing ``record.attempt`` itself,
so that a resit or retake the EPAO has marked ``exceptional_circumstances`` is not capped where
the standard's documents say such circumstances lift the cap (``attempts.
exceptional_circumstances_lift_cap``).
"""

from __future__ import annotations

from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard


def cap_applies(standard: Standard, record: MethodRecord) -> bool:
    """True when ``record`` is an attempt the standard caps and no exceptional circumstances
    (recorded on the record, allowed by the standard) lift the cap."""
    rules = standard.attempts
    if record.attempt not in rules.capped:
        return False
    return not (record.exceptional_circumstances and rules.exceptional_circumstances_lift_cap)


def cap_lifted(standard: Standard, record: MethodRecord) -> bool:
    """True when ``record`` would be capped but exceptional circumstances lift the cap."""
    return record.attempt in standard.attempts.capped and not cap_applies(standard, record)
