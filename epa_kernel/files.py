"""Reading and writing the kit's files strictly and safely.

JSON and YAML parsers silently keep the last of two equal keys; in a judgement record or a
standard that hides a mistake, so both readers here refuse duplicates. Every failure becomes an
:class:`~epa_kernel.errors.InputError` naming the file (and line where the parser knows it).
Writes go to a temporary file in the same folder and are renamed into place, so a crash never
leaves a half-written file where a finished one was expected.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from epa_kernel.errors import InputError

MAX_BYTES = 5 * 1024 * 1024  # a record or standard is a few KB; refuse to parse a runaway file


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"file is {size:,} bytes; at most {MAX_BYTES:,} allowed", file=str(path)
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, expected a file", file=str(path)) from None
    except PermissionError:
        raise InputError("cannot be read (permission denied)", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 text (byte {exc.start})", file=str(path)) from None


def _no_duplicate_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def parse_json(text: str, *, file: str) -> Any:
    """Parse JSON text, refusing duplicate keys; errors name ``file`` and the line."""
    if not text.strip():
        raise InputError("file is empty; expected a JSON object", file=file)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_pairs)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=file
        ) from None
    except ValueError as exc:  # duplicate key, or a number too large to convert
        raise InputError(f"not valid JSON: {exc}", file=file) from None
    except RecursionError:  # e.g. [[[[...]]]] thousands deep: the parser recurses per level
        raise InputError("not valid JSON: nested too deeply to be a record", file=file) from None


def read_json(path: str | os.PathLike) -> Any:
    path = Path(path)
    return parse_json(_read_text(path), file=str(path))


class _NoDuplicateKeys:
    """Refuses duplicate mapping keys (a SafeLoader would silently keep the last one)."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # a mapping or list as a key (`? {a: 1}`): unhashable, never valid
                raise yaml.constructor.ConstructorError(
                    None, None, f"a key cannot be a {type(key).__name__}", key_node.start_mark
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _StrictLoader(_NoDuplicateKeys, yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys."""


# libyaml's parser is about ten times faster than PyYAML's; construction (and the duplicate-key
# check) is the same Python code. Every kernel of a batch run loads the standards, so this is
# 0.15 s of each notebook. Errors are reported by the pure-Python loader, whose messages and
# positions are the ones users see documented.
_FastStrictLoader = (
    type("_FastStrictLoader", (_NoDuplicateKeys, yaml.CSafeLoader), {})
    if getattr(yaml, "__with_libyaml__", False)
    else _StrictLoader
)


def read_yaml(path: str | os.PathLike) -> Any:
    path = Path(path)
    text = _read_text(path)
    if not text.strip():
        raise InputError("file is empty", file=str(path))
    try:
        try:
            return yaml.load(text, Loader=_FastStrictLoader)  # noqa: S506 - SafeLoader-based
        except yaml.YAMLError:
            return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - the same, to report it
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not valid YAML: {problem}{where}", file=str(path)) from None
    except RecursionError:  # e.g. [[[[...]]]] thousands deep: the parser recurses per level
        raise InputError("not valid YAML: nested too deeply", file=str(path)) from None


def private_folder(path: str | os.PathLike) -> Path:
    """``path`` as a folder, created 0700 with any missing parents when it is missing: what the
    kit writes (records, executed notebooks, exports, the store) is personal data. A folder that
    already exists keeps its mode: it is the user's own."""
    path = Path(path)
    missing, folder = [], path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile by another process
            pass
    return path


def write_atomic(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new one, never half.

    The temporary file lives in the target folder so the final rename stays on one file system,
    and it is flushed to disk before the rename so a power cut cannot leave an empty file behind.
    The file is private (0600, from :func:`tempfile.mkstemp`, whatever the old file's mode), in
    folders the kit creates private (:func:`private_folder`).
    """
    path = Path(path)
    private_folder(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
