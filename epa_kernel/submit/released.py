"""What the store says may go to the service: released results and withdrawals, one per ULN.

A result is sent when it is released (:meth:`~epa_kernel.store.store.Store.releases`), no appeal
or enquiry about it is open, and it has not changed since its release (its
:meth:`~epa_kernel.store.store.Store.results_digest` is the release's); otherwise it is held,
with the reason, exactly as the certificate claim batch holds it
(:mod:`epa_kernel.exports.certificates`). The EPA's sittings are graded by the one engine
(:func:`~epa_kernel.core.grading.grade_epa`): the first attempts, then each resit or retake
added in turn.

Withdrawals are read through :func:`withdrawals_in`, the one place that knows how the store
holds them (``Store.withdrawals()``: objects with ``uln``, ``on``, ``reason``, ``by``, ``at``);
a store without them has none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import grade_epa
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.vocabulary import attempt_parts
from epa_kernel.errors import InputError


@dataclass(frozen=True)
class Sitting:
    """One EPA sitting as the service records it: when, the overall grade, first|resit|retake."""

    on: date
    grade: str
    kind: str


@dataclass(frozen=True)
class Released:
    """One apprentice's result (or withdrawal) as it may be sent; ``results`` is the digest the
    ledger keys it by (the release's, or the withdrawal's)."""

    uln: str
    family_name: str | None
    standard: str
    version: str
    grade: str | None
    sittings: tuple[Sitting, ...]
    results: str
    employer: str | None = None
    withdrawn_on: date | None = None
    course_option: str | None = None


@dataclass(frozen=True)
class Held:
    uln: str
    why: str


def family_name(records: Sequence[MethodRecord]) -> str | None:
    """The family name the apprentice's records give (``apprentice.family_name``), or None when
    none gives one or they disagree: never guessed from the full name."""
    return _given(records, "family_name")


def course_option(records: Sequence[MethodRecord]) -> str | None:
    """The course option the apprentice's records name (``apprentice.course_option``)."""
    return _given(records, "course_option")


def _given(records: Sequence[MethodRecord], name: str) -> str | None:
    given = {getattr(r.apprentice, name).strip() for r in records if getattr(r.apprentice, name)}
    return given.pop() if len(given) == 1 else None


def sittings(records: Sequence[MethodRecord]) -> tuple[Sitting, ...]:
    """The EPA's sittings: the first attempts, then each later attempt key (in the order they
    were assessed) added to what came before, graded by the engine; sittings without an
    overall grade (methods still to assess) or a date are left out."""
    first = records[0]
    standard = get_standard(first.standard, first.version)
    keys: dict[str, date] = {}
    for r in records:
        key = r.attempt_key
        if r.assessed_on is not None:
            keys[key] = max(keys.get(key, r.assessed_on), r.assessed_on)
    ordered = sorted(keys, key=lambda k: (k != "first", keys[k]))
    out: list[Sitting] = []
    for i, key in enumerate(ordered):
        upto = set(ordered[: i + 1])
        chosen = [r for r in records if r.attempt_key in upto]
        grade = grade_epa(standard, chosen).grade
        dated = [r.assessed_on for r in chosen if r.assessed_on is not None]
        if grade is not None and dated:
            out.append(Sitting(max(dated), grade, attempt_parts(key)[0]))
    return tuple(out)


def withdrawals_in(store) -> list:
    """The store's withdrawals (none when the store has no ``withdrawals``)."""
    found = getattr(store, "withdrawals", None)
    return list(found()) if callable(found) else []


def _by_uln(store) -> dict[str, list]:
    by_uln: dict[str, list] = {}
    for stored in store.all_records(submitted_only=True):
        by_uln.setdefault(stored.record.apprentice.uln, []).append(stored)
    return by_uln


def reinstated_results(store) -> list[Released]:
    """The apprentices back in the EPA (their withdrawal undone) with no released result:
    the service may hold their EPA record as Withdrawn, which then goes (a deletion, by
    :func:`epa_kernel.submit.plan.delete_items`); one with a released result is sent it."""
    history = getattr(store, "withdrawal_history", None)
    if not callable(history):
        return []
    gone, releases = {w.uln for w in withdrawals_in(store)}, store.releases()
    back = {w.uln: w for w in history() if w.reinstated}  # the latest reinstatement of each
    by_uln = _by_uln(store) if back else {}
    out = []
    for uln, w in sorted(back.items()):
        records = [s.record for s in by_uln.get(uln, [])]
        if uln in gone or uln in releases or not records:
            continue
        out.append(_not_graded(uln, records, f"reinstated|{w.on}|{w.at}", ()))
    return out


def _not_graded(uln: str, records: list, key: str, done: tuple, on: date | None = None):
    """A withdrawal (``on`` the day) or a reinstatement: no grade, keyed by ``key``'s digest."""
    first, digest = records[0], hashlib.sha256(key.encode()).hexdigest()
    return Released(
        uln,
        family_name(records),
        first.standard,
        first.version,
        None,
        done,
        digest,
        first.apprentice.employer,
        on,
        course_option(records),
    )


def released_results(store) -> tuple[list[Released], list[Held]]:
    """Every released result that may be sent now, every withdrawal, and what is held."""
    releases = store.releases()
    by_uln = _by_uln(store)
    withdrawn = {w.uln: w for w in withdrawals_in(store)}
    out, held = [], list(getattr(store, "not_released", ()))  # a run folder's refusals
    for uln in sorted(set(releases) | set(withdrawn)):
        mine = by_uln.get(uln, [])
        records = [s.record for s in mine]
        if uln in withdrawn:
            w = withdrawn[uln]
            if not records:
                held.append(Held(uln, "withdrawn, but no records name the standard"))
                continue
            done = sittings(records) if releases.get(uln) else ()
            out.append(_not_graded(uln, records, f"withdrawn|{w.on}|{w.at}", done, w.on))
            continue
        release = releases[uln]
        open_ = [f"{s.record.method} {a.kind} {a.number}" for s, a in store.open_appeals(mine)]
        if open_:
            held.append(Held(uln, f"under appeal ({', '.join(open_)})"))
        elif store.results_digest(uln) != release.results:
            held.append(Held(uln, f"changed since their release on {release.at}: release again"))
        elif records:
            try:
                out.append(_released(uln, records, release.results))
            except InputError as exc:
                held.append(Held(uln, exc.message))
    return out, held


def _released(uln: str, records: list[MethodRecord], results: str) -> Released:
    first = records[0]
    grade = grade_epa(get_standard(first.standard, first.version), records).grade
    if grade is None:
        raise InputError("no overall grade yet", field="grade")
    return Released(
        uln,
        family_name(records),
        first.standard,
        first.version,
        grade,
        sittings(records),
        results,
        first.apprentice.employer,
        course_option=course_option(records),
    )
