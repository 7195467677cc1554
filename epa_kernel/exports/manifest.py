"""The export manifest: what produced each output, so exporting again writes only what changed.

``.epa-export.json`` in each folder maps an output's file name to a fingerprint of everything it
was made from (a notebook's bytes, the templates, the standard's data, the kit version, ...). An
output whose fingerprint is unchanged and whose file exists is not written again; a killed export
leaves at worst an output that is missing or not yet recorded, so it is redone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from epa_kernel.files import write_atomic

MANIFEST = ".epa-export.json"


def fingerprint(parts: Iterable[bytes]) -> str:
    """The fingerprint of an output made from ``parts`` (their order matters)."""
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def read_manifest(folder: Path) -> dict[str, str]:
    """The folder's manifest; empty when there is none or it cannot be read (all is redone)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(folder: Path, manifest: dict[str, str]) -> None:
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))


def remove_stale_temporaries(folder: Path) -> None:
    """Delete what a killed export left half-written (files.write_atomic's temporaries)."""
    for tmp in folder.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
