"""The ``epa submit`` and ``epa submissions`` commands: released results to the assessment service.

``epa submit`` checks every released result against the service's rules, then sends what the
ledger says is still to send (:mod:`epa_kernel.submit.run`); ``--dry-run OUT`` writes the
request bodies instead. The results come from the store (``--store``) or from a run folder
released by its IQA plan (``DIR --sample PLAN``, its ledger ``DIR/submissions.json``:
:mod:`epa_kernel.submit.folder`). ``epa submissions`` lists the ledger: what was sent,
accepted, refused and why. Like ``epa certificates`` they print ULNs on stdout for the EPAO
staff who act on them; nothing goes to stderr or a log with a ULN or the service's key.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from epa_kernel.cli.options import STORE_HELP

RUN_HELP = "a run folder (epa run --out); its ledger is DIR/submissions.json"
CONFIG_HELP = (
    "the organisation's settings file (its [service] table; default: EPA_CONFIG, else ./epa.toml)"
)


def _settings(args):
    from epa_kernel.submit.settings import service_settings

    return service_settings(args.config, os.environ)


def _source(args):
    """The store (``--store``), or the run folder DIR with its IQA plan and ledger file."""
    from epa_kernel.errors import InputError

    if args.run is not None and args.store is not None:
        raise InputError("give a run folder DIR or --store URL, not both", field="DIR")
    if args.run is None:
        from epa_kernel.store.store import open_store

        return open_store(args.store)
    from epa_kernel.submit.folder import RunFolder

    if getattr(args, "sample", None) is None:
        return RunFolder(args.run, {})  # its ledger only: epa submissions DIR
    from epa_kernel.iqa.run_claims import run_results
    from epa_kernel.iqa.sampling_plan import read_plan

    released, refused = run_results(args.run, *read_plan(args.sample))
    return RunFolder(args.run, released, [(r.uln, r.reason) for r in refused])


def cmd_submit(args) -> int:
    from epa_kernel.errors import InputError
    from epa_kernel.submit.run import submit

    if args.run is not None and args.store is None and args.sample is None:
        raise InputError(
            "a run folder's results are released by its IQA plan: give --sample PLAN "
            "(epa iqa sample DIR --out PLAN)",
            field="--sample",
        )
    report = submit(_source(args), _settings(args), sandbox=args.sandbox, dry_run=args.dry_run)
    for h in report.held:
        print(f"held {h.uln}: {h.why}")
    if report.problems:
        for uln, found in sorted(report.problems.items()):
            print(f"problem {uln}:")
            for p in found:
                print(f"  - {p}")
        print(f"{len(report.problems)} apprentices with problems: nothing sent")
        return 1
    for item, state, answer in report.answers:
        print(f"{state:<8} {item.uln}  {item.kind} {item.action}: {answer}")
    if args.dry_run is not None:
        print(f"wrote {len(report.files)} requests to {args.dry_run}; nothing sent")
        return 0
    counts = {s: sum(a[1] == s for a in report.answers) for s in ("accepted", "refused", "failed")}
    target = "the sandbox" if args.sandbox else "the service"
    print(
        f"{counts['accepted']} accepted, {counts['refused']} refused, {counts['failed']} "
        f"unanswered by {target}; {len(report.held)} held"
    )
    if report.stopped:
        print(f"stopped: {report.stopped}")
    return 0 if report.ok else 1


def cmd_submissions(args) -> int:
    from dataclasses import asdict

    target = "sandbox" if args.sandbox else "live"
    rows = _source(args).sent(target)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
        return 0
    for r in rows:
        print(f"{r.at[:19]}  {r.uln}  {r.kind:<11} {r.action:<6} {r.state:<8} {r.answer}")
    counts = {s: sum(r.state == s for r in rows) for s in ("accepted", "refused", "failed")}
    print(
        f"{len(rows)} items sent to the {target} service: {counts['accepted']} accepted, "
        f"{counts['refused']} refused, {counts['failed']} unanswered"
    )
    return 0


def register(sub) -> None:
    p = sub.add_parser("submit", help="send released results to the assessment service")
    p.add_argument("run", metavar="DIR", nargs="?", type=Path, help=RUN_HELP)
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument(
        "--sample", type=Path, metavar="PLAN", help="with DIR: the IQA plan that releases results"
    )
    p.add_argument("--config", type=Path, metavar="FILE", help=CONFIG_HELP)
    p.add_argument(
        "--sandbox", action="store_true", help="send to the sandbox (service.sandbox_url)"
    )
    p.add_argument(
        "--dry-run", type=Path, metavar="OUT", help="write the request bodies to OUT; send nothing"
    )
    p.set_defaults(func=cmd_submit)

    p = sub.add_parser("submissions", help="what was sent to the service, accepted and refused")
    p.add_argument("run", metavar="DIR", nargs="?", type=Path, help=RUN_HELP)
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--sandbox", action="store_true", help="what was sent to the sandbox")
    p.add_argument("--json", action="store_true", help="the ledger's rows as JSON")
    p.set_defaults(func=cmd_submissions)
