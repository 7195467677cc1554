"""The ``epa demo`` command: a synthetic cohort run, then the rest of its EPA lifecycle.

The demo writes the synthetic cohort and its lifecycle cases
(:mod:`epa_kernel.batch.demo_lifecycle`), runs it as ``epa run`` would, and then takes the
results through what follows a grade (:mod:`epa_kernel.iqa.demo_round`): stored, sampled and
moderated, an appeal lodged, released, certificates claimed; and its planning meetings and
assessments booked (:mod:`epa_kernel.store.demo_bookings`). It prints where each lifecycle
case stands, by ULN (all synthetic), as ``epa status`` would on today's date.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from epa_kernel.cli.batch import DEMO_ORGANISATION, print_run, run
from epa_kernel.cli.options import add_format_option, positive_int


def lifecycle_report(out: Path, today: date) -> list[str]:
    """The lifecycle part of the demo for the cohort in ``out``/cohort and the refused case in
    ``out``/refused: the round in the demo's store ``out``/epa.sqlite, and the lines to print."""
    from epa_kernel.batch.cohort import read_cohort, refuse_invalid_attempts
    from epa_kernel.batch.demo_lifecycle import CASES, case_lines, case_of
    from epa_kernel.batch.status import cohort_status
    from epa_kernel.iqa.demo_round import demo_round
    from epa_kernel.store.store import open_store
    from epa_kernel.submit.demo_results import results_out

    cohort = read_cohort(out / "cohort")
    lines = [f"Lifecycle cases, as of {today}:"]
    shown = [(case_of(row.files), row) for row in cohort_status(cohort, today)]
    for case, row in sorted((c, r) for c, r in shown if c is not None):
        lines += case_lines(case, row)
    refused = read_cohort(out / "refused")
    refuse_invalid_attempts(refused)
    for case in (c for c in CASES if c.refused):
        lines += [
            f"  {case.key}  refused: epa run fails this apprentice; epa grade exits 2",
            f"       {case.shows}",
        ]
        lines += [f"       {p}" for e in refused.apprentices.values() for p in e.problems]

    store = open_store(f"sqlite:///{out / 'epa.sqlite'}")
    appeals = {c.key: c.appeal_on for c in CASES if c.appeal_on}
    done = demo_round(store, cohort, appeals, out)
    lines += [
        "",
        f"After the results (store {out / 'epa.sqlite'}): {done.imported} records imported; "
        f"{done.sampled} decisions sampled for IQA, {done.moderated} moderated now; "
        f"{len(done.appealed)} appeal(s) lodged now",
    ]
    states = [d.state for d in done.released]
    lines.append(
        f"  release: {states.count('released')} released now, "
        f"{states.count('already released')} already released, {states.count('held')} held"
    )
    lines += [f"    held {d.uln}: {d.why}" for d in done.released if d.state == "held"]
    wrote = f"written to {done.certificates}" if done.certificates else "(nothing new to claim)"
    lines.append(f"  certificate claims: {done.claims} {wrote}; {len(done.refused)} refused")
    by_reason: dict[str, list[str]] = {}
    for r in done.refused:
        by_reason.setdefault(r.reason, []).append(r.uln)
    lines += [f"    {len(u)} refused: {why} ({', '.join(u)})" for why, u in by_reason.items()]
    lines += results_out(store, out, today, DEMO_ORGANISATION)
    return lines


def bookings_report(out: Path) -> list[str]:
    """The demo's cohort booked in its store (:mod:`epa_kernel.store.demo_bookings`)."""
    from epa_kernel.store.demo_bookings import demo_bookings
    from epa_kernel.store.store import open_store

    return demo_bookings(open_store(f"sqlite:///{out / 'epa.sqlite'}"))


def cmd_demo(args) -> int:
    from epa_kernel.batch.demo_cohort import write_cohort
    from epa_kernel.batch.demo_lifecycle import write_cases
    from epa_kernel.exports.results_csv import summary_table

    cohort = args.out / "cohort"
    paths = write_cohort(cohort, seed=args.seed)
    cases = write_cases(cohort, args.out / "refused", seed=args.seed)
    paths += [p for p in cases if p.parent == cohort]
    print(f"wrote a synthetic cohort of {len(paths)} method records to {cohort}")
    summary = run(args, cohort, organisation=DEMO_ORGANISATION)
    print_run(summary)
    print(summary_table(args.out / "results.csv"))
    print(f"executed notebooks: {args.out}/<uln>/*.ipynb")
    if summary.ok:
        print("\n".join(["", *lifecycle_report(args.out, date.today())]))
        print("\n".join(["", *bookings_report(args.out)]))
    return 0 if summary.ok else 1


def register(sub) -> None:
    p = sub.add_parser("demo", help="write a synthetic cohort, run it, and take it to release")
    p.add_argument("--out", type=Path, default=Path("outputs/demo"), help="default: outputs/demo")
    p.add_argument("--workers", type=positive_int, default=None, help="default: all cores")
    p.add_argument("--seed", type=int, default=2026, help="the same seed gives the same cohort")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_format_option(p)
    p.set_defaults(func=cmd_demo)
