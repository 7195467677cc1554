"""`epa demo`'s lifecycle part: each case stands where its rules put it, and the round after
the results (store, IQA, appeal, release, certificates) runs once and adds nothing twice."""

from __future__ import annotations

import csv
import json
import re
from datetime import date

import pytest

from epa_kernel.batch.demo_cohort import write_cohort
from epa_kernel.batch.demo_lifecycle import CASES, write_cases
from epa_kernel.cli.demo import lifecycle_report


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    write_cohort(out / "cohort")
    write_cases(out / "cohort", out / "refused")
    return out


def uln_of(folder, key):
    record = json.loads(next(folder.glob(f"{key}_*.json")).read_text(encoding="utf-8"))
    return record["apprentice"]["uln"]


def block(lines, key):
    """One case's lines: its heading and the indented lines under it."""
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {key}  "))
    end = start + 1
    while end < len(lines) and lines[end].startswith("       "):
        end += 1
    return "\n".join(lines[start:end])


def test_each_lifecycle_case_is_shown_where_its_rules_put_it(demo):
    lines = lifecycle_report(demo, date(2026, 12, 4))
    headings = [line.split()[0] for line in lines if re.match(r"  c\d\d  ", line)]
    assert headings == [c.key for c in CASES]
    c01 = block(lines, "c01")
    assert "overall Pass" in c01 and "practical_observation: first Fail, resit Fail, resit" in c01
    c02 = block(lines, "c02")
    assert "overall Distinction" in c02 and "Not capped at Pass: exceptional circumstances" in c02
    c03 = block(lines, "c03")
    assert "professional_discussion first on" in c03 and "is outside the window" in c03
    c04_uln = uln_of(demo / "cohort", "c04")
    assert f"held {c04_uln}: under appeal: appeal 1 on work_based_project" in "\n".join(lines)
    c05 = block(lines, "c05")
    assert "c05_practical_observation_resit.json: attempt:" in c05
    assert "follows an attempt graded Pass" in c05
    names = {
        json.loads(p.read_text(encoding="utf-8"))["apprentice"]["name"]
        for p in (demo / "cohort").glob("*.json")
    }
    assert not any(n in line for n in names for line in lines)  # ULNs only, never names


