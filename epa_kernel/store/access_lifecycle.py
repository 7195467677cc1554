"""Withdrawals and appeals through Access: what an admin on the hub records, nobody else.

Mixed into :class:`~epa_kernel.store.access.Access`, so the store service serves these calls
like Access's own (its ``CALLS``) and checks them the same way: the signed-in user's role first,
every write in that user's name (``by``, ``handler``: never a name the caller sends), a record
reached only through :meth:`Access.get`. Only an ``admin`` records a withdrawal, undoes one,
lodges or moves an appeal, or reads a record's appeals (appellants' names and grounds are
personal data an assessor or IQA has no need of). An appeal is lodged under the organisation's
appeal window as the settings where the store runs give it (``EPA_CONFIG`` or ``./epa.toml``,
:func:`epa_kernel.settings.read_settings`), never a window the caller sends: a kernel cannot
lift the window by leaving it out. Answers are plain data (the wire carries dicts and dates).
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date

from epa_kernel.errors import InputError

#: What the caller gives of an appeal; who lodges it and the window are never theirs to give.
APPEAL_FIELDS = (
    "kind",
    "appellant_role",
    "appellant",
    "lodged_on",
    "result_notified_on",
    "grounds",
)


def _plain(value) -> dict:
    if is_dataclass(value):
        return asdict(value)
    return value.model_dump()


class LifecycleAccess:
    """Admin-only lifecycle calls; needs Access's ``store``, ``author``, ``_need`` and ``get``."""

    def withdraw(self, uln: str, *, on: date, reason: str) -> dict:
        """Record that the apprentice left the EPA ``on`` a day, for ``reason``."""
        self._need("admin", to="record a withdrawal")
        return _plain(self.store.withdraw(uln, on=on, reason=reason, by=self.author))

    def reinstate(self, uln: str, *, on: date, reason: str) -> dict:
        """Undo the apprentice's withdrawal (a new row; none is deleted)."""
        self._need("admin", to="undo a withdrawal")
        return _plain(self.store.reinstate(uln, on=on, reason=reason, by=self.author))

    def lodge_appeal(self, record_id: int, **appeal) -> dict:
        """Lodge an appeal or enquiry against a submitted record (``appeal``: exactly the
        :data:`APPEAL_FIELDS`), under the organisation's window (flagged, not refused, when it
        sets none)."""
        from epa_kernel.settings import read_settings

        self._need("admin", to="lodge an appeal")
        if set(appeal) != set(APPEAL_FIELDS):
            raise InputError(f"an appeal takes exactly {', '.join(APPEAL_FIELDS)}", field="appeal")
        stored = self.get(record_id)
        policy = read_settings().appeals
        return _plain(self.store.lodge_appeal(stored, **appeal, by=self.author, policy=policy))

    def resolve_appeal(
        self, record_id: int, number: int, *, status: str, outcome: str = ""
    ) -> dict:
        """Move the record's appeal ``number`` on (under_review, upheld, rejected, withdrawn),
        handled by the signed-in admin."""
        self._need("admin", to="decide an appeal")
        stored = self.get(record_id)
        appeal = self.store.resolve_appeal(
            stored, number, status=status, handler=self.author, outcome=outcome
        )
        return _plain(appeal)

    def appeals(self, record_id: int) -> list[dict]:
        """The record's appeals and enquiries as they stand."""
        self._need("admin", to="read appeals")
        return [_plain(a) for a in self.store.appeals(self.get(record_id).id)]
