"""The decisions IQA samples from: read from a run's executed notebooks or from the store.

From a run folder, each executed method notebook is one decision. Its grade is the one the
apprentice's result notebook used when that attempt counts (so a descriptor deferred from the
observation is judged as the discussion judged it), else the method notebook's own.
"""

from __future__ import annotations

from pathlib import Path

from epa_kernel.core.bundles import method_outcome_bundle
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import grade_epa, grade_method, select_attempts
from epa_kernel.core.uln import uln_is_valid
from epa_kernel.core.vocabulary import attempt_key, decision_id
from epa_kernel.errors import InputError
from epa_kernel.exports.outcomes import read_epa_outcome, read_method_outcome
from epa_kernel.iqa.sampling import Decision


def _decision(bundle: dict, outcome: dict) -> Decision:
    record = bundle["record"]
    key = attempt_key(bundle["attempt"], record.get("sitting", 1))
    return Decision(
        id=decision_id(bundle["uln"], bundle["method"], key),
        uln=bundle["uln"],
        standard=bundle["standard"],
        version=bundle["version"],
        method=bundle["method"],
        attempt=key,
        assessor=record["assessor"],
        assessed_on=record.get("assessed_on"),
        grade=outcome["grade"],
        pass_met=outcome["pass_met"],
        pass_required=outcome["pass_required"],
        distinction_met=outcome["distinction_met"],
        distinction_required=outcome["distinction_required"],
        content_hash=bundle["content_hash"],
    )


def from_run(folder: str | Path) -> list[Decision]:
    """Decisions of a run folder made by ``epa run``: one per executed method notebook."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("is not a run folder (made by epa run)", file=str(folder))
    out: list[Decision] = []
    for apprentice in sorted(p for p in folder.iterdir() if p.is_dir() and uln_is_valid(p.name)):
        result = apprentice / "epa_result.ipynb"
        counted = read_epa_outcome(result) if result.exists() else None
        for notebook in sorted(apprentice.glob("[!.]*.ipynb")):
            if notebook.name == "epa_result.ipynb":
                continue
            bundle = read_method_outcome(notebook)
            if bundle is None:
                raise InputError(
                    "has no method outcome output; was it made by epa run?", file=str(notebook)
                )
            outcome = bundle["outcome"]
            if counted:
                mine = counted.get("attempts", {}).get(bundle["method"], {})
                if mine.get("content_hash") == bundle["content_hash"]:
                    outcome = counted["outcome"]["methods"][bundle["method"]]
            out.append(_decision(bundle, outcome))
    if not out:
        raise InputError("holds no executed method notebooks", file=str(folder))
    return out


def from_store(store) -> list[Decision]:
    """Decisions of the store's submitted records, graded by the engine per apprentice."""
    decisions = from_stored(store.all_records(submitted_only=True))
    if not decisions:
        raise InputError("holds no submitted records", file=store.url)
    return decisions


def from_stored(submitted) -> list[Decision]:
    """Decisions of these submitted records (from a store, or what an
    :class:`~epa_kernel.store.access.Access` may read), graded by the engine per apprentice."""
    by_uln: dict[str, list] = {}
    for stored in submitted:
        by_uln.setdefault(stored.record.apprentice.uln, []).append(stored.record)
    out: list[Decision] = []
    for _, records in sorted(by_uln.items()):
        standard = get_standard(records[0].standard, records[0].version)
        epa = grade_epa(standard, records)
        counted = select_attempts(records)
        for record in records:
            if counted.get(record.method) is record:
                outcome = epa.methods[record.method]
            else:
                outcome = grade_method(standard, record)
            bundle = method_outcome_bundle(record, outcome)
            out.append(_decision(bundle, bundle["outcome"]))
    return out
