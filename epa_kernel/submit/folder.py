"""``epa submit DIR --sample PLAN``: a run folder's released results, its ledger kept in the folder.

An EPAO that keeps its results as files (``epa run`` then ``epa iqa sample``, as for ``epa
certificates DIR``) sends them from the folder. What a store would say is read from the
folder instead (:func:`epa_kernel.iqa.run_claims.run_results`, done by the command): the
records each apprentice's result notebook recorded, released by the IQA plan, refused when
``results.csv`` disagrees with them. A folder holds no withdrawal, appeal or amendment: those are
recorded in a store, and an EPAO that records them sends with ``--store``.

The ledger is ``DIR/submissions.json``: every item sent and its answer, appended (the whole
file rewritten atomically, :func:`epa_kernel.files.write_atomic`) after each request's answers
and before the next request, exactly when the store would append its rows; so a run stopped
anywhere resumes from it, and nothing the service accepted is sent twice from the folder. It
holds ULNs and the service's references, never a body or the key; it is written private (0600)
like the folder's other files. :class:`RunFolder` is the part of the store that
:func:`epa_kernel.submit.run.submit` reads and writes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from epa_kernel.core.records import MethodRecord
from epa_kernel.errors import InputError
from epa_kernel.files import read_json, write_atomic
from epa_kernel.store.ledger import FIELDS, Sent
from epa_kernel.submit.released import Held

LEDGER = "submissions.json"


@dataclass(frozen=True)
class _Release:
    results: str
    at: str


@dataclass(frozen=True)
class _Stored:
    record: MethodRecord


def _digest(records: list[MethodRecord]) -> str:
    text = "\n".join(sorted(r.canonical_json() for r in records))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RunFolder:
    """The released results of one run folder (``records`` by ULN) and its ledger file;
    ``not_released``: the results refused, as (ULN, reason)."""

    def __init__(
        self,
        run: Path,
        records: dict[str, list[MethodRecord]],
        not_released: list[tuple[str, str]] = (),
    ):
        self.run = run
        self._records = records
        self.not_released = [Held(uln, why) for uln, why in not_released]

    @property
    def ledger(self) -> Path:
        return self.run / LEDGER

    def releases(self) -> dict[str, _Release]:
        return {u: _Release(_digest(rs), "the IQA plan") for u, rs in self._records.items()}

    def results_digest(self, uln: str) -> str:
        return _digest(self._records[uln])

    def all_records(self, *, submitted_only: bool = True):
        return [_Stored(r) for rs in self._records.values() for r in rs]

    def open_appeals(self, stored) -> list:
        return []  # appeals are recorded in a store

    def _rows(self) -> list[dict]:
        if not self.ledger.exists():
            return []
        data = read_json(self.ledger)
        if not isinstance(data, dict) or not isinstance(data.get("sent"), list):
            raise InputError(
                "not a submissions ledger: expected {'sent': [...]}", file=str(self.ledger)
            )
        return data["sent"]

    def sent(self, target: str | None = None, uln: str | None = None) -> list[Sent]:
        rows = [Sent(**{k: r.get(k) for k in (*FIELDS, "at")}) for r in self._rows()]
        return [
            r
            for r in rows
            if (target is None or r.target == target) and (uln is None or r.uln == uln)
        ]

    def record_sent(self, rows: list[dict]) -> None:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        kept = [asdict(r) for r in self.sent()]
        kept += [{**{f: row.get(f) for f in FIELDS}, "at": at} for row in rows]
        text = json.dumps({"sent": kept}, indent=2, ensure_ascii=False) + "\n"
        write_atomic(self.ledger, text)
