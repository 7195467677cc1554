"""Records in and out of the store in bulk: ``epa import`` and ``epa export-records``.

Importing never overwrites: a record the store already holds is a conflict, counted and left
as it is, so importing the same folder twice is harmless. Exporting writes one canonical JSON
file per record, named by ULN, method and attempt (the ULN is validated, so it is a safe name);
a record amended after submission gets a second file beside it, ``<name>.amendments.json``,
listing each amendment's version, author, time and reason, so the exported record carries why
it differs from what was submitted.
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
    """Write every stored record to ``folder`` as ``<uln>_<method>_<attempt>.json`` (and its
    amendments beside it); the count of records."""
    count = 0
    for stored in store.all_records():
        r = stored.record
        name = f"{r.apprentice.uln}_{r.method}_{r.attempt_key}"
        write_atomic(
            folder / f"{name}.json",
            json.dumps(json.loads(r.canonical_json()), indent=2, ensure_ascii=False) + "\n",
        )
        amendments = [
            {"version": v.version, "by": v.author, "at": v.at, "reason": v.reason}
            for v in store.history(stored.id)
            if v.kind == "amended"
        ]
        if amendments:
            text = json.dumps({"amendments": amendments}, indent=2, ensure_ascii=False)
            write_atomic(folder / f"{name}.amendments.json", text + "\n")
        count += 1
    return count
