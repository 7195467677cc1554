"""IQA re-run verification: does each recorded grade follow from its recorded judgements?

For each executed method notebook of a run (or each sampled one), and for the result notebook of
each apprentice concerned, papermill executes the same workbook again, from the parameters
recorded in the notebook, into a scratch folder; then the recorded outcome and content hash are
compared with the re-run's. What is checked, and what each check catches:

- the re-run's outcome and hash equal the recorded ones: outputs edited after execution, or
  parameters edited without re-running;
- the injected-parameters cell equals what papermill writes for the recorded parameters: one of
  the notebook's two copies of the parameters was edited;
- the recorded content hash equals the hash of the record carried in the output: the output was
  edited inconsistently;
- with a store, the content hash is one the store's hash-chained history holds for that record:
  a notebook forged consistently everywhere still has to match the independent copy;
- the result notebook (:mod:`epa_kernel.iqa.verify_result`): overall grade, each method's grade,
  the attempt counted and the records' content hashes equal the re-run's, and its records are
  those of the method notebooks beside it;
- the exports: the apprentice's ``results.csv`` row and statement of results
  (:mod:`epa_kernel.iqa.verify_outputs`) and their rows in ``results.xlsx``
  (:mod:`epa_kernel.iqa.verify_xlsx`) say what the verified result outcome says; each method
  record's HTML and PDF (:mod:`epa_kernel.iqa.verify_records`) is the text the kit renders from
  the verified method outcome.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from epa_kernel.batch.executors import Executor, LocalExecutor
from epa_kernel.batch.jobs import RESULT_NOTEBOOK, Job
from epa_kernel.core.bundles import METHOD_MIME, find_bundle
from epa_kernel.core.vocabulary import attempt_key
from epa_kernel.errors import InputError
from epa_kernel.exports.outcomes import read_epa_outcome, read_method_outcome
from epa_kernel.iqa.recorded import injected_problems, recorded_parameters
from epa_kernel.iqa.verify_outputs import output_problems, read_rows
from epa_kernel.iqa.verify_records import record_problems
from epa_kernel.iqa.verify_result import (
    NOT_RUN_BY_EPA,
    compare_result,
    rests_on_method_notebooks,
    result_static_checks,
)
from epa_kernel.iqa.verify_xlsx import XLSX, read_sheets, xlsx_problems
from epa_kernel.paths import notebooks_dir

RESULT = "epa_result"


@dataclass
class Check:
    notebook: Path  # the file checked: a notebook, or an export (statement, results.csv)
    uln: str
    method: str
    problems: list[str]
    kind: str = "notebook"  # or "export"

    @property
    def ok(self) -> bool:
        return not self.problems


def static_checks(path: Path) -> tuple[dict | None, list[str]]:
    """Checks that need no re-run; returns the recorded parameters and the problems."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    params = recorded_parameters(nb)
    if not params or "record" not in params:
        return None, [NOT_RUN_BY_EPA]
    problems = injected_problems(nb, params)
    bundle = find_bundle(nb, METHOD_MIME)
    if bundle is None:
        problems.append("no recorded outcome output")
        return params, problems
    canonical = json.dumps(
        bundle.get("record"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
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


def verify_run(
    folder: str | Path,
    *,
    only: set[str] | None = None,
    workers: int | None = None,
    store=None,
    executor: Executor | None = None,
) -> list[Check]:
    """Re-run and compare every executed notebook in ``folder`` (or, with ``only``, those
    decisions, ids ``<uln>/<method>[.<attempt>]``, and their apprentices' result notebooks),
    then check the apprentices' exports against the verified result outcomes.

    The re-runs go through ``executor``, as ``epa run``'s notebooks do
    (:func:`epa_kernel.batch.executors.make_executor`; by default ``workers`` processes here),
    into a scratch folder that is deleted when verification ends, whether it succeeds or not:
    the re-run notebooks hold names and ULNs."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("is not a run folder (made by epa run)", file=str(folder))
    verified: dict[str, dict | None] = {}  # result outcomes by ULN, method ones by notebook
    with tempfile.TemporaryDirectory(prefix="epa-verify-", ignore_cleanup_errors=True) as scratch:
        checks, jobs = _plan(folder, Path(scratch), only, store)
        for result in (executor or LocalExecutor(workers)).run(jobs):
            original = folder / result.job.uln / Path(result.job.output).name
            check = checks[str(original)]
            if result.status != "ran":
                check.problems.append(f"re-run failed: {result.message}")
                continue
            if original.name == RESULT_NOTEBOOK:
                rerun = read_epa_outcome(result.job.output)
                verified[check.uln] = rerun
                check.problems.extend(compare_result(read_epa_outcome(original), rerun))
                continue
            verified[str(original)] = read_method_outcome(result.job.output)
            check.problems.extend(compare(read_method_outcome(original), verified[str(original)]))
    checks.update(_output_checks(folder, checks, verified))
    return sorted(
        checks.values(),
        key=lambda c: (c.uln, c.kind == "export", c.method == RESULT, c.method, str(c.notebook)),
    )


def _output_checks(
    folder: Path, checks: dict[str, Check], verified: dict[str, dict | None]
) -> dict[str, Check]:
    """For each result notebook checked: whether it rests on the method notebooks beside it,
    and the checks of the apprentice's exports against its verified (else recorded) outcome;
    for each method notebook checked, the checks of its exported records."""
    rows = read_rows(folder)
    out: dict[str, Check] = {}
    methods: dict[str, list[dict]] = {}  # per ULN: the verified method outcomes
    for check in [c for c in checks.values() if c.method != RESULT]:
        bundle = verified.get(str(check.notebook))
        if bundle is None and check.notebook.is_file():
            bundle = read_method_outcome(check.notebook)
        if bundle is None or not check.notebook.is_file():
            continue
        methods.setdefault(check.uln, []).append(bundle)
        for path, problems in record_problems(check.notebook, bundle):
            out[f"{check.uln}:{path}"] = Check(path, check.uln, path.stem, problems, "export")
    sheets, unreadable = _sheets(folder)
    for check in [c for c in checks.values() if c.method == RESULT]:
        bundle = verified.get(check.uln)
        if bundle is None and check.notebook.exists():
            bundle = read_epa_outcome(check.notebook)
        check.problems.extend(rests_on_method_notebooks(check.notebook.parent, bundle))
        found = output_problems(folder, check.uln, bundle, rows)
        if bundle is not None and (sheets is not None or unreadable):
            mine = methods.get(check.uln, [])
            problems = unreadable or xlsx_problems(sheets or [], check.uln, bundle, mine)
            found.append((folder / XLSX, problems))
        for path, problems in found:
            method = path.stem if path.parent != folder else path.name
            out[f"{check.uln}:{path}"] = Check(path, check.uln, method, problems, "export")
    return out


def _sheets(folder: Path) -> tuple[list | None, list[str]]:
    """``results.xlsx``'s sheets (None when the run has none), or why it cannot be read."""
    if not (folder / XLSX).exists():
        return None, []
    try:
        return read_sheets(folder / XLSX), []
    except Exception as error:  # noqa: BLE001 - openpyxl's errors on a damaged workbook
        return None, [f"cannot be read: {type(error).__name__}: {error}"]


def _plan(
    folder: Path, scratch: Path, only: set[str] | None, store
) -> tuple[dict[str, Check], list[Job]]:
    """The checks of the notebooks to verify (static problems found already), and the jobs that
    re-run them into ``scratch``."""
    from epa_kernel.core.vocabulary import decision_id

    notebooks = notebooks_dir()
    checks: dict[str, Check] = {}
    jobs: list[Job] = []
    wanted = None if only is None else {did.split("/")[0] for did in only}
    for path in sorted(folder.glob("*/[!.]*.ipynb")):
        uln = path.parent.name
        if path.name == RESULT_NOTEBOOK:
            if wanted is not None and uln not in wanted:
                continue
            params, problems = result_static_checks(path)
            checks[str(path)] = Check(path, uln, RESULT, problems)
            if params is not None:
                jobs.append(
                    Job(
                        uln,
                        str(notebooks / path.name),
                        str(scratch / uln / path.name),
                        params,
                        "iqa-verify",
                    )
                )
            continue
        params, problems = static_checks(path)
        record = (params or {}).get("record", {})
        method = record.get("method", path.stem.split(".")[0])
        key = attempt_key(record.get("attempt", "first"), record.get("sitting", 1))
        did = decision_id(uln, method, key)
        if only is not None and did not in only:
            continue
        check = Check(path, uln, method, problems)
        checks[str(path)] = check
        if params is None:
            continue
        if record.get("apprentice", {}).get("uln") != uln:
            check.problems.append("the record's ULN is not the folder's")
        if store is not None:
            stored = store.find(uln, method, key)
            hashes = {v.content_hash for v in store.history(stored.id)} if stored else set()
            bundle = read_method_outcome(path) or {}
            if bundle.get("content_hash") not in hashes:
                check.problems.append(
                    "the store holds no version of this record with its content hash"
                )
        jobs.append(
            Job(
                uln,
                str(notebooks / f"{method}.ipynb"),
                str(scratch / uln / path.name),
                params,
                "iqa-verify",
            )
        )
    if only is not None:
        missing = sorted(
            only
            - {decision_id(c.uln, c.method, "first") for c in checks.values()}
            - {_id_of(c) for c in checks.values()}
        )
        for did in missing:
            checks[did] = Check(
                folder / did,
                did.split("/")[0],
                did.split("/")[1].split(".")[0],
                ["sampled, but no executed notebook for it is in the run"],
            )
    return checks, jobs


def _id_of(check: Check) -> str:
    from epa_kernel.core.vocabulary import decision_id

    parts = check.notebook.stem.split(".")
    return decision_id(check.uln, check.method, parts[1] if len(parts) > 1 else "first")
