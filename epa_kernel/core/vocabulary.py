"""The domain's words as people read them: one label, colour and file name for each value.

The values themselves (grades, judgements, attempts, channels, methods) are types in
:mod:`epa_kernel.core.values`; what the form, the records, the statements, the summaries and the
trainer print for them is defined here once, so two screens never say it two ways.
"""

from __future__ import annotations

from typing import get_args

from epa_kernel.core.values import GRADES, Attempt, Channel, MethodId

__all__ = [
    "GRADES",
    "METHOD_IDS",
    "METHOD_NAMES",
    "JUDGEMENT_LABELS",
    "ATTEMPT_LABELS",
    "CHANNEL_LABELS",
    "STATUS_LABELS",
    "MODERATION_LABELS",
    "GRADE_COLOURS",
    "JUDGEMENT_COLOURS",
    "NOT_GRADED",
    "attempt_key",
    "attempt_label",
    "attempt_parts",
    "attempt_words",
    "attempt_stem",
    "decision_id",
]

#: Every assessment method any standard may have, in the order results list them.
METHOD_IDS: tuple[str, ...] = (
    "apprentice_showcase",
    "practical_observation",
    "work_based_project",
    "professional_discussion",
)
assert set(METHOD_IDS) == set(get_args(MethodId))

#: What a booking that is not an assessment is for (a booking's ``what``).
PLANNING_MEETING = "planning_meeting"

#: Method names where no standard is at hand (a standard's own ``method.name`` comes first).
METHOD_NAMES = {
    "practical_observation": "Practical observation",
    "apprentice_showcase": "Apprentice showcase",
    "professional_discussion": "Professional discussion",
    "work_based_project": "Work-based project",
}

JUDGEMENT_LABELS = {"met": "Met", "not_met": "Not met", "deferred": "Deferred", None: "Not judged"}

ATTEMPT_LABELS: dict[str, str] = {"first": "First attempt", "resit": "Resit", "retake": "Retake"}
assert set(ATTEMPT_LABELS) == set(get_args(Attempt))

CHANNEL_LABELS: dict[str, str] = {
    "face_to_face": "Face-to-face",
    "non_face_to_face": "Non-face-to-face",
}
assert set(CHANNEL_LABELS) == set(get_args(Channel))

STATUS_LABELS = {
    "complete": "Every applicable descriptor judged",
    "incomplete": "Some descriptors not yet judged",
    "pending": "Awaiting descriptors deferred to another method",
}

MODERATION_LABELS = {
    "confirmed": "Confirmed",
    "grade_changed": "Grade changed",
    "referred_back": "Referred back to the assessor",
}

NOT_GRADED = "Not yet graded"

#: The roles a signed-in user can hold on a hub (epa_kernel.store.users), and what each allows.
ROLES = {
    "assessor": "sees and edits only the apprentices assigned to them, until submission",
    "iqa": "reads submitted records and records moderations; changes no judgement",
    "admin": "reads every record, amends submitted records with a reason, manages users",
}

#: One palette for every screen and chart (accessible on white: contrast ≥ 4.5:1).
GRADE_COLOURS = {"Fail": "#b00020", "Pass": "#1b5e20", "Distinction": "#0d47a1", None: "#555"}

#: A judgement shown as a fill (the form's chosen button, the KSB chart's evidenced cells).
JUDGEMENT_COLOURS = {"met": "#2e7d32", "not_met": "#c62828", "deferred": "#ef6c00"}


def attempt_key(attempt: str, sitting: int = 1) -> str:
    """An attempt's name in the kit: its kind (``first``, ``resit``, ``retake``), with the
    sitting after it from the second on (``resit2``). The store, IQA ids and file names use it,
    so a second resit never takes the first's place."""
    return attempt if sitting == 1 else f"{attempt}{sitting}"


def attempt_label(attempt: str | None, sitting: int = 1) -> str:
    """An attempt as a person reads it: "Resit", "Resit (sitting 2)"; "—" when not known."""
    label = ATTEMPT_LABELS.get(attempt or "", "—")
    return label if sitting == 1 else f"{label} (sitting {sitting})"


def attempt_parts(key: str) -> tuple[str, int]:
    """An attempt key back to its kind and sitting: ``resit2`` → ``("resit", 2)``, the
    inverse of :func:`attempt_key`."""
    kind = key.rstrip("0123456789")
    return kind, int(key[len(kind) :] or 1)


_ORDINALS = ("", "", "second ", "third ", "fourth ", "fifth ")


def attempt_words(key: str) -> str:
    """An attempt key as words in a sentence: "first attempt", "resit", "second resit",
    "retake (sitting 7)"."""
    kind, sitting = attempt_parts(key)
    if kind == "first":
        return "first attempt"
    if sitting < len(_ORDINALS):
        return f"{_ORDINALS[sitting]}{kind}"
    return f"{kind} (sitting {sitting})"


def method_name(method: str) -> str:
    """A method's name where no standard is at hand; an id the kit does not know, as it is."""
    return METHOD_NAMES.get(method, method)


def booked_words(what: str, attempt: str) -> str:
    """What a booking is for, as a planner or assessor reads it: "Practical observation",
    "Professional discussion (resit)", "Planning meeting"; never a method's id. ``what`` is a
    method's id or ``planning_meeting``; ``attempt`` an attempt key."""
    name = "Planning meeting" if what == PLANNING_MEETING else method_name(what)
    return name if attempt == "first" else f"{name} ({attempt_words(attempt)})"


def attempt_stem(method: str, attempt: str) -> str:
    """The file stem of one method attempt, ``attempt`` being its :func:`attempt_key`:
    ``practical_observation`` for a first attempt, ``practical_observation.resit`` for a resit,
    ``practical_observation.resit2`` for a second; notebooks, exports and IQA ids all use it."""
    return method if attempt == "first" else f"{method}.{attempt}"


def decision_id(uln: str, method: str, attempt: str) -> str:
    """IQA's id for one method attempt of one apprentice: ``<uln>/<attempt stem>``, the same
    stem as the attempt's notebook, so an id names the file the decision was read from. The
    store's access checks use it too, to tell whether a record was sampled."""
    return f"{uln}/{attempt_stem(method, attempt)}"
