"""The demo cohort's lifecycle cases: apprentices whose EPA shows a rule about time or attempts.

Each case is one more synthetic apprentice, with attempts placed on the calendar relative to
their gateway: a second resit after two fails, a resit whose cap the EPAO lifted for exceptional
circumstances, an assessment outside the assessment window, an appeal, and a resit after a pass,
which the rules refuse. The refused case is written apart
from the cohort (``refused/``): the batch run would refuse that apprentice, and the demo shows
the engine's reason instead of failing.

Cases draw from their own seeded random source, so the 25 apprentices of
:data:`~epa_kernel.batch.demo_cohort.PLAN` are the same with or without them.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from epa_kernel.batch.demo_cohort import (
    ASSESSORS,
    EMPLOYERS,
    FIRST,
    LAST,
    PROVIDERS,
    cohort_records,
    drawn_evidence,
    drawn_judgements,
    synthetic_uln,
)
from epa_kernel.batch.status import ApprenticeStatus
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.records import parse_record
from epa_kernel.core.vocabulary import GRADES
from epa_kernel.files import write_atomic

F, P, D = GRADES


@dataclass(frozen=True)
class Attempt:
    """One attempt of a method: its kind, the grade its judgements give, and its day counted
    from the gateway; ``exceptional``: the EPAO accepted exceptional circumstances."""

    attempt: str
    grade: str
    day: int
    exceptional: bool = False


@dataclass(frozen=True, order=True)
class Case:
    """One lifecycle case: ``attempts`` per method id; a method not named has one first
    attempt at ``grade`` on day 20 + 5 × its place."""

    key: str  # the file-name prefix, e.g. "c01"
    shows: str  # what the demo shows with it
    standard: str
    version: str
    grade: str
    attempts: dict[str, tuple[Attempt, ...]] = field(default_factory=dict)
    refused: bool = False  # written to refused/: the run would refuse the apprentice
    appeal_on: str | None = None  # the method whose decision the apprentice appeals


CASES: tuple[Case, ...] = (
    Case(
        "c01",
        "second resit: the observation failed twice, then passed at its third attempt (the resit"
        " capped at Pass, 002)",
        "ST0072",
        "1.0",
        P,
        {
            "practical_observation": (
                Attempt("first", F, 20),
                Attempt("resit", F, 45),
                Attempt("resit", D, 75),
            )
        },
    ),
    Case(
        "c02",
        "exceptional circumstances: a resit's cap lifted, so the Distinction stands (003, 004)",
        "ST0071",
        "1.1",
        D,
        {"work_based_project": (Attempt("first", F, 25), Attempt("resit", D, 70, True))},
    ),
    Case(
        "c03",
        "missed window: the professional discussion 100 days after the gateway (002: 3 months)",
        "ST0072",
        "1.0",
        P,
        {"professional_discussion": (Attempt("first", P, 100),)},
    ),
    Case(
        "c04",
        "appeal: a failed project interview appealed, so the result is held from release",
        "ST0071",
        "1.0",
        P,
        {"work_based_project": (Attempt("first", F, 30),)},
        appeal_on="work_based_project",
    ),
    Case(
        "c05",
        "refused resit: a resit after a passed observation (002: only after a fail)",
        "ST0072",
        "1.0",
        P,
        {"practical_observation": (Attempt("first", P, 20), Attempt("resit", D, 60))},
        refused=True,
    ),
)


def case_records(case: Case, rng: random.Random, ulns: set[str]) -> list[tuple[str, dict]]:
    """The case's records as (file name, record) pairs, validated against their standard."""
    standard = get_standard(case.standard, case.version)
    uln = synthetic_uln(rng)
    while uln in ulns:
        uln = synthetic_uln(rng)
    ulns.add(uln)
    gateway = date(2025, 10, 6) + timedelta(days=rng.randint(0, 60))
    first, last = rng.choice(FIRST), rng.choice(LAST)
    apprentice = {
        "uln": uln,
        "name": f"{first} {last}",
        "family_name": last,
        "provider": rng.choice(PROVIDERS),
        "employer": rng.choice(EMPLOYERS),
        "start_date": (gateway - timedelta(days=420)).isoformat(),
        "gateway_date": gateway.isoformat(),
    }
    channels_of = {m.id: ["face_to_face"] if m.channels else None for m in standard.methods}
    out = []
    for place, method in enumerate(standard.methods):
        default = (Attempt("first", case.grade, 20 + 5 * place),)
        sittings: dict[str, int] = {}
        for n, a in enumerate(case.attempts.get(method.id, default)):
            sitting = sittings[a.attempt] = sittings.get(a.attempt, 0) + 1
            channels = channels_of[method.id]
            judgements, notes = drawn_judgements(rng, standard, method.id, a.grade, channels)
            record = {
                "standard": case.standard,
                "version": case.version,
                "method": method.id,
                "apprentice": apprentice,
                "assessor": ASSESSORS[len(out) % len(ASSESSORS)],
                "assessed_on": (gateway + timedelta(days=a.day)).isoformat(),
                "attempt": a.attempt,
                "judgements": judgements,
                "notes": notes,
                "evidence": drawn_evidence(rng, standard, method.id, False),
            }
            if sitting > 1:
                record["sitting"] = sitting
            if a.exceptional:
                record["exceptional_circumstances"] = True
            if channels:
                record["channels"] = channels
            name = f"{case.key}_{method.id}" + ("" if n == 0 else f"_{a.attempt}")
            name += str(sitting) if sitting > 1 else ""  # c01_practical_observation_resit2
            parse_record(record, file=name)  # the generator must never write an invalid record
            out.append((f"{name}.json", record))
    return out


def write_cases(cohort: Path, refused: Path, seed: int = 2026) -> list[Path]:
    """Write every case's records into ``cohort`` (the refused case into ``refused``), with
    ULNs other than those of the demo cohort of the same seed; the paths written."""
    rng = random.Random(f"lifecycle-{seed}")
    ulns = {record["apprentice"]["uln"] for _, record in cohort_records(seed)}
    paths = []
    for case in CASES:
        folder = refused if case.refused else cohort
        for name, record in case_records(case, rng, ulns):
            path = folder / name
            write_atomic(path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
            paths.append(path)
    return paths


def case_of(files: tuple[str, ...]) -> Case | None:
    """The case an apprentice's record files belong to (by their file names), if any."""
    names = [Path(f).name for f in files]
    return next((c for c in CASES if any(n.startswith(f"{c.key}_") for n in names)), None)


def case_lines(case: Case, row: ApprenticeStatus) -> list[str]:
    """Where one case's apprentice stands, as ``epa demo`` prints it: the case, the ULN and
    the overall grade, each method's attempts, and what the case is there to show."""
    s = row.status
    lines = [f"  {case.key}  {row.uln}  {s.standard} v{s.version}  overall {s.overall or '-'}"]
    lines.append(f"       {case.shows}")
    for m in s.methods:
        if len(m.attempts) > 1:
            tried = ", ".join(f"{a.attempt} {a.grade or '-'}" for a in m.attempts)
            lines.append(f"       {m.method}: {tried}")
        lines += [f"       {a.window_reason}" for a in m.attempts if a.inside_window is False]
    lines += [f"       {r}" for r in s.overall_reasons if r.startswith(("Capped", "Not capped"))]
    return lines
