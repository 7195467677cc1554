"""The ``epa appeal``, ``epa release`` and ``epa certificates`` commands: after the result.

Appeals are lodged and resolved against one stored record (ULN, method, attempt); release and
certificates act on every apprentice in the store. Like ``epa iqa``, these print ULNs for the
EPAO staff who act on them, never names; appellants' names and grounds stay in the store.
"""

from __future__ import annotations

from pathlib import Path

from epa_kernel.cli.options import STORE_HELP, add_attempt_arguments, iso_date, positive_int
from epa_kernel.errors import InputError

CONFIG_HELP = (
    "the organisation's settings, whose [appeals] window refuses late appeals "
    "(default: EPA_CONFIG, else ./epa.toml; with none, late appeals are only flagged)"
)


def stored_record(store, args):
    found = store.find(args.uln, args.method, args.attempt)
    if found is None:
        raise InputError(
            f"no stored {args.attempt} {args.method} record for this ULN", field="ULN METHOD"
        )
    return found


def cmd_appeal_lodge(args) -> int:
    from epa_kernel.settings import read_settings
    from epa_kernel.store.store import open_store

    policy = read_settings(args.config).appeals  # bad settings: refused before the store opens
    store = open_store(args.store)
    appeal = store.lodge_appeal(
        stored_record(store, args),
        kind=args.kind,
        appellant_role=args.role,
        appellant=args.appellant,
        lodged_on=args.lodged_on,
        result_notified_on=args.notified_on,
        grounds=args.grounds,
        by=args.by,
        policy=policy,
    )
    print(f"{appeal.kind} {appeal.number} lodged on {appeal.lodged_on}: {appeal.status}")
    if appeal.flag:
        print(f"  flagged: {appeal.flag}")
    return 0


def cmd_appeal_resolve(args) -> int:
    from epa_kernel.store.store import open_store

    store = open_store(args.store)
    appeal = store.resolve_appeal(
        stored_record(store, args),
        args.number,
        status=args.status,
        handler=args.by,
        outcome=args.outcome,
    )
    print(f"{appeal.kind} {appeal.number}: {appeal.status} (handled by {appeal.handler})")
    return 0


def cmd_appeal_list(args) -> int:
    from epa_kernel.store.store import open_store

    store = open_store(args.store)
    count = 0
    for stored in store.all_records(submitted_only=True):
        r = stored.record
        if args.uln and r.apprentice.uln != args.uln:
            continue
        for a in store.appeals(stored.id):
            if args.open and not a.open:
                continue
            count += 1
            print(
                f"  {r.apprentice.uln}  {r.method:<24} {r.attempt:<7} {a.kind} {a.number:<3} "
                f"{a.status:<12} lodged {a.lodged_on} by the {a.appellant_role}"
                + (f"; handled by {a.handler}" if a.handler else "")
            )
            if a.flag:
                print(f"      flagged: {a.flag}")
    print(f"{count} appeals and enquiries" + (" open" if args.open else ""))
    return 0


def cmd_release(args) -> int:
    from epa_kernel.iqa.release import release_results
    from epa_kernel.iqa.sampling_plan import read_plan
    from epa_kernel.store.store import open_store

    picks, policy = read_plan(args.sample)
    decisions = release_results(open_store(args.store), picks, policy, by=args.by)
    for d in decisions:
        print(f"  {d.uln}  {d.state:<16} {d.why}")
    n = {s: sum(d.state == s for d in decisions) for s in ("released", "already released", "held")}
    print(
        f"{n['released']} apprentices released now; {n['already released']} already released; "
        f"{n['held']} held"
    )
    return 0


def cmd_certificates(args) -> int:
    from epa_kernel.exports.certificates import claims_to_record, to_csv
    from epa_kernel.files import write_atomic

    if (args.run is None) == (args.store is None):
        raise InputError("give a run folder DIR or --store URL (one of them)", field="DIR")
    if args.run is not None:
        from epa_kernel.iqa.run_claims import record_run_claims, run_claim_batch
        from epa_kernel.iqa.sampling_plan import read_plan

        if args.sample is None:
            raise InputError(
                "a run folder's results are released by its IQA plan: give --sample PLAN "
                "(epa iqa sample DIR --out PLAN)",
                field="--sample",
            )
        rows, refused = run_claim_batch(args.run, *read_plan(args.sample))
    else:
        from epa_kernel.exports.certificates import claim_batch
        from epa_kernel.store.store import open_store

        store = open_store(args.store)
        rows, refused = claim_batch(store)
    # The refusals are part of the report (stdout, like IQA's), not errors: stderr reaches logs,
    # which must hold no ULN.
    for r in refused:
        print(f"refused {r.uln}: {r.reason}")
    # The file first, then the claims: a failure between them leaves results unclaimed (claimed
    # again next time, which the service refuses as a duplicate), never claimed but in no file.
    write_atomic(args.out, to_csv(rows))
    if args.run is not None:
        record_run_claims(args.run, rows, file=args.out.name)
    else:
        store.record_claims(claims_to_record(rows), file=args.out.name)
    print(f"wrote {len(rows)} certificate claims to {args.out}; {len(refused)} refused")
    return 1 if refused else 0


def register(sub) -> None:
    appeal = sub.add_parser("appeal", help="appeals and enquiries about results")
    a_sub = appeal.add_subparsers(dest="appeal_command", required=True, metavar="APPEAL_COMMAND")
    p = a_sub.add_parser("lodge", help="lodge an appeal or enquiry against a stored decision")
    add_attempt_arguments(p, method_help="the method id of the appealed decision")
    p.add_argument("--kind", choices=["appeal", "enquiry"], default="appeal")
    p.add_argument("--appellant", required=True, metavar="NAME", help="who lodged it")
    p.add_argument("--role", choices=["apprentice", "employer", "provider"], default="apprentice")
    p.add_argument("--lodged-on", type=iso_date, required=True, metavar="DATE")
    p.add_argument(
        "--notified-on",
        type=iso_date,
        required=True,
        metavar="DATE",
        help="when the result was notified: the appeal window is counted from it",
    )
    p.add_argument("--grounds", required=True, metavar="TEXT")
    p.add_argument("--by", required=True, metavar="NAME", help="who records it")
    p.add_argument("--config", metavar="FILE.toml", help=CONFIG_HELP)
    p.set_defaults(func=cmd_appeal_lodge)

    p = a_sub.add_parser("resolve", help="move an appeal on: under review, upheld, rejected...")
    add_attempt_arguments(p, method_help="the method id of the appealed decision")
    p.add_argument("--number", type=positive_int, required=True, help="the appeal's number")
    p.add_argument(
        "--status", required=True, choices=["under_review", "upheld", "rejected", "withdrawn"]
    )
    p.add_argument("--outcome", default="", metavar="TEXT", help="what was decided, and why")
    p.add_argument("--by", required=True, metavar="NAME", help="the handler")
    p.set_defaults(func=cmd_appeal_resolve)

    p = a_sub.add_parser("list", help="the appeals and enquiries in the store")
    p.add_argument("uln", metavar="ULN", nargs="?", help="only this apprentice's")
    p.add_argument("--open", action="store_true", help="only those lodged or under review")
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.set_defaults(func=cmd_appeal_list)

    p = sub.add_parser("release", help="release results that QA and appeals allow")
    p.add_argument("--sample", type=Path, required=True, help="the plan (epa iqa sample --out)")
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--by", default="epa release", metavar="NAME", help="who releases them")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("certificates", help="the certificate claim batch of released results")
    p.add_argument("run", metavar="DIR", nargs="?", type=Path, help="a run folder (epa run --out)")
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument(
        "--sample", type=Path, metavar="PLAN", help="with DIR: the IQA plan that releases results"
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE.csv")
    p.set_defaults(func=cmd_certificates)
