"""The demo's planning meetings: its synthetic assessors given profiles, and its cohort booked
under the rules, as an EPAO's scheduler would have booked it at each apprentice's gateway.

``epa demo`` runs this after its round (:mod:`epa_kernel.iqa.demo_round`), on the demo's own
store. Each apprentice's planning meeting is booked for the first weekday after their gateway
and each stored attempt on the day it was assessed, with the attempt's assessor, through
:func:`epa_kernel.store.bookings.book` (the rules, the assessor's profile, no double booking).
What the rules refuse is reported, not forced. One assessor has declared a past link to one
apprentice's employer: their planning meeting with that assessor is refused (independence) and
booked with the first free assessor instead (:func:`epa_kernel.store.allocation.free_assessors`);
one assessment is rescheduled, its effect shown first (:mod:`epa_kernel.store.reschedule`).

Running the demo again finds the bookings already made and adds nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from epa_kernel.core.assessor_profile import Link
from epa_kernel.core.booking import PLANNING_MEETING, Booking
from epa_kernel.core.booking_rules import slot_bounds
from epa_kernel.core.catalogue import get_standard
from epa_kernel.errors import InputError
from epa_kernel.store import assessor_profiles as profiles
from epa_kernel.store.allocation import free_assessors
from epa_kernel.store.bookings import book, list_bookings, moved
from epa_kernel.store.people import assessor_names
from epa_kernel.store.reschedule import preview
from epa_kernel.store.store import Store

BY = "epa demo"
CAPACITY = 6
STARTS = (time(9), time(11), time(13, 30), time(15, 30))


def _next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _ends(starts: time, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 1), starts) + timedelta(minutes=minutes)).time()


def _minutes(standard, method: str | None) -> int:
    if method is None:
        meeting = standard.bookings.planning_meeting if standard.bookings else None
        return meeting.minutes if meeting and meeting.minutes else 30
    low = slot_bounds(standard, method)[0]
    return max(60, int(low))


def _profiles(store: Store) -> list[str]:
    """Every stored assessor approved for both standards, capacity ``CAPACITY`` a week."""
    names = assessor_names(store)
    for name in names:
        if profiles.get_profile(store, name) is None:
            profiles.add_assessor(store, store.clock, name, by=BY)
        profiles.change_profile(
            store,
            store.clock,
            name,
            lambda p: p.model_copy(
                update={"standards": ("ST0071", "ST0072"), "capacity": CAPACITY}
            ),
            by=BY,
            reason="demo: approved for ST0071 and ST0072",
        )
    return names


class _Planner:
    """Books one slot after another, trying the day's start times until the assessor is free."""

    def __init__(self, store: Store):
        self.store = store
        self.refused: Counter[str] = Counter()
        self.booked: list[Booking] = []

    def book(self, standard, data: dict, today: date, times=STARTS) -> Booking | None:
        minutes = _minutes(standard, data.get("method"))
        for starts in times:
            slot = Booking(**data, starts=starts, ends=_ends(starts, minutes))
            try:
                made, _ = book(self.store, self.store.clock, standard, slot, today=today, by=BY)
            except InputError as refused:
                if refused.field == "--from/--to":
                    continue  # the assessor is busy then: the next start time
                self.refused[refused.field or "refused"] += 1
                return None
            self.booked.append(made)
            return made
        self.refused["no free time that day"] += 1
        return None


def _base(uln: str, standard, assessor: str, n: int, method: str | None = None) -> dict:
    remote = method != "practical_observation"
    return {
        "kind": "assessment" if method else "planning_meeting",
        "uln": uln,
        "standard": standard.standard,
        "version": standard.version,
        "method": method,
        "mode": "remote" if remote else "face_to_face",
        "link": f"https://meet.example/epa-demo/{n}" if remote else None,
        "venue": None if remote else "the apprentice's workplace",
        "assessor": assessor,
    }


