"""Gateway eligibility: whether an apprentice may enter end-point assessment, and if not, why.

A training provider submits a :class:`GatewayApplication` (time on programme, English and maths
evidence, the signed declaration and, where the standard asks for them, the portfolio and the
project synopsis). :func:`check_gateway` tests it against the ``gateway`` rules of the standard
version it names and nothing else: every number comes from the standard's file, so a new
standard needs data, not code. The result lists one check per rule, passed or not, and says in
plain sentences exactly what is still missing, so a provider can fix the application without
reading the assessment plan.

Only the requirements the standard format has fields for are checked. Others in the documents
(the employer's judgement of occupational competence, the gateway meeting record, declared
reasonable adjustments) are people's decisions recorded elsewhere; "eligible" means the
application meets every rule the kit can test.

This module is pure: no file is read and no clock is consulted. The caller passes ``today``,
so the same application gives the same answer in the CLI, the notebook and a test.
"""

from __future__ import annotations

import calendar
from datetime import date

from epa_kernel.core.gateway_application import EHC, LEVELS, GatewayApplication
from epa_kernel.core.model import Model
from epa_kernel.core.spec import Standard, Subject, TimeOnProgramme
from epa_kernel.errors import InputError


class GatewayCheck(Model):
    """One gateway rule applied: its name, whether it is met and what was found against what
    was needed."""

    rule: str
    passed: bool
    detail: str


class GatewayOutcome(Model):
    """The gateway decision: ``eligible`` only when every check passed; ``missing`` has one plain
    sentence per failed check. ``standard`` is the standard's key, e.g. ``"ST0071 v1.1"``."""

    standard: str
    eligible: bool
    checks: tuple[GatewayCheck, ...]
    missing: tuple[str, ...]


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months; a day the target month lacks becomes its last day
    (12 months from 2024-02-29 is 2025-02-28), so the result never spills into the next month."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def check_gateway(
    standard: Standard, application: GatewayApplication, today: date
) -> GatewayOutcome:
    """Check ``application`` against ``standard``'s gateway rules as of ``today``.

    Raises InputError for dates that cannot be true (a start or gateway date after ``today``)
    and for an application naming another standard; every other shortfall is a failed check.
    """
    _check_binding(standard, application)
    _check_not_future(application, today)
    rules = standard.gateway
    checks = [
        _time_on_programme(
            rules.min_time_on_programme, application.apprentice.start_date, application.gateway_date
        ),
        _subject(
            "English",
            rules.english,
            application.english.level,
            application.english.ehc_plan,
            application.english.bsl,
            standard,
            "english",
        ),
        _subject(
            "Maths",
            rules.maths,
            application.maths.level,
            application.maths.ehc_plan,
            False,
            standard,
            "maths",
        ),
    ]
    if rules.declaration:
        checks.append(_declaration(application.declaration_signed))
    if rules.portfolio is not None:
        checks.append(
            _portfolio(
                rules.portfolio.min_items, rules.portfolio.max_items, application.portfolio_items
            )
        )
    if rules.project_synopsis:
        checks.append(_synopsis(application.project_synopsis))
    missing = tuple(f"{c.rule}: {c.detail}" for c in checks if not c.passed)
    return GatewayOutcome(
        standard=standard.key, eligible=not missing, checks=tuple(checks), missing=missing
    )


def _check_binding(standard: Standard, application: GatewayApplication) -> None:
    # Checking an ST0072 application against ST0071's rules would give a confident wrong answer.
    if application.standard != standard.standard:
        raise InputError(
            f"the application is for {application.standard}, not {standard.standard}",
            field="standard",
        )
    if application.version is not None and application.version != standard.version:
        raise InputError(
            f"the application is for {application.standard} v"
            f"{application.version}, not {standard.key}",
            field="version",
        )