def test_the_round_claims_released_passes_once_and_never_the_appealed_result(demo):
    lifecycle_report(demo, date(2026, 12, 4))  # the first round (or again after the test above)
    with open(demo / "certificates.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["OverallGrade"] for r in rows} <= {"Pass", "Distinction"}
    assert uln_of(demo / "cohort", "c04") not in {r["Uln"] for r in rows}
    c02 = next(r for r in rows if r["Uln"] == uln_of(demo / "cohort", "c02"))
    assert c02["OverallGrade"] == "Distinction" and c02["StandardReference"] == "ST0071"
    before = (demo / "certificates.csv").read_bytes()
    again = lifecycle_report(demo, date(2026, 12, 4))
    text = "\n".join(again)
    assert "0 records imported" in text and "0 appeal(s) lodged now" in text
    assert "certificate claims: 0 (nothing new to claim)" in text
    assert (demo / "certificates.csv").read_bytes() == before  # the first batch is kept


def test_the_demo_ends_with_its_results_as_the_service_and_ofqual_take_them(demo):
    from epa_kernel.exports.ofqual_format import check_file

    lifecycle_report(demo, date(2026, 12, 4))
    sent = sorted((demo / "submissions").glob("*.json"))
    assert [p.name.split("-", 1)[1] for p in sent][0] == "epa-create.json"
    bodies = [b for p in sent for b in json.loads(p.read_text(encoding="utf-8"))]
    epas = [b for b in bodies if "epaDetails" in b]
    outcomes = {e["epaOutcome"] for b in epas for e in b["epaDetails"]["epas"]}
    assert {"Pass", "Fail"} <= outcomes  # every outcome is recorded, Fails included
    certificates = [b for b in bodies if "postalContact" in b]
    grades = {b["learningDetails"]["overallGrade"] for b in certificates}
    assert certificates and grades <= {"Pass", "Distinction"}  # no certificate for a Fail
    assert all(len(json.loads(p.read_text())) <= 25 for p in sent)  # the service's batch limit
    held = str(uln_of(demo / "cohort", "c04"))  # under appeal: not released, not sent
    assert held not in json.dumps(bodies)
    assert all(stat_mode(p) == 0o600 for p in sent) and stat_mode(demo / "submissions") == 0o700
    returned = demo / "ofqual_return.csv"
    assert check_file(returned) == [] and held not in returned.read_text(encoding="utf-8")


def stat_mode(path) -> int:
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def test_the_demo_books_its_cohort_once_with_a_conflict_refused_and_a_reschedule(demo):
    from epa_kernel.cli.demo import bookings_report
    from epa_kernel.store.bookings import list_bookings
    from epa_kernel.store.store import Store

    lifecycle_report(demo, date(2026, 12, 4))  # the records the bookings follow
    lines = bookings_report(demo)
    text = "\n".join(lines)
    assert re.search(r"29 planning meetings and 91 assessments booked", text)
    assert "refused by the rules: assessment_window 1" in text  # c03's discussion, too late
    conflict = next(i for i, line in enumerate(lines) if "conflict of interest:" in line)
    assessor = lines[conflict].split(": ")[1].split(" declared")[0]
    assert f"with {assessor}: refused [independence]" in lines[conflict + 1]
    assert (
        lines[conflict + 3].startswith("    booked with ") and assessor not in lines[conflict + 3]
    )
    assert re.search(r"rescheduled: booking \d+ \(Professional discussion, \d{10}\)", text)
    assert "day(s) before it closes (was " in text
    store = Store(f"sqlite:///{demo / 'epa.sqlite'}")
    made = list_bookings(store)
    assert sum(b.status == "cancelled" for b in made) == 1 and len(made) == 121
    store.close()
    again = bookings_report(demo)
    assert again[1] == "  already booked: 120 live booking(s); epa status --store lists them"
    names = {
        json.loads(p.read_text(encoding="utf-8"))["apprentice"]["name"]
        for p in (demo / "cohort").glob("*.json")
    }
    assert not any(n in line for n in names for line in lines)  # ULNs only, never names
    # The planning meetings' letters and invites, and each assessor's feed
    import icalendar
    import pypdf

    from epa_kernel.cli.demo import confirmations_report

    said = "\n".join(confirmations_report(demo, date(2026, 12, 4)))
    letters = sorted((demo / "confirmations").glob("*/confirmation.pdf"))
    assert f"confirmations: {len(letters)} apprentice(s)" in said and len(letters) >= 25
    assert pypdf.PdfReader(letters[0]).pages[0].extract_text().strip()
    invites = icalendar.Calendar.from_ical((letters[0].parent / "invites.ics").read_bytes())
    assert invites["METHOD"] == "REQUEST" and invites.walk("VEVENT")
    feeds = list((demo / "calendars").glob("*.ics"))
    assert feeds and all(icalendar.Calendar.from_ical(f.read_bytes()).walk("VEVENT") for f in feeds)
    from sqlalchemy import func, select

    from epa_kernel.store.schema import booking_versions

    def versions() -> int:
        with store.connection() as conn:
            return conn.execute(select(func.count()).select_from(booking_versions)).scalar()

    store = Store(f"sqlite:///{demo / 'epa.sqlite'}")
    assert "booked" not in {b.status for b in list_bookings(store)}  # the letters confirmed them
    before = versions()
    again = "\n".join(confirmations_report(demo, date(2026, 12, 4)))
    assert versions() == before  # a second run rewrites the letters and changes no booking
    store.close()
    assert not any(n in again or n in said for n in names)
