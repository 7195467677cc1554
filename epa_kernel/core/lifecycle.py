"""One apprentice's EPA lifecycle checked against the standard's rules, as of a date passed in.

Pure functions: given a standard, the apprentice's gateway date, their method records and
``today`` (never read from a clock here), they say for each record whether it was assessed inside
its window (:func:`window_checks`), whether each resit or retake was allowed
(:func:`attempt_checks`: only after a failed attempt of that method, within the limit), and
every deadline with its due date and whether it is waiting, due, met or missed
(:func:`deadlines` in :mod:`epa_kernel.core.deadlines`); :func:`lifecycle` gives all three.

A resit or retake that is not allowed is a *finding* (``AttemptCheck.valid`` false, with the
reason), not an exception, so one report lists every problem; :func:`raise_for_invalid` turns the
first into an :class:`~epa_kernel.errors.InputError` naming the record (the CLI: exit 2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Protocol

from epa_kernel.core.deadlines import DeadlineStatus, deadlines, ordered_attempts, record_grades
from epa_kernel.core.model import Model
from epa_kernel.core.records import MethodRecord, check_one_apprentice
from epa_kernel.core.spec import Standard, Window
from epa_kernel.core.working_days import add_months
from epa_kernel.errors import InputError

ONE_APPRENTICE = "check one apprentice's records at a time"


class WindowCheck(Model):
    """Whether one record was assessed inside its window; ``inside`` None when undated."""

    index: int  # position in the records given
    method: str
    attempt: str
    assessed_on: date | None
    inside: bool | None
    opens: date | None
    closes: date | None
    reason: str


class AttemptCheck(Model):
    """Whether one record was an attempt the rules allow; ``number`` counts from 1 per method."""

    index: int
    method: str
    attempt: str
    number: int
    assessed_on: date | None
    valid: bool
    reason: str


class Lifecycle(Model):
    gateway: date
    today: date
    attempts: tuple[AttemptCheck, ...]  # in date order
    windows: tuple[WindowCheck, ...]  # in date order
    deadlines: tuple[DeadlineStatus, ...]

    @property
    def invalid(self) -> tuple[AttemptCheck, ...]:
        return tuple(a for a in self.attempts if not a.valid)


def _previous(records: Sequence[MethodRecord], order: list[int]) -> dict[int, int | None]:
    """For each record, the index of the same method's attempt just before it (None: first)."""
    last: dict[str, int] = {}
    out: dict[int, int | None] = {}
    for i in order:
        out[i] = last.get(records[i].method)
        last[records[i].method] = i
    return out


def window_for(
    standard: Standard,
    gateway: date,
    attempt: str,
    failed_on: date | None,
    notified_on: date | None = None,
) -> tuple[Window, str, date | None]:
    """The window an ``attempt`` must be assessed in: the standard's rule, what it is counted
    from, and the day it opens. A resit or retake window counted from the fail notification
    opens on ``notified_on`` (the failed record's ``result_notified_on``) when known, else on
    the failed attempt's date ``failed_on`` when the standard's ``fallback`` is ``assessment``;
    None when neither can be counted."""
    if attempt == "first" or standard.attempts.window is None:
        return standard.assessment_window, "the gateway", gateway
    window = standard.attempts.window
    if window.from_ != "fail_notification":
        return window, "the gateway", gateway
    if notified_on is not None:
        return window, f"the fail notification on {notified_on}", notified_on
    if failed_on is None or window.fallback != "assessment":
        return window, "the fail notification (no result_notified_on recorded)", None
    anchor = (
        f"the failed attempt on {failed_on} (no fail-notification date recorded, "
        "result_notified_on, so counted from the assessment)"
    )
    return window, anchor, failed_on


def window_checks(
    standard: Standard, gateway: date, records: Sequence[MethodRecord]
) -> tuple[WindowCheck, ...]:
    """Each record against its window, in date order: a first attempt within the assessment
    window from the gateway; a resit or retake within the standard's resit/retake window."""
    check_one_apprentice(standard, records, done="checked", advice=ONE_APPRENTICE)
    order = ordered_attempts(records)
    previous = _previous(records, order)
    out = []
    for i in order:
        r = records[i]
        before = previous[i]
        failed = records[before] if before is not None else None
        window, anchor, start = window_for(
            standard,
            gateway,
            r.attempt,
            failed.assessed_on if failed else None,
            failed.result_notified_on if failed else None,
        )
        closes = add_months(start, window.months) if start else None
        base = dict(index=i, method=r.method, attempt=r.attempt, assessed_on=r.assessed_on)
        base.update(opens=start or gateway, closes=closes)
        what = f"{r.method} {r.attempt}"
        if r.assessed_on is None:
            reason = f"{what} has no assessed_on: it cannot be checked against the window"
            out.append(WindowCheck(**base, inside=None, reason=reason))
        elif r.assessed_on < gateway:
            reason = f"{what} on {r.assessed_on} is before the gateway on {gateway}"
            out.append(WindowCheck(**base, inside=False, reason=reason))
        elif closes is None:
            reason = f"{what} on {r.assessed_on} has no window: nothing to count it from" + (
                f" ({anchor})" if failed else ": no earlier attempt"
            )
            out.append(WindowCheck(**base, inside=False, reason=reason))
        elif r.assessed_on <= closes:
            reason = (
                f"{what} on {r.assessed_on} is inside the window: within {window.months} "
                f"months of {anchor}, last day {closes}"
            )
            out.append(WindowCheck(**base, inside=True, reason=reason))
        elif r.exceptional_circumstances and window.exceptional_circumstances_lift:
            reason = (
                f"{what} on {r.assessed_on} is after the window's last day {closes}, but the "
                "EPAO accepted exceptional circumstances, which lift it"
            )
            out.append(WindowCheck(**base, inside=True, reason=reason))
        else:
            reason = (
                f"{what} on {r.assessed_on} is outside the window: {window.months} months "
                f"from {anchor} ended on {closes} ({window.source})"
            )
            out.append(WindowCheck(**base, inside=False, reason=reason))
    return tuple(out)


