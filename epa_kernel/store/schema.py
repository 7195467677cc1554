"""The store's tables: people, users and roles, records, their append-only history, releases,
withdrawals.

One definition for the store, retention and the benchmarks. ``record_versions`` is append-only
(a version is never updated in place); ``records`` holds each record's status and the pointer to
its current version, the one column a save updates.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

apprentices = Table(
    "apprentices",
    metadata,
    Column("uln", String(10), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("family_name", String(200)),  # as the learner record holds it (epa submit)
    Column("course_option", String(200)),  # the standard's option, when it has options
    Column("provider", String(200)),
    Column("employer", String(200)),
    Column("start_date", Date),
    Column("gateway_date", Date),
)

assessors = Table("assessors", metadata, Column("name", String(200), primary_key=True))

#: Who may sign in and what their role lets them do (:mod:`epa_kernel.store.access`): ``name`` is
#: the sign-in name the hub gives (``JUPYTERHUB_USER``), ``role`` assessor | iqa | admin, and an
#: assessor's ``assessor`` the name their records and assignments carry. ``signup_code_*``: the
#: one-time code that lets them create their hub account (:mod:`epa_kernel.store.user_codes`),
#: its salted hash only, when it expires and when it was used (ISO times, UTC).
users = Table(
    "users",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("role", String(12), nullable=False),
    Column("assessor", String(200)),
    Column("signup_code_hash", String(200)),
    Column("signup_code_expires", String(32)),
    Column("signup_code_used", String(32)),
)

#: Which assessor assesses one attempt of an apprentice's method: ``attempt`` is the attempt's
#: key (``first``, ``resit``, ``resit2``...: ``MethodRecord.attempt_key``), as ``records`` names
#: it. The key (uln, method, attempt) makes one attempt one assessor's: a resit by another
#: assessor is another row, and never opens the first attempt's record. Stores made before the
#: column existed are rebuilt when opened (:mod:`epa_kernel.store.migrations`).
assignments = Table(
    "assignments",
    metadata,
    Column("assessor", String(200), ForeignKey("assessors.name"), nullable=False),
    Column("uln", String(10), ForeignKey("apprentices.uln"), nullable=False),
    Column("standard", String(6), nullable=False),
    Column("version", String(10), nullable=False),
    Column("method", String(40), nullable=False),
    Column("attempt", String(10), nullable=False),
    PrimaryKeyConstraint("uln", "method", "attempt"),
)

records = Table(
    "records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uln", String(10), ForeignKey("apprentices.uln"), nullable=False),
    Column("method", String(40), nullable=False),
    Column("attempt", String(10), nullable=False),
    Column("status", String(12), nullable=False),  # draft | submitted
    Column("current_version", Integer, nullable=False),
    UniqueConstraint("uln", "method", "attempt"),
)

versions = Table(
    "record_versions",
    metadata,
    Column("record_id", Integer, ForeignKey("records.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", String(12), nullable=False),  # created|saved|submitted|amended|moderated|appeal
    Column("author", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("data", Text, nullable=False),  # the record's canonical JSON
    Column("content_hash", String(64), nullable=False),
    Column("chain_hash", String(64), nullable=False),
    PrimaryKeyConstraint("record_id", "version"),
)
#: The join of each record with the version it points at (its current one).
CURRENT_VERSION = (versions.c.record_id == records.c.id) & (
    versions.c.version == records.c.current_version
)

#: Append-only: one row per release of an apprentice's results (:mod:`epa_kernel.store.releases`).
#: ``results`` is the digest of the released records' content hashes (``hashes``, JSON), so
#: releasing the same results twice is one row, and results changed after release are not.
releases = Table(
    "releases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uln", String(10), ForeignKey("apprentices.uln"), nullable=False),
    Column("results", String(64), nullable=False),
    Column("hashes", Text, nullable=False),
    Column("released_by", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    UniqueConstraint("uln", "results"),
)

#: Append-only: one row per certificate claimed (one per apprentice and standard).
certificate_claims = Table(
    "certificate_claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uln", String(10), ForeignKey("apprentices.uln"), nullable=False),
    Column("standard", String(6), nullable=False),
    Column("version", String(10), nullable=False),
    Column("grade", String(12), nullable=False),
    Column("achieved_on", String(10), nullable=False),
    Column("results", String(64), nullable=False),
    Column("file", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    UniqueConstraint("uln", "standard"),
)

#: Append-only: one row per withdrawal from the EPA or reinstatement (``reinstated`` true), about
#: an apprentice rather than a record (:mod:`epa_kernel.store.withdrawals`).
withdrawals = Table(
    "withdrawals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uln", String(10), ForeignKey("apprentices.uln"), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    Column("reinstated", Boolean, nullable=False),
)

#: Append-only: one row per item sent to the Apprenticeship assessment service's External API
#: and its answer (:mod:`epa_kernel.store.ledger`, written by :mod:`epa_kernel.submit`).
#: ``target`` is ``live`` or ``sandbox``; ``kind`` epa | certificate | submit; ``action``
#: create | update | submit; ``results`` the digest of the released results (or the withdrawal)
#: the body was made from; ``body_hash`` the body's SHA-256 without its RequestId; ``state``
#: accepted | refused | failed (no answer); ``reference`` the EPA or certificate reference the
#: service gave; ``answer`` the service's errors (refused) or what went wrong (failed).
service_ledger = Table(
    "service_ledger",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(8), nullable=False),
    Column("request_id", String(40), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("action", String(8), nullable=False),
    Column("uln", String(10), nullable=False),
    Column("standard", String(6), nullable=False),
    Column("results", String(64), nullable=False),
    Column("body_hash", String(64), nullable=False),
    Column("state", String(8), nullable=False),
    Column("reference", String(40)),
    Column("answer", Text, nullable=False),
    Column("at", String(40), nullable=False),
)

#: One row per booking (:mod:`epa_kernel.store.bookings`): who and what (``what`` the method or
#: ``planning_meeting``, ``attempt`` its key), the day, the status and the pointer to its current
#: version, the columns a new version updates; ``day`` and ``assessor`` let the double-booking
#: check read one assessor's day.
bookings = Table(
    "bookings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uln", String(10), ForeignKey("apprentices.uln"), nullable=False),
    Column("assessor", String(200), ForeignKey("assessors.name"), nullable=False),
    Column("what", String(40), nullable=False),
    Column("attempt", String(10), nullable=False),
    Column("day", Date, nullable=False),
    Column("status", String(12), nullable=False),
    Column("current_version", Integer, nullable=False),
)

#: Append-only: each version of a booking, with who, when and why; ``findings`` the rules'
#: findings when it was written (JSON) and ``override`` an admin's reason for booking despite a
#: refusal; ``data`` the booking's JSON.
booking_versions = Table(
    "booking_versions",
    metadata,
    Column("booking_id", Integer, ForeignKey("bookings.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("author", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("override", Text),
    Column("findings", Text, nullable=False),
    Column("data", Text, nullable=False),
    PrimaryKeyConstraint("booking_id", "version"),
)

#: Contact e-mail addresses for confirmations and invites (:mod:`epa_kernel.store.contacts`;
#: personal data, never logged): ``who`` apprentice | employer | assessor, ``key`` the ULN
#: (apprentice; employer: the employer's contact for that apprentice) or the assessor's name.
contacts = Table(
    "contacts",
    metadata,
    Column("who", String(10), nullable=False),
    Column("key", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("name", String(200)),
    PrimaryKeyConstraint("who", "key"),
)

#: Append-only: each e-mail the kit is to send (:mod:`epa_kernel.store.outbox`): ``key`` what it
#: says (the apprentice and the booking versions it was made from: the same key is never queued
#: twice), ``kind`` confirmation | cancellation, ``message`` the whole MIME message.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("uln", String(10), ForeignKey("apprentices.uln"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("message", Text, nullable=False),
    Column("queued_by", String(200), nullable=False),
    Column("at", String(40), nullable=False),
)

#: Append-only: each try to send an outbox message and how it ended (``state`` sent | failed;
#: ``answer`` the server's reply or what went wrong, with no address and no password).
outbox_tries = Table(
    "outbox_tries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", Integer, ForeignKey("outbox.id"), nullable=False),
    Column("state", String(8), nullable=False),
    Column("answer", Text, nullable=False),
    Column("at", String(40), nullable=False),
)

#: Append-only: each version of an assessor's profile (:mod:`epa_kernel.store.assessor_profiles`):
#: the standards they may assess, capacity, days away and declared conflicts of interest, as the
#: profile's JSON (``data``), with who, when and why.
assessor_profiles = Table(
    "assessor_profiles",
    metadata,
    Column("assessor", String(200), ForeignKey("assessors.name"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("author", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("data", Text, nullable=False),
    PrimaryKeyConstraint("assessor", "version"),
)

#: One row per purge (:mod:`epa_kernel.store.retention`): counts and record ids, no personal data.
purge_audit = Table(
    "purge_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("as_of", String(10), nullable=False),
    Column("cutoff", String(10), nullable=False),
    Column("retention_years", Integer, nullable=False),
    Column("records", Integer, nullable=False),
    Column("versions", Integer, nullable=False),
    Column("apprentices", Integer, nullable=False),
    Column("record_ids", Text, nullable=False),  # JSON list of the store's record ids
)
