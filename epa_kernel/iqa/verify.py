"""IQA re-run verification: does each recorded grade follow from its recorded judgements?

For each executed method notebook of a run (or each sampled one), papermill executes the same
workbook again, from the parameters recorded in the notebook, into a scratch folder; then the
recorded outcome and content hash are compared with the re-run's. What is checked, and what each
check catches:

- the re-run's outcome and hash equal the recorded ones: outputs edited after execution, or
  parameters edited without re-running;
- the injected-parameters cell equals what papermill writes for the recorded parameters: one of
  the notebook's two copies of the parameters was edited;
- the recorded content hash equals the hash of the record carried in the output: the output was
  edited inconsistently;
- with a store, the content hash is one the store's hash-chained history holds for that record:
  a notebook forged consistently everywhere still has to match the independent copy.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from epa_kernel.batch.executors import Executor, LocalExecutor
from epa_kernel.batch.jobs import RESULT_NOTEBOOK, Job
from epa_kernel.errors import InputError
from epa_kernel.exports.outcomes import read_method_outcome
from epa_kernel.paths import notebooks_dir


@dataclass
class Check:
    notebook: Path
    uln: str
    method: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _recorded_parameters(nb: dict) -> dict | None:
    return nb.get("metadata", {}).get("papermill", {}).get("parameters")


def _injected_source(nb: dict) -> str | None:
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return None


def static_checks(path: Path) -> tuple[dict | None, list[str]]:
    """Checks that need no re-run; returns the recorded parameters and the problems."""
    from papermill.translators import translate_parameters

    nb = json.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    params = _recorded_parameters(nb)
    if not params or "record" not in params:
        return None, ["no recorded parameters: not a notebook made by epa run"]
    injected = _injected_source(nb)
    expected = translate_parameters("python3", "python", params, "Parameters")
    # One line per parameter; the notebook's metadata keeps them in another order.
    if injected is None or sorted(injected.strip().splitlines()) != sorted(expected.strip().splitlines()):
        problems.append("the injected parameters cell differs from the recorded parameters")
    bundle = read_method_outcome(path)
    if bundle is None:
        problems.append("no recorded outcome output")
        return params, problems
    canonical = json.dumps(bundle.get("record"), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    if hashlib.sha256(canonical.encode("utf-8")).hexdigest() != bundle.get("content_hash"):
        problems.append("the recorded content hash does not match the record in the output")
    return params, problems


def compare(recorded: dict | None, rerun: dict | None) -> list[str]:
    if recorded is None or rerun is None:
        return ["no outcome to compare"]
    out = []
    if recorded["content_hash"] != rerun["content_hash"]:
        out.append("content hash differs from the re-run's (the record was changed)")
    a, b = recorded["outcome"], rerun["outcome"]
    if a.get("grade") != b.get("grade"):
        out.append(f"grade: recorded {a.get('grade')}, re-run {b.get('grade')}")
    for key in sorted(set(a) | set(b)):
        if key != "grade" and a.get(key) != b.get(key):
            out.append(f"{key} differs from the re-run's")
    return out


def verify_run(folder: str | Path, *, only: set[str] | None = None, workers: int | None = None,
               store=None, executor: Executor | None = None) -> list[Check]:
    """Re-run and compare every executed method notebook in ``folder`` (or those in ``only``,
    decision ids ``<uln>/<method>[.<attempt>]``).

    The re-runs go through ``executor``, as ``epa run``'s notebooks do
    (:func:`epa_kernel.batch.executors.make_executor`; by default ``workers`` processes here),
    into a scratch folder that is deleted when verification ends, whether it succeeds or not:
    the re-run notebooks hold names and ULNs."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("is not a run folder (made by epa run)", file=str(folder))
    with tempfile.TemporaryDirectory(prefix="epa-verify-", ignore_cleanup_errors=True) as scratch:
        checks, jobs = _plan(folder, Path(scratch), only, store)
        for result in (executor or LocalExecutor(workers)).run(jobs):
            original = folder / result.job.uln / Path(result.job.output).name
            check = checks[str(original)]
            if result.status != "ran":
                check.problems.append(f"re-run failed: {result.message}")
                continue
            check.problems.extend(compare(read_method_outcome(original),
                                          read_method_outcome(result.job.output)))
    return sorted(checks.values(), key=lambda c: (c.uln, c.method, str(c.notebook)))


def _plan(folder: Path, scratch: Path, only: set[str] | None,
          store) -> tuple[dict[str, Check], list[Job]]:
    """The checks of the notebooks to verify (static problems found already), and the jobs that
    re-run them into ``scratch``."""
    from epa_kernel.iqa.decisions import decision_id

    notebooks = notebooks_dir()
    checks: dict[str, Check] = {}
    jobs: list[Job] = []
    for path in sorted(folder.glob("*/[!.]*.ipynb")):
        if path.name == RESULT_NOTEBOOK:
            continue
        params, problems = static_checks(path)
        record = (params or {}).get("record", {})
        uln, method = path.parent.name, record.get("method", path.stem.split(".")[0])
        did = decision_id(uln, method, record.get("attempt", "first"))
        if only is not None and did not in only:
            continue
        check = Check(path, uln, method, problems)
        checks[str(path)] = check
        if params is None:
            continue
        if record.get("apprentice", {}).get("uln") != uln:
            check.problems.append("the record's ULN is not the folder's")
        if store is not None:
            stored = store.find(uln, method, record.get("attempt", "first"))
            hashes = {v.content_hash for v in store.history(stored.id)} if stored else set()
            bundle = read_method_outcome(path) or {}
            if bundle.get("content_hash") not in hashes:
                check.problems.append("the store holds no version of this record with its "
                                      "content hash")
        jobs.append(Job(uln, str(notebooks / f"{method}.ipynb"),
                        str(scratch / uln / path.name), params, "iqa-verify"))
    if only is not None:
        missing = sorted(only - {decision_id(c.uln, c.method, "first") for c in checks.values()}
                         - {_id_of(c) for c in checks.values()})
        for did in missing:
            checks[did] = Check(folder / did, did.split("/")[0], did.split("/")[1].split(".")[0],
                                ["sampled, but no executed notebook for it is in the run"])
    return checks, jobs


def _id_of(check: Check) -> str:
    from epa_kernel.iqa.decisions import decision_id
    parts = check.notebook.stem.split(".")
    return decision_id(check.uln, check.method, parts[1] if len(parts) > 1 else "first")
