"""The planning app that Voilà serves to admins: the EPA planning meeting's bookings.

The EPAO's planning team chooses an apprentice, sees the week of slots per assessor beside the
apprentice's window and deadlines (the status panel ``epa status`` draws), fills the booking
form (method, attempt, day, times, face to face or remote, assessor: the free ones for the
slot are listed, :mod:`epa_kernel.apps.planning_free`) and reads the booking rules' findings
as they change (:meth:`~epa_kernel.store.access.Access.preview_booking`): a refusal with its
reason and source, warnings, information. *Book* books it; a refusal stands
unless an override reason is given (the store refuses an override by anyone but an admin).
Rescheduling and cancelling are in :mod:`epa_kernel.apps.planning_manage`.

Nothing here decides a rule: the store checks every booking again when it is written, and the
day the rules are counted from is the store's. On a hub the app holds the signed-in admin's
:class:`~epa_kernel.store.access.Access` through the store service; others are refused.
"""

from __future__ import annotations

import getpass
from datetime import date, timedelta
from html import escape

import ipywidgets as w

from epa_kernel.apps.page_wait import wait_for_page  # noqa: F401 - the notebook's pause
from epa_kernel.apps.planning_free import FreePanel
from epa_kernel.apps.planning_manage import ManagePanel
from epa_kernel.apps.planning_view import (
    booked_html,
    booking_dues,
    clock,
    findings_html,
    monday,
    say,
    standing_html,
    tagged,
    week_html,
)
from epa_kernel.apps.signed_in import show_for, signed_in
from epa_kernel.core.booking import PLANNING_MEETING, Booking
from epa_kernel.core.booking_rules import refusals
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.model import validate_input
from epa_kernel.core.vocabulary import METHOD_NAMES
from epa_kernel.errors import AccessError, InputError
from epa_kernel.store.booking_access import LocalPlanning

LABEL = {"description_width": "110px"}
ATTEMPTS = [("first attempt", "first"), ("resit", "resit"), ("retake", "retake")]
ATTEMPTS += [("second resit", "resit2"), ("second retake", "retake2")]


