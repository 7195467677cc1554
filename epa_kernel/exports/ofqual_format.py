"""The Ofqual EPA outcomes return's file format, read from its data file, and the checker.

The format is data (``ofqual_return.yaml`` beside this module: each column's name, position,
type, pattern or allowed values, whether "-2" is accepted, where it comes from and how sure that
is); :mod:`epa_kernel.exports.ofqual_return` writes by it and :func:`check_text` validates a
produced file against it, listing every problem with its row and column. The checker never
repeats a value it found, only what is wrong with it and what is allowed: a file given to it by
mistake may hold names.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from epa_kernel.errors import InputError
from epa_kernel.files import read_yaml

FORMAT_FILE = Path(__file__).with_name("ofqual_return.yaml")
TYPES = ("date", "text", "code", "choice")


@dataclass(frozen=True)
class Column:
    name: str
    position: int
    type: str
    pattern: str | None
    values: tuple[str, ...]
    not_available: bool
    verified: str
    methods: dict[str, str]


@dataclass(frozen=True)
class Format:
    title: str
    sources: tuple[dict, ...]
    not_available: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def caveat(self) -> str:
        """What of the format is not Ofqual's published table (said wherever a file is
        written or checked by it, so nothing claims more than was verified)."""
        guessed = [c.name for c in self.columns if c.verified == "name only"]
        standins = [c.name for c in self.columns if c.verified == "no"]
        parts = []
        if guessed:
            parts.append(f"the rules of {', '.join(guessed)} are the kit's guess")
        if standins:
            parts.append(
                f"{', '.join(standins)} are the kit's stand-ins for columns of Ofqual's table "
                "that could not be read: check them against the published file format "
                "before sending"
            )
        return "; ".join(parts)


@dataclass(frozen=True)
class Problem:
    row: int  # the file's line: 1 is the header
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


def _column(data: dict, index: int) -> Column:
    where = f"columns[{index}]"
    if data.get("type") not in TYPES:
        raise InputError(
            f"type must be one of {', '.join(TYPES)}", file=str(FORMAT_FILE), field=where
        )
    if data.get("position") != index + 1:
        raise InputError(f"position must be {index + 1}", file=str(FORMAT_FILE), field=where)
    if (data["type"] == "choice") != bool(data.get("values")):
        raise InputError(
            "values belong to a choice, and only to one", file=str(FORMAT_FILE), field=where
        )
    if data["type"] != "choice" and not data.get("pattern"):
        raise InputError("a pattern is needed", file=str(FORMAT_FILE), field=where)
    return Column(
        name=data["name"],
        position=data["position"],
        type=data["type"],
        pattern=data.get("pattern"),
        values=tuple(data.get("values") or ()),
        not_available=bool(data.get("not_available", False)),
        verified=data["verified"],
        methods=dict(data.get("methods") or {}),
    )


@cache
def ofqual_format() -> Format:
    """The format as the data file gives it, checked for what the writer and checker rely on."""
    data = read_yaml(FORMAT_FILE)
    return Format(
        title=data["title"],
        sources=tuple(data["sources"]),
        not_available=str(data["not_available"]),
        columns=tuple(_column(c, i) for i, c in enumerate(data["columns"])),
    )


def value_problem(column: Column, value: str, not_available: str) -> str | None:
    """What is wrong with ``value`` in ``column``, or None when it fits."""
    if value == not_available:
        return None if column.not_available else f"{not_available} is not accepted here"
    if column.type == "choice":
        return None if value in column.values else f"not one of {', '.join(column.values)}"
    if not re.fullmatch(column.pattern, value):
        what = "a date (yyyy-mm-dd)" if column.type == "date" else column.pattern
        return f"does not match {what}"
    if column.type == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "not a day of the calendar"
    return None


def _header_problems(header: list[str], fmt: Format) -> list[Problem]:
    problems = [Problem(1, n, "missing from the header") for n in fmt.names if n not in header]
    problems += [Problem(1, n, "not a column of the format") for n in header if n not in fmt.names]
    if not problems and tuple(header) != fmt.names:
        wrong = [h for h, n in zip(header, fmt.names, strict=True) if h != n]
        problems = [
            Problem(1, n, f"in position {header.index(n) + 1}; the format has it in "
                    f"{fmt.column(n).position}")
            for n in wrong
        ]  # fmt: skip
    return problems


def check_text(text: str, fmt: Format | None = None) -> list[Problem]:
    """Every problem in the CSV ``text`` against the format, in file order: the header's
    columns (missing, unknown, out of order), each row's number of values, each value."""
    fmt = fmt or ofqual_format()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return [Problem(1, "(header)", "the file is empty; the header row is needed")]
    header = rows[0]
    problems = _header_problems(header, fmt)
    known = {i: fmt.column(n) for i, n in enumerate(header) if n in fmt.names}
    if len(rows) == 1:
        problems.append(Problem(1, "(rows)", "no rows after the header"))
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            problems.append(
                Problem(line, "(row)", f"has {len(row)} values; the header has {len(header)}")
            )
        for index, value in enumerate(row):
            column = known.get(index)
            if column is None:
                continue
            problem = value_problem(column, value, fmt.not_available)
            if problem:
                problems.append(Problem(line, column.name, problem))
    return problems


def check_file(path: str | Path) -> list[Problem]:
    """:func:`check_text` for the file at ``path``; InputError when it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=str(path), field="--check") from None
    except IsADirectoryError:
        raise InputError(
            "is a folder, expected a CSV file", file=str(path), field="--check"
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [Problem(1, "(file)", f"not UTF-8 text (byte {exc.start})")]
    return check_text(text)
