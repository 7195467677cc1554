"""Retention: removing records past their retention period, and leaving an audit line.

Records are kept for ``retention_years`` (six by default) from the **last thing that happened to
them**, so an amendment or a moderation restarts the clock:

- in the store, the later of the record's ``assessed_on`` and the date of its latest version
  (created, saved, submitted, amended or moderated);
- in a run folder, which has no history, the later of each record's ``assessed_on`` and the date
  its notebook was executed (papermill's ``end_time``; the file's modification time if missing).

On ``as_of`` (``epa purge --before DATE``) the cut-off is ``as_of`` minus the retention years
(29 February becomes 28 February); a record whose clock date is *before* the cut-off is past
retention. A record assessed on 2020-03-02 and not changed since is kept up to and including
2026-03-02 and purged from 2026-03-03.

What is removed:

- from the store, each record past retention with every version of its history, in one
  transaction; an apprentice left with no record loses their row (name, ULN, dates) and their
  assignments too. Every record's hash chain is its own, so no other record's chain changes and
  :meth:`~epa_kernel.store.store.Store.verify` stays clean;
- from a run folder, an apprentice's folder when *every* record in it is past retention (the
  statement of results rests on all of them), their rows of ``results.csv``, and the cohort
  outputs are rebuilt without them.

Each purge leaves one audit line with no personal data — when, the cut-off, the retention years,
counts, and in the store the store's record ids (never a ULN or a name): a row of the
``purge_audit`` table in the store, and a JSON line in ``DIR/purge-audit.log`` for a run folder.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, delete, insert, select

from epa_kernel.errors import InputError
from epa_kernel.files import write_atomic

DEFAULT_YEARS = 6
AUDIT_LOG = "purge-audit.log"

_audit_metadata = MetaData()
purge_audit = Table(
    "purge_audit", _audit_metadata,
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


@dataclass
class PurgeResult:
    """What a purge removed (or, in a dry run, would remove). Counts and ids only."""

    as_of: date
    cutoff: date
    retention_years: int
    dry_run: bool = False
    records: int = 0
    versions: int = 0
    apprentices: int = 0
    record_ids: list[int] = field(default_factory=list)
    folders: int = 0
    notebooks: int = 0
    kept_unreadable: int = 0  # run folders left alone because a notebook could not be read

    def audit_line(self) -> dict:
        return {"at": _now(), "as_of": self.as_of.isoformat(), "cutoff": self.cutoff.isoformat(),
                "retention_years": self.retention_years, "records": self.records,
                "versions": self.versions, "apprentices": self.apprentices,
                "record_ids": self.record_ids, "folders": self.folders,
                "notebooks": self.notebooks}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def cutoff_date(as_of: date, retention_years: int = DEFAULT_YEARS, *,
                today: date | None = None) -> date:
    """``as_of`` minus ``retention_years``; refuses a date in the future (a typo there would
    shorten the retention period) and a period under one year."""
    if retention_years < 1:
        raise InputError("the retention period is at least 1 year", field="--retention-years")
    if today is not None and as_of > today:
        raise InputError(f"{as_of.isoformat()} is in the future; purging as of a later date "
                         "would remove records still inside their retention period",
                         field="--before")
    year = as_of.year - retention_years
    day = min(as_of.day, calendar.monthrange(year, as_of.month)[1])
    return as_of.replace(year=year, day=day)


def _as_date(value) -> date | None:
    if not value:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.date()


def _clock(*values) -> date | None:
    dates = [d for d in map(_as_date, values) if d is not None]
    return max(dates) if dates else None


# --------------------------------------------------------------------------- the store


def purge_store(store, as_of: date, retention_years: int = DEFAULT_YEARS, *,
                dry_run: bool = False) -> PurgeResult:
    """Remove the store's records past retention on ``as_of`` (see the module's docstring)."""
    from epa_kernel.store.store import apprentices, assignments, records, versions

    result = PurgeResult(as_of, cutoff_date(as_of, retention_years), retention_years, dry_run)
    engine = store.engine
    purge_audit.create(engine, checkfirst=True)
    with engine.begin() as conn:
        heads = conn.execute(select(records.c.id, records.c.uln, records.c.current_version)).all()
        last_at: dict[int, list[str]] = {}
        for row in conn.execute(select(versions.c.record_id, versions.c.at)):
            last_at.setdefault(row.record_id, []).append(row.at)
        current = {row.record_id: row.data for row in conn.execute(
            select(versions.c.record_id, versions.c.data).join(
                records, (records.c.id == versions.c.record_id)
                & (records.c.current_version == versions.c.version)))}
        past: list[int] = []
        ulns: set[str] = set()
        for head in heads:
            try:
                assessed_on = json.loads(current.get(head.id, "{}")).get("assessed_on")
            except ValueError:
                assessed_on = None
            clock = _clock(assessed_on, *last_at.get(head.id, ()))
            if clock is not None and clock < result.cutoff:
                past.append(head.id)
                ulns.add(head.uln)
        result.record_ids = sorted(past)
        result.records = len(past)
        result.versions = sum(len(last_at.get(i, ())) for i in past)
        remaining = {row.uln for row in conn.execute(
            select(records.c.uln).where(records.c.id.not_in(past) if past else True))}
        gone = sorted(ulns - remaining)
        result.apprentices = len(gone)
        if dry_run or not past:
            return result
        for chunk in _chunks(past):
            conn.execute(delete(versions).where(versions.c.record_id.in_(chunk)))
            conn.execute(delete(records).where(records.c.id.in_(chunk)))
        for chunk in _chunks(gone):
            conn.execute(delete(assignments).where(assignments.c.uln.in_(chunk)))
            conn.execute(delete(apprentices).where(apprentices.c.uln.in_(chunk)))
        line = result.audit_line()
        conn.execute(insert(purge_audit).values(
            at=line["at"], as_of=line["as_of"], cutoff=line["cutoff"],
            retention_years=retention_years, records=result.records, versions=result.versions,
            apprentices=result.apprentices, record_ids=json.dumps(result.record_ids)))
    return result


def audit_rows(store) -> list[dict]:
    """The store's purge audit, oldest first."""
    purge_audit.create(store.engine, checkfirst=True)
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(purge_audit).order_by(purge_audit.c.id))]


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --------------------------------------------------------------------------- a run folder


