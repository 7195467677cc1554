"""The progress bar of a long command: tqdm on stderr, or nothing when quiet or idle.

On stderr so that a command's report on stdout stays clean for scripts; not shown at all for
``--quiet`` or when there is nothing to do, so an up-to-date run prints only its summary.
"""

from __future__ import annotations

import sys


class NoBar:
    """Stands in for the bar when none is shown, so callers update it unconditionally."""

    def update(self, _n):
        pass

    def close(self):
        pass


def progress_bar(total: int, enabled: bool, *, unit: str = "notebook", desc: str = "epa run"):
    """A bar counting ``total`` ``unit``s, or a :class:`NoBar` when disabled or empty."""
    if not enabled or total == 0:
        return NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, desc=desc, file=sys.stderr)
