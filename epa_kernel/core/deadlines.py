"""The deadlines of one apprentice's EPA: each due date, and whether it is waiting, due, met or
missed on the day given.

Each deadline is data in the standard (``deadlines``: what, by whom, within what period of which
date). The dates it is counted from are the gateway, a method record's ``assessed_on`` (one
deadline per attempt; ``only_if_failed`` ones only from attempts graded Fail), or an event the
caller passes in (``result_notified``, ``final_result``). When a deadline was met is known only
from ``done``: {key: date done}, the key being the deadline's id, or for one counted from an
assessment ``"<id>:<method>:<attempt number>"``. Status on ``today``:

- ``waiting``: the date it is counted from is not known yet (no such assessment, event not given);
- ``due``: not done, and ``today`` is on or before the due date;
- ``met``: done on or before the due date;
- ``missed``: done after the due date;
- ``overdue``: ``today`` is after the due date and no date done is recorded. The kit cannot know
  whether it was met: the EPAO records it (``done``) or chases it.

One thing is known without ``done``: a deadline for a method's work counted from the gateway
(the showcase report or presentation, the project) is met when that method was assessed on or
before its due date, since the assessment needs the work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal

from epa_kernel.core.grading import deferred_judgements, grade_method
from epa_kernel.core.lifecycle_spec import Deadline
from epa_kernel.core.model import Model
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard
from epa_kernel.core.values import Grade
from epa_kernel.core.working_days import shift

DeadlineState = Literal["waiting", "due", "met", "missed", "overdue"]


class DeadlineStatus(Model):
    key: str  # the key of ``done``
    id: str
    what: str
    by: str
    method: str | None
    counted_from: str  # gateway, "<method> attempt <n>", or the event's name
    anchor_date: date | None
    due: date | None
    done_on: date | None
    status: DeadlineState
    reason: str
    source: str


def record_grades(standard: Standard, records: Sequence[MethodRecord]) -> list[Grade | None]:
    """Each record's own grade by the engine (None while undecided), deferred descriptors
    judged in the apprentice's other records."""
    elsewhere = deferred_judgements(records)
    return [grade_method(standard, r, elsewhere.get(r.method, {})).grade for r in records]


def ordered_attempts(records: Sequence[MethodRecord]) -> list[int]:
    """Indexes of ``records`` in date order (a first attempt before a resit on the same day;
    undated records last, in the order given)."""
    return sorted(
        range(len(records)),
        key=lambda i: (
            records[i].assessed_on is None,
            records[i].assessed_on or date.min,
            records[i].attempt != "first",
            i,
        ),
    )


def _state(due: date, done_on: date | None, today: date) -> tuple[DeadlineState, str]:
    if done_on is not None:
        if done_on <= due:
            return "met", f"done on {done_on}, on or before {due}"
        return "missed", f"done on {done_on}, {(done_on - due).days} day(s) after {due}"
    if today <= due:
        return "due", f"due by {due} ({(due - today).days} day(s) left on {today})"
    return "overdue", (
        f"no date done recorded; due by {due} ({(today - due).days} day(s) ago on {today})"
    )


def _evidenced_by_assessment(
    deadline: Deadline, records: Sequence[MethodRecord], due: date
) -> date | None:
    """The date of an assessment of the deadline's method on or before ``due``, when that
    assessment shows the work was done in time (a gateway-counted deadline for the method)."""
    if deadline.anchor != "gateway" or deadline.method is None or deadline.before is not None:
        return None
    dates = [r.assessed_on for r in records if r.method == deadline.method and r.assessed_on]
    first = min(dates, default=None)
    return first if first is not None and first <= due else None


def _anchors(
    deadline: Deadline,
    gateway: date,
    records: Sequence[MethodRecord],
    events: Mapping[str, date],
    grades: list[Grade | None],
) -> list[tuple[str, str, date | None]]:
    """(key, what it is counted from, that date) for each instance of ``deadline``."""
    if deadline.anchor == "gateway":
        return [(deadline.id, "the gateway", gateway)]
    if deadline.anchor != "assessment":
        return [(deadline.id, deadline.anchor.replace("_", " "), events.get(deadline.anchor))]
    out = []
    numbers: dict[str, int] = {}
    for i in ordered_attempts(records):
        r = records[i]
        n = numbers[r.method] = numbers.get(r.method, 0) + 1
        if r.assessed_on is None or deadline.method not in (None, r.method):
            continue
        if deadline.only_if_failed and grades[i] != "Fail":
            continue
        out.append((f"{deadline.id}:{r.method}:{n}", f"{r.method} attempt {n}", r.assessed_on))
    if not out:
        wanted = deadline.method or "any method"
        failed = "failed " if deadline.only_if_failed else ""
        out.append((deadline.id, f"a {failed}assessment of {wanted}", None))
    return out


def deadlines(
    standard: Standard,
    gateway: date,
    records: Sequence[MethodRecord],
    today: date,
    *,
    done: Mapping[str, date] | None = None,
    events: Mapping[str, date] | None = None,
) -> tuple[DeadlineStatus, ...]:
    """Every deadline of ``standard`` for this apprentice, as of ``today``."""
    done, events = done or {}, events or {}
    grades = record_grades(standard, records)
    out = []
    for d in standard.deadlines:
        for key, counted_from, anchor in _anchors(d, gateway, records, events, grades):
            before = d.before is not None
            due = shift(anchor, d.within, back=before) if anchor else None
            if due is None:
                state: DeadlineState = "waiting"
                reason = f"counted from {counted_from}, which has no date yet"
            else:
                done_on = done.get(key)
                evidenced = None if done_on else _evidenced_by_assessment(d, records, due)
                state, reason = _state(due, done_on or evidenced, today)
                if evidenced:
                    reason = f"{d.method} assessed on {evidenced}, on or before {due}"
                rule = f"{d.within.describe()} {'before' if before else 'after'}"
                reason = f"{reason}: {rule} {counted_from} on {anchor}"
            out.append(
                DeadlineStatus(
                    key=key,
                    id=d.id,
                    what=d.what,
                    by=d.by,
                    method=d.method,
                    counted_from=counted_from,
                    anchor_date=anchor,
                    due=due,
                    done_on=done.get(key),
                    status=state,
                    reason=reason,
                    source=d.source,
                )
            )
    return tuple(out)