def attempt_checks(standard: Standard, records: Sequence[MethodRecord]) -> tuple[AttemptCheck, ...]:
    """Each record's attempt checked, in date order: the first record of a method is its first
    attempt; a resit or retake follows a failed attempt of the same method (when the standard
    says so: never to move from Pass to Distinction), on a later day, within the limit; the
    nth resit (or retake) of a method in date order is recorded as sitting n."""
    check_one_apprentice(standard, records, done="checked", advice=ONE_APPRENTICE)
    rules = standard.attempts
    order = ordered_attempts(records)
    previous = _previous(records, order)
    grades = record_grades(standard, records)
    numbers: dict[str, int] = {}
    sittings: dict[tuple[str, str], int] = {}
    out = []
    for i in order:
        r = records[i]
        n = numbers[r.method] = numbers.get(r.method, 0) + 1
        kind = (r.method, r.attempt)
        sitting = sittings[kind] = sittings.get(kind, 0) + 1
        before = previous[i]
        what = f"{r.method} {r.attempt} (attempt {n}"
        what += f", {r.assessed_on})" if r.assessed_on else ", undated)"
        problem = None
        if before is None and r.attempt != "first":
            problem = f"{what} has no earlier attempt of {r.method}: a {r.attempt} follows one"
        elif before is not None:
            earlier = records[before]
            if r.attempt == "first":
                problem = f"{what} is a second first attempt of {r.method}"
            elif r.assessed_on is not None and r.assessed_on == earlier.assessed_on:
                problem = f"{what} is on the same day as the attempt before it"
            elif rules.only_after_fail and grades[before] != "Fail":
                grade = grades[before] or "nothing yet (not every descriptor is judged)"
                problem = (
                    f"{what} follows an attempt graded {grade}: resits and retakes are "
                    "taken only after a failed attempt, never to move from Pass to "
                    f"Distinction ({rules.rules_source or rules.source})"
                )
            elif rules.limit is not None and n - 1 > rules.limit:
                problem = f"{what} is over the limit of {rules.limit} resits/retakes"
        if problem is None and r.attempt != "first" and r.sitting != sitting:
            problem = (
                f"{what} is recorded as sitting {r.sitting} but is {r.attempt} number "
                f"{sitting} of {r.method} in date order: number the sittings 1, 2, 3 "
                "(field sitting; absent means 1)"
            )
        reason = problem or f"{what} is allowed" + (
            f": it follows a failed attempt on {records[before].assessed_on}"
            if before is not None
            else ""
        )
        out.append(
            AttemptCheck(
                index=i,
                method=r.method,
                attempt=r.attempt,
                number=n,
                assessed_on=r.assessed_on,
                valid=problem is None,
                reason=reason,
            )
        )
    return tuple(out)


def lifecycle(
    standard: Standard,
    gateway: date,
    records: Sequence[MethodRecord],
    today: date,
    *,
    done: Mapping[str, date] | None = None,
    events: Mapping[str, date] | None = None,
) -> Lifecycle:
    """The whole lifecycle report; ``done`` and ``events`` as for :func:`deadlines`."""
    return Lifecycle(
        gateway=gateway,
        today=today,
        attempts=attempt_checks(standard, records),
        windows=window_checks(standard, gateway, records),
        deadlines=deadlines(standard, gateway, records, today, done=done, events=events),
    )


def raise_for_invalid(report: Lifecycle, files: Sequence[str] | None = None) -> None:
    """Raise an InputError naming the first record whose attempt is not allowed (its file when
    ``files`` gives one per record), field ``attempt``; return when every attempt is allowed."""
    refuse_invalid(report.attempts, files)


class CheckedAttempt(Protocol):
    """What :func:`refuse_invalid` reads of a checked attempt: an :class:`AttemptCheck`, or
    the :class:`~epa_kernel.core.epa_status.AttemptStatus` that ``epa status`` reports."""

    index: int
    valid: bool
    reason: str


def refuse_invalid(checks: Sequence[CheckedAttempt], files: Sequence[str] | None = None) -> None:
    """Raise an InputError for the first of ``checks`` that is not allowed (see
    :func:`raise_for_invalid`). The batch run and ``epa grade`` call it with
    :func:`attempt_checks` alone: whether a resit may follow needs no date, so a resit after a
    pass is refused before any notebook runs or any grade is given; ``epa status`` with the
    attempts its report listed."""
    for check in checks:
        if not check.valid:
            error = InputError(check.reason, field="attempt")
            raise error.in_file(files[check.index]) if files else error
