"""The ``epa hub``, ``epa users`` and ``epa assign`` commands: JupyterHub for a team, who may do
what, and which assessor assesses whom."""

from __future__ import annotations

from pathlib import Path

from epa_kernel.cli.options import STORE_HELP, add_attempt_arguments, positive_int


def cmd_hub(args) -> int:
    from epa_kernel.apps.hub import hub

    return hub(
        port=args.port,
        host=args.host,
        allow_remote=args.allow_remote,
        state=args.state,
        store_url=args.store,
        iqa_sample=args.iqa_sample,
        config=args.config,
    )


def cmd_users(args) -> int:
    from epa_kernel.core.vocabulary import ROLES
    from epa_kernel.store.store import open_store
    from epa_kernel.store.users import list_users, remove_user, set_user

    store = open_store(args.store)
    try:
        if args.action == "add":
            new = set_user(store, args.name, args.role, args.assessor)
            print(f"{'added' if new else 'changed'} {args.name}: {args.role} ({ROLES[args.role]})")
            if new:
                print_signup_code(store, args.name)
        elif args.action == "code":
            print_signup_code(store, args.name)
        elif args.action == "remove":
            remove_user(store, args.name)
            print(f"removed {args.name}: they can no longer sign in to the hub or open its apps")
        else:
            for user in list_users(store):
                shown = f" as {user.assessor}" if user.assessor else ""
                print(f"{user.name}\t{user.role}{shown}")
    finally:
        store.close()
    return 0


def print_signup_code(store, name: str) -> None:
    """A new one-time sign-up code for ``name``, shown here once: it is stored only as a hash
    and written to no log."""
    from epa_kernel.store.user_codes import code_expires, issue_signup_code

    code = issue_signup_code(store, name)
    until = code_expires(store, name)
    print(
        f"sign-up code for {name}: {code} (give it to them in person; it works once, "
        f"until {until:%Y-%m-%d %H:%M} UTC)"
    )


def cmd_assign(args) -> int:
    from datetime import date

    from epa_kernel.core.uln import uln_is_valid
    from epa_kernel.errors import InputError
    from epa_kernel.store.allocation import unended_conflict
    from epa_kernel.store.store import open_store

    if not uln_is_valid(args.uln):
        raise InputError("not a valid ULN (10 digits with a valid check digit)", field="ULN")
    store = open_store(args.store)
    try:
        conflicted = unended_conflict(store, args.uln, args.assessor, date.today())
        if conflicted:  # independence: never overridden (epa_kernel.core.allocation)
            raise InputError(f"refused: {conflicted}; not independent", field="independence")
        store.reassign(args.uln, args.method, args.assessor, args.attempt)
    finally:
        store.close()
    print(f"assigned the apprentice's {args.method} ({args.attempt}) to {args.assessor}")
    return 0


def register(sub) -> None:
    from epa_kernel.apps.hub import DEFAULT_STATE
    from epa_kernel.core.vocabulary import ROLES

    p = sub.add_parser("hub", help="serve the apps to a team: JupyterHub with sign-in")
    p.add_argument(
        "--port", type=positive_int, default=8000, help="default: 8000 (and the 2 above)"
    )
    p.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    p.add_argument(
        "--allow-remote", action="store_true", help="allow a non-loopback --host (behind TLS)"
    )
    p.add_argument(
        "--state",
        type=Path,
        default=DEFAULT_STATE,
        metavar="DIR",
        help=f"the hub's database, secrets and users' homes (default: {DEFAULT_STATE})",
    )
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument(
        "--iqa-sample",
        type=Path,
        metavar="PLAN",
        help="a sampling plan (epa iqa sample --out): IQA opens only the records it picked",
    )
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="your own JupyterHub settings (OAuth, TLS), loaded after the kit's",
    )
    p.set_defaults(func=cmd_hub)

    p = sub.add_parser("users", help="who may sign in to the hub and with which role")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", help="add a user (printing their one-time sign-up code) or change their role"
    )
    add.add_argument("name", metavar="NAME", help="their sign-in name on the hub")
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument(
        "--assessor", metavar="FULL NAME", help="an assessor's name as their records carry it"
    )
    code = actions.add_parser(
        "code", help="a new one-time sign-up code for a user (the old one stops working)"
    )
    code.add_argument("name", metavar="NAME")
    remove = actions.add_parser("remove", help="withdraw a user's role")
    remove.add_argument("name", metavar="NAME")
    listing = actions.add_parser("list", help="every user and role")
    for q in (add, code, remove, listing):
        q.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("assign", help="give an apprentice's method attempt to another assessor")
    add_attempt_arguments(p, method_help="e.g. practical_observation")
    p.add_argument("--assessor", required=True, metavar="FULL NAME")
    p.set_defaults(func=cmd_assign)
