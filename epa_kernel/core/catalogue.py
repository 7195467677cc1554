"""Loading the kit's standards: each YAML file validated into a :class:`Standard`, once per
process, and looked up by code and version.

Errors name the file and the path inside it, and a standard or version that is not held is
refused with the ones that are, so a typo in a record or a command line is fixed at once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import ValidationError

from epa_kernel.core.method_spec import Method
from epa_kernel.core.spec import Standard
from epa_kernel.errors import InputError, from_validation_error
from epa_kernel.files import read_yaml
from epa_kernel.paths import STANDARDS_DIR


def load_standard(path: str | Path) -> Standard:
    """Load and validate one standard file; errors name the file and the path inside it."""
    path = Path(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("expected a mapping at the top level", file=str(path))
    try:
        return Standard.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, file=str(path)) from None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@cache
def catalogue(folder: Path = STANDARDS_DIR) -> dict[tuple[str, str], Standard]:
    """Every standard version in ``folder``, keyed by (standard, version).

    Loaded once per process: standards are read-only data and grading 100,000 records must not
    re-read them.
    """
    found: dict[tuple[str, str], Standard] = {}
    for path in sorted(folder.glob("*.yaml")):
        std = load_standard(path)
        expected = f"{std.standard.lower()}_v{std.version}.yaml"
        if path.name != expected:
            raise InputError(f"file name should be {expected} for {std.key}", file=str(path))
        found[(std.standard, std.version)] = std
    return found


def versions(standard: str, folder: Path = STANDARDS_DIR) -> list[str]:
    """The versions held for ``standard``, oldest first."""
    return sorted((v for s, v in catalogue(folder) if s == standard), key=_version_key)


def get_standard(
    standard: str, version: str | None = None, folder: Path = STANDARDS_DIR
) -> Standard:
    """The standard's given version, or its latest when ``version`` is None."""
    known = sorted({s for s, _ in catalogue(folder)})
    if standard not in known:
        raise InputError(
            f"unknown standard {standard!r}; known: {', '.join(known)}", field="standard"
        )
    held = versions(standard, folder)
    chosen = version if version is not None else held[-1]
    if chosen not in held:
        raise InputError(
            f"{standard} has no version {chosen!r}; known: {', '.join(held)}", field="version"
        )
    return catalogue(folder)[(standard, chosen)]


def method_of(standard: Standard, method_id: str) -> Method:
    """``standard``'s method ``method_id``; an InputError naming the allowed ones otherwise."""
    method = standard.method(method_id)
    if method is None:
        allowed = ", ".join(m.id for m in standard.methods)
        raise InputError(
            f"{standard.key} has no method {method_id!r}; allowed: {allowed}", field="method"
        )
    return method
