"""Calendar invites as calendars read them: the apprentice's REQUEST with every booked slot, a
reschedule that keeps the UID with a higher SEQUENCE, a cancellation as METHOD:CANCEL, the
assessor's feed; each read back by icalendar and by a second reader (vobject)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import icalendar
import vobject

from epa_kernel.core.catalogue import get_standard
from epa_kernel.exports.calendar_feed import apprentice_invites, assessor_feed
from epa_kernel.exports.invites import Party
from epa_kernel.store import bookings as rows
from epa_kernel.store.booking_chains import confirm_booked
from helpers import VALID_ULNS, booked_apprentice, epa, reschedule

STAMP = datetime(2025, 1, 7, 12, tzinfo=UTC)
ORG = Party("epa@example.org", "Example EPAO", role="CHAIR")
ST0071 = get_standard("ST0071", "1.1")


def events(ics: bytes) -> list:
    return list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))


def by_summary(ics: bytes) -> dict:
    return {str(e["SUMMARY"]): e for e in events(ics)}


def test_request_holds_every_booked_slot_in_london_time(sqlite_store):
    booked_apprentice(sqlite_store)
    invites = apprentice_invites(sqlite_store, VALID_ULNS[0], STAMP, ORG)
    cal = icalendar.Calendar.from_ical(invites.request)
    assert cal.to_ical() == invites.request  # a round trip changes nothing
    assert str(cal["METHOD"]) == "REQUEST" and invites.cancel is None
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/London"]
    found = by_summary(invites.request)
    assert len(found) == 4
    project = found["Work-based project supported by an interview"]
    assert str(project["LOCATION"]) == "Unit 4, Example Park, Leeds" and "URL" not in project
    # the observation is on 1 April 2025, in British Summer Time: 09:00 there is 08:00 UTC
    observation = found["Practical observation with questions and answers"]
    start = observation.decoded("DTSTART")
    assert start.astimezone(UTC).time() == time(8) and str(start.tzinfo) == "Europe/London"
    discussion = found["Professional discussion supported by a portfolio of evidence"]
    assert str(discussion["URL"]) == "https://meet.example/pd"
    # what to submit by when, from the standard's deadlines; what to bring from its preparation
    assert "By Monday 24 February 2025: Project report submitted" in str(project["DESCRIPTION"])
    assert "Referencing Matrix" in str(discussion["DESCRIPTION"])
    attendees = {str(a) for a in discussion.get("ATTENDEE")}
    assert attendees == {
        f"mailto:sam.{VALID_ULNS[0]}@example.org",
        "mailto:manager@example.com",
        "mailto:ann@example.net",
    }
    assert str(discussion["ORGANIZER"]) == "mailto:epa@example.org"
    assert discussion.decoded("DTSTAMP") == STAMP
    assert {int(e["SEQUENCE"]) for e in found.values()} == {0}
    assert len({str(e["UID"]) for e in found.values()}) == 4
    assert all(VALID_ULNS[0] not in str(e["UID"]) for e in found.values())


def test_reschedule_keeps_the_uid_with_a_higher_sequence(sqlite_store):
    made = booked_apprentice(sqlite_store)
    before = by_summary(apprentice_invites(sqlite_store, VALID_ULNS[0], STAMP, ORG).request)
    confirm_booked(sqlite_store, sqlite_store.clock, VALID_ULNS[0], by="planner")
    discussion = made[2]
    moved = reschedule(sqlite_store, discussion, date(2025, 3, 18), 14)
    again = reschedule(sqlite_store, moved, date(2025, 3, 19), 14)
    after = apprentice_invites(sqlite_store, VALID_ULNS[0], STAMP, ORG)
    name = "Professional discussion supported by a portfolio of evidence"
    old, new = before[name], by_summary(after.request)[name]
    assert str(new["UID"]) == str(old["UID"])
    assert (int(old["SEQUENCE"]), int(new["SEQUENCE"])) == (0, 2)
    assert new.decoded("DTSTART").date() == date(2025, 3, 19) and again.rescheduled_from == moved.id
    assert len(events(after.request)) == 4  # moved, not added
    assert after.cancel is None  # the old bookings live on in the new one: nothing to remove


def test_cancellation_is_method_cancel_for_what_the_apprentice_was_told(sqlite_store):
    made = booked_apprentice(sqlite_store)
    uid = {
        str(e["SUMMARY"]): str(e["UID"])
        for e in events(apprentice_invites(sqlite_store, VALID_ULNS[0], STAMP, ORG).request)
    }
    # cancelled before any confirmation: the apprentice was never told, nothing to cancel
    rows.cancel(
        sqlite_store, sqlite_store.clock, made[0].id, reason="held by phone instead", by="planner"
    )
    assert apprentice_invites(sqlite_store, VALID_ULNS[0], STAMP, ORG).cancel is None
    confirm_booked(sqlite_store, sqlite_store.clock, VALID_ULNS[0], by="planner")
    rows.cancel(
        sqlite_store, sqlite_store.clock, made[3].id, reason="employer closed", by="planner"
    )
    invites = apprentice_invites(sqlite_store, VALID_ULNS[0], STAMP, ORG)
    cal = icalendar.Calendar.from_ical(invites.cancel)
    assert str(cal["METHOD"]) == "CANCEL"
    (gone,) = cal.walk("VEVENT")
    assert str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) == 1
    assert str(gone["UID"]) == uid["Practical observation with questions and answers"]
    assert len(events(invites.request)) == 2  # the two assessments still booked


def test_a_second_reader_accepts_the_invites_and_the_feed(sqlite_store):
    made = booked_apprentice(sqlite_store)
    confirm_booked(sqlite_store, sqlite_store.clock, VALID_ULNS[0], by="planner")
    rows.cancel(
        sqlite_store, sqlite_store.clock, made[3].id, reason="employer closed", by="planner"
    )
    invites = apprentice_invites(sqlite_store, VALID_ULNS[0], STAMP, ORG)
    feed, count = assessor_feed(sqlite_store, "Ann Assessor", STAMP)
    for ics, method, n in (
        (invites.request, "REQUEST", 3),
        (invites.cancel, "CANCEL", 1),
        (feed, "PUBLISH", 3),
    ):
        parsed = vobject.readOne(ics.decode("utf-8"))
        assert parsed.method.value == method
        found = parsed.vevent_list
        assert len(found) == n
        assert all(e.dtstart.value.tzinfo is not None for e in found)
    assert count == 3


def test_assessor_feed_names_the_apprentice_and_only_live_bookings(sqlite_store):
    made = booked_apprentice(sqlite_store)
    booked_apprentice(sqlite_store, VALID_ULNS[1], assessor="Bob Assessor")
    rows.cancel(
        sqlite_store,
        sqlite_store.clock,
        made[1].id,
        reason="moved to another assessor",
        by="planner",
    )
    feed, count = assessor_feed(sqlite_store, "Ann Assessor", STAMP)
    cal = icalendar.Calendar.from_ical(feed)
    assert (
        str(cal["METHOD"]) == "PUBLISH"
        and str(cal["X-WR-CALNAME"]) == "EPA assessments: Ann Assessor"
    )
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert count == 3 and all(s.endswith(": Sam Synthetic") for s in summaries)
    assert not any(s.startswith("Work-based project") for s in summaries)


def test_epa_calendar_writes_the_feed_and_refuses_an_unknown_assessor(tmp_path, booked_url):
    url = booked_url
    out = tmp_path / "ann.ics"
    done = epa("calendar", "Ann Assessor", "--out", out, "--store", url)
    assert done.returncode == 0, done.stderr
    assert len(events(out.read_bytes())) == 4
    mine = epa("calendar", "--uln", VALID_ULNS[0], "--store", url)
    assert str(icalendar.Calendar.from_ical(mine.stdout)["METHOD"]) == "REQUEST"
    bad = epa("calendar", "Nobody", "--store", url)
    assert bad.returncode == 2 and "ASSESSOR" in bad.stderr and "Traceback" not in bad.stderr
    typo = epa("contact", VALID_ULNS[0], "--email", "sam at example", "--store", url)
    assert typo.returncode == 2 and "--email" in typo.stderr and "sam at example" not in typo.stderr
