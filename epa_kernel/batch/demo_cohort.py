"""A realistic synthetic cohort, for demonstrations, tests and benchmarks.

Every apprentice, assessor, provider and employer here is invented, and ULNs are generated to
pass the check-digit rule from a seeded random source, so the same seed gives the same cohort.
The cohort covers what a demonstration should show: both standards and both ST0071 versions,
every method grade and overall grade, a resit, observation descriptors deferred to the
discussion, face-to-face, non-face-to-face and mixed observations, and evidence outside limits.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.records import parse_record
from epa_kernel.core.spec import Standard
from epa_kernel.core.uln import ULN_WEIGHTS
from epa_kernel.core.vocabulary import GRADES
from epa_kernel.files import write_atomic

FIRST = [
    "Amara",
    "Bilal",
    "Chloe",
    "Dylan",
    "Eilidh",
    "Femi",
    "Grace",
    "Harvey",
    "Imogen",
    "Jun",
    "Kacper",
    "Leila",
    "Mason",
    "Niamh",
    "Oskar",
    "Priya",
    "Quinn",
    "Rhys",
    "Sana",
    "Tomasz",
    "Uma",
    "Viktor",
    "Wren",
    "Yusuf",
    "Zofia",
    "Aled",
    "Beatriz",
    "Callum",
]
LAST = [
    "Ashworth",
    "Bramley",
    "Cheung",
    "Dlamini",
    "Evans",
    "Fairweather",
    "Gallagher",
    "Hussain",
    "Iqbal",
    "Jovanović",
    "Kowalski",
    "Lindqvist",
    "McAllister",
    "Nwosu",
    "O'Brien",
    "Pryce",
    "Quayle",
    "Rahman",
    "Sørensen",
    "Thackeray",
]
ASSESSORS = ["Morgan Hale", "Ruth Okafor", "Declan Price"]
PROVIDERS = ["Northgate Skills Ltd", "Riverside Training College"]
EMPLOYERS = [
    "Harbour Energy Services",
    "Kestrel Retail Group",
    "Linden Housing Trust",
    "Meridian Telecom",
]

F, P, D = GRADES

# (standard, version, method grades in the standard's method order, extra) — one per apprentice.
PLAN: list[tuple[str, str, tuple[str, ...], dict]] = [
    ("ST0072", "1.0", (D, D, D), {"channels": ["face_to_face"]}),
    ("ST0072", "1.0", (P, P, P), {"channels": ["non_face_to_face"]}),
    ("ST0072", "1.0", (D, P, D), {"channels": ["face_to_face", "non_face_to_face"]}),
    ("ST0072", "1.0", (F, P, P), {"channels": ["face_to_face"]}),
    ("ST0072", "1.0", (P, F, P), {"channels": ["non_face_to_face"]}),
    ("ST0072", "1.0", (P, P, F), {"channels": ["face_to_face"]}),
    ("ST0072", "1.0", (D, D, P), {"channels": ["face_to_face"], "defer": ["P15", "P19"]}),
    ("ST0072", "1.0", (P, D, D), {"channels": ["non_face_to_face"], "defer": ["P18"]}),
    (
        "ST0072",
        "1.0",
        (P, F, P),
        {"channels": ["face_to_face"], "defer": ["P16"], "deferred_fails": True},
    ),
    ("ST0072", "1.0", (P, P, P), {"channels": ["face_to_face"], "resit": "practical_observation"}),
    ("ST0072", "1.0", (D, P, P), {"channels": ["face_to_face", "non_face_to_face"], "warn": True}),
    ("ST0072", "1.0", (P, D, P), {"channels": ["non_face_to_face"]}),
    ("ST0072", "1.0", (F, F, F), {"channels": ["face_to_face"]}),
    ("ST0071", "1.1", (D, D, D), {}),
    ("ST0071", "1.1", (P, P, P), {}),
    ("ST0071", "1.1", (D, P, D), {}),
    ("ST0071", "1.1", (F, P, P), {}),
    ("ST0071", "1.1", (P, F, D), {}),
    ("ST0071", "1.1", (P, P, F), {"warn": True}),
    ("ST0071", "1.1", (D, D, P), {}),
    ("ST0071", "1.1", (D, D, D), {"resit": "work_based_project"}),
    ("ST0071", "1.0", (D, D, D), {}),
    ("ST0071", "1.0", (P, D, P), {}),
    ("ST0071", "1.0", (F, P, P), {}),
    ("ST0071", "1.0", (P, P, P), {"warn": True}),
]


def synthetic_uln(rng: random.Random) -> str:
    """A ULN that passes the check-digit rule: nine random digits, then a check digit."""
    while True:
        stem = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        partial = sum(int(d) * w for d, w in zip(stem, ULN_WEIGHTS))
        check = (10 - partial) % 11  # the last weight is 1
        if check < 10:
            return stem + str(check)


def drawn_judgements(
    rng: random.Random, standard: Standard, method_id: str, grade: str, channels, defer=()
) -> tuple[dict, dict]:
    method = standard.method(method_id)
    applicable = method.applicable(channels)
    passes = [c.id for c in applicable if c.band == "pass"]
    dists = [c.id for c in applicable if c.band == "distinction"]
    rule = method.grading.distinction
    needed = rule.count if rule.rule == "at_least" else len(dists)
    judgements = {c: "met" for c in passes}
    notes: dict[str, str] = {}
    if grade == F:
        for cid in rng.sample([c for c in passes if c not in defer], k=rng.randint(1, 2)):
            judgements[cid] = "not_met"
            notes[cid] = "Not evidenced: no example given when asked."
    for cid in defer:
        judgements[cid] = "deferred"
        notes[cid] = "Not seen during the observation; deferred to the professional discussion."
    met = rng.randint(needed, len(dists)) if grade == D else rng.randint(0, needed - 1)
    for i, cid in enumerate(rng.sample(dists, k=len(dists))):
        judgements[cid] = "met" if i < met else "not_met"
    return judgements, notes


def drawn_evidence(rng: random.Random, standard: Standard, method_id: str, warn: bool) -> dict:
    out: dict = {}
    for limit in standard.method(method_id).evidence:
        if limit.max_share_of:
            whole = out.get(limit.max_share_of, 60)
            out[limit.fact] = round(whole * limit.max_share_percent / 100 * (1.4 if warn else 0.6))
            continue
        low, high = limit.bounds()
        low = low if low is not None else high * 0.5
        high = high if high is not None else low * 2
        value = rng.uniform(low, high)
        if warn and not limit.required:
            value = high * 1.2
        out[limit.fact] = round(value)
    if method_id == "apprentice_showcase":  # a written report: no slides or presentation time
        out.pop("slides", None)
        out.pop("duration_minutes", None)
    return out


def cohort_records(seed: int = 2026, apprentices: int | None = None) -> list[tuple[str, dict]]:
    """The demo cohort as (file name, record) pairs; validated against their standards.

    ``apprentices`` (default: one per :data:`PLAN` entry, 25) makes a cohort of another size
    for benchmarks, cycling through the plan; the default cohort is the same for any seed
    whether or not it is given."""
    rng = random.Random(seed)
    size = len(PLAN) if apprentices is None else apprentices
    pairs = [(first, last) for first in FIRST for last in LAST]
    names = rng.sample(pairs, k=min(size, len(pairs)))
    names += rng.choices(pairs, k=size - len(names))  # beyond 560 apprentices names repeat
    plan = [PLAN[i % len(PLAN)] for i in range(size)]
    out: list[tuple[str, dict]] = []
    ulns: set[str] = set()
    for index, ((code, version, grades, extra), (first, last)) in enumerate(zip(plan, names), 1):
        standard = get_standard(code, version)
        uln = synthetic_uln(rng)
        while uln in ulns:
            uln = synthetic_uln(rng)
        ulns.add(uln)
        start = date(2024, 9, 2) + timedelta(days=rng.randint(0, 120))
        gateway = start + timedelta(days=400 + rng.randint(0, 30))
        apprentice = {
            "uln": uln,
            "name": f"{first} {last}",
            "family_name": last,  # as the learner record holds it: the service matches it
            "provider": rng.choice(PROVIDERS),
            "employer": rng.choice(EMPLOYERS),
            "start_date": start.isoformat(),
            "gateway_date": gateway.isoformat(),
        }
        assessor = ASSESSORS[index % len(ASSESSORS)]
        defer = extra.get("defer", [])
        for method, grade in zip((m.id for m in standard.methods), grades):
            resit = extra.get("resit") == method
            first_grade = F if resit else grade
            channels = extra.get("channels") if standard.method(method).channels else None
            defer_here = defer if method == "practical_observation" and code == "ST0072" else ()
            if extra.get("deferred_fails") and defer_here:
                first_grade = P  # the observation fails only through its deferred descriptor
            judgements, notes = drawn_judgements(
                rng, standard, method, first_grade, channels, defer_here
            )
            if method == "professional_discussion" and defer:
                for cid in defer:
                    verdict = "not_met" if extra.get("deferred_fails") else "met"
                    judgements[f"practical_observation.{cid}"] = verdict
            record = {
                "standard": code,
                "version": version,
                "method": method,
                "apprentice": apprentice,
                "assessor": assessor,
                "assessed_on": (gateway + timedelta(days=14 + rng.randint(0, 40))).isoformat(),
                "attempt": "first",
                "judgements": judgements,
                "notes": notes,
                "evidence": drawn_evidence(rng, standard, method, extra.get("warn", False)),
            }
            if channels:
                record["channels"] = channels
            out.append((f"a{index:02d}_{method}.json", record))
            if resit:
                j2, n2 = drawn_judgements(rng, standard, method, grade, channels)
                again = dict(
                    record,
                    attempt="resit",
                    judgements=j2,
                    notes=n2,
                    assessed_on=(gateway + timedelta(days=80)).isoformat(),
                )
                out.append((f"a{index:02d}_{method}_resit.json", again))
    for name, record in out:
        parse_record(record, file=name)  # the generator must never write an invalid record
    return out


def write_cohort(
    folder: str | Path, seed: int = 2026, apprentices: int | None = None
) -> list[Path]:
    folder = Path(folder)
    paths = []
    for name, record in cohort_records(seed, apprentices):
        path = folder / name
        write_atomic(path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths
