"""The planning app's panel for one booked assessment: reschedule, cancel or confirm it.

The documents warn that moving or cancelling an assessment can affect the EPA period, so the
effect is on the page before anything is changed: choosing a booking shows its window (how many
days are left before it closes), and typing a new day and times shows what the move would find
(:meth:`~epa_kernel.store.access.Access.moved_booking` and ``preview_booking``: the window, the
notice and the other rules counted again), and what cancelling it would leave (the days left in
its window to book it again). *Reschedule* cancels the old booking and makes the
new one in one transaction; *Cancel* needs its reason; *Confirm* marks it confirmed to the
apprentice and employer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

import ipywidgets as w

from epa_kernel.apps.planning_view import clock, findings_html, say, tagged
from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_rules import refusals
from epa_kernel.errors import AccessError, InputError

LABEL = {"description_width": "110px"}


class ManagePanel:
    def __init__(self, store, *, on_change: Callable[[], None]):
        self.store, self.on_change = store, on_change
        self.choice = tagged(w.Dropdown(description="Booking", style=LABEL), "manage-booking")
        self.choice.layout.width = "520px"
        self.day = tagged(w.DatePicker(description="Move to", style=LABEL), "move-day")
        self.starts = tagged(w.Text(description="From", style=LABEL), "move-from")
        self.ends = tagged(w.Text(description="To"), "move-to")
        self.starts.layout.width, self.ends.layout.width = "200px", "120px"
        self.ends.style.description_width = "30px"
        self.effect = tagged(w.HTML(), "effect")
        self.reason = tagged(
            w.Text(description="Reason", placeholder="why it is cancelled", style=LABEL),
            "cancel-reason",
        )
        self.reason.layout.width = "520px"
        self.move_button = tagged(
            w.Button(description="Reschedule", button_style="warning"), "reschedule"
        )
        self.cancel_button = tagged(w.Button(description="Cancel booking"), "cancel")
        self.confirm_button = tagged(w.Button(description="Confirm booking"), "confirm")
        self.status = tagged(w.HTML(), "manage-status")
        self.choice.observe(lambda _c: self._chosen(), "value")
        for field in (self.day, self.starts, self.ends):
            field.observe(lambda _c: self.preview(), "value")
        self.move_button.on_click(lambda _b: self.move())
        self.cancel_button.on_click(lambda _b: self.cancel())
        self.confirm_button.on_click(lambda _b: self.confirm())
        self.widget = w.VBox(
            [
                w.HTML("<h4>Reschedule or cancel</h4>"),
                self.choice,
                self.day,
                w.HBox([self.starts, self.ends]),
                self.effect,
                w.HBox([self.move_button, self.confirm_button]),
                self.reason,
                self.cancel_button,
                self.status,
            ]
        )
        self.show([])

    def show(self, bookings: Sequence[Booking]) -> None:
        """Offer the apprentice's live bookings (the one chosen stays chosen)."""
        chosen = self.choice.value
        live = [b for b in bookings if b.live]
        self.choice.options = [
            (f"{b.id}: {b.words} on {b.on} {b.starts:%H:%M} with {b.assessor}", b.id) for b in live
        ]
        self.choice.value = chosen if chosen in {b.id for b in live} else None
        self._chosen()

    def _chosen(self) -> None:
        self.move_button.disabled = True
        none = self.choice.value is None
        self.cancel_button.disabled = self.confirm_button.disabled = none
        if none:
            self.effect.value = self.starts.value = self.ends.value = ""
            self.day.value = None
            return
        old = next(b for b in self.store.bookings() if b.id == self.choice.value)
        self.day.value = old.on
        self.starts.value, self.ends.value = f"{old.starts:%H:%M}", f"{old.ends:%H:%M}"
        self.preview()

    def _moved(self) -> Booking:
        if self.day.value is None:
            raise InputError("choose the day to move it to", field="Move to")
        starts, ends = clock(self.starts.value, "From"), clock(self.ends.value, "To")
        return self.store.moved_booking(self.choice.value, self.day.value, starts, ends)

    def preview(self) -> list | None:
        """The effect of the move as typed (as it stands: the booking's own window), shown."""
        if self.choice.value is None:
            return None
        try:
            new = self._moved()
            found, window = self.store.preview_booking(new, self.choice.value)
        except (InputError, AccessError) as exc:
            self.effect.value = f"<div class='epa-findings'><i>{escape(str(exc))}</i></div>"
            self.move_button.disabled = True
            return None
        old = next(b for b in self.store.bookings() if b.id == self.choice.value)
        same = (new.on, new.starts, new.ends) == (old.on, old.starts, old.ends)
        head = "As booked now" if same else f"If moved to {new.on} {new.starts:%H:%M}"
        gone = self.store.cancel_effect(self.choice.value)[1:]  # its window, days to rebook
        cancelled = f"<div class='epa-cancel-effect'>If cancelled: {escape('; '.join(gone))}</div>"
        self.effect.value = findings_html(found, f"{head}: {window}") + (cancelled if gone else "")
        self.move_button.disabled = same
        return found

    def move(self) -> None:
        found = self.preview()
        if found is None:
            return
        if refusals(found):
            say(self.status, "Not moved: a rule refuses the new slot (see above).", error=True)
            return
        try:
            made, _ = self.store.move_booking(self.choice.value, self.day.value, *self._times())
        except (InputError, AccessError) as exc:
            say(self.status, f"Not moved: {exc}", error=True)
            return
        self.on_change()
        say(self.status, f"Rescheduled: booking {made.id} replaces {made.rescheduled_from}.")

    def _times(self):
        return clock(self.starts.value, "From"), clock(self.ends.value, "To")

    def cancel(self) -> None:
        if not self.reason.value.strip():
            say(self.status, "Give the reason for cancelling.", error=True)
            return
        try:
            gone = self.store.cancel_booking(self.choice.value, reason=self.reason.value)
        except (InputError, AccessError) as exc:
            say(self.status, f"Not cancelled: {exc}", error=True)
            return
        self.reason.value = ""
        self.on_change()
        say(self.status, f"Cancelled booking {gone.id}: {gone.cancel_reason}.")

    def confirm(self) -> None:
        try:
            done = self.store.confirm_booking(self.choice.value)
        except (InputError, AccessError) as exc:
            say(self.status, f"Not confirmed: {exc}", error=True)
            return
        self.on_change()
        say(self.status, f"Confirmed booking {done.id}.")
