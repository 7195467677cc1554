"""The ``epa`` command: parse arguments, call the kit's modules, print.

It holds no logic of its own. Bad input is reported as one line on stderr naming the file, the
field and what is allowed, with exit status 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from epa_kernel import __version__
from epa_kernel.errors import InputError
from epa_kernel.core.grading import EpaOutcome, grade_epa
from epa_kernel.core.records import load_record, record_json_schema
from epa_kernel.core.spec import catalogue, get_standard, method_of

EXIT_BAD_INPUT = 2
EXIT_SYSTEM = 3  # a read or write the system refused (disk full, permissions)
DEMO_ORGANISATION = "Demo End-Point Assessment Organisation (synthetic)"


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

    from epa_kernel.files import read_json
    from epa_kernel.core.gateway import check_gateway, parse_application

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
    if summary.export is not None:
        _print_export(summary.export)


def _print_export(summary) -> None:
    print(f"export ({', '.join(summary.formats) or 'cohort outputs only'}) of "
          f"{summary.folders} apprentices: {summary.written} files written, {summary.unchanged} "
          f"already done and unchanged, {len(summary.problems)} failed, in {summary.seconds:.1f} s")
    for message in summary.problems:
        print(f"  failed: {message}")
    for fmt in summary.formats:
        print(f"records: {summary.out}/<uln>/<method>.{fmt} and statement.{fmt}")
    print(f"cohort: {', '.join(str(p) for p in summary.cohort_outputs)}")


def cmd_export(args) -> int:
    from epa_kernel.exports.render import export_run

    summary = export_run(args.dir, args.format, organisation=args.organisation,
                         workers=args.workers, progress=not args.quiet, store_url=args.store)
    _print_export(summary)
    return 0 if summary.ok else 1


def cmd_run(args) -> int:
    from epa_kernel.batch.cohort import from_store
    from epa_kernel.batch.executors import make_executor
    from epa_kernel.batch.run import run_cohort
    from epa_kernel.store.store import open_store

    if (args.cohort is None) == (args.store is None):
        raise InputError("give a COHORT folder or --store URL (one of them)", field="COHORT")
    executor = make_executor(args.executor, workers=args.workers, scheduler=args.scheduler)
    source = args.cohort if args.store is None else from_store(open_store(args.store))
    summary = run_cohort(source, args.out, workers=args.workers, progress=not args.quiet,
                         formats=args.format, organisation=args.organisation,
                         executor=executor)
    _print_run(summary)
    return 0 if summary.ok else 1


def cmd_import(args) -> int:
    from epa_kernel.batch.cohort import read_cohort
    from epa_kernel.store.store import open_store
    from epa_kernel.errors import ConflictError

    cohort = read_cohort(args.cohort)
    store = open_store(args.store)
    added = kept = 0
    for entry in cohort.apprentices.values():
        for record, path in entry.records:
            store.assign(record)
            try:
                store.put(record, author=args.author, submitted=args.submitted,
                          reason=f"imported from {path.name}")
                added += 1
            except ConflictError:
                kept += 1
    problems = [p for e in cohort.apprentices.values() for p in e.problems] + cohort.unattributed
    print(f"imported {added} records; {kept} already stored and left unchanged; "
          f"{len(problems)} files refused")
    for problem in problems:
        print(f"  refused: {problem}")
    return 1 if problems else 0


def cmd_export_records(args) -> int:
    from epa_kernel.files import write_atomic
    from epa_kernel.store.store import open_store

    count = 0
    for stored in open_store(args.store).all_records():
        r = stored.record
        name = f"{r.apprentice.uln}_{r.method}_{r.attempt}.json"  # ULN validated: a safe name
        write_atomic(args.dir / name, json.dumps(json.loads(r.canonical_json()), indent=2,
                                                 ensure_ascii=False) + "\n")
        count += 1
    print(f"wrote {count} records to {args.dir}")
    return 0


def cmd_purge(args) -> int:
    from datetime import date

    from epa_kernel.store.retention import check_run_folder, cutoff_date, purge_run_folder, purge_store
    from epa_kernel.store.store import open_store

    cutoff_date(args.before, args.retention_years, today=date.today())  # refuse before touching
    if args.out is not None:
        check_run_folder(args.out)
    verb = "would remove" if args.dry_run else "removed"
    status = 0
    if args.store is not None or args.out is None:
        r = purge_store(open_store(args.store), args.before, args.retention_years,
                        dry_run=args.dry_run)
        print(f"store: cut-off {r.cutoff} ({r.retention_years} years before {r.as_of}): {verb} "
              f"{r.records} records ({r.versions} versions) and {r.apprentices} apprentices")
    if args.out is not None:
        r = purge_run_folder(args.out, args.before, args.retention_years, dry_run=args.dry_run)
        print(f"run folder: cut-off {r.cutoff}: {verb} {r.folders} apprentice folders "
              f"({r.notebooks} method records)")
        if r.kept_unreadable:
            print(f"  kept {r.kept_unreadable} apprentice folders with a notebook that could not "
                  "be read; check them by hand")
            status = 1
    if not args.dry_run:
        print("audit: a line without personal data in the store's purge_audit table"
              + (f" and {args.out / 'purge-audit.log'}" if args.out is not None else ""))
    return status


def cmd_serve(args) -> int:
    from epa_kernel.apps.serve import serve

    return serve(port=args.port, host=args.host, allow_remote=args.allow_remote,
                 store_url=args.store, pool_size=args.pool_size, app=args.app)


def cmd_demo(args) -> int:
    from epa_kernel.batch.demo_cohort import write_cohort
    from epa_kernel.exports.results_csv import summary_table
    from epa_kernel.batch.run import run_cohort

    cohort = args.out / "cohort"
    paths = write_cohort(cohort, seed=args.seed)
    print(f"wrote a synthetic cohort of {len(paths)} method records to {cohort}")
    summary = run_cohort(cohort, args.out, workers=args.workers, progress=not args.quiet,
                         formats=args.format, organisation=DEMO_ORGANISATION)
    _print_run(summary)
    print(summary_table(args.out / "results.csv"))
    print(f"executed notebooks: {args.out}/<uln>/*.ipynb")
    return 0 if summary.ok else 1


def cmd_iqa_sample(args) -> int:
    from epa_kernel.iqa import decisions
    from epa_kernel.files import write_atomic
    from epa_kernel.iqa.sampling import load_policy, plan_sample
    from epa_kernel.store.store import open_store

    if (args.run is None) == (args.store is None):
        raise InputError("give a run folder DIR or --store URL (one of them)", field="DIR")
    found = decisions.from_run(args.run) if args.store is None else \
        decisions.from_store(open_store(args.store))
    policy = load_policy(args.policy)
    picks = plan_sample(found, policy, seed=args.seed, rate=args.rate)
    plan = {"seed": args.seed, "rate": args.rate, "policy": policy.model_dump(mode="json"),
            "decisions": len(found),
            "picks": [{"id": p.decision.id, "reasons": list(p.reasons),
                       "decision": p.decision.model_dump(mode="json")} for p in picks]}
    if args.out:
        write_atomic(args.out, json.dumps(plan, indent=2, ensure_ascii=False) + "\n")
    print(f"sampled {len(picks)} of {len(found)} decisions (seed {args.seed})")
    for p in picks:
        d = p.decision
        print(f"  {d.id:<50} {d.grade or '-':<12} {'; '.join(p.reasons)}")
    if args.out:
        print(f"plan: {args.out}")
    return 0


def cmd_iqa_verify(args) -> int:
    from epa_kernel.files import read_json
    from epa_kernel.store.store import open_store
    from epa_kernel.iqa.verify import verify_run

    only = None
    if args.sample:
        plan = read_json(args.sample)
        try:
            only = {p["id"] for p in plan["picks"]}
        except (TypeError, KeyError):
            raise InputError("not a sampling plan: expected {'picks': [{'id': ...}]}",
                             file=str(args.sample), field="picks") from None
    store = open_store(args.store) if args.store else None
    checks = verify_run(args.run, only=only, workers=args.workers, store=store)
    bad = [c for c in checks if not c.ok]
    for c in checks:
        status = "match" if c.ok else "MISMATCH"
        # IQA reviewers need the ULN to find the apprentice: this is their report, not a log.
        print(f"  {status:<9} {c.uln}  {c.notebook.name:<34} "
              f"{'; '.join(c.problems)}")
    print(f"{len(checks) - len(bad)} of {len(checks)} notebooks verified; {len(bad)} mismatched")
    return 1 if bad else 0


def cmd_iqa_status(args) -> int:
    from epa_kernel.iqa import decisions
    from epa_kernel.files import read_json
    from epa_kernel.iqa.sampling import Decision, Pick, Policy, release_status
    from epa_kernel.store.store import open_store

    plan = read_json(args.sample)
    try:
        picks = [Pick(decision=Decision.model_validate(p["decision"]), reasons=tuple(p["reasons"]))
                 for p in plan["picks"]]
        policy = Policy.model_validate(plan["policy"])
    except (TypeError, KeyError, ValueError):
        raise InputError("not a sampling plan made by epa iqa sample --out", file=str(args.sample),
                         field="picks") from None
    store = open_store(args.store)
    moderated = {}
    for stored in store.all_records(submitted_only=True):
        r = stored.record
        past = store.moderations(stored.id)
        if past:
            moderated[decisions.decision_id(r.apprentice.uln, r.method, r.attempt)] = past[-1][1].outcome
    status = release_status(picks, moderated, policy)
    pending = sorted(u for u, s in status.items() if s != "released")
    print(f"{len(status) - len(pending)} apprentices released; {len(pending)} pending release "
          "until their sampled decisions are moderated")
    for pick in picks:
        print(f"  {pick.decision.id:<50} "
              f"{moderated.get(pick.decision.id, 'not moderated')}")
    return 0


def cmd_diff(args) -> int:
    from epa_kernel.trainer.explain import diff_text
    from epa_kernel.core.standard_diff import diff_json, diff_versions

    old = get_standard(args.standard, args.old)
    new = get_standard(args.standard, args.new)
    diff = diff_versions(old, new)
    if args.json:
        _print_json(diff_json(diff))
    else:
        print(diff_text(diff, old, new))
    return 0


def cmd_schema(args) -> int:
    _print_json(record_json_schema())
    return 0


def _formats(text: str) -> tuple[str, ...]:
    from epa_kernel.exports.render import parse_formats

    try:
        return parse_formats(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _export_options(p, default: str = "html") -> None:
    p.add_argument("--format", type=_formats, default=_formats(default), metavar="FORMATS",
                   help=f"records and statements to write: html, pdf, html,pdf or none "
                        f"(default: {default})")
    p.add_argument("--organisation", metavar="NAME", default=os.environ.get("EPA_ORGANISATION"),
                   help="the end-point assessment organisation named on statements of results "
                        "(default: EPA_ORGANISATION)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _iso_date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
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
    p.add_argument("cohort", metavar="COHORT", nargs="?", help="folder of method-record JSON files")
    p.add_argument("--store", metavar="URL", help="run the store's submitted records instead")
    p.add_argument("--out", required=True, type=Path, help="where executed notebooks and results go")
    p.add_argument("--workers", type=_positive_int, default=None, help="default: all cores")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="where notebooks run: local processes (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _export_options(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("demo", help="write a synthetic cohort and run it")
    p.add_argument("--out", type=Path, default=Path("outputs/demo"), help="default: outputs/demo")
    p.add_argument("--workers", type=_positive_int, default=None, help="default: all cores")
    p.add_argument("--seed", type=int, default=2026, help="the same seed gives the same cohort")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--format", type=_formats, default=_formats("html"), metavar="FORMATS",
                   help="records and statements to write: html, pdf, html,pdf or none "
                        "(default: html)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("export", help="write HTML/PDF records, statements and cohort outputs "
                                      "for a batch run's output")
    p.add_argument("dir", metavar="DIR", type=Path, help="the --out folder of `epa run`")
    _export_options(p)
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="processes for PDFs (default: all cores)")
    p.add_argument("--store", metavar="URL",
                   help="add each record's IQA moderations from this store to its record")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="load a cohort folder's records into the store")
    p.add_argument("cohort", metavar="COHORT")
    p.add_argument("--store", metavar="URL", help="default: EPA_STORE_URL, else outputs/epa.sqlite")
    p.add_argument("--submitted", action="store_true", help="store them as submitted (immutable)")
    p.add_argument("--author", default="import", help="who the history names (default: import)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export-records", help="write the store's records as JSON files")
    p.add_argument("dir", metavar="DIR", type=Path)
    p.add_argument("--store", metavar="URL", help="default: EPA_STORE_URL, else outputs/epa.sqlite")
    p.set_defaults(func=cmd_export_records)

    p = sub.add_parser("purge", help="remove records past their retention period")
    p.add_argument("--before", required=True, type=_iso_date, metavar="DATE",
                   help="the date to purge as of (YYYY-MM-DD, not in the future): records whose "
                        "last change is more than the retention period before it are removed")
    p.add_argument("--retention-years", type=_positive_int, default=6, metavar="N",
                   help="the retention period in years (default: 6)")
    p.add_argument("--store", metavar="URL", help="default: EPA_STORE_URL, else outputs/epa.sqlite "
                                                  "(not purged when only --out is given)")
    p.add_argument("--out", type=Path, metavar="DIR", help="also purge this run folder (epa run --out)")
    p.add_argument("--dry-run", action="store_true", help="say what would be removed; remove nothing")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("serve", help="serve the assessor app with Voilà")
    p.add_argument("--port", type=_positive_int, default=8866)
    p.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow a non-loopback --host; access then needs a generated token")
    p.add_argument("--store", metavar="URL", help="default: EPA_STORE_URL, else outputs/epa.sqlite")
    p.add_argument("--pool-size", type=int, default=2, help="preheated kernels (0: none)")
    p.add_argument("--app", choices=["assessor", "iqa_review"], default="assessor",
                   help="which app (default: the assessor app)")
    p.set_defaults(func=cmd_serve)

    iqa = sub.add_parser("iqa", help="internal quality assurance: sample, verify")
    iqa_sub = iqa.add_subparsers(dest="iqa_command", required=True, metavar="IQA_COMMAND")
    p = iqa_sub.add_parser("sample", help="a risk-based sampling plan, each pick with its reasons")
    p.add_argument("run", metavar="DIR", nargs="?", type=Path, help="a run folder (epa run --out)")
    p.add_argument("--store", metavar="URL", help="sample the store's submitted records instead")
    p.add_argument("--policy", type=Path, help="YAML sampling policy (default: the kit's)")
    p.add_argument("--rate", type=_share, default=None, help="random share of the rest, 0-1")
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same plan")
    p.add_argument("--out", type=Path, help="write the plan as JSON here")
    p.set_defaults(func=cmd_iqa_sample)
    p = iqa_sub.add_parser("verify", help="re-run executed notebooks and compare")
    p.add_argument("run", metavar="DIR", type=Path)
    p.add_argument("--sample", type=Path, help="only the decisions of this plan")
    p.add_argument("--store", metavar="URL", help="also check hashes against the store's history")
    p.add_argument("--workers", type=_positive_int, default=None, help="default: all cores")
    p.set_defaults(func=cmd_iqa_verify)
    p = iqa_sub.add_parser("status", help="which results are held until moderation is complete")
    p.add_argument("--sample", type=Path, required=True, help="the plan (epa iqa sample --out)")
    p.add_argument("--store", metavar="URL", help="default: EPA_STORE_URL, else outputs/epa.sqlite")
    p.set_defaults(func=cmd_iqa_status)

    p = sub.add_parser("diff", help="what changed between two versions of a standard")
    p.add_argument("standard", metavar="STANDARD", help="e.g. ST0071")
    p.add_argument("old", metavar="V1", help="the earlier version, e.g. 1.0")
    p.add_argument("new", metavar="V2", help="the later version, e.g. 1.1")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_diff)

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
    except OSError as exc:  # the system refused a read or write: disk full, permissions...
        from epa_kernel.core.uln import describe_os_error

        print(f"epa: {describe_os_error(exc)}", file=sys.stderr)
        return EXIT_SYSTEM
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(exc, SQLAlchemyError):
            raise
        # e.g. a damaged SQLite file ("database disk image is malformed") or a server gone.
        # Only the driver's own message: SQLAlchemy's text repeats the statement and its
        # parameters, which hold names and ULNs.
        from epa_kernel.core.uln import redact_ulns

        why = " ".join(str(getattr(exc, "orig", None) or type(exc).__name__).split())
        print(f"epa: the store failed: {redact_ulns(why)}. Each save is one transaction, so "
              "nothing was half-written; if the database file is damaged, restore it from a "
              "backup", file=sys.stderr)
        return EXIT_SYSTEM


if __name__ == "__main__":
    sys.exit(main())
