"""The ``epa assessors`` commands: the profiles a booking allocates assessors by.

``epa assessors add NAME``, ``list``, ``show NAME``; ``standards NAME ST0071 [ST0072:1.0...]``
(the standards they may assess, replacing the list), ``capacity NAME N`` (assessments a week;
``none`` for no limit), ``away NAME --from D --to D --reason TEXT``, ``conflict NAME
(--provider X | --employer Y) [--from D] [--to D]``; ``away|conflict NAME --remove N --reason
TEXT`` takes one back (a corrected declaration: the old one stays in the history). Each change
is a new version of the profile with who (``--by``) and when
(:mod:`epa_kernel.store.assessor_profiles`). Bad input is one line naming the field (exit 2),
nothing written.
"""

from __future__ import annotations

import getpass

from pydantic import ValidationError

from epa_kernel.cli.options import STORE_HELP, iso_date, positive_int, print_json
from epa_kernel.errors import InputError, from_validation_error


def _profile_lines(profile) -> list[str]:
    standards = ", ".join(profile.standards) or "none (approve with: epa assessors standards)"
    capacity = f"{profile.capacity} a week" if profile.capacity else "no limit set"
    lines = [profile.name, f"  standards: {standards}", f"  capacity: {capacity}"]
    lines += [
        f"  away {n}: {a.starts} to {a.ends} ({a.reason})" for n, a in _numbered(profile.away)
    ]
    lines += [f"  conflict {n}: {c.describe()}" for n, c in _numbered(profile.conflicts)]
    return lines


def _numbered(items):
    return enumerate(items, start=1)


def _removal(args):
    """Remove the ``--remove``-th day away or conflict (as ``show`` numbers them), with why."""
    if args.reason is None:
        raise InputError("say why it is removed (kept in the profile's history)", field="--reason")
    key, n = ("away" if args.action == "away" else "conflicts"), args.remove

    def change(profile):
        items = getattr(profile, key)
        if n > len(items):
            raise InputError(
                f"{len(items)} listed; epa assessors show NAME numbers them", field="--remove"
            )
        return profile.model_copy(update={key: items[: n - 1] + items[n:]})

    return change, f"{args.action} {n} removed: {args.reason}"


def _standards(codes: list[str]) -> tuple[str, ...]:
    from epa_kernel.core.catalogue import get_standard

    for code in codes:
        standard, _, version = code.partition(":")
        try:
            get_standard(standard, version or None)
        except InputError as exc:
            raise InputError(exc.message, field="STANDARD") from None
    return tuple(dict.fromkeys(codes))


def _capacity(text: str | None) -> int | None:
    if text is None or text == "none":
        return None
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise InputError("give a whole number of assessments a week, 1 to 100, or none", field="N")
    return int(text)


def _change(args):
    """The change the command makes to a profile, and its reason (validated before use)."""
    from epa_kernel.core.assessor_profile import Away, Link

    what = args.action
    if what == "standards":
        if not args.values:
            raise InputError(
                "give one or more standards, e.g. ST0071 or ST0071:1.1", field="STANDARD"
            )
        new = _standards(args.values)
        return (lambda p: p.model_copy(update={"standards": new})), f"standards: {', '.join(new)}"
    if what == "capacity":
        if len(args.values) != 1:
            raise InputError("give one number (or none)", field="N")
        n = _capacity(args.values[0])
        return (lambda p: p.model_copy(update={"capacity": n})), f"capacity: {n or 'no limit'}"
    if what in ("away", "conflict") and args.remove is not None:
        return _removal(args)
    if what == "away":
        for name in ("starts", "ends", "reason"):
            if getattr(args, name) is None:
                raise InputError(
                    "required here",
                    field={"starts": "--from", "ends": "--to"}.get(name, "--reason"),
                )
        away = _valid(Away, starts=args.starts, ends=args.ends, reason=args.reason)
        return (
            lambda p: p.model_copy(update={"away": (*p.away, away)})
        ), f"away {away.starts} to {away.ends}"
    if (args.provider is None) == (args.employer is None):
        raise InputError("give one of --provider or --employer", field="--provider/--employer")
    kind = "provider" if args.provider is not None else "employer"
    link = _valid(
        Link,
        kind=kind,
        organisation=args.provider or args.employer,
        starts=args.starts,
        ends=args.ends,
    )
    return (
        lambda p: p.model_copy(update={"conflicts": (*p.conflicts, link)})
    ), f"conflict declared: {kind}" + (f" ({args.reason})" if args.reason else "")


def _valid(model, **data):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = from_validation_error(exc)
        names = {"starts": "--from", "ends": "--to", "organisation": "--provider/--employer"}
        raise InputError(
            err.message, field=names.get(err.field or "", err.field or "--from/--to")
        ) from None


def cmd_assessors(args) -> int:
    from epa_kernel.store import assessor_profiles as profiles
    from epa_kernel.store.store import open_store

    if args.action == "list":
        found = profiles.all_profiles(open_store(args.store))
        if args.json:
            print_json([p.model_dump(mode="json") for p in found])
        for p in [] if args.json else found:
            print("\n".join(_profile_lines(p)))
        if not found and not args.json:
            print("no assessor profiles")
        return 0
    if args.name is None:
        raise InputError("give the assessor's name", field="NAME")
    if args.action == "show":
        return _show(open_store(args.store), args)
    if args.action == "add":
        store = open_store(args.store)
        made = profiles.add_assessor(store, store.clock, args.name, by=args.by)
    else:
        change, reason = _change(args)
        store = open_store(args.store)
        made = profiles.change_profile(
            store, store.clock, args.name, change, by=args.by, reason=reason
        )
    if args.json:
        print_json(made.model_dump(mode="json"))
    else:
        print("\n".join(_profile_lines(made)))
    return 0


def _show(store, args) -> int:
    from epa_kernel.store.assessor_profiles import profile_history

    history = profile_history(store, args.name)
    if not history:
        raise InputError("no profile for this assessor (epa assessors add NAME)", field="NAME")
    if args.json:
        print_json(
            {
                "profile": history[-1]["profile"].model_dump(mode="json"),
                "history": [{k: v for k, v in h.items() if k != "profile"} for h in history],
            }
        )
        return 0
    print("\n".join(_profile_lines(history[-1]["profile"])))
    for h in history:
        print(f"  v{h['version']} {h['at']} by {h['author']}: {h['reason']}")
    return 0


ACTIONS = ("add", "list", "show", "standards", "capacity", "away", "conflict")


def register(sub) -> None:
    p = sub.add_parser(
        "assessors",
        help="assessors' profiles: standards, capacity, days away, conflicts of interest",
    )
    p.add_argument("action", choices=ACTIONS)
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument(
        "values",
        nargs="*",
        metavar="STANDARD|N",
        help="standards: ST0071 or ST0071:1.1; capacity: N or none",
    )
    p.add_argument("--from", dest="starts", type=iso_date, metavar="DATE")
    p.add_argument("--to", dest="ends", type=iso_date, metavar="DATE")
    p.add_argument("--reason", metavar="TEXT", help="away: why (e.g. leave); --remove: why")
    p.add_argument(
        "--remove",
        type=positive_int,
        metavar="N",
        help="away, conflict: remove the N-th (as show numbers them), with --reason",
    )
    p.add_argument("--provider", metavar="NAME", help="conflict: a training provider")
    p.add_argument("--employer", metavar="NAME", help="conflict: an employer")
    p.add_argument(
        "--by", default=getpass.getuser(), metavar="NAME", help="who changes it (default: you)"
    )
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_assessors)
