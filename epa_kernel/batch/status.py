"""Where each apprentice of a cohort stands on a given day: the report behind ``epa status``.

The cohort (a folder, :func:`~epa_kernel.batch.cohort.read_cohort`, or the store's submitted
records, :func:`~epa_kernel.batch.cohort.from_store`) is already grouped by apprentice; here
each apprentice's gateway date is taken from their records' ``apprentice.gateway_date`` (which
must agree), their ``--done`` entry is matched and checked, and the pure engine
(:func:`epa_kernel.core.epa_status.epa_status`) says where the EPA stands. Bad input anywhere
(a record that cannot be read, a ``--done`` entry for no apprentice or for a deadline they do
not have) is an :class:`~epa_kernel.errors.InputError` raised before anything is reported; an
attempt the rules do not allow is part of the report, and :func:`raise_for_invalid_attempts`
turns the first into an InputError naming its file once the report is out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from epa_kernel.batch.cohort import Apprentice, Cohort
from epa_kernel.batch.status_done import DoneEntry, check_done_keys
from epa_kernel.core.epa_status import EpaStatus, epa_status
from epa_kernel.core.lifecycle import refuse_invalid
from epa_kernel.core.withdrawal import Withdrawal
from epa_kernel.errors import InputError


@dataclass(frozen=True)
class ApprenticeStatus:
    """One apprentice's row: ``files`` names the source of each record the engine was given,
    in the same order (``status`` refers to records by that index)."""

    uln: str
    status: EpaStatus
    files: tuple[str, ...]
    notes: tuple[str, ...] = ()


def gateway_of(apprentice: Apprentice) -> date | None:
    """The gateway date the apprentice's records give (None when none does); records that
    give two different dates are bad input, named by the second one's file."""
    found: date | None = None
    for record, path in apprentice.records:
        day = record.apprentice.gateway_date
        if day is None:
            continue
        if found is not None and day != found:
            raise InputError(
                f"gateway date {day} differs from {found} in the apprentice's other records",
                file=str(path),
                field="apprentice.gateway_date",
            )
        found = day
    return found


def _check_cohort(cohort: Cohort) -> None:
    """The first problem reading the cohort, as bad input: a report over records that could
    not all be read would be wrong about someone."""
    if cohort.unattributed:
        raise InputError(cohort.unattributed[0])
    for uln in sorted(cohort.apprentices):
        problems = cohort.apprentices[uln].problems
        if problems:
            raise InputError(problems[0])


def apprentice_status(
    apprentice: Apprentice,
    today: date,
    entry: DoneEntry | None,
    done_file: str | None,
    withdrawal: Withdrawal | None = None,
    notes: tuple[str, ...] = (),
) -> ApprenticeStatus:
    """One apprentice's row, their ``--done`` entry (if any) passed to the engine and checked,
    with their withdrawal (if any) and ``notes`` from the store (flagged appeals)."""
    records = [r for r, _ in apprentice.records]
    files = tuple(str(p) for _, p in apprentice.records)
    gateway = gateway_of(apprentice)
    if entry is not None and gateway is None and (entry.done or entry.events):
        notes = (f"the --done entry {entry.where} is not used: there is no gateway date", *notes)
    status = epa_status(
        apprentice.standard,
        gateway,
        records,
        today,
        done=entry.done if entry else None,
        events=entry.events if entry else None,
        withdrawal=withdrawal,
    )
    if entry is not None and gateway is not None:
        check_done_keys(entry, [d.key for d in status.deadlines], file=str(done_file))
    return ApprenticeStatus(apprentice.uln, status, files, notes)


def cohort_status(
    cohort: Cohort,
    today: date,
    done: Mapping[str, DoneEntry] | None = None,
    *,
    done_file: str | None = None,
    source: str = "the records",
    withdrawals: Mapping[str, Withdrawal] | None = None,
    notes: Mapping[str, tuple[str, ...]] | None = None,
) -> list[ApprenticeStatus]:
    """Every apprentice's row, in ULN order. ``done`` is the ``--done`` file's entries by ULN
    (read from ``done_file``); an entry for an apprentice with no records in ``source`` is
    bad input. ``withdrawals`` (the store's, by ULN) and ``notes`` are added to the rows."""
    _check_cohort(cohort)
    done = done or {}
    for uln, entry in done.items():
        if uln not in cohort.apprentices:
            raise InputError(
                f"no apprentice with this ULN has records in {source}",
                file=str(done_file),
                field=f"{entry.where}.uln",
            )
    withdrawals, notes = withdrawals or {}, notes or {}
    return [
        apprentice_status(
            cohort.apprentices[uln],
            today,
            done.get(uln),
            done_file,
            withdrawals.get(uln),
            notes.get(uln, ()),
        )
        for uln in sorted(cohort.apprentices)
    ]


def raise_for_invalid_attempts(rows: list[ApprenticeStatus]) -> None:
    """Raise an InputError naming the file of the first attempt the rules do not allow (field
    ``attempt``, the engine's reason); return when every attempt is allowed."""
    for row in rows:
        refuse_invalid(row.status.invalid, row.files)