class PlanningApp:
    """``store``: the signed-in admin's Access (or its service client); a laptop's Store is
    planned on as :class:`~epa_kernel.store.booking_access.LocalPlanning`, by the name typed."""

    def __init__(self, store, *, banner: str = "", today: date | None = None):
        if not signed_in(store):
            store = LocalPlanning(store, getpass.getuser())
        self.store, self.today = store, today or date.today()
        self.planner = tagged(
            w.Text(value=store.author, description="Planned by", style=LABEL), "planner"
        )
        self.planner.disabled = not isinstance(store, LocalPlanning)
        self.planner.observe(lambda c: self._planner(c["new"]), "value")
        self.people = {a["uln"]: a for a in store.planning_apprentices()}
        self.week = monday(self.today)
        options = [
            (f"{a['name']} ({a['uln']}) — {a['standard'] or 'no standard yet'}", a["uln"])
            for a in self.people.values()
        ]
        self.apprentice = tagged(
            w.Dropdown(options=options, value=None, description="Apprentice", style=LABEL),
            "apprentice",
        )
        self.apprentice.layout.width = "520px"
        self.prev = tagged(w.Button(description="◀ Previous week"), "prev")
        self.next = tagged(w.Button(description="Next week ▶"), "next")
        self.this = tagged(w.Button(description="This week"), "this")
        self.week_label = tagged(w.HTML(), "week-label")
        self.grid = tagged(w.HTML(), "week")
        self.standing = tagged(w.HTML(), "standing")
        self.booked = tagged(w.HTML(), "booked")
        self.method = tagged(w.Dropdown(description="Method", style=LABEL), "method")
        self.attempt = tagged(
            w.Dropdown(options=ATTEMPTS, value="first", description="Attempt", style=LABEL),
            "attempt",
        )
        self.day = tagged(w.DatePicker(description="Day", style=LABEL), "day")
        self.starts = tagged(w.Text(value="09:00", description="From", style=LABEL), "from")
        self.ends = tagged(w.Text(value="10:00", description="To"), "to")
        self.starts.layout.width, self.ends.layout.width = "200px", "120px"
        self.ends.style.description_width = "30px"
        self.mode = tagged(
            w.ToggleButtons(
                options=[("Face to face", "face_to_face"), ("Remote", "remote")],
                description="Mode",
                style=LABEL,
            ),
            "mode",
        )
        self.where = tagged(w.Text(description="Venue", style=LABEL), "where")
        self.where.layout.width = "520px"
        self.assessor = tagged(
            w.Dropdown(options=store.assessors(), value=None, description="Assessor", style=LABEL),
            "assessor",
        )
        self.hold = tagged(w.Checkbox(description="Hold only (provisional)"), "hold")
        self.findings = tagged(w.HTML(), "findings")
        self.override = tagged(
            w.Textarea(
                description="Override",
                placeholder="admins only: why it is booked despite a refusal",
                style=LABEL,
            ),
            "override",
        )
        self.override.layout.width = "520px"
        self.book_button = tagged(
            w.Button(description="Book", button_style="success", icon="calendar"), "book"
        )
        self.status = tagged(w.HTML(), "status")
        self.status.add_class("epa-status")
        self.manage = ManagePanel(store, on_change=self.refresh)
        self.free = FreePanel(store, choose=self._choose)
        for button, step in ((self.prev, -7), (self.next, 7), (self.this, None)):
            button.on_click(lambda _b, step=step: self._go(step))
        self.apprentice.observe(lambda _c: self._chosen(), "value")
        for field in (self.method, self.attempt, self.day, self.starts, self.ends, self.assessor):
            field.observe(lambda _c: self.check(), "value")
        for field in (self.where, self.mode, self.hold):
            field.observe(lambda _c: self.check(), "value")
        self.book_button.on_click(lambda _b: self.book())
        form = w.VBox(
            [
                w.HTML("<h3>Book an assessment</h3>"),
                self.method,
                self.attempt,
                self.day,
                w.HBox([self.starts, self.ends]),
                self.mode,
                self.where,
                self.free.widget,
                self.assessor,
                self.hold,
                self.findings,
                self.override,
                w.HBox([self.book_button, self.status]),
            ],
            layout=w.Layout(width="600px"),
        )
        side = w.VBox(
            [w.HTML("<h3>The apprentice</h3>"), self.standing, self.booked, self.manage.widget],
            layout=w.Layout(width="660px", margin="0 0 0 24px"),
        )
        self.widget = w.VBox(
            [
                *([w.HTML(banner)] if banner else []),
                *([] if banner else [self.planner]),
                self.apprentice,
                w.HBox([self.prev, self.this, self.next, self.week_label]),
                self.grid,
                w.HBox([form, side]),
            ]
        )
        self.refresh()

    def _planner(self, name: str) -> None:
        if isinstance(self.store, LocalPlanning) and name.strip():
            self.store.author = name.strip()

    # --- what is shown -------------------------------------------------------------------

    def _go(self, step: int | None) -> None:
        self.week = monday(self.today) if step is None else self.week + timedelta(days=step)
        self.refresh()

    def _chosen(self) -> None:
        person = self.people.get(self.apprentice.value)
        methods = []
        if person and person["standard"]:
            standard = get_standard(person["standard"], person["version"])
            methods = [(METHOD_NAMES.get(m.id, m.name), m.id) for m in standard.methods]
        self.method.options = [*methods, ("Planning meeting", PLANNING_MEETING)]
        self.method.value = None
        self.refresh()

    def _choose(self, assessor: str) -> None:
        if assessor in self.assessor.options:
            self.assessor.value = assessor

    def refresh(self) -> None:
        """The week, the apprentice's panel and bookings, and the form's findings, again."""
        self.free.forget()  # a booking made or moved changes who is free
        self.status.value = ""  # what it said was about the page before
        uln = self.apprentice.value
        end = self.week + timedelta(days=6)
        self.week_label.value = f"<b>Week of {self.week:%d %B %Y}</b> (to {end:%d %B})"
        names = {u: a["name"] for u, a in self.people.items()}
        try:
            every = self.store.bookings()
        except (InputError, AccessError) as exc:
            say(self.status, str(exc), error=True)
            return
        away = self.store.days_away(self.week)
        self.grid.value = week_html(
            self.week, self.store.assessors(), every, names, chosen=uln, today=self.today, away=away
        )
        mine = [b for b in every if b.uln == uln]
        self.standing.value = standing_html(self.store, uln) if uln else ""
        self.booked.value = booked_html(mine, self._dues(uln, mine)) if uln else ""
        self.manage.show(mine)
        self.check()

    def _dues(self, uln: str, bookings) -> list:
        person = self.people.get(uln)
        if not person or not person["standard"]:
            return []
        standard = get_standard(person["standard"], person["version"])
        return booking_dues(standard, person["gateway"], bookings, self.today)

    # --- the booking form ----------------------------------------------------------------

    def booking(self) -> Booking:
        """The form as a booking, or bad input naming the field to fix."""
        person = self.people.get(self.apprentice.value)
        if person is None:
            raise InputError("choose the apprentice", field="Apprentice")
        if not person["standard"]:
            raise InputError("no standard is assigned to this apprentice yet", field="Apprentice")
        for field, name in ((self.method, "Method"), (self.day, "Day")):
            if field.value is None:
                raise InputError("choose one", field=name)
        if self.assessor.value is None:
            raise InputError("choose the assessor", field="Assessor")
        meeting = self.method.value == PLANNING_MEETING
        remote = self.mode.value == "remote"
        place = self.where.value.strip() or None
        data = {
            "kind": "planning_meeting" if meeting else "assessment",
            "uln": person["uln"],
            "standard": person["standard"],
            "version": person["version"],
            "method": None if meeting else self.method.value,
            "attempt": self.attempt.value,
            "on": self.day.value,
            "starts": clock(self.starts.value, "From"),
            "ends": clock(self.ends.value, "To"),
            "mode": self.mode.value,
            "venue": None if remote else place,
            "link": place if remote else None,
            "assessor": self.assessor.value,
            "status": "held" if self.hold.value else "booked",
        }
        return validate_input(Booking, data, file="the booking form", what="a booking")

    def check(self) -> list | None:
        """The findings of the form's booking as it stands, shown; None when it is not one."""
        self.where.description = "Link" if self.mode.value == "remote" else "Venue"
        self.free.ask(self.apprentice.value, self.day.value, self.starts.value, self.ends.value)
        if self.apprentice.value is None:
            self.findings.value = "<i>Choose an apprentice to plan.</i>"
            self.book_button.disabled = True
            return None
        try:
            found, window = self.store.preview_booking(self.booking())
        except (InputError, AccessError) as exc:
            self.findings.value = f"<div class='epa-findings'><i>{escape(str(exc))}</i></div>"
            self.book_button.disabled = True
            return None
        self.findings.value = findings_html(found, window)
        self.book_button.disabled = False
        return found

    def book(self) -> None:
        found = self.check()
        if found is None:
            say(self.status, "Not booked: complete the form first.", error=True)
            return
        override = self.override.value.strip() or None
        if refusals(found) and override is None:
            say(self.status, "Not booked: a rule refuses it (give an override reason).", error=True)
            return
        try:
            made, _ = self.store.book(self.booking(), override=override)
        except (InputError, AccessError) as exc:
            say(self.status, f"Not booked: {exc}", error=True)
            return
        self.override.value = ""
        self.week = monday(made.on)
        self.refresh()
        say(self.status, f"Booked: booking {made.id}, {made.describe()}.")


def show_planning(store_url: str | None = None) -> PlanningApp | None:
    """Show the app on the store at ``store_url`` or ``EPA_STORE_URL`` (admins only on a hub)."""
    start = "with <code>epa hub</code> or <code>epa serve --app planning</code>"
    return show_for(PlanningApp, store_url, roles=("admin",), start=start)
