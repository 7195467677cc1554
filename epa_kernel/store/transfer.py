"""Records in and out of the store in bulk: ``epa import`` and ``epa export-records``.

Importing never overwrites: a record the store already holds is a conflict, counted and left
as it is, so importing the same folder twice is harmless. Exporting writes one canonical JSON
file per record, named by ULN, method and attempt (the ULN is validated, so it is a safe name).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from epa_kernel.core.records import MethodRecord
from epa_kernel.errors import ConflictError
from epa_kernel.files import write_atomic


def import_records(
    store, records: Iterable[tuple[MethodRecord, str]], *, author: str, submitted: bool = False
) -> tuple[int, int]:
    """Store each (record, source name) pair; return (added, already stored and kept)."""
    added = kept = 0
    for record, source in records:
        store.assign(record)
        try:
            store.put(record, author=author, submitted=submitted, reason=f"imported from {source}")
            added += 1
        except ConflictError:
            kept += 1
    return added, kept


def export_records(store, folder: Path) -> int:
    """Write every stored record to ``folder`` as ``<uln>_<method>_<attempt>.json``; the count."""
    count = 0
    for stored in store.all_records():
        r = stored.record
        name = f"{r.apprentice.uln}_{r.method}_{r.attempt_key}.json"
        write_atomic(
            folder / name,
            json.dumps(json.loads(r.canonical_json()), indent=2, ensure_ascii=False) + "\n",
        )
        count += 1
    return count
