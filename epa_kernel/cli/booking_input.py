"""What the booking commands read from their arguments (a slot's time, the options a
subcommand needs, the organisation's settings: ``[bookings] travel_minutes``, the standard, a
booking's id) and how they print a booking with its findings."""

from __future__ import annotations

import re
from datetime import time

from epa_kernel.cli.options import print_json
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


def standard_for(store, args, uln: str):
    from epa_kernel.core.catalogue import get_standard
    from epa_kernel.store.bookings import apprentice_standard

    if args.standard:
        code, _, version = args.standard.partition(":")
        return get_standard(code, version or None)
    found = apprentice_standard(store, uln)
    if found is None:
        raise InputError(
            "the store names no standard for this ULN: give CODE:VERSION", field="--standard"
        )
    return get_standard(*found)


def print_booking(booking, findings, args) -> None:
    if args.json:
        print_json(
            {
                "booking": booking.model_dump(mode="json"),
                "findings": [f.model_dump() for f in findings],
            }
        )
        return
    print(f"booking {booking.id}: {booking.describe()}")
    for f in findings:
        print(f"  {f.level}: {f.reason} [{f.rule}]")


def booking_id(args) -> int:
    if args.second is None or not args.second.isdigit():
        raise InputError(
            "give the booking's id (a whole number: epa bookings lists them)", field="ID"
        )
    return int(args.second)
