"""The kit's store: one object that keeps records by the rules of evidence and reads them back.

Callers (the assessor app, IQA, the CLI, the benchmarks) hold a :class:`Store` and nothing else,
so no change can bypass the rules. It holds the apprentices, assessors and assignments
(:mod:`~epa_kernel.store.people`) and the method records with their history. The database
(:mod:`epa_kernel.store.database`: SQLite by default, PostgreSQL by URL) is used in short
explicit transactions: each save is one transaction, so a crash loses at most the change being
made.

The rules of evidence:

- A record is a *draft* until submitted; every save appends a version to its history
  (append-only: nothing is ever updated in place except the pointer to the current version).
- A *submitted* record is immutable. A change after submission is an *amendment*: a new version
  that must say who, when and why (:mod:`~epa_kernel.store.lifecycle`). An IQA moderation is
  a version too (:mod:`~epa_kernel.store.moderations`), and so is each change to an appeal
  (:mod:`~epa_kernel.store.appeals`). Releases and certificate claims are append-only rows
  (:mod:`~epa_kernel.store.releases`), and so are withdrawals from the EPA
  (:mod:`~epa_kernel.store.withdrawals`).
- Saves are optimistic: the caller says which version it last saw; if someone else has saved
  since, the save is refused with :class:`ConflictError` instead of silently overwriting.
- Versions chain their hashes (:mod:`epa_kernel.store.versions` writes them,
  :mod:`epa_kernel.store.history` checks them), so a row edited in the database behind the
  kit's back is found by :meth:`Store.verify`.
- A database that fails under the kit is a :class:`~epa_kernel.errors.StoreError` naming no
  statement and no parameters; nothing was half-written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from epa_kernel.core.appeal import Appeal
from epa_kernel.core.moderation import Moderation
from epa_kernel.core.records import MethodRecord, parse_record
from epa_kernel.errors import InputError
from epa_kernel.paths import store_url
from epa_kernel.settings import AppealPolicy
from epa_kernel.store import appeals as appeal_versions
from epa_kernel.store import ledger, lifecycle, people
from epa_kernel.store import releases as release_rows
from epa_kernel.store.database import Database
from epa_kernel.store.history import Version, verify_history
from epa_kernel.store.moderations import add_moderation, moderations_in
from epa_kernel.store.schema import records, versions
from epa_kernel.store.standing import Standing
from epa_kernel.store.standing import standing as standing_of
from epa_kernel.store.versions import Clock, StoredRecord
from epa_kernel.store.withdrawals import StoreWithdrawals


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Store(StoreWithdrawals, Database):
    """The kit's records. One instance per process; safe for many processes at once.

    Every change goes through the store's rules (:mod:`~epa_kernel.store.lifecycle`,
    :mod:`~epa_kernel.store.moderations`), so a caller holding a Store cannot bypass them; the
    store's ``clock`` stamps each version (tests pass a fixed one).
    """

    def __init__(self, url: str | None = None, *, clock: Clock = _utc_now):
        super().__init__(url)
        self.clock = clock

    # --- people and assignments (epa_kernel.store.people) ------------------------------------

    def assign(self, record: MethodRecord) -> None:
        """Make ``record``'s assessor responsible for its apprentice, method and attempt."""
        people.assign(self, record)

    def reassign(self, uln: str, method: str, assessor: str, attempt: str = "first") -> None:
        """Give that ``attempt`` (its key) of the apprentice's ``method`` to ``assessor``
        instead, before its record starts; the other attempts keep their assessors."""
        people.reassign(self, uln, method, assessor, attempt)

    def apprentice(self, uln: str) -> dict:
        """The apprentice's details as a record's ``apprentice`` object."""
        return people.apprentice_details(self, uln)

    def assessors(self) -> list[str]:
        return people.assessor_names(self)

    def assignments_of(self, assessor: str) -> list[dict]:
        """What ``assessor`` has to assess, one row per attempt, with its record's status."""
        return people.assignments_of(self, assessor)

    # --- a record's life (epa_kernel.store.lifecycle, epa_kernel.store.moderations) ----------

    def put(
        self,
        record: MethodRecord,
        *,
        author: str,
        submitted: bool = False,
        reason: str = "imported",
    ) -> StoredRecord:
        """Store a new record (draft or submitted). Refused if one exists for the same apprentice,
        method and attempt: existing evidence is never replaced."""
        record_id = lifecycle.create_record(
            self, self.clock, record, author=author, submitted=submitted, reason=reason
        )
        return self.get(record_id)

    def save_draft(
        self, stored: StoredRecord, record: MethodRecord, *, author: str
    ) -> StoredRecord:
        """Save a change to a draft, in its own transaction; returns the new state."""
        return lifecycle.save_draft(self, self.clock, stored, record, author=author)

    def submit(self, stored: StoredRecord, *, author: str) -> StoredRecord:
        return lifecycle.submit(self, self.clock, stored, author=author)

    def amend(
        self, stored: StoredRecord, record: MethodRecord, *, author: str, reason: str
    ) -> StoredRecord:
        """Change a submitted record: a new version saying who, when (now) and why."""
        return lifecycle.amend(self, self.clock, stored, record, author=author, reason=reason)

    def moderate(self, stored: StoredRecord, moderation: Moderation) -> StoredRecord:
        """Record an IQA moderation of a submitted record as a version of its history.

        The moderation (reviewer, per-descriptor agreement, outcome, rationale) is the version's
        reason, so the hash chain covers it like any other change; the record itself is kept.
        """
        return add_moderation(self, self.clock, stored, moderation)

    # --- appeals, releases, certificate claims (epa_kernel.store.appeals, .releases) ---------

    def lodge_appeal(
        self,
        stored: StoredRecord,
        *,
        kind: str,
        appellant_role: str,
        appellant: str,
        lodged_on: date,
        result_notified_on: date,
        grounds: str,
        by: str,
        policy: AppealPolicy | None = None,
    ) -> Appeal:
        """Lodge an appeal or enquiry against a submitted record, as a version of its history
        recorded by ``by``; refused when lodged after the organisation's window ``policy``
        (counted from ``result_notified_on``), flagged when there is none. Returns it."""
        return appeal_versions.lodge(
            self,
            self.clock,
            stored,
            self.history(stored.id),
            by=by,
            policy=policy,
            kind=kind,
            appellant_role=appellant_role,
            appellant=appellant,
            lodged_on=lodged_on,
            result_notified_on=result_notified_on,
            grounds=grounds,
        )

    def resolve_appeal(
        self, stored: StoredRecord, number: int, *, status: str, handler: str, outcome: str = ""
    ) -> Appeal:
        """Move the record's appeal ``number`` to ``status`` (under_review, upheld, rejected,
        withdrawn), as a version of its history naming the handler."""
        return appeal_versions.resolve(
            self,
            self.clock,
            stored,
            self.history(stored.id),
            number,
            status=status,
            handler=handler,
            outcome=outcome,
        )

    def appeals(self, record_id: int) -> list[Appeal]:
        """The record's appeals and enquiries, each as it stands now, in the order lodged."""
        return appeal_versions.appeals_in(self.history(record_id))

    def open_appeals(self, stored: Iterable[StoredRecord]) -> list[tuple[StoredRecord, Appeal]]:
        """The appeals and enquiries still open on any of ``stored`` (one apprentice's
        records): what holds their results back from release and from a certificate claim."""
        return [(s, a) for s in stored for a in self.appeals(s.id) if a.open]

    def release(self, uln: str, *, by: str) -> tuple[release_rows.Release, bool]:
        """Record the apprentice's submitted results as released by ``by``; returns the release
        and whether it is new (releasing the same results again writes nothing)."""
        return release_rows.release(self, self.clock, uln, by=by)

    def releases(self, uln: str | None = None) -> dict[str, release_rows.Release]:
        """Each released apprentice's latest release, by ULN (only ``uln``'s when given)."""
        return release_rows.latest_releases(self, uln)

    def results_digest(self, uln: str) -> str:
        """The digest of the apprentice's submitted results now, to compare with a release's."""
        return release_rows.results_now(self, uln)

    def claims(self, uln: str | None = None) -> list[release_rows.Claim]:
        """The certificate claims recorded (only ``uln``'s when given)."""
        return release_rows.claims(self, uln)

    def record_claims(self, rows: list[dict], *, file: str) -> None:
        """Record a batch of certificate claims (one transaction) written to ``file``."""
        release_rows.record_claims(self, self.clock, rows, file=file)

    def sent(self, target: str | None = None, uln: str | None = None) -> list[ledger.Sent]:
        """The service ledger: items sent to the assessment service and their answers."""
        return ledger.read(self, target, uln)

    def record_sent(self, rows: list[dict]) -> None:
        """Append one request's items and answers to the service ledger (one transaction)."""
        ledger.append(self, self.clock, rows)

    # --- reading ---------------------------------------------------------------------------

    def find(self, uln: str, method: str, attempt: str = "first") -> StoredRecord | None:
        """The stored record of this apprentice's ``method`` attempt, ``attempt`` being its key
        (``first``, ``resit``, ``resit2``...: ``MethodRecord.attempt_key``), or None."""
        with self.connection() as conn:
            row = conn.execute(
                select(records.c.id).where(
                    (records.c.uln == uln)
                    & (records.c.method == method)
                    & (records.c.attempt == attempt)
                )
            ).first()
        return None if row is None else self.get(row.id)

    def get(self, record_id: int) -> StoredRecord:
        with self.connection() as conn:
            row = conn.execute(select(records).where(records.c.id == record_id)).first()
            if row is None:
                raise InputError(f"no stored record {record_id}", field="record")
            data = conn.execute(
                select(versions.c.data).where(
                    (versions.c.record_id == record_id)
                    & (versions.c.version == row.current_version)
                )
            ).scalar_one()
        record, _ = parse_record(json.loads(data), file=f"store record {record_id}")
        return StoredRecord(record_id, record, row.status, row.current_version)

    def moderations(self, record_id: int) -> list[tuple[Version, Moderation]]:
        """The record's moderations, oldest first, with the version that holds each."""
        return moderations_in(self.history(record_id))

    def history(self, record_id: int) -> list[Version]:
        with self.connection() as conn:
            rows = conn.execute(
                select(versions)
                .where(versions.c.record_id == record_id)
                .order_by(versions.c.version)
            ).all()
        return [
            Version(r.version, r.kind, r.author, r.at, r.reason, r.content_hash, r.chain_hash)
            for r in rows
        ]

    def all_records(self, *, submitted_only: bool = False) -> Iterator[StoredRecord]:
        query = select(records.c.id).order_by(records.c.id)
        if submitted_only:
            query = query.where(records.c.status == "submitted")
        with self.connection() as conn:
            ids = [r.id for r in conn.execute(query)]
        for record_id in ids:
            yield self.get(record_id)

    def records_of(self, uln: str) -> list[StoredRecord]:
        """One apprentice's stored records, drafts included, in the order stored."""
        query = select(records.c.id).where(records.c.uln == uln).order_by(records.c.id)
        with self.connection() as conn:
            ids = [r.id for r in conn.execute(query)]
        return [self.get(record_id) for record_id in ids]

    def standing(self, uln: str, today: date) -> Standing:
        """Where the apprentice's EPA stands on ``today`` (:mod:`epa_kernel.store.standing`)."""
        return standing_of(self, uln, today)

    def verify(self) -> list[str]:
        """Problems found by recomputing every record's hash chain; empty when all is intact."""
        with self.connection() as conn:
            return verify_history(conn)


def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (default: ``EPA_STORE_URL``, else ``outputs/epa.sqlite``)."""
    try:
        return Store(store_url(url))
    except OperationalError as exc:
        raise InputError(f"cannot open the store: {exc.orig}", field="store URL") from None
