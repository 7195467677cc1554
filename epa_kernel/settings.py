"""The organisation's settings: what the delivering EPAO decides, not the standards' documents.

One TOML file, found in this order: the path given (``epa ... --config FILE``), the environment
variable ``EPA_CONFIG``, then ``epa.toml`` in the current folder. With none there are no
settings, and every rule that needs one says so instead of assuming a value. Its tables
(README, "Organisation settings")::

    [appeals]
    window_working_days = 15
    policy_source = "Our EPA Appeals Policy v3, 2.1: 'within 15 working days of the result'"

    [bookings]
    travel_minutes = 30   # kept free between two of one assessor's bookings (default 0)

    [service]   # the assessment service: read by epa_kernel.submit.settings
    sandbox_url = "..."

    [smtp]      # confirmations by e-mail: read by epa_kernel.exports.mail_settings
    host = "smtp.example.org"

``window_working_days`` is the last working day after the result notification an appeal or
enquiry may be lodged (Monday to Friday, bank holidays in England not counted);
``policy_source`` names the policy it comes from and is quoted when an appeal is refused. Both
are given, or neither. Anything else in the file is bad input naming the file and the field.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from epa_kernel.errors import InputError

ENV = "EPA_CONFIG"
DEFAULT_FILE = "epa.toml"
#: Each table and its settings; None: the table's own reader checks them (``service``:
#: :func:`epa_kernel.submit.settings.service_settings`; ``smtp``:
#: :func:`epa_kernel.exports.mail_settings.smtp_settings`).
TABLES: dict[str, tuple[str, ...] | None] = {
    "appeals": ("window_working_days", "policy_source"),
    "bookings": ("travel_minutes",),
    "service": None,
    "smtp": None,
}
MAX_WINDOW = 260  # a year of working days
MAX_TRAVEL = 24 * 60


@dataclass(frozen=True)
class AppealPolicy:
    """The organisation's appeal window: ``window_working_days`` after the result notification,
    from the policy ``policy_source`` names; ``file`` is where it was set."""

    window_working_days: int
    policy_source: str
    file: str


@dataclass(frozen=True)
class Settings:
    file: str | None  # None: no settings file
    appeals: AppealPolicy | None = None
    travel_minutes: int = 0  # [bookings]: kept free between two of one assessor's bookings


def settings_path(path: str | Path | None = None) -> Path | None:
    """The settings file to read: ``path``, else ``EPA_CONFIG``, else ``./epa.toml`` when it
    exists; None when there is none. A file named but missing is bad input."""
    named = path or os.environ.get(ENV)
    if named:
        found = Path(named)
        if not found.is_file():
            how = "--config" if path else ENV
            raise InputError(f"no settings file here (given by {how})", file=str(found))
        return found
    default = Path.cwd() / DEFAULT_FILE
    return default if default.is_file() else None


def read_settings(path: str | Path | None = None) -> Settings:
    """The organisation's settings (see the module's text); bad input names file and field."""
    file, tables = settings_tables(path)
    travel = _travel(tables.get("bookings") or {}, file)
    return Settings(file=file, appeals=_appeals(tables.get("appeals"), file), travel_minutes=travel)


def _travel(table: dict, file: str) -> int:
    minutes = table.get("travel_minutes", 0)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_TRAVEL:
        raise InputError(
            f"a whole number of minutes from 0 to {MAX_TRAVEL}, got {minutes!r}",
            file=file,
            field="bookings.travel_minutes",
        )
    return minutes


def settings_tables(path: str | Path | None = None) -> tuple[str | None, dict]:
    """The settings file (as :func:`settings_path` finds it) and its tables, each table and
    setting known; (None, {}) when there is no file."""
    found = settings_path(path)
    if found is None:
        return None, {}
    file = str(found)
    try:
        data = tomllib.loads(found.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text: save the settings as UTF-8", file=file) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=file) from None
    except OSError as exc:
        raise InputError(f"cannot read the settings: {exc.strerror}", file=file) from None
    return file, _tables(data, file)


def _tables(data: dict, file: str) -> dict:
    for key, value in data.items():
        if key not in TABLES or not isinstance(value, dict):
            raise InputError(
                f"not a settings table; allowed: {', '.join(f'[{t}]' for t in TABLES)}",
                file=file,
                field=key,
            )
        for inner in value:
            if TABLES[key] is not None and inner not in TABLES[key]:
                raise InputError(
                    f"not a setting of [{key}]; allowed: {', '.join(TABLES[key])}",
                    file=file,
                    field=f"{key}.{inner}",
                )
    return data


def _appeals(table: dict | None, file: str) -> AppealPolicy | None:
    if not table:
        return None
    days, source = table.get("window_working_days"), table.get("policy_source")
    if days is None or source is None:
        missing = "window_working_days" if days is None else "policy_source"
        raise InputError(
            "give both window_working_days and policy_source (the policy the window comes "
            "from), or neither (appeals are then never refused as late, only flagged)",
            file=file,
            field=f"appeals.{missing}",
        )
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_WINDOW:
        raise InputError(
            f"a whole number of working days from 1 to {MAX_WINDOW}, got {days!r}",
            file=file,
            field="appeals.window_working_days",
        )
    if not isinstance(source, str) or not source.strip() or len(source) > 2000:
        raise InputError(
            "the policy's name and words, as text of 1 to 2000 characters",
            file=file,
            field="appeals.policy_source",
        )
    return AppealPolicy(days, source.strip(), file)