def _notebook_clock(path: Path) -> date | None:
    """The clock date of one executed method notebook; None when it cannot be read."""
    from epa_kernel.exports.results_csv import read_method_outcome

    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        bundle = read_method_outcome(path)
    except (OSError, ValueError):
        return None
    if not isinstance(bundle, dict) or not isinstance(bundle.get("record"), dict):
        return None
    executed = nb.get("metadata", {}).get("papermill", {}).get("end_time") or \
        datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
    return _clock(bundle["record"].get("assessed_on"), executed)


def check_run_folder(out: str | Path) -> Path:
    out = Path(out)
    if not (out / "results.csv").is_file():
        raise InputError("holds no results.csv: not the output of `epa run`", file=str(out),
                         field="--out")
    return out


def purge_run_folder(out: str | Path, as_of: date, retention_years: int = DEFAULT_YEARS, *,
                     dry_run: bool = False) -> PurgeResult:
    """Remove the apprentice folders of a run whose every record is past retention on
    ``as_of``, their rows of ``results.csv``, and rebuild the cohort outputs without them."""
    from epa_kernel.exports.render import apprentice_folders

    out = check_run_folder(out)
    result = PurgeResult(as_of, cutoff_date(as_of, retention_years), retention_years, dry_run)
    for leftover in out.glob(".purge-*"):  # a purge killed part-way: already out of sight
        if not dry_run:
            shutil.rmtree(leftover, ignore_errors=True)
    doomed: list[Path] = []
    for folder in apprentice_folders(out):
        notebooks = [p for p in sorted(folder.glob("[!.]*.ipynb")) if p.name != "epa_result.ipynb"]
        clocks = [_notebook_clock(p) for p in notebooks]
        if not notebooks:
            continue
        if any(c is None for c in clocks):
            result.kept_unreadable += 1
            continue
        if all(c < result.cutoff for c in clocks):
            doomed.append(folder)
            result.notebooks += len(notebooks)
    result.folders = result.apprentices = len(doomed)
    result.records = result.notebooks
    if dry_run or not doomed:
        return result
    gone = {folder.name for folder in doomed}
    _drop_result_rows(out / "results.csv", gone)
    for folder in doomed:
        # Out of sight first (a hidden name is no apprentice folder), then deleted: a purge
        # killed part-way never leaves half an apprentice folder that looks whole.
        hidden = out / f".purge-{secrets.token_hex(8)}"
        os.replace(folder, hidden)
        shutil.rmtree(hidden)
    _rebuild_cohort_outputs(out)
    with open(out / AUDIT_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(result.audit_line(), sort_keys=True) + "\n")
        log.flush()
        os.fsync(log.fileno())
    return result


def _drop_result_rows(path: Path, ulns: set[str]) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        rows = [row for row in reader if row.get("uln") not in ulns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(path, buffer.getvalue())


def _rebuild_cohort_outputs(out: Path) -> None:
    """results.xlsx and summary.html name every apprentice: rebuilt without the purged ones (or
    removed, when the run had none)."""
    from epa_kernel.exports.cohort_outputs import SUMMARY, XLSX, write_cohort_outputs

    present = [out / XLSX, out / SUMMARY]
    if not any(p.exists() for p in present):
        return
    for path in present:  # gone before rebuilding, so a failed rebuild leaves no old names
        path.unlink(missing_ok=True)
    write_cohort_outputs(out)
