"""Argument types and options shared by several ``epa`` commands, and JSON printing.

An argument type raises ``argparse.ArgumentTypeError``, so a bad value is refused by argparse
itself (usage line, exit status 2) before any command runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from datetime import date

STORE_HELP = "default: EPA_STORE_URL, else outputs/epa.sqlite"


def print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def export_formats(text: str) -> tuple[str, ...]:
    """``--format``: a comma-separated list of the exports room's formats, or ``none``."""
    from epa_kernel.errors import InputError
    from epa_kernel.exports.render import parse_formats

    try:
        return parse_formats(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def add_format_option(p: argparse.ArgumentParser, default: str = "html") -> None:
    from epa_kernel.exports.render import FORMATS

    p.add_argument(
        "--format",
        type=export_formats,
        default=export_formats(default),
        metavar="FORMATS",
        help=f"records and statements to write: {', '.join(FORMATS)}, "
        f"{','.join(FORMATS)} or none (default: {default})",
    )


def add_export_options(p: argparse.ArgumentParser, default: str = "html") -> None:
    add_format_option(p, default)
    p.add_argument(
        "--organisation",
        metavar="NAME",
        default=os.environ.get("EPA_ORGANISATION"),
        help="the end-point assessment organisation named on statements of results "
        "(default: EPA_ORGANISATION)",
    )


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def attempt_key_option(text: str) -> str:
    """``--attempt``: an attempt as the store names it (``core.vocabulary.attempt_key``): its
    kind, with the sitting after a resit or retake from the second on (``resit2``)."""
    from typing import get_args

    from epa_kernel.core.values import Attempt

    kinds = get_args(Attempt)
    again = "|".join(a for a in kinds if a != "first")
    if not re.fullmatch(rf"first|({again})([2-9]|[1-9][0-9])?", text):
        raise argparse.ArgumentTypeError(
            f"{text!r}: give {', '.join(kinds[:-1])} or {kinds[-1]}, with the sitting after it "
            "from the second on (resit2)"
        )
    return text


def add_attempt_arguments(p, *, method_help: str) -> None:
    """``ULN METHOD [--attempt KEY] [--store URL]``: one attempt of an apprentice's method."""
    p.add_argument("uln", metavar="ULN")
    p.add_argument("method", metavar="METHOD", help=method_help)
    p.add_argument(
        "--attempt",
        default="first",
        type=attempt_key_option,
        help="first (default), resit, retake; resit2 for a second resit...",
    )
    p.add_argument("--store", metavar="URL", help=STORE_HELP)


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def share(text: str) -> float:
    """A share between 0 and 1 (``--rate``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def add_executor_options(p: argparse.ArgumentParser) -> None:
    """``--executor``/``--scheduler``/``--workers``: where notebooks run (epa run, iqa verify)."""
    from epa_kernel.batch.executors import EXECUTORS

    p.add_argument("--workers", type=positive_int, default=None, help="default: all cores")
    p.add_argument(
        "--executor",
        choices=list(EXECUTORS),
        default="local",
        help="where notebooks run: local processes (default) or a Dask cluster",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask)",
    )


def make_executor_from(args):
    """The executor the command's ``--executor``/``--scheduler``/``--workers`` name."""
    from epa_kernel.batch.executors import make_executor

    return make_executor(args.executor, workers=args.workers, scheduler=args.scheduler)
