"""Bookings as one signed-in user may reach them: the booking calls of
:class:`~epa_kernel.store.access.Access`, kept apart so that Access stays one screen of rules.

- an ``admin`` (the EPAO's planning team) lists every booking, previews a booking's findings,
  books, moves, cancels and confirms, in their own name; only an admin's override (with its
  reason) books despite a refusal;
- an ``assessor`` lists only their own bookings, read-only;
- ``iqa`` has no part in planning and is refused every call.

Nothing a caller sends decides the day the rules are counted from, the travel time between two
of one assessor's bookings or who books: the day is the store's clock's, travel the
organisation's ``[bookings]`` setting, the author the signed-in user. A booking a caller sends
is a new one (no id, no reschedule link, held or booked): it cannot overwrite a stored booking,
and its standard is read from the kit's catalogue, never taken from the caller.

The store service serves these calls with Access's own (the public methods of Access and its
mixins, :data:`CALLS` here); nothing whose name starts with ``_`` is a call.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from epa_kernel.core.allocation import Suggestion
from epa_kernel.core.booking import Booking
from epa_kernel.core.booking_rules import Finding
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.epa_status import epa_status
from epa_kernel.errors import AccessError, InputError
from epa_kernel.settings import read_settings
from epa_kernel.store import bookings as rows
from epa_kernel.store.allocation import free_assessors as free_for_slot
from epa_kernel.store.assessor_profiles import all_profiles
from epa_kernel.store.booking_status import confirm
from epa_kernel.store.reschedule import cancel_effect, preview
from epa_kernel.store.schema import apprentices, assignments
from epa_kernel.store.standing import Standing
from epa_kernel.store.users import User


class BookingCalls:
    """Mixed into Access: it gives ``store``, ``user``, ``author``, ``_need`` and ``_refuse``."""

    # --- reading -------------------------------------------------------------------------

    def bookings(self, uln: str | None = None, assessor: str | None = None) -> list[Booking]:
        """Bookings by day, every status: an assessor's own only (naming another is refused),
        every one for an admin (only ``uln``'s or ``assessor``'s when given)."""
        if self.user.role == "assessor":
            if assessor not in (None, self.user.assessor):
                raise self._refuse("see another assessor's bookings")
            return rows.list_bookings(self.store, uln, self.user.assessor)
        self._need("admin", to="see bookings")
        return rows.list_bookings(self.store, uln, assessor)

    def days_away(self, start: date, days: int = 7) -> dict[str, list[date]]:
        """Each assessor's days away (their profile's) among the ``days`` from ``start``: what
        the planning week greys out. Admins only (an assessor's absences are theirs)."""
        self._need("admin", to="see assessors' days away")
        if not isinstance(start, date) or not isinstance(days, int) or not 0 < days <= 31:
            raise InputError("a start date and 1 to 31 days", field="days")
        span = [start + timedelta(days=i) for i in range(days)]
        return {
            p.name: [d for d in span if p.away_on(d)]
            for p in all_profiles(self.store)
            if any(p.away_on(d) for d in span)
        }

    def upcoming(self, since: date, assessor: str | None = None) -> list[dict]:
        """The live bookings on or after ``since`` of the assessor (an assessor: themselves),
        each as a row with the apprentice's name: what the assessor's app lists."""
        found = [b for b in self.bookings(None, assessor) if b.live and b.on >= since]
        names = self._names({b.uln for b in found})
        return [
            {
                "id": b.id,
                "on": b.on,
                "starts": b.starts,
                "ends": b.ends,
                "uln": b.uln,
                "name": names.get(b.uln, ""),
                "what": b.what,
                "attempt": b.attempt,
                "mode": b.mode,
                "where": b.venue if b.mode == "face_to_face" else b.link,
                "assessor": b.assessor,
                "status": b.status,
            }
            for b in sorted(found, key=lambda b: (b.on, b.starts))
        ]

    def planning_apprentices(self) -> list[dict]:
        """Every apprentice at or past the gateway, with the standard and version their
        assignments name (None when none yet): whom the planning meeting books for."""
        self._need("admin", to="see the apprentices to plan")
        query = (
            select(apprentices.c.uln, apprentices.c.name, apprentices.c.gateway_date)
            .where(apprentices.c.gateway_date.is_not(None))
            .order_by(apprentices.c.name, apprentices.c.uln)
        )
        standards = select(assignments.c.uln, assignments.c.standard, assignments.c.version)
        with self.store.connection() as conn:
            named = {r.uln: (r.standard, r.version) for r in conn.execute(standards)}
            found = list(conn.execute(query))
        return [
            {
                "uln": r.uln,
                "name": r.name,
                "gateway": r.gateway_date,
                "standard": named.get(r.uln, (None, None))[0],
                "version": named.get(r.uln, (None, None))[1],
            }
            for r in found
        ]

    def planning_standing(self, uln: str) -> Standing:
        """Where the apprentice's EPA stands on the store's day (the window, each method, the
        deadlines, as ``epa status`` gives it), also before any record is started: counted
        then from the gateway and the standard their assignments name."""
        self._need("admin", to="see the apprentices to plan")
        today = self._today()
        if self.store.records_of(uln):
            return self.store.standing(uln, today)
        person = next((a for a in self.planning_apprentices() if a["uln"] == uln), None)
        if person is None or person["standard"] is None:
            raise InputError("no gateway date or standard stored for this apprentice", field="ULN")
        standard = get_standard(person["standard"], person["version"])
        return Standing(epa_status(standard, person["gateway"], [], today), (), None, None)

    def preview_booking(
        self, booking: Booking, moving: int | None = None
    ) -> tuple[list[Finding], str]:
        """What booking it would find, nothing written, and its window in words; ``moving``:
        the live booking it would replace (a reschedule, as ``moved_booking`` gives it)."""
        self._need("admin", to="plan bookings")
        booking = self._new(booking, None if moving is None else self._id(moving))
        standard = get_standard(booking.standard, booking.version)
        return preview(
            self.store,
            standard,
            booking,
            today=self._today(),
            moving=moving,
            travel_minutes=read_settings().travel_minutes,
        )

    def cancel_effect(self, booking_id: int) -> list[str]:
        """What cancelling the live booking would leave: its window and the days left to book
        it again (nothing written)."""
        self._need("admin", to="plan bookings")
        found = [b for b in rows.list_bookings(self.store) if b.id == self._id(booking_id)]
        if not found:
            raise InputError(f"no live booking {booking_id}", field="ID")
        standard = get_standard(found[0].standard, found[0].version)
        return cancel_effect(self.store, standard, booking_id, today=self._today())

    def moved_booking(self, booking_id: int, on: date, starts: time, ends: time) -> Booking:
        """The live booking as it would be on the new day and times (not written)."""
        self._need("admin", to="plan bookings")
        return rows.moved(self.store, self._id(booking_id), on, starts, ends)

    def free_assessors(self, on: date, starts: time, ends: time, *, uln: str) -> list[Suggestion]:
        """The assessors free for the slot for this apprentice (the standard and version their
        assignments name): not conflicted, approved, not away, not booked then (travel kept
        between), fewest booked that week first; capacity reached is a warning."""
        self._need("admin", to="allocate assessors")
        if not isinstance(on, date) or not all(isinstance(t, time) for t in (starts, ends)):
            raise InputError("a slot is a date and two times", field="slot")
        named = rows.apprentice_standard(self.store, uln) if isinstance(uln, str) else None
        if named is None:
            raise InputError("no standard is assigned to this apprentice yet", field="ULN")
        return free_for_slot(
            self.store,
            ":".join(named),
            on,
            starts,
            ends,
            uln=uln,
            travel_minutes=read_settings().travel_minutes,
        )

    # --- writing -------------------------------------------------------------------------

    def book(
        self, booking: Booking, *, override: str | None = None
    ) -> tuple[Booking, list[Finding]]:
        """Book ``booking`` (a new one) in the admin's name; ``override``: the reason an admin
        books it despite a refusal, kept in its version."""
        self._need("admin", to="book assessments")
        booking = self._new(booking)
        return self._book(booking, override=override, moving=None)

    def move_booking(
        self, booking_id: int, on: date, starts: time, ends: time, *, override: str | None = None
    ) -> tuple[Booking, list[Finding]]:
        """Reschedule: the live booking cancelled and a new one made, in one transaction."""
        self._need("admin", to="move bookings")
        new = rows.moved(self.store, self._id(booking_id), on, starts, ends)
        return self._book(new, override=override, moving=booking_id)

    def cancel_booking(self, booking_id: int, *, reason: str) -> Booking:
        self._need("admin", to="cancel bookings")
        if not isinstance(reason, str):
            raise InputError("give the reason for cancelling as text", field="reason")
        return rows.cancel(
            self.store, self.store.clock, self._id(booking_id), reason=reason, by=self.author
        )

    def confirm_booking(self, booking_id: int) -> Booking:
        """Mark a booking confirmed to the apprentice and employer."""
        self._need("admin", to="confirm bookings")
        return confirm(self.store, self.store.clock, self._id(booking_id), by=self.author)

    # --- the rules of these calls --------------------------------------------------------

    def _book(self, booking: Booking, *, override, moving) -> tuple[Booking, list[Finding]]:
        if override is not None and (not isinstance(override, str) or not override.strip()):
            raise InputError("an override needs its reason", field="override")
        return rows.book(
            self.store,
            self.store.clock,
            get_standard(booking.standard, booking.version),
            booking,
            today=self._today(),
            by=self.author,
            travel_minutes=read_settings().travel_minutes,
            override=override.strip() if override else None,
            moving=moving,
        )

    def _today(self) -> date:
        """The day the rules count from: the store's clock's (UTC), never the caller's."""
        return date.fromisoformat(self.store.clock()[:10])

    def _new(self, booking: Booking, moving: int | None = None) -> Booking:
        if not isinstance(booking, Booking):
            raise InputError("not a booking", field="booking")
        if booking.id is not None or booking.rescheduled_from not in (None, moving):
            raise self._refuse("book over a stored booking (move or cancel it instead)")
        if booking.status not in ("held", "booked"):
            raise InputError("a new booking is held or booked", field="status")
        return booking

    @staticmethod
    def _id(booking_id) -> int:
        if isinstance(booking_id, bool) or not isinstance(booking_id, int):
            raise InputError("a booking's id is a whole number", field="ID")
        return booking_id

    def _names(self, ulns: set[str]) -> dict[str, str]:
        if not ulns:
            return {}
        query = select(apprentices.c.uln, apprentices.c.name).where(apprentices.c.uln.in_(ulns))
        with self.store.connection() as conn:
            return {r.uln: r.name for r in conn.execute(query)}


#: The calls the store service serves from this class (with Access's own).
CALLS = frozenset(n for n, v in vars(BookingCalls).items() if callable(v) and not n.startswith("_"))


class LocalPlanning(BookingCalls):
    """The booking calls off a hub (``epa serve --app planning``, one laptop, loopback): the
    whole store is its user's already, as for ``epa book``, so the planner is who they say
    (``author``, changeable) and may plan; an override is still refused unless ``author`` is an
    admin in the store's users."""

    def __init__(self, store, author: str):
        self.store, self.author = store, author

    @property
    def user(self) -> User:
        return User(self.author, "admin", None)

    def assessors(self) -> list[str]:
        return self.store.assessors()

    def standing(self, uln: str, today: date):
        return self.store.standing(uln, today)

    def _need(self, *roles: str, to: str) -> None:
        """Off a hub every planning call is the laptop user's to make."""

    def _refuse(self, what: str) -> AccessError:
        return AccessError(f"{self.author} may not {what}")
