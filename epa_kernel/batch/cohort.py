"""A cohort folder: method-record JSON files, several per apprentice, grouped and checked.

A bad file must fail only its own apprentice, so reading never stops at the first error: each
problem is kept with the file it came from, and attributed to an apprentice when the file's ULN
can still be read and is valid. Messages name files and fields, never names or ULNs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from epa_kernel.core.grading import grade_epa
from epa_kernel.core.lifecycle import attempt_checks, refuse_invalid
from epa_kernel.core.records import MethodRecord, parse_record
from epa_kernel.core.spec import Standard
from epa_kernel.core.uln import uln_is_valid
from epa_kernel.errors import InputError
from epa_kernel.files import read_json


@dataclass
class Apprentice:
    """One apprentice's records in a cohort, or why they cannot be run."""

    uln: str
    records: list[tuple[MethodRecord, Path]] = field(default_factory=list)
    standard: Standard | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Cohort:
    apprentices: dict[str, Apprentice]
    unattributed: list[str]  # problems in files whose apprentice could not be identified


def _uln_in(data) -> str | None:
    try:
        uln = data["apprentice"]["uln"]
    except (TypeError, KeyError):
        return None
    return uln if isinstance(uln, str) and uln_is_valid(uln) else None


def read_cohort(folder: str | Path) -> Cohort:
    """The cohort in a folder of method-record JSON files (not its subfolders)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("is not a folder of method-record JSON files", file=str(folder))
    files = sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))
    if not files:
        raise InputError("holds no .json method records", file=str(folder))
    return group(_load(path) for path in files)


def _load(path: Path):
    data = None
    try:
        data = read_json(path)
        record, standard = parse_record(data, file=str(path))
        return record, standard, path, None
    except InputError as exc:
        return None, None, path, (_uln_in(data), str(exc))


def from_store(store) -> Cohort:
    """The cohort of the store's submitted records (drafts are not ready to run)."""
    from epa_kernel.core.catalogue import get_standard

    items = [
        (
            s.record,
            get_standard(s.record.standard, s.record.version),
            Path(f"store record {s.id}"),
            None,
        )
        for s in store.all_records(submitted_only=True)
    ]
    if not items:
        raise InputError("holds no submitted records", file=store.url)
    return group(items)


def group(items) -> Cohort:
    """Group (record, standard, source, problem) items by apprentice and check each group."""
    apprentices: dict[str, Apprentice] = {}
    unattributed: list[str] = []
    for record, standard, path, problem in items:
        if problem is not None:
            uln, message = problem
            if uln is None:
                unattributed.append(message)
            else:
                apprentices.setdefault(uln, Apprentice(uln)).problems.append(message)
            continue
        entry = apprentices.setdefault(record.apprentice.uln, Apprentice(record.apprentice.uln))
        entry.records.append((record, path))
        if entry.standard is None:
            entry.standard = standard
        elif entry.standard.key != standard.key:
            entry.problems.append(
                f"{path}: version: records of one apprentice must share one "
                f"standard version ({entry.standard.key} and {standard.key})"
            )
    for entry in apprentices.values():
        if entry.ok and entry.records:
            try:  # duplicate attempts and the like are caught here, before any notebook runs
                grade_epa(entry.standard, [r for r, _ in entry.records])
            except InputError as exc:
                entry.problems.append(exc.in_file(str(entry.records[-1][1])).__str__())
    return Cohort(apprentices, unattributed)


def refuse_invalid_attempts(cohort: Cohort) -> None:
    """Mark each apprentice whose records hold an attempt the rules do not allow (a resit after
    a pass, say) with a problem naming that record's file, so that the batch run grades none of
    their records: a statement of results must never count such an attempt. ``epa status``
    does not call this: it lists such attempts in its report instead."""
    for entry in cohort.apprentices.values():
        if entry.ok and entry.records:
            checks = attempt_checks(entry.standard, [r for r, _ in entry.records])
            try:
                refuse_invalid(checks, [str(path) for _, path in entry.records])
            except InputError as exc:
                entry.problems.append(str(exc))
