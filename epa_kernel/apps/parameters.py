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


def off_the_hub() -> bool:
    """Whether a notebook fed by these parameters may run here: always off a hub (a batch run,
    a trainer's laptop). On a hub it would read record files and show a record outside the
    signed-in user's :class:`~epa_kernel.store.access.Access`, so the page says it is not served
    there and the notebook reads nothing: ``result = off_the_hub() and show_...(...)``."""
    from epa_kernel.apps.signed_in import page_allowed

    return page_allowed(())
