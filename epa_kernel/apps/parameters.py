"""Notebook parameters given inline or as a file.

A batch run passes a record inline, so the executed notebook holds its own evidence; a person
opening a notebook passes a file name (an example, or their own record) instead.
"""

from __future__ import annotations

from epa_kernel.files import read_json


def inline_or_file(value: dict | None, file: str = "") -> dict | None:
    """One JSON parameter: ``value`` when given, else the contents of ``file`` (None if empty)."""
    if value is not None or not file:
        return value
    return read_json(file)


def inline_or_files(values: list[dict] | None, files: list[str] = ()) -> list[dict]:
    """A list parameter: ``values`` when given, else the contents of each of ``files``."""
    if values is not None:
        return values
    return [read_json(path) for path in files]
