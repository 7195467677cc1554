"""The planning app's list of the free assessors for the slot being booked.

Before choosing an assessor, the planning team asks who could take the slot: the store answers
(:meth:`~epa_kernel.store.access.Access.free_assessors`, from
:func:`epa_kernel.store.allocation.free_assessors`) with the assessors approved for the
apprentice's standard, not away, not linked to their provider or employer that day and not
booked then (travel kept between), fewest booked that week first, a full week as a warning.
Each is a button: clicking it puts that assessor in the form, whose findings then follow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import ipywidgets as w

from epa_kernel.apps.planning_view import clock, tagged
from epa_kernel.errors import AccessError, InputError


def suggestion_words(s) -> str:
    """One suggestion as a button says it: name, the week's load, what to know."""
    load = f"{s.booked_this_week} booked this week"
    load += f" of {s.capacity}" if s.capacity is not None else ""
    warned = f" — {'; '.join(s.warnings)}" if s.warnings else ""
    return f"{s.assessor} ({load}){warned}"


class FreePanel:
    def __init__(self, store, *, choose: Callable[[str], None]):
        self.store, self.choose = store, choose
        self.head = tagged(w.HTML(), "free-head")
        self.list = tagged(w.VBox(), "free")
        self.widget = w.VBox([self.head, self.list])
        self._asked: tuple | None = None  # the slot last asked for

    def forget(self) -> None:
        """Ask again next time: a booking made or moved changes who is free."""
        self._asked = None

    def ask(self, uln: str | None, on: date | None, starts: str, ends: str) -> None:
        """Show who is free for the slot as typed, asking the store only when it changed."""
        try:
            times = clock(starts, "From"), clock(ends, "To")
        except InputError:
            times = (None, None)
        slot = (uln, on, *times)
        if slot != self._asked:
            self._asked = slot
            self.show(*slot)

    def show(self, uln: str | None, on: date | None, starts: time | None, ends: time | None):
        """The free assessors for the slot, or a line saying what is missing to ask."""
        if not (uln and on and starts and ends):
            self.head.value = "<b>Free assessors</b>: choose the day and times to see them."
            self.list.children = []
            return
        try:
            found = self.store.free_assessors(on, starts, ends, uln=uln)
        except (InputError, AccessError) as exc:
            self.head.value = f"<b>Free assessors</b>: not available ({exc})"
            self.list.children = []
            return
        slot = f"{on} {starts:%H:%M}–{ends:%H:%M}"
        if not found:
            self.head.value = f"<b>Free assessors</b> for {slot}: none (see the profiles)."
        else:
            self.head.value = f"<b>Free assessors</b> for {slot} (click one to book them):"
        buttons = []
        for s in found:
            button = w.Button(
                description=suggestion_words(s),
                tooltip=f"book {s.assessor}",
                button_style="warning" if s.warnings else "",
                layout=w.Layout(width="520px"),
            )
            button.add_class("epa-plan-free-assessor")
            button.on_click(lambda _b, name=s.assessor: self.choose(name))
            buttons.append(button)
        self.list.children = buttons
