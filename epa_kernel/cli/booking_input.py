"""What the booking commands read from their arguments: a slot's time, the options a
subcommand needs, the organisation's settings (``[bookings] travel_minutes``)."""

from __future__ import annotations

import re
from datetime import time

from epa_kernel.errors import InputError


def slot_time(text: str | None, field: str) -> time:
    if text is None or not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", text):
        raise InputError("give a time as HH:MM (24 hours), e.g. 09:30", field=field)
    return time.fromisoformat(text)


def need(args, *names: str) -> None:
    for name in names:
        if getattr(args, name.lstrip("-").replace("-", "_"), None) is None:
            raise InputError("required here", field=name)


def organisation_settings(args):
    from epa_kernel.settings import read_settings

    return read_settings(args.config)
