"""IQA for the result notebook: its recorded statement of results against a re-run of it.

``epa_result.ipynb`` is re-executed from the records recorded in it, like a method notebook from
its record (:mod:`epa_kernel.iqa.verify` plans both). What is checked here, and what it catches:

- the injected-parameters cell says what the metadata records: one copy of the records edited;
- the overall grade, each method's grade, the attempt counted per method and the content hashes
  of the records equal the re-run's: the outcome edited after execution, or records edited
  without re-running;
- the records it rests on are the ones of the method notebooks beside it: a result computed
  from other records than the ones the apprentice's method notebooks carry.
"""

from __future__ import annotations

import json
from pathlib import Path

from epa_kernel.core.bundles import EPA_MIME, METHOD_MIME, find_bundle
from epa_kernel.exports.outcomes import method_notebooks, outcome_if_readable
from epa_kernel.iqa.recorded import injected_problems, recorded_parameters

NOT_RUN_BY_EPA = "no recorded parameters: not a notebook made by epa run"


def result_static_checks(path: Path) -> tuple[dict | None, list[str]]:
    """Checks of a result notebook that need no re-run; the recorded parameters and problems."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    params = recorded_parameters(nb)
    records = (params or {}).get("records")
    if not isinstance(records, list) or not records:
        return None, [NOT_RUN_BY_EPA]
    problems = injected_problems(nb, params)
    uln = path.parent.name
    if any((r or {}).get("apprentice", {}).get("uln") != uln for r in records):
        problems.append("a record's ULN is not the folder's")
    bundle = find_bundle(nb, EPA_MIME)
    if bundle is None:
        problems.append("no recorded outcome output")
    elif bundle.get("uln") != uln:
        problems.append("the outcome's ULN is not the folder's")
    return params, problems


def compare_result(recorded: dict | None, rerun: dict | None) -> list[str]:
    """What differs between the recorded result outcome and the re-run's."""
    if recorded is None or rerun is None:
        return ["no outcome to compare"]
    out = []
    a, b = recorded.get("outcome") or {}, rerun.get("outcome") or {}
    if a.get("grade") != b.get("grade"):
        out.append(f"overall grade: recorded {a.get('grade')}, re-run {b.get('grade')}")
    ma, mb = a.get("methods") or {}, b.get("methods") or {}
    for method in sorted(set(ma) | set(mb)):
        ga, gb = (ma.get(method) or {}).get("grade"), (mb.get(method) or {}).get("grade")
        if ga != gb:
            out.append(f"{method} grade: recorded {ga}, re-run {gb}")
        elif ma.get(method) != mb.get(method):
            out.append(f"{method} outcome differs from the re-run's")
    for key in sorted((set(a) | set(b)) - {"grade", "methods"}):
        if a.get(key) != b.get(key):
            out.append(f"{key} differs from the re-run's")
    aa, ab = recorded.get("attempts") or {}, rerun.get("attempts") or {}
    for method in sorted(set(aa) | set(ab)):
        x, y = aa.get(method) or {}, ab.get(method) or {}
        if x.get("attempt") != y.get("attempt"):
            out.append(
                f"{method} attempt counted: recorded {x.get('attempt')}, re-run {y.get('attempt')}"
            )
        elif x.get("content_hash") != y.get("content_hash"):
            out.append(f"{method}: the counted record's content hash differs from the re-run's")
        elif x != y:
            out.append(f"{method}: the counted attempt differs from the re-run's")
    if recorded.get("content_hashes") != rerun.get("content_hashes"):
        out.append("content hashes differ from the re-run's (a record was changed)")
    for key in sorted((set(recorded) | set(rerun)) - {"outcome", "attempts", "content_hashes"}):
        if recorded.get(key) != rerun.get(key):
            out.append(f"{key} differs from the re-run's")
    return out


def rests_on_method_notebooks(folder: Path, bundle: dict | None) -> list[str]:
    """Whether the result ``bundle`` rests on exactly the records of the method notebooks in the
    apprentice's ``folder`` (by content hash)."""
    if bundle is None:
        return []
    beside = []
    for path in method_notebooks(folder):
        method = outcome_if_readable(path, METHOD_MIME)
        if method is not None:
            beside.append(str(method.get("content_hash")))
    if sorted(beside) != sorted(bundle.get("content_hashes") or []):
        return [
            "the records it rests on are not those of the method notebooks beside it "
            "(content hashes differ)"
        ]
    return []
