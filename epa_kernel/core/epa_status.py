"""Where one apprentice's EPA stands on a given day: methods, attempts, windows and deadlines.

Pure, like :mod:`epa_kernel.core.lifecycle` which it summarises for a person: given a standard,
the gateway date (None when the records hold none), the apprentice's method records and
``today`` (never read from a clock here), :func:`epa_status` says for each method its attempts
in date order with the grade the engine gives each (:mod:`epa_kernel.core.grading`), whether
the method is graded, assessed but not graded, or not assessed; the assessment window (and a
resit/retake window after a failed attempt) as open, closed or not open yet, with the days
left; every deadline with its due date and state; and the attempts the rules do not allow.
Without a gateway date no window or deadline can be counted: attempts and grades still are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal

from epa_kernel.core.deadlines import DeadlineStatus, record_grades
from epa_kernel.core.grading import grade_epa
from epa_kernel.core.lifecycle import WindowCheck, attempt_checks, lifecycle, window_for
from epa_kernel.core.model import Model
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard
from epa_kernel.core.values import Grade
from epa_kernel.core.withdrawal import Withdrawal, withdrawn_on
from epa_kernel.core.working_days import add_months

WindowState = Literal["not_open", "open", "closed"]
MethodState = Literal["not_assessed", "assessed", "graded"]
NO_GATEWAY = (
    "no gateway date in the records (apprentice.gateway_date): windows and deadlines "
    "cannot be counted"
)


class WindowStatus(Model):
    """A window on ``today``: ``days_left`` counts the days after today up to its last day."""

    what: str  # "assessment window" or "resit/retake window"
    opens: date
    closes: date
    state: WindowState
    days_left: int | None  # None unless open
    reason: str


class AttemptStatus(Model):
    """One record as an attempt: its own grade, whether the rules allow it, and its window."""

    index: int  # position in the records given
    number: int  # 1 for the first attempt of the method, then 2, 3...
    attempt: str
    assessed_on: date | None
    grade: Grade | None  # None while not every descriptor is judged
    valid: bool
    reason: str
    inside_window: bool | None  # None: undated, or no gateway date to count from
    window_reason: str | None


class MethodStatus(Model):
    method: str
    name: str
    state: MethodState
    grade: Grade | None  # the grade that counts: the latest attempt, the cap applied
    attempts: tuple[AttemptStatus, ...]  # in date order
    resit_window: WindowStatus | None  # when the attempt that counts failed


class EpaStatus(Model):
    standard: str
    version: str
    title: str
    gateway: date | None
    today: date
    problem: str | None  # why windows and deadlines are missing
    window: WindowStatus | None
    methods: tuple[MethodStatus, ...]  # in the standard's order
    overall: Grade | None
    overall_reasons: tuple[str, ...]
    deadlines: tuple[DeadlineStatus, ...]
    withdrawn: date | None = None  # the day the apprentice left the EPA (on or before today)
    withdrawn_reason: str | None = None

    @property
    def invalid(self) -> tuple[AttemptStatus, ...]:
        """The attempts the rules do not allow, in date order."""
        return tuple(
            sorted(
                (a for m in self.methods for a in m.attempts if not a.valid),
                key=lambda a: (a.assessed_on is None, a.assessed_on or date.min, a.index),
            )
        )


def window_status(what: str, opens: date, closes: date, counted: str, today: date) -> WindowStatus:
    """The window from ``opens`` to ``closes`` (its last day) as it stands on ``today``."""
    base = dict(what=what, opens=opens, closes=closes)
    if today < opens:
        reason = f"not open yet: opens on {opens}, last day {closes} ({counted})"
        return WindowStatus(**base, state="not_open", days_left=None, reason=reason)
    if today <= closes:
        left = (closes - today).days
        reason = f"open: last day {closes}, {left} day(s) left on {today} ({counted})"
        return WindowStatus(**base, state="open", days_left=left, reason=reason)
    reason = f"closed: the last day was {closes} ({counted})"
    return WindowStatus(**base, state="closed", days_left=None, reason=reason)


def assessment_window(standard: Standard, gateway: date, today: date) -> WindowStatus:
    """The window for first attempts, counted from the gateway."""
    months = standard.assessment_window.months
    closes = add_months(gateway, months)
    counted = f"{months} months from the gateway on {gateway}"
    return window_status("assessment window", gateway, closes, counted, today)


def resit_window(
    standard: Standard,
    gateway: date,
    failed_on: date,
    today: date,
    notified_on: date | None = None,
) -> WindowStatus | None:
    """The window for a resit or retake after an attempt failed on ``failed_on`` and notified
    on ``notified_on`` (None: not recorded)."""
    window, anchor, start = window_for(standard, gateway, "resit", failed_on, notified_on)
    if start is None:
        return None
    counted = f"{window.months} months from {anchor}"
    closes = add_months(start, window.months)
    return window_status("resit/retake window", start, closes, counted, today)


def epa_status(
    standard: Standard,
    gateway: date | None,
    records: Sequence[MethodRecord],
    today: date,
    *,
    done: Mapping[str, date] | None = None,
    events: Mapping[str, date] | None = None,
    withdrawal: Withdrawal | None = None,
) -> EpaStatus:
    """Where the EPA stands on ``today``; ``done`` and ``events`` as for
    :func:`epa_kernel.core.deadlines.deadlines`; ``withdrawal`` the apprentice's latest
    withdrawal row, if any (withdrawn when it is dated ``today`` or before)."""
    windows: dict[int, WindowCheck] = {}
    if gateway is None:
        checks, due = attempt_checks(standard, records), ()
    else:
        report = lifecycle(standard, gateway, records, today, done=done, events=events)
        checks, due = report.attempts, report.deadlines
        windows = {w.index: w for w in report.windows}
    grades = record_grades(standard, records)
    outcome = grade_epa(standard, records)
    methods = []
    for m in standard.methods:
        attempts = tuple(
            AttemptStatus(
                index=c.index,
                number=c.number,
                attempt=c.attempt,
                assessed_on=c.assessed_on,
                grade=grades[c.index],
                valid=c.valid,
                reason=c.reason,
                inside_window=windows[c.index].inside if c.index in windows else None,
                window_reason=windows[c.index].reason if c.index in windows else None,
            )
            for c in checks
            if c.method == m.id
        )
        counted = outcome.methods.get(m.id)
        grade = counted.grade if counted else None
        state: MethodState = "not_assessed" if not attempts else "graded" if grade else "assessed"
        last = attempts[-1] if attempts else None
        again = None
        if gateway and grade == "Fail" and last is not None and last.assessed_on is not None:
            notified = records[last.index].result_notified_on
            again = resit_window(standard, gateway, last.assessed_on, today, notified)
        methods.append(
            MethodStatus(
                method=m.id,
                name=m.name,
                state=state,
                grade=grade,
                attempts=attempts,
                resit_window=again,
            )
        )
    return EpaStatus(
        standard=standard.standard,
        version=standard.version,
        title=standard.title,
        gateway=gateway,
        today=today,
        problem=None if gateway else NO_GATEWAY,
        window=assessment_window(standard, gateway, today) if gateway else None,
        methods=tuple(methods),
        overall=outcome.grade,
        overall_reasons=outcome.reasons,
        deadlines=due,
        withdrawn=(left := withdrawn_on(withdrawal, today)),
        withdrawn_reason=withdrawal.reason if left and withdrawal else None,
    )
