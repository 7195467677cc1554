"""The ``epa`` commands on standards and grading: standards, criteria, grade, gateway, diff, schema.

Each reads what it is given, calls the core (and the trainer's explanation of a diff), and
prints a table for a person or, with ``--json``, the data for a program.
"""

from __future__ import annotations

from epa_kernel.cli.options import print_json
from epa_kernel.core.catalogue import catalogue, get_standard, method_of


def cmd_standards(args) -> int:
    rows = [
        {
            "standard": s.standard,
            "version": s.version,
            "title": s.title,
            "level": s.level,
            "methods": [m.id for m in s.methods],
            "sources": [x.document for x in s.sources],
        }
        for s in catalogue().values()
    ]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(f"{row['standard']} v{row['version']}  L{row['level']}  {row['title']}")
        print(f"    methods: {', '.join(row['methods'])}")
    return 0


def cmd_criteria(args) -> int:
    standard = get_standard(args.standard, args.version)
    method = method_of(standard, args.method)
    if args.json:
        print_json([c.model_dump(mode="json") for c in method.criteria])
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


def cmd_grade(args) -> int:
    from epa_kernel.core.epa_outcome import grade_files, outcome_json

    outcome = grade_files(args.records)
    standard = get_standard(outcome.standard, outcome.version)
    data = outcome_json(outcome, [m.id for m in standard.methods])
    if args.json:
        print_json(data)
        return 0
    print(f"{standard.key} {standard.title}")
    width = max(len(m.id) for m in standard.methods)
    for m in standard.methods:
        o = outcome.methods.get(m.id)
        if o is None:
            print(f"  {m.id:<{width}}  —  not assessed")
            continue
        shown = o.grade or "(not yet graded)"
        print(
            f"  {m.id:<{width}}  {shown:<12} pass {o.pass_met}/{o.pass_required}, "
            f"distinction {o.distinction_met} ({o.distinction_required} needed)"
        )
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

    from epa_kernel.core.gateway import check_gateway
    from epa_kernel.core.gateway_application import parse_application
    from epa_kernel.errors import InputError
    from epa_kernel.files import read_json

    application, standard = parse_application(read_json(args.application), file=args.application)
    try:
        outcome = check_gateway(standard, application, today=date.today())
    except InputError as exc:
        raise exc.in_file(args.application) from None
    if args.json:
        print_json(outcome.model_dump(mode="json"))
    else:
        print(
            f"{outcome.standard}: {'eligible for gateway' if outcome.eligible else 'NOT eligible'}"
        )
        for check in outcome.checks:
            print(f"  [{'x' if check.passed else ' '}] {check.rule}: {check.detail}")
    return 0 if outcome.eligible else 1


def cmd_diff(args) -> int:
    from epa_kernel.core.standard_diff import diff_json, diff_versions
    from epa_kernel.trainer.explain_versions import diff_text

    old = get_standard(args.standard, args.old)
    new = get_standard(args.standard, args.new)
    diff = diff_versions(old, new)
    if args.json:
        print_json(diff_json(diff))
    else:
        print(diff_text(diff, old, new))
    return 0


def cmd_schema(args) -> int:
    from epa_kernel.core.records import record_json_schema

    print_json(record_json_schema())
    return 0


def register(sub) -> None:
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

    p = sub.add_parser("diff", help="what changed between two versions of a standard")
    p.add_argument("standard", metavar="STANDARD", help="e.g. ST0071")
    p.add_argument("old", metavar="V1", help="the earlier version, e.g. 1.0")
    p.add_argument("new", metavar="V2", help="the later version, e.g. 1.1")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("schema", help="print a JSON Schema")
    p.add_argument("what", choices=["record"])
    p.set_defaults(func=cmd_schema)
