"""The standard's rules checked when an assessment is booked: each a finding to refuse, to warn
or to inform, with its reason and its source quoted from the standard's file.

Pure: the standard, the booking, the apprentice's gateway date, their other bookings and
``today`` (the day the booking is made, never read from a clock here) are passed in. What is
checked, and where each rule's data lives:

- the window (``assessment_window``; a resit or retake: ``attempts.window``, counted as
  :func:`epa_kernel.core.lifecycle.window_for` counts it): outside it, or before the gateway,
  is a refusal; the planning meeting is refused before the gateway;
- each deadline counted *before* the assessment (``deadlines`` with ``before: assessment``: the
  observation's notice, the project report, the portfolio): already past on ``today`` is a
  refusal; otherwise the date it falls on, a warning (the apprentice's) or information (the
  EPAO's); gateway-counted deadlines of the method are information;
- the slot's length against the method's timed evidence facts (``duration_minutes`` and
  ``qa_minutes`` with fixed limits): shorter than the least is a refusal, longer than the most
  a warning; the planning meeting's ``minutes`` a warning;
- the rules in ``bookings.rules`` (:mod:`epa_kernel.core.booking_spec`): ``order`` and
  ``within_of_gateway`` warn, ``after_submission`` and ``request_before`` inform;
- the same attempt booked twice is a refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_spec import (
    AfterSubmission,
    Mode,
    Order,
    RequestBefore,
    WithinOfGateway,
)
from epa_kernel.core.lifecycle import window_for
from epa_kernel.core.model import Model
from epa_kernel.core.spec import Standard
from epa_kernel.core.vocabulary import attempt_parts, method_name
from epa_kernel.core.working_days import add_months, shift

Level = Literal["refusal", "warning", "information"]
TIMED = ("duration_minutes", "qa_minutes")


class Finding(Model):
    level: Level
    rule: str  # the rule's id, or the section of the standard it comes from
    reason: str
    source: str


def _when(b: Booking) -> datetime:
    return b.start_at(b.starts)


def _previous_attempt(booking: Booking, others: Sequence[Booking]) -> Booking | None:
    earlier = [
        o
        for o in others
        if o.live and o.method == booking.method and o.attempt != booking.attempt
        if _when(o) < _when(booking)
    ]
    return max(earlier, key=_when, default=None)


def booking_window(
    standard: Standard,
    booking: Booking,
    gateway: date,
    others: Sequence[Booking],
    notified_on: date | None = None,
):
    """The window the booked attempt falls in: its rule, what it is counted from and the day
    it opens (None: nothing to count it from yet); a resit counted from the attempt booked
    before it when no fail notification date is given."""
    kind, _ = attempt_parts(booking.attempt)
    previous = _previous_attempt(booking, others) if kind != "first" else None
    failed_on = previous.on if previous else None
    return window_for(standard, gateway, kind, failed_on, notified_on)


def window_findings(
    standard: Standard,
    booking: Booking,
    gateway: date,
    others: Sequence[Booking],
    notified_on: date | None = None,
) -> list[Finding]:
    """The booked day against its window (see the module's text)."""
    if booking.kind == "planning_meeting":
        meeting = standard.bookings.planning_meeting if standard.bookings else None
        source = meeting.source if meeting else standard.assessment_window.source
        if booking.on < gateway:
            why = f"the planning meeting on {booking.on} is before the gateway on {gateway}"
            return [Finding(level="refusal", rule="planning_meeting", reason=why, source=source)]
        return []
    kind, _ = attempt_parts(booking.attempt)
    window, anchor, start = booking_window(standard, booking, gateway, others, notified_on)
    what = f"{booking.words} on {booking.on}"
    rule = "assessment_window" if kind == "first" else "attempts.window"
    if booking.on < gateway:
        why = f"{what} is before the gateway on {gateway}"
        return [Finding(level="refusal", rule=rule, reason=why, source=window.source)]
    if start is None:
        why = f"{what}: its window cannot be counted yet ({anchor}; no earlier attempt booked)"
        return [Finding(level="warning", rule=rule, reason=why, source=window.source)]
    closes = add_months(start, window.months)
    if booking.on > closes:
        why = (
            f"{what} is outside the window: {window.months} months from {anchor} ended on {closes}"
        )
        return [Finding(level="refusal", rule=rule, reason=why, source=window.source)]
    return []


def deadline_findings(
    standard: Standard, booking: Booking, gateway: date, today: date
) -> list[Finding]:
    """The deadlines before the booked assessment, and the method's gateway-counted ones."""
    out = []
    for d in standard.deadlines:
        if booking.method is None or d.method not in (None, booking.method):
            continue
        if d.before == "assessment":
            due = shift(booking.on, d.within, back=True)
            rule = f"{d.within.describe()} before the assessment on {booking.on}"
            if today > due:
                why = f"{d.what}: due by {due} ({rule}), already past on {today}"
                out.append(Finding(level="refusal", rule=d.id, reason=why, source=d.source))
                continue
            level: Level = "warning" if d.by == "apprentice" else "information"
            why = f"{d.what}: by {due} ({rule}; by the {d.by})"
            out.append(Finding(level=level, rule=d.id, reason=why, source=d.source))
        elif d.after == "gateway":
            due = shift(gateway, d.within)
            why = f"{d.what}: by {due} ({d.within.describe()} after the gateway on {gateway})"
            out.append(Finding(level="information", rule=d.id, reason=why, source=d.source))
    return out


def slot_bounds(standard: Standard, method: str) -> tuple[float, float | None, str]:
    """The least and most minutes the method's timed facts take (most None: open), and their
    sources."""
    low, high, sources = 0.0, 0.0, []
    found = standard.method(method)
    for limit in found.evidence if found else ():
        if limit.fact not in TIMED or limit.max_share_of is not None:
            continue
        lo, hi = limit.bounds()
        low += lo or 0
        high = None if hi is None or high is None else high + hi
        sources.append(limit.source)
    return low, (high if sources else None), "; ".join(sources)


def duration_findings(standard: Standard, booking: Booking) -> list[Finding]:
    minutes = booking.minutes
    if booking.kind == "planning_meeting":
        meeting = standard.bookings.planning_meeting if standard.bookings else None
        if meeting is None or meeting.minutes is None or meeting.minutes == minutes:
            return []
        why = f"the planning meeting is {meeting.minutes} minutes; the slot is {minutes}"
        return [
            Finding(level="warning", rule="planning_meeting", reason=why, source=meeting.source)
        ]
    low, high, source = slot_bounds(standard, booking.what)
    rule = f"{booking.what}.duration"
    if minutes < low:
        why = f"the slot is {minutes} minutes; {booking.words} takes at least {low:g}"
        return [Finding(level="refusal", rule=rule, reason=why, source=source)]
    if high is not None and minutes > high:
        why = f"the slot is {minutes} minutes; {booking.words} takes at most {high:g}"
        return [Finding(level="warning", rule=rule, reason=why, source=source)]
    return []


def _order(rule: Order, booking: Booking, others: Sequence[Booking]) -> list[Finding]:
    live = [o for o in others if o.live and o.kind == "assessment"]
    if booking.method == rule.then:
        wrong = [o for o in live if o.method == rule.first and _when(o) > _when(booking)]
    elif booking.method == rule.first:
        wrong = [o for o in live if o.method == rule.then and _when(o) < _when(booking)]
    else:
        return []
    if not wrong:
        return []
    why = (
        f"recommended: {method_name(rule.first)} before {method_name(rule.then)}; "
        f"{booking.words} on {booking.on} would come "
        f"{'before' if booking.method == rule.then else 'after'} {wrong[0].words} on "
        f"{wrong[0].on}"
    )
    return [Finding(level="warning", rule=rule.id, reason=why, source=rule.source)]


def _mode(rule: Mode, booking: Booking) -> list[Finding]:
    if booking.mode == rule.mode or (rule.attempts == "resits" and booking.attempt == "first"):
        return []
    wanted = (
        "face to face at the apprentice's workplace" if rule.mode == "face_to_face" else "remote"
    )
    which = "every attempt" if rule.attempts == "all" else "a resit or retake"
    why = f"{booking.words} ({which}) is {wanted}; booked {booking.mode.replace('_', ' ')}"
    return [Finding(level=rule.level, rule=rule.id, reason=why, source=rule.source)]


def rule_findings(
    standard: Standard, booking: Booking, gateway: date, others: Sequence[Booking], today: date
) -> list[Finding]:
    out: list[Finding] = []
    for rule in standard.bookings.rules if standard.bookings else ():
        if booking.kind != "assessment":
            continue
        if isinstance(rule, Order):
            out += _order(rule, booking, others)
        elif isinstance(rule, WithinOfGateway) and rule.method == booking.method:
            due = shift(gateway, rule.within)
            if booking.on > due:
                why = (
                    f"{rule.what}: within {rule.within.describe()} of the gateway on "
                    f"{gateway}, by {due}; booked on {booking.on}"
                )
                out.append(Finding(level="warning", rule=rule.id, reason=why, source=rule.source))
        elif isinstance(rule, AfterSubmission) and rule.method == booking.method:
            since = shift(booking.on, rule.within, back=True)
            why = (
                f"{rule.what}: recommended submitted between {since} and {booking.on} "
                f"(at most {rule.within.describe()} before the assessment)"
            )
            out.append(Finding(level="information", rule=rule.id, reason=why, source=rule.source))
        elif isinstance(rule, Mode) and rule.method == booking.method:
            out += _mode(rule, booking)
        elif isinstance(rule, RequestBefore):
            by = shift(booking.on, rule.within, back=True)
            late = f" (already past on {today})" if today > by else ""
            why = f"{rule.what}: by {by}{late}, {rule.within.describe()} before the assessment"
            out.append(Finding(level="information", rule=rule.id, reason=why, source=rule.source))
    return out


def twice_findings(booking: Booking, others: Sequence[Booking]) -> list[Finding]:
    same = [
        o
        for o in others
        if o.live and o.id != booking.id and (o.what, o.attempt) == (booking.what, booking.attempt)
    ]
    if not same:
        return []
    why = f"{booking.words} is already booked (booking {same[0].id}, {same[0].on})"
    return [
        Finding(
            level="refusal",
            rule="one_booking",
            reason=why,
            source="one live booking per attempt: move or cancel it",
        )
    ]


def check_booking(
    standard: Standard,
    booking: Booking,
    gateway: date,
    others: Sequence[Booking],
    today: date,
    *,
    notified_on: date | None = None,
) -> list[Finding]:
    """Every finding for ``booking`` (see the module's text): refusals first, then warnings,
    then information. ``others``: the apprentice's other bookings; ``notified_on``: for a resit
    or retake, the day the failed attempt's result was notified, when known."""
    others = [o for o in others if o.id is None or o.id != booking.id]
    found = (
        twice_findings(booking, others)
        + window_findings(standard, booking, gateway, others, notified_on)
        + deadline_findings(standard, booking, gateway, today)
        + duration_findings(standard, booking)
        + rule_findings(standard, booking, gateway, others, today)
    )
    return by_level(found)


def by_level(findings: Sequence[Finding]) -> list[Finding]:
    """Refusals first, then warnings, then information (each kept in its order)."""
    order = {"refusal": 0, "warning": 1, "information": 2}
    return sorted(findings, key=lambda f: order[f.level])


def refusals(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "refusal"]
