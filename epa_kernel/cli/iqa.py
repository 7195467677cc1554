"""The ``epa iqa`` commands: sample decisions, verify executed notebooks, hold results.

These print for IQA reviewers, who need each apprentice's ULN to find them: the output is their
report, not a log.
"""

from __future__ import annotations

from pathlib import Path

from epa_kernel.cli.options import STORE_HELP, add_executor_options, make_executor_from, share
from epa_kernel.errors import InputError


def cmd_iqa_sample(args) -> int:
    from epa_kernel.iqa import decisions
    from epa_kernel.iqa.sampling import load_policy, plan_sample
    from epa_kernel.iqa.sampling_plan import write_plan
    from epa_kernel.store.store import open_store

    if (args.run is None) == (args.store is None):
        raise InputError("give a run folder DIR or --store URL (one of them)", field="DIR")
    found = (
        decisions.from_run(args.run)
        if args.store is None
        else decisions.from_store(open_store(args.store))
    )
    policy = load_policy(args.policy)
    picks = plan_sample(found, policy, seed=args.seed, rate=args.rate)
    if args.out:
        write_plan(args.out, picks, policy, decisions=len(found), seed=args.seed, rate=args.rate)
    print(f"sampled {len(picks)} of {len(found)} decisions (seed {args.seed})")
    for p in picks:
        d = p.decision
        print(f"  {d.id:<50} {d.grade or '-':<12} {'; '.join(p.reasons)}")
    if args.out:
        print(f"plan: {args.out}")
    return 0


def cmd_iqa_verify(args) -> int:
    from epa_kernel.iqa.sampling_plan import sampled_ids
    from epa_kernel.iqa.verify import verify_run
    from epa_kernel.store.store import open_store

    only = sampled_ids(args.sample) if args.sample else None
    store = open_store(args.store) if args.store else None
    checks = verify_run(
        args.run, only=only, workers=args.workers, store=store, executor=make_executor_from(args)
    )
    for c in checks:
        status = "match" if c.ok else "MISMATCH"
        print(f"  {status:<9} {c.uln}  {c.notebook.name:<34} {'; '.join(c.problems)}")
    bad = 0
    for kind, what in (("notebook", "notebooks"), ("export", "exported outputs")):
        mine = [c for c in checks if c.kind == kind]
        failed = sum(not c.ok for c in mine)
        bad += failed
        if mine or kind == "notebook":
            print(f"{len(mine) - failed} of {len(mine)} {what} verified; {failed} mismatched")
    return 1 if bad else 0


def cmd_iqa_status(args) -> int:
    from epa_kernel.iqa.sampling import release_status
    from epa_kernel.iqa.sampling_plan import moderated_outcomes, read_plan
    from epa_kernel.store.store import open_store

    picks, policy = read_plan(args.sample)
    moderated = moderated_outcomes(open_store(args.store))
    status = release_status(picks, moderated, policy)
    pending = sorted(u for u, s in status.items() if s != "released")
    print(
        f"{len(status) - len(pending)} apprentices released; {len(pending)} pending release "
        "until their sampled decisions are moderated"
    )
    for pick in picks:
        print(f"  {pick.decision.id:<50} {moderated.get(pick.decision.id, 'not moderated')}")
    return 0


def register(sub) -> None:
    iqa = sub.add_parser("iqa", help="internal quality assurance: sample, verify")
    iqa_sub = iqa.add_subparsers(dest="iqa_command", required=True, metavar="IQA_COMMAND")
    p = iqa_sub.add_parser("sample", help="a risk-based sampling plan, each pick with its reasons")
    p.add_argument("run", metavar="DIR", nargs="?", type=Path, help="a run folder (epa run --out)")
    p.add_argument("--store", metavar="URL", help="sample the store's submitted records instead")
    p.add_argument("--policy", type=Path, help="YAML sampling policy (default: the kit's)")
    p.add_argument("--rate", type=share, default=None, help="random share of the rest, 0-1")
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same plan")
    p.add_argument("--out", type=Path, help="write the plan as JSON here")
    p.set_defaults(func=cmd_iqa_sample)

    p = iqa_sub.add_parser("verify", help="re-run executed notebooks and compare")
    p.add_argument("run", metavar="DIR", type=Path)
    p.add_argument("--sample", type=Path, help="only the decisions of this plan")
    p.add_argument("--store", metavar="URL", help="also check hashes against the store's history")
    add_executor_options(p)
    p.set_defaults(func=cmd_iqa_verify)

    p = iqa_sub.add_parser("status", help="which results are held until moderation is complete")
    p.add_argument("--sample", type=Path, required=True, help="the plan (epa iqa sample --out)")
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.set_defaults(func=cmd_iqa_status)
