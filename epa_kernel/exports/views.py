"""How exported documents print the values they share: dates, grades, standard, apprentice.

A template shows no code and no cell: everything a record or a statement prints is a plain view
made from the notebook's machine-readable outcome (:mod:`epa_kernel.exports.record_view`,
:mod:`epa_kernel.exports.statement_view`, :mod:`epa_kernel.exports.moderation_views`). The
pieces they both print are made here once, so a grade or a date reads the same on every
document and in the cohort outputs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from epa_kernel.core.vocabulary import NOT_GRADED

#: The templates' CSS class for each grade (the stylesheet colours them).
GRADE_CLASSES = {
    "Fail": "grade-fail",
    "Pass": "grade-pass",
    "Distinction": "grade-distinction",
    None: "grade-none",
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(value: str | date | None) -> str:
    """``2026-03-02`` -> ``2 March 2026``; ``—`` when there is none."""
    if not value:
        return "—"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def grade_view(grade: str | None) -> dict[str, str | None]:
    """A grade as the templates print it: its label and its CSS class."""
    return {"grade": grade, "label": grade or NOT_GRADED, "css": GRADE_CLASSES[grade]}


def standard_view(standard) -> dict[str, Any]:
    return {
        "code": standard.standard,
        "version": standard.version,
        "title": standard.title,
        "level": standard.level,
        "key": standard.key,
    }


def apprentice_view(apprentice: dict) -> dict[str, Any]:
    return {
        "name": apprentice.get("name", ""),
        "uln": apprentice.get("uln", ""),
        "provider": apprentice.get("provider") or "—",
        "employer": apprentice.get("employer") or "—",
    }
