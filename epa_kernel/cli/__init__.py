"""The ``epa`` command: build the parser from the command modules, dispatch, map errors to exits.

The commands live one module per room (standards, batch, store, iqa, apps) and one for the
EPA lifecycle (``epa status``); each parses its arguments, calls the kit and prints, with no
logic of its own. Every failure a person can meet
is turned into an exit status here, in one place: bad input is one line on stderr naming the
file, the field and what is allowed, exit status 2; a store or a system that failed under the
kit is one line, exit status 3; something the user's role does not allow is one line, exit
status 4 — never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from epa_kernel import __version__
from epa_kernel.cli import (
    appeals,
    apps,
    assessors,
    batch,
    bookings,
    calendar,
    confirm,
    demo,
    hub,
    iqa,
    lifecycle,
    outbox,
    returns,
    standards,
    store,
    submit,
)
from epa_kernel.errors import AccessError, InputError, StoreError

EXIT_BAD_INPUT = 2
EXIT_SYSTEM = 3  # a read or write the system refused (disk full, permissions), or the store failed
EXIT_DENIED = 4  # the signed-in user's role does not allow it
EXIT_INTERRUPTED = 130
COMMAND_MODULES = (
    standards,
    batch,
    demo,
    store,
    apps,
    hub,
    iqa,
    lifecycle,
    appeals,
    bookings,
    calendar,
    confirm,
    outbox,
    assessors,
    returns,
    submit,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="epa", description="Apprenticeship end-point assessment: standards, grading, records."
    )
    parser.add_argument("--version", action="version", version=f"epa {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def store_failed(message: str) -> int:
    """Say the store failed (with no statement, parameters or ULNs) and that nothing is lost."""
    from epa_kernel.core.uln import redact_ulns

    print(
        f"epa: the store failed: {redact_ulns(message)}. Each save is one transaction, so "
        "nothing was half-written; if the database file is damaged, restore it from a "
        "backup",
        file=sys.stderr,
    )
    return EXIT_SYSTEM


#: the extra that installs each optional module (pyproject.toml's optional dependencies)
EXTRAS = {
    "psycopg": "postgres",
    "dask": "dask",
    "distributed": "dask",
    "jupyterhub": "hub",
    "nativeauthenticator": "hub",
}


def missing_module(name: str) -> str:
    """One line for a module the command needs and the environment lacks, naming the extra."""
    extra = EXTRAS.get(name.split(".")[0])
    if extra:
        return (
            f"{name} is not installed; install the kit's {extra} extra: "
            f"pip install 'epa-kernel[{extra}]'"
        )
    return f"{name} is not installed; reinstall the kit (pip install epa-kernel) to get it"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:  # with ConflictError and LockedError: the person can act on it
        print(f"epa: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except AccessError as exc:
        print(f"epa: refused: {exc}", file=sys.stderr)
        return EXIT_DENIED
    except StoreError as exc:
        return store_failed(str(exc))
    except KeyboardInterrupt:
        print("epa: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ModuleNotFoundError as exc:  # an optional part that was not installed: never a traceback
        print(f"epa: {missing_module(exc.name or '')}", file=sys.stderr)
        return EXIT_BAD_INPUT
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
        # Until every store path raises StoreError: e.g. a damaged SQLite file ("database disk
        # image is malformed") or a server gone. Only the driver's own message: SQLAlchemy's
        # text repeats the statement and its parameters, which hold names and ULNs.
        return store_failed(" ".join(str(getattr(exc, "orig", None) or type(exc).__name__).split()))
