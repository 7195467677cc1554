"""The ``epa`` command: parse arguments, call the kit's modules, print.

It holds no logic of its own. Bad input is reported as one line on stderr naming the file, the
field and what is allowed, with exit status 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import InputError
from .grading import EpaOutcome, grade_epa
from .records import load_record, record_json_schema
from .spec import catalogue, get_standard, method_of

EXIT_BAD_INPUT = 2


def _print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def cmd_standards(args) -> int:
    rows = [{"standard": s.standard, "version": s.version, "title": s.title, "level": s.level,
             "methods": [m.id for m in s.methods], "sources": [x.document for x in s.sources]}
            for s in catalogue().values()]
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        print(f"{row['standard']} v{row['version']}  L{row['level']}  {row['title']}")
        print(f"    methods: {', '.join(row['methods'])}")
    return 0


def cmd_criteria(args) -> int:
    standard = get_standard(args.standard, args.version)
    method = method_of(standard, args.method)
    rows = [c.model_dump(mode="json") for c in method.criteria]
    if args.json:
        _print_json(rows)
        return 0
    print(f"{standard.key} {standard.title}: {method.name}")
    for c in method.criteria:
        extra = []
        if c.applies_to:
            extra.append(f"only {'/'.join(c.applies_to)}")
        if c.deferrable_to:
            extra.append(f"deferrable to {c.deferrable_to}")
        tail = f"  [{'; '.join(extra)}]" if extra else ""
        print(f"  {c.id:<4} {c.band:<11} {','.join(c.ksbs):<10} {c.text}{tail}")
    return 0


def grade_files(paths: Sequence[str]) -> EpaOutcome:
    """Load, bind and grade the records in ``paths`` as one apprentice's EPA."""
    loaded = [load_record(p) for p in paths]
    keys = {s.key for _, s in loaded}
    if len(keys) > 1:
        raise InputError(f"records are under different standard versions ({', '.join(sorted(keys))}); "
                         "grade one apprentice's records at a time", file=paths[-1], field="version")
    standard = loaded[0][1]
    try:
        return grade_epa(standard, [r for r, _ in loaded])
    except InputError as exc:
        raise exc.in_file(paths[-1]) from None


def outcome_json(outcome: EpaOutcome, standard_methods: Sequence[str]) -> dict:
    methods = {
        m: {"grade": o.grade, "status": o.status, "pass_met": o.pass_met,
            "pass_required": o.pass_required, "distinction_met": o.distinction_met,
            "distinction_required": o.distinction_required, "reasons": list(o.reasons),
            "warnings": list(o.warnings)}
        for m, o in outcome.methods.items()}
    missing = [m for m in standard_methods if m not in outcome.methods]
    overall = None if missing else {"grade": outcome.grade, "reasons": list(outcome.reasons)}
    return {"standard": outcome.standard, "version": outcome.version, "methods": methods,
            "overall": overall}


def cmd_grade(args) -> int:
    outcome = grade_files(args.records)
    standard = get_standard(outcome.standard, outcome.version)
    data = outcome_json(outcome, [m.id for m in standard.methods])
    if args.json:
        _print_json(data)
        return 0
    print(f"{standard.key} {standard.title}")
    width = max(len(m.id) for m in standard.methods)
    for m in standard.methods:
        o = outcome.methods.get(m.id)
        if o is None:
            print(f"  {m.id:<{width}}  —  not assessed")
            continue
        shown = o.grade or "(not yet graded)"
        print(f"  {m.id:<{width}}  {shown:<12} pass {o.pass_met}/{o.pass_required}, "
              f"distinction {o.distinction_met} ({o.distinction_required} needed)")
        for reason in o.reasons[1:] if o.grade else o.reasons:
            print(f"      - {reason}")
        for warning in o.warnings:
            print(f"      ! {warning}")
    overall = data["overall"]
    print(f"  {'overall':<{width}}  {(overall or {}).get('grade') or '(not yet graded)'}")
    for reason in outcome.reasons:
        print(f"      - {reason}")
    return 0


def cmd_gateway(args) -> int:
    from datetime import date

    from .files import read_json
    from .gateway import check_gateway, parse_application

    application, standard = parse_application(read_json(args.application), file=args.application)
    try:
        outcome = check_gateway(standard, application, today=date.today())
    except InputError as exc:
        raise exc.in_file(args.application) from None
    if args.json:
        _print_json(outcome.model_dump(mode="json"))
    else:
        print(f"{outcome.standard}: {'eligible for gateway' if outcome.eligible else 'NOT eligible'}")
        for check in outcome.checks:
            print(f"  [{'x' if check.passed else ' '}] {check.rule}: {check.detail}")
    return 0 if outcome.eligible else 1


def _print_run(summary) -> None:
    print(f"{summary.apprentices} apprentices: {summary.ran} notebooks run, {summary.skipped} "
          f"already done and unchanged, {len(summary.failed) + len(summary.unattributed)} "
          f"failed, in {summary.seconds:.1f} s")
    for message in [*summary.failed.values(), *summary.unattributed]:
        print(f"  failed: {message}")
    print(f"results: {summary.out / 'results.csv'}")


def cmd_run(args) -> int:
    from .runner import run_cohort

    summary = run_cohort(args.cohort, args.out, workers=args.workers, progress=not args.quiet)
    _print_run(summary)
    return 0 if summary.ok else 1


def cmd_demo(args) -> int:
    from .demo import write_cohort
    from .results import summary_table
    from .runner import run_cohort

    cohort = args.out / "cohort"
    paths = write_cohort(cohort, seed=args.seed)
    print(f"wrote a synthetic cohort of {len(paths)} method records to {cohort}")
    summary = run_cohort(cohort, args.out, workers=args.workers, progress=not args.quiet)
    _print_run(summary)
    print(summary_table(args.out / "results.csv"))
    print(f"executed notebooks: {args.out}/<uln>/*.ipynb")
    return 0 if summary.ok else 1


def cmd_schema(args) -> int:
    _print_json(record_json_schema())
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="epa", description="Apprenticeship end-point assessment: standards, grading, records.")
    parser.add_argument("--version", action="version", version=f"epa {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("standards", help="list the standards and versions the kit holds")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_standards)

    p = sub.add_parser("criteria", help="list one method's grading descriptors")
    p.add_argument("standard", metavar="STANDARD", help="e.g. ST0072")
    p.add_argument("--version", dest="version", default=None, help="default: the latest")
    p.add_argument("--method", required=True, help="e.g. practical_observation")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_criteria)

    p = sub.add_parser("grade", help="grade one apprentice's method records")
    p.add_argument("records", nargs="+", metavar="RECORD.json")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("gateway", help="check an apprentice's gateway eligibility")
    p.add_argument("application", metavar="APPRENTICE.json")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_gateway)

    p = sub.add_parser("run", help="execute the workbooks for a cohort folder of method records")
    p.add_argument("cohort", metavar="COHORT", help="folder of method-record JSON files")
    p.add_argument("--out", required=True, type=Path, help="where executed notebooks and results go")
    p.add_argument("--workers", type=_positive_int, default=None, help="default: all cores")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("demo", help="write a synthetic cohort and run it")
    p.add_argument("--out", type=Path, default=Path("outputs/demo"), help="default: outputs/demo")
    p.add_argument("--workers", type=_positive_int, default=None, help="default: all cores")
    p.add_argument("--seed", type=int, default=2026, help="the same seed gives the same cohort")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("schema", help="print a JSON Schema")
    p.add_argument("what", choices=["record"])
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"epa: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("epa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `epa criteria ... | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
