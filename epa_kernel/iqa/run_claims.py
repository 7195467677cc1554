"""The certificate claim batch from a run folder, for an EPAO that keeps its results as files.

``epa certificates DIR --sample PLAN`` claims what ``epa certificates --store URL`` claims, from
the records each apprentice's executed result notebook recorded (the records the statement of
results rests on), graded again by the engine (:func:`~epa_kernel.exports.certificates.claim_row`,
so a Fail, an incomplete EPA or an invalid ULN is refused with the same reason). Release is
decided by the IQA plan, as ``epa iqa status`` decides it: a folder holds no moderations (they
are recorded in a store), so an apprentice with a sampled decision is held while the plan's
policy holds results until moderation. A result whose ``results.csv`` row disagrees with its
records is refused: the folder was changed after the run (``epa iqa verify`` names what).

Claims made are recorded in ``DIR/claims.json`` (written atomically, after the batch file), so
the same result is never claimed twice from one folder.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import grade_epa
from epa_kernel.core.records import parse_record
from epa_kernel.errors import InputError
from epa_kernel.exports.certificates import Refused, claim_row
from epa_kernel.exports.outcomes import RESULT_NOTEBOOK, apprentice_folders
from epa_kernel.exports.run_data import read_results_csv
from epa_kernel.files import read_json, write_atomic
from epa_kernel.iqa.recorded import recorded_parameters
from epa_kernel.iqa.sampling import Pick, Policy, release_status

LEDGER = "claims.json"
HELD = (
    "held: a sampled decision awaits moderation, which is recorded in a store "
    "(claim or send it with --store once moderated)"
)


def claimed(run: Path) -> list[dict]:
    """The claims already made from this run folder (``claims.json``; none when absent)."""
    path = run / LEDGER
    if not path.exists():
        return []
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise InputError("not a claims ledger: expected {'claims': [...]}", file=str(path))
    return data["claims"]


def recorded_records(folder: Path) -> list:
    """The records the apprentice's result notebook was run on; InputError when unreadable."""
    path = folder / RESULT_NOTEBOOK
    if not path.exists():
        raise InputError("no result notebook: the run did not grade this apprentice")
    params = recorded_parameters(read_json(path)) or {}
    records = params.get("records")
    if not isinstance(records, list) or not records:
        raise InputError("the result notebook records no parameters", file=str(path))
    return [parse_record(r, file=str(path))[0] for r in records]


def run_results(run: Path, picks: list[Pick], policy: Policy):
    """The recorded records of each result in ``run`` that the IQA plan releases and whose
    ``results.csv`` row agrees with them, by ULN; and the results refused, each with its
    reason (what ``epa certificates DIR`` and ``epa submit DIR`` both start from)."""
    results = {r["uln"]: r for r in read_results_csv(run / "results.csv")}
    held = {u for u, s in release_status(picks, {}, policy).items() if s != "released"}
    released: dict[str, list] = {}
    refused = []
    for folder in apprentice_folders(run):
        uln = folder.name
        if uln in held:
            refused.append(Refused(uln, HELD))
            continue
        try:
            records = recorded_records(folder)
        except InputError as exc:
            refused.append(Refused(uln, exc.message))
            continue
        first = records[0]
        grade = grade_epa(get_standard(first.standard, first.version), records).grade
        listed = results.get(uln, {}).get("overall")
        if grade is not None and listed != grade:
            refused.append(
                Refused(
                    uln,
                    f"results.csv says {listed or 'nothing'}, the recorded records give "
                    f"{grade}: the folder changed after the run (epa iqa verify)",
                )
            )
            continue
        released[uln] = records
    return released, refused


def run_claim_batch(
    run: Path, picks: list[Pick], policy: Policy
) -> tuple[list[dict], list[Refused]]:
    """The rows to claim from ``run`` (released by the plan, not claimed from this folder
    before) and the results refused, each with its reason."""
    released, refused = run_results(run, picks, policy)
    done = {(c.get("Uln"), c.get("StandardReference")) for c in claimed(run)}
    rows = []
    for uln, records in released.items():
        try:
            row = claim_row(uln, records)
        except InputError as exc:
            refused.append(Refused(uln, exc.message))
            continue
        if (uln, row["StandardReference"]) not in done:
            rows.append(row)
    return rows, refused


def record_run_claims(run: Path, rows: list[dict], *, file: str) -> None:
    """Add ``rows`` to the folder's claims ledger, saying which batch file and when."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    ledger = claimed(run) + [{**row, "file": file, "at": at} for row in rows]
    text = json.dumps({"claims": ledger}, indent=2, ensure_ascii=False) + "\n"
    write_atomic(run / LEDGER, text)
