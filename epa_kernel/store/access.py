"""The store as one signed-in user may see it: every read and write checked against their role.

On a hub, the apps never hold the :class:`~epa_kernel.store.store.Store` itself but an
:class:`Access` for the user the hub signed in (``JUPYTERHUB_USER``); identity never comes from a
widget. Each call filters by that user's role and assignments (:mod:`epa_kernel.store.users`)
and raises :class:`~epa_kernel.errors.AccessError` for anything outside them:

- an ``assessor`` lists, opens and edits only the attempts assigned to them (an apprentice's
  method and attempt: a resit by another assessor stays out of reach, and so does the first
  attempt for the resit's assessor), and edits only until submission (the store locks a
  submitted record);
- ``iqa`` reads submitted records (only the sampled ones when a sampling plan is given) and
  records moderations in their own name; no draft, no edit, no amendment;
- ``admin`` reads every record and amends submitted ones with a reason, and records
  withdrawals and appeals (:mod:`epa_kernel.store.access_lifecycle`).

Bookings (the planning meeting's) have calls of their own, mixed in from
:mod:`epa_kernel.store.booking_access`: admins plan, an assessor reads their own, IQA none.

A record outside the user's reach is refused with the same words whether or not it exists, so
crafted ids learn nothing. Every write carries the signed-in user as its author.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from epa_kernel.core.moderation import Moderation
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.vocabulary import ROLES, decision_id
from epa_kernel.errors import AccessError, InputError
from epa_kernel.store.access_lifecycle import LifecycleAccess
from epa_kernel.store.booking_access import BookingCalls
from epa_kernel.store.history import Version
from epa_kernel.store.standing import Standing
from epa_kernel.store.store import Store
from epa_kernel.store.users import get_user
from epa_kernel.store.versions import StoredRecord


class Access(BookingCalls, LifecycleAccess):
    """What ``name`` may do with ``store``; unknown users are refused at once. ``sample``: the
    decision ids (``<uln>/<attempt stem>``) of an IQA sampling plan, the only records IQA reads."""

    def __init__(self, store: Store, name: str, *, sample: set[str] | None = None):
        user = get_user(store, name)
        if user is None:
            raise AccessError(
                f"{name} has no role in this store; an admin gives one with "
                f"`epa users add {name} --role {'|'.join(ROLES)}`"
            )
        self.store, self.user, self.sample = store, user, sample

    @property
    def author(self) -> str:
        """Who the store's history names for this user's changes."""
        return self.user.assessor if self.user.role == "assessor" else self.user.name

    def _refuse(self, what: str) -> AccessError:
        return AccessError(f"{self.user.name} ({self.user.role}) may not {what}")

    def _need(self, *roles: str, to: str) -> None:
        if self.user.role not in roles:
            raise self._refuse(to)

    def _check_author(self, author: str | None) -> None:
        if author is not None and author != self.author:
            raise self._refuse(f"write in the name of {author!r}")

    # --- assignments ---------------------------------------------------------------------

    def assessors(self) -> list[str]:
        if self.user.role == "assessor":
            return [self.user.assessor]
        return self.store.assessors() if self.user.role == "admin" else []

    def assignments_of(self, assessor: str | None = None) -> list[dict]:
        """The assessor's assignments: an assessor sees only their own."""
        if self.user.role == "assessor":
            if assessor not in (None, self.user.assessor):
                raise self._refuse("see another assessor's assignments")
            return self.store.assignments_of(self.user.assessor)
        self._need("admin", to="see assignments")
        return self.store.assignments_of(assessor) if assessor else []

    def _assigned(self, uln: str, method: str, attempt: str) -> bool:
        """Whether this attempt (its key) of the apprentice's method is the user's to assess."""
        return self.user.role == "assessor" and any(
            (a["uln"], a["method"], a["attempt"]) == (uln, method, attempt)
            for a in self.store.assignments_of(self.user.assessor)
        )

    def _assigned_apprentice(self, uln: str) -> bool:
        return any(a["uln"] == uln for a in self.store.assignments_of(self.user.assessor))

    def _assigned_record(self, record: MethodRecord) -> bool:
        return self._assigned(record.apprentice.uln, record.method, record.attempt_key)

    def _may_read(self, stored: StoredRecord) -> bool:
        if self.user.role == "admin":
            return True
        if self.user.role == "iqa":
            r = stored.record
            decision = decision_id(r.apprentice.uln, r.method, r.attempt_key)
            return stored.submitted and (self.sample is None or decision in self.sample)
        return self._assigned_record(stored.record)

    # --- reading -------------------------------------------------------------------------

    def get(self, record_id: int) -> StoredRecord:
        try:
            stored = self.store.get(record_id)
        except InputError:
            stored = None
        if stored is None or not self._may_read(stored):
            raise self._refuse(f"open record {record_id} (not one of theirs, or no such record)")
        return stored

    def find(self, uln: str, method: str, attempt: str = "first") -> StoredRecord | None:
        """The record of this attempt (its key), or None while not started; an assessor reaches
        only an attempt assigned to them, refused in the same words whether it exists or not."""
        if self.user.role == "assessor" and not self._assigned(uln, method, attempt):
            raise self._refuse("open an attempt not assigned to them")
        stored = self.store.find(uln, method, attempt)
        if stored is not None and not self._may_read(stored):
            raise self._refuse("open a record that is not submitted")
        return stored

    def apprentice(self, uln: str) -> dict:
        if self.user.role == "assessor":
            if not self._assigned_apprentice(uln):
                raise self._refuse("read an apprentice not assigned to them")
        else:
            self._need("admin", to="read apprentice details outside a record")
        return self.store.apprentice(uln)

    def standing(self, uln: str, today: date) -> Standing:
        """Where the apprentice's EPA stands: a summary (dates, states, grades), never another
        assessor's record. An assessor sees it for an apprentice assigned to them, IQA for one
        with a record they may read, an admin for anyone."""
        if self.user.role == "assessor":
            if not self._assigned_apprentice(uln):
                raise self._refuse("see the EPA of an apprentice not assigned to them")
        elif self.user.role == "iqa":
            if not any(self._may_read(s) for s in self.store.records_of(uln)):
                raise self._refuse("see the EPA of an apprentice with no record sampled")
        return self.store.standing(uln, today)

    def all_records(self, *, submitted_only: bool = False) -> Iterator[StoredRecord]:
        """The records this user may read (IQA: submitted ones only)."""
        only_submitted = submitted_only or self.user.role == "iqa"
        for stored in self.store.all_records(submitted_only=only_submitted):
            if self._may_read(stored):
                yield stored

    def decided_records(self) -> Iterator[StoredRecord]:
        """The submitted records whose decisions this user may count (standardisation): an
        assessor's own decisions only, every one for IQA (within a sample, if given) and admin."""
        for stored in self.all_records(submitted_only=True):
            if self.user.role != "assessor" or stored.record.assessor == self.user.assessor:
                yield stored

    def history(self, record_id: int) -> list[Version]:
        self.get(record_id)
        return self.store.history(record_id)

    def moderations(self, record_id: int) -> list[tuple[Version, Moderation]]:
        self.get(record_id)
        return self.store.moderations(record_id)

    # --- writing -------------------------------------------------------------------------

    def put(
        self, record: MethodRecord, *, author: str | None = None, reason: str = "draft opened"
    ) -> StoredRecord:
        """Start the draft of one of the assessor's own assignments (its attempt included)."""
        self._need("assessor", to="start a record")
        self._check_author(author)
        if not self._assigned_record(record):
            raise self._refuse("start a record of an attempt not assigned to them")
        if record.assessor != self.user.assessor:
            raise self._refuse(f"start a record in the name of {record.assessor!r}")
        return self.store.put(record, author=self.author, reason=reason)

    def save_draft(
        self, stored: StoredRecord, record: MethodRecord, *, author: str | None = None
    ) -> StoredRecord:
        self._editable(stored, author, record)
        return self.store.save_draft(stored, record, author=self.author)

    def submit(self, stored: StoredRecord, *, author: str | None = None) -> StoredRecord:
        self._editable(stored, author)
        return self.store.submit(stored, author=self.author)

    def _editable(
        self, stored: StoredRecord, author: str | None, record: MethodRecord | None = None
    ) -> None:
        self._need("assessor", to="change a judgement")
        self._check_author(author)
        # The store's own record of that id too: ``stored`` comes from the caller, who could pair
        # one attempt's id with another attempt's record.
        try:
            held = [self.store.get(stored.id).record]
        except InputError:
            held = []
        checked = [*held, stored.record, *([record] if record else [])]
        if not held or not all(self._assigned_record(r) for r in checked):
            raise self._refuse("change a record not assigned to them")

    def amend(
        self, stored: StoredRecord, record: MethodRecord, *, reason: str, author: str | None = None
    ) -> StoredRecord:
        """An admin's amendment of a submitted record, with the reason it is made."""
        self._need("admin", to="amend a submitted record")
        self._check_author(author)
        self.get(stored.id)
        return self.store.amend(stored, record, author=self.author, reason=reason)

    def moderate(self, stored: StoredRecord, moderation: Moderation) -> StoredRecord:
        """An IQA moderation, recorded in the signed-in reviewer's name only."""
        self._need("iqa", "admin", to="record a moderation")
        if moderation.reviewer != self.user.name:
            raise self._refuse(f"record a moderation in the name of {moderation.reviewer!r}")
        self.get(stored.id)
        return self.store.moderate(stored, moderation)
