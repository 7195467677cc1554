"""What an apprentice's confirmation prints, after the EPA planning meeting: every booked
assessment (what, when, where or the link, the assessor) with what to submit by when and what
to bring, the deadlines and windows ``epa status`` computes, and how results, certification and
appeals work.

Everything comes from the store and the standard's data: the bookings
(:mod:`epa_kernel.store.bookings`), each one's notes (:mod:`epa_kernel.core.booking_notes`),
the apprentice's status on ``today`` (:func:`epa_kernel.core.epa_status.epa_status`, from
their submitted records), and the organisation's appeal window (``[appeals]``; with none the
letter points to the organisation's appeals policy instead of inventing a period).
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from epa_kernel import __version__
from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_chain import invited
from epa_kernel.core.booking_notes import booking_notes
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.epa_status import epa_status
from epa_kernel.core.working_days import shift
from epa_kernel.exports.calendar_feed import what_name
from epa_kernel.exports.views import apprentice_view, long_date, standard_view
from epa_kernel.settings import AppealPolicy
from epa_kernel.store.bookings import list_bookings
from epa_kernel.store.people import apprentice_details

WHO = {"apprentice": "You", "epao": "Us"}


def _when(b: Booking) -> str:
    return f"{b.on:%A} {long_date(b.on)}, {_clock(b.starts)} to {_clock(b.ends)} (UK time)"


def _clock(moment: time) -> str:
    return f"{moment:%H:%M}"


def booking_view(b: Booking, gateway: date | None) -> dict[str, Any]:
    standard = get_standard(b.standard, b.version)
    notes = booking_notes(standard, b, gateway)
    return {
        "id": b.id,
        "what": what_name(b),
        "when": _when(b),
        "mode": "Face to face" if b.mode == "face_to_face" else "Remote (video call)",
        "where": b.venue or "",
        "link": b.link or "",
        "assessor": b.assessor,
        "status": b.status,
        "dated": [
            {
                "due": long_date(n.due),
                "what": n.what,
                "who": WHO.get(n.by or "apprentice", "You"),
                "rule": n.rule,
            }
            for n in notes
            if n.due is not None
        ],
        "bring": [n.what for n in notes if n.due is None],
    }


def _counted(rule, standard) -> str:
    """When a deadline with no date yet falls, in words: "7 working days after each
    assessment"."""
    method = standard.method(rule.method) if rule.method else None
    if rule.anchor == "assessment":
        failed = "a failed " if rule.only_if_failed else "each "
        anchor = f"{failed}{method.name.lower() if method else 'assessment'}"
    else:
        anchor = f"the {rule.anchor.replace('_', ' ')}"
    return f"{rule.within.describe()} {'before' if rule.before else 'after'} {anchor}"


def _deadline_rows(standard, status, booked: list[Booking]) -> tuple[list[dict], list[dict]]:
    """The status's deadlines (the apprentice's, then the organisation's: results,
    certificate), each with its due date: one counted before an assessment from the booked
    day; one not dated yet, how it will be counted."""
    spec = {d.id: d for d in standard.deadlines}
    mine, ours = [], []
    for d in status.deadlines:
        rule, due, state = spec[d.id], d.due, d.status
        slot = next((b for b in booked if rule.before and b.method == rule.method), None)
        if due is None and slot is not None:
            due = shift(slot.on, rule.within, back=True)
            state = "due" if status.today <= due else "overdue"
        row = {
            "what": d.what,
            "due": long_date(due) if due else _counted(rule, standard),
            "state": state if due else "not dated yet",
            "source": d.source,
        }
        (mine if d.by == "apprentice" else ours).append(row)
    return mine, ours


def appeals_view(policy: AppealPolicy | None) -> dict[str, Any]:
    if policy is None:
        return {"days": None, "text": "see our appeals policy for how and when to appeal"}
    return {
        "days": policy.window_working_days,
        "text": (
            f"an appeal or enquiry may be lodged within {policy.window_working_days} working "
            "days of the result notification"
        ),
        "source": policy.policy_source,
    }


def confirmation_view(
    db,
    uln: str,
    today: date,
    *,
    records=(),
    organisation: str | None = None,
    appeals: AppealPolicy | None = None,
) -> dict[str, Any]:
    """The view ``templates/epa_confirmation`` prints (see the module's text); ``records`` the
    apprentice's submitted method records (for the status's deadlines)."""
    everyone = list_bookings(db, uln=uln)
    booked = invited(everyone)
    details = apprentice_details(db, uln)
    found = details.get("gateway_date")
    gateway = date.fromisoformat(found) if found else None
    first = booked[0] if booked else (everyone[0] if everyone else None)
    if first is None:
        return {}
    standard = get_standard(first.standard, first.version)
    status = epa_status(standard, gateway, list(records), today)
    mine, ours = _deadline_rows(standard, status, booked)
    window = status.window
    return {
        "kind": "confirmation",
        "title": "Your end-point assessment: confirmation of bookings",
        "organisation": organisation or "",
        "issued_on": long_date(today),
        "apprentice": apprentice_view(details),
        "standard": standard_view(standard),
        "gateway": long_date(gateway),
        "window": {
            "opens": long_date(window.opens),
            "closes": long_date(window.closes),
        }
        if window
        else None,
        "bookings": [booking_view(b, gateway) for b in booked],
        "cancelled": [
            {"id": b.id, "what": what_name(b), "when": _when(b), "reason": b.cancel_reason or ""}
            for b in everyone
            if b.status == "cancelled" and not any(o.rescheduled_from == b.id for o in everyone)
        ],
        "held": [{"what": what_name(b), "when": _when(b)} for b in everyone if b.status == "held"],
        "your_deadlines": mine,
        "our_deadlines": ours,
        "appeals": appeals_view(appeals),
        "kit_version": __version__,
    }