def demo_bookings(store: Store) -> list[str]:
    """Book the demo's cohort (see the module's text); the lines ``epa demo`` prints."""
    head = f"Bookings (store {store.where()}):"
    if list_bookings(store):
        live = sum(b.live for b in list_bookings(store))
        return [head, f"  already booked: {live} live booking(s); epa status --store lists them"]
    names = _profiles(store)
    attempts: dict[str, list] = {}
    for stored in store.all_records(submitted_only=True):
        attempts.setdefault(stored.record.apprentice.uln, []).append(stored.record)
    planner, lines = _Planner(store), [head]
    conflict = None
    for n, uln in enumerate(sorted(attempts)):
        records = sorted(attempts[uln], key=lambda r: (r.assessed_on or date.max, r.method))
        first = records[0]
        gateway = first.apprentice.gateway_date
        if gateway is None:
            continue
        standard = get_standard(first.standard, first.version)
        meeting_day = _next_weekday(gateway)
        if conflict is None and first.apprentice.employer:
            conflict = _conflict(store, planner, standard, first, meeting_day, names, n)
            lines += conflict
        else:
            data = _base(uln, standard, first.assessor, n) | {"on": meeting_day}
            planner.book(standard, data, today=gateway)
        for r in records:
            if r.assessed_on is None:
                continue
            data = _base(uln, standard, r.assessor, n, r.method)
            planner.book(
                standard, data | {"on": r.assessed_on, "attempt": r.attempt_key}, today=meeting_day
            )
    kinds = Counter(b.kind for b in planner.booked)
    refused = ", ".join(f"{k} {v}" for k, v in sorted(planner.refused.items())) or "none"
    lines.insert(
        1,
        f"  assessors' profiles: {', '.join(names)} (ST0071 and ST0072, {CAPACITY} a week); "
        f"{kinds['planning_meeting']} planning meetings and {kinds['assessment']} assessments "
        f"booked, each on the day it was held; refused by the rules: {refused}",
    )
    lines += _reschedule(store, planner)
    return lines


def _conflict(store, planner, standard, record, day: date, names, n: int) -> list[str]:
    """The apprentice's assessor declares a link to their employer that ended on ``day``: the
    planning meeting with them that day is refused, and booked with the first free assessor."""
    uln, assessor = record.apprentice.uln, record.assessor
    link = Link(
        kind="employer",
        organisation=record.apprentice.employer,
        starts=day - timedelta(days=730),
        ends=day,
    )
    profiles.change_profile(
        store,
        store.clock,
        assessor,
        lambda p: p.model_copy(update={"conflicts": (*p.conflicts, link)}),
        by=BY,
        reason="demo: a past employment declared",
    )
    data = _base(uln, standard, assessor, n) | {"on": day}
    slot = Booking(**data, starts=STARTS[0], ends=_ends(STARTS[0], _minutes(standard, None)))
    try:
        book(store, store.clock, standard, slot, today=day - timedelta(days=1), by=BY)
        refused = "booked (not refused: check the demo)"
    except InputError as exc:
        refused = f"refused [{exc.field}]: {exc.message.removeprefix('refused: ').split(' (')[0]}"
    code = f"{standard.standard}:{standard.version}"
    free = free_assessors(store, code, day, slot.starts, slot.ends, uln=uln)
    lines = [
        f"  conflict of interest: {assessor} declared {link.describe()}",
        f"    {PLANNING_MEETING} of {uln} on {day} with {assessor}: {refused}",
        "    free for that slot: "
        + (", ".join(f"{s.assessor} ({s.booked_this_week} that week)" for s in free) or "none"),
    ]
    if free:
        made = planner.book(standard, data | {"assessor": free[0].assessor}, today=day)
        if made is not None:
            lines.append(f"    booked with {made.assessor} instead: booking {made.id}")
    return lines


def _reschedule(store: Store, planner: _Planner) -> list[str]:
    """Move the first professional discussion that can move two days later; its effect first."""
    meetings = {b.uln: b.on for b in planner.booked if b.kind == "planning_meeting"}
    for old in [b for b in planner.booked if b.method == "professional_discussion"][:10]:
        standard = get_standard(old.standard, old.version)
        new = moved(store, old.id, _next_weekday(old.on + timedelta(days=1)), old.starts, old.ends)
        today = meetings.get(old.uln, old.on - timedelta(days=30))
        findings, window = preview(store, standard, new, today=today, moving=old.id)
        if any(f.level == "refusal" for f in findings):
            continue
        made, _ = book(store, store.clock, standard, new, today=today, by=BY, moving=old.id)
        return [
            f"  rescheduled: booking {old.id} ({old.words}, {old.uln}) from {old.on} to "
            f"{new.on}, shown first: {window}",
            f"    now booking {made.id}, rescheduled from {old.id} (cancelled)",
        ]
    return ["  rescheduled: none could move two days later under the rules"]
