"""The batch run's plan: which notebook runs for whom, into which file, and whether it must.

For each record, ``notebooks/<method>.ipynb`` is executed read-only into
``OUT/<uln>/<method>.ipynb`` (``<method>.<attempt>.ipynb`` for a resit or retake); for each
apprentice, ``notebooks/epa_result.ipynb`` into ``OUT/<uln>/epa_result.ipynb``. The record itself
is the notebook's parameter, so every executed notebook carries its own evidence and IQA can
re-run it from nothing else.

Resumable: each executed notebook records a fingerprint of what produced it (notebook, record,
standard data, kit version); a notebook whose fingerprint still matches is not run again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from epa_kernel import __version__
from epa_kernel.batch.cohort import Cohort
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard
from epa_kernel.core.vocabulary import attempt_stem
from epa_kernel.paths import kit_digest

RESULT_NOTEBOOK = "epa_result.ipynb"


@dataclass(frozen=True)
class Job:
    uln: str
    notebook: str  # template path
    output: str  # final path
    parameters: dict
    fingerprint: str


@dataclass
class JobResult:
    job: Job
    status: str  # "ran", "skipped" or "failed"
    message: str = ""
    seconds: float = 0.0
    notebook: str | None = None  # the executed notebook, when the caller writes it (Dask)


def output_name(record: MethodRecord) -> str:
    """The executed notebook's file name in the apprentice's folder."""
    return f"{attempt_stem(record.method, record.attempt_key)}.ipynb"


def fingerprint(template: Path, parameters: dict, standard: Standard) -> str:
    """What produced an executed notebook: when any of it changes, the notebook runs again."""
    digest = hashlib.sha256()
    digest.update(kit_digest().encode())
    digest.update(template.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True, ensure_ascii=False).encode())
    digest.update(standard.model_dump_json().encode())
    digest.update(__version__.encode())
    return digest.hexdigest()


def plan(cohort: Cohort, out: Path, notebooks: Path) -> list[Job]:
    """Every notebook of the cohort's runnable apprentices: one per record, then the result."""
    jobs: list[Job] = []
    for uln, entry in sorted(cohort.apprentices.items()):
        if not entry.ok:
            continue
        folder = out / uln  # a validated ULN: ten ASCII digits, never a path
        records = []
        for record, _ in entry.records:
            data = json.loads(record.canonical_json())
            records.append(data)
            template = notebooks / f"{record.method}.ipynb"
            params = {"record": data, "readonly": True}
            jobs.append(
                Job(
                    uln,
                    str(template),
                    str(folder / output_name(record)),
                    params,
                    fingerprint(template, params, entry.standard),
                )
            )
        template = notebooks / RESULT_NOTEBOOK
        params = {
            "records": sorted(
                records, key=lambda r: (r["method"], r["attempt"], r.get("sitting", 1))
            )
        }
        jobs.append(
            Job(
                uln,
                str(template),
                str(folder / RESULT_NOTEBOOK),
                params,
                fingerprint(template, params, entry.standard),
            )
        )
    return jobs


def is_done(job: Job) -> bool:
    """Whether ``job.output`` exists and was produced from exactly this job's inputs."""
    path = Path(job.output)
    if not path.exists():
        return False
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return False
    return meta.get("epa", {}).get("fingerprint") == job.fingerprint


def remove_stale_temporaries(out: Path) -> None:
    """Delete half-written notebooks that a killed run left behind (they are never read):
    :func:`~epa_kernel.files.write_atomic`'s temporaries, and papermill's of older versions."""
    for tmp in [*out.glob("*/.*.ipynb.*.tmp"), *out.glob("*/.*.tmp.ipynb")]:
        tmp.unlink(missing_ok=True)