def _check_not_future(application: GatewayApplication, today: date) -> None:
    start = application.apprentice.start_date
    if start > today:
        raise InputError(
            f"start_date {start} is after today ({today}); time on programme "
            "cannot be counted from a date still to come",
            field="apprentice.start_date",
        )
    if application.gateway_date > today:
        raise InputError(
            f"gateway_date {application.gateway_date} is after today ({today}); "
            "gateway is decided on evidence held now, not on a planned date",
            field="gateway_date",
        )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _whole_months(start: date, end: date) -> int:
    """The most whole calendar months from ``start`` that fit by ``end`` (``end >= start``)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def _time_on_programme(rule: TimeOnProgramme, start: date, gateway: date) -> GatewayCheck:
    span = f"from {start} to {gateway}"
    if rule.days is not None:
        days = (gateway - start).days
        detail = f"{_plural(days, 'day')} {span}; at least {_plural(rule.days, 'day')} needed"
        if days < rule.days:
            detail += f" ({rule.days - days} more)"
        return GatewayCheck(rule="Time on programme", passed=days >= rule.days, detail=detail)
    due = add_months(start, rule.months)
    months = _whole_months(start, gateway)
    days = (gateway - add_months(start, months)).days
    elapsed = _plural(months, "month") + (f" and {_plural(days, 'day')}" if days else "")
    detail = f"{elapsed} {span}; at least {_plural(rule.months, 'month')} needed, reached on {due}"
    if gateway < due:
        detail += f" ({_plural((due - gateway).days, 'more day')})"
    return GatewayCheck(rule="Time on programme", passed=gateway >= due, detail=detail)


def _rank(level: str, standard: Standard, field: str) -> int:
    if level not in LEVELS:
        # The standard file, not the application, is wrong: name it so it can be corrected.
        raise InputError(
            f"{standard.key} gateway level {level!r} is not a known level; known: "
            f"{', '.join(LEVELS)}",
            field=field,
        )
    return LEVELS.index(level)


def _subject(
    name: str, rule: Subject, held: str, ehc_plan: bool, bsl: bool, standard: Standard, key: str
) -> GatewayCheck:
    needed = rule.level
    needed_rank = _rank(needed, standard, f"gateway.{key}.level")
    note = ""
    if ehc_plan:
        if rule.ehc_plan_level is None:
            note = f" ({standard.key} sets no lower minimum with {EHC})"
        else:
            lower = _rank(rule.ehc_plan_level, standard, f"gateway.{key}.ehc_plan_level")
            if lower > needed_rank:
                raise InputError(
                    f"{standard.key} gateway {key}: ehc_plan_level "
                    f"{rule.ehc_plan_level!r} is above level {needed!r}; it is the "
                    "lower minimum",
                    field=f"gateway.{key}.ehc_plan_level",
                )
            needed, needed_rank = rule.ehc_plan_level, lower
            note = f" (the minimum with {EHC}; {rule.level} otherwise)"
    if bsl and not rule.bsl_alternative:
        return GatewayCheck(
            rule=name,
            passed=False,
            detail=f"a British Sign Language qualification is not accepted in place of {name} "
            f"for {standard.key}; {name} at {needed} or above needed{note}",
        )
    what = f"{held} held (British Sign Language, in place of {name})" if bsl else f"{held} held"
    passed = LEVELS.index(held) >= needed_rank
    return GatewayCheck(rule=name, passed=passed, detail=f"{what}; {needed} or above needed{note}")


def _declaration(signed: bool) -> GatewayCheck:
    detail = "signed" if signed else "not signed; a signed gateway declaration is needed"
    return GatewayCheck(rule="Declaration", passed=signed, detail=detail)


def _portfolio(low: int, high: int, items: int | None) -> GatewayCheck:
    wanted = f"exactly {low}" if low == high else f"{low} to {high}"
    if items is None:
        return GatewayCheck(
            rule="Portfolio",
            passed=False,
            detail=f"number of items not given; {wanted} items needed",
        )
    detail = f"{_plural(items, 'item')}; {wanted} items needed"
    if items < low:
        detail += f" ({low - items} more)"
    elif items > high:
        detail += f" ({items - high} too many)"
    return GatewayCheck(rule="Portfolio", passed=low <= items <= high, detail=detail)


def _synopsis(ready: bool | None) -> GatewayCheck:
    if ready:
        return GatewayCheck(rule="Project synopsis", passed=True, detail="ready to submit")
    found = "not given" if ready is None else "not ready"
    return GatewayCheck(
        rule="Project synopsis",
        passed=False,
        detail=f"{found}; a project synopsis ready to submit is needed",
    )
