"""The EPA status panel in the assessor and IQA apps: the engine's answer for one apprentice,
drafts included, with the store's appeal, release and claim; the same in both apps."""

from __future__ import annotations

from datetime import date

import pytest

from epa_kernel.apps.assessor_app import AssessorApp
from epa_kernel.apps.iqa_review import ReviewApp
from epa_kernel.apps.status_panel import panel_for
from epa_kernel.core.catalogue import get_standard
from helpers import VALID_ULNS, dated_record, lodge_appeal

ST0072 = get_standard("ST0072", "1.0")
ULN = VALID_ULNS[0]
APPRENTICE = {"uln": ULN, "name": "Ada Example", "gateway_date": "2026-02-02"}


@pytest.fixture
def store(tmp_path):
    from epa_kernel.store.store import Store

    s = Store(f"sqlite:///{tmp_path / 'epa.sqlite'}")
    yield s
    s.close()


def put(store, method, on, *, grade="Pass", attempt="first", submit=True):
    record = dated_record(ST0072, method, on, attempt, grade=grade, apprentice=APPRENTICE)
    store.assign(record)
    stored = store.put(record, author="A. Assessor")
    return store.submit(stored, author="A. Assessor") if submit else stored


def test_the_panel_counts_the_window_and_shows_each_method_and_the_deadlines(store):
    put(store, "practical_observation", date(2026, 3, 2), grade="Fail")
    put(store, "apprentice_showcase", date(2026, 3, 9), submit=False)  # a draft counts too
    html = panel_for(store, ULN, today=date(2026, 3, 20))
    # gateway 2 Feb + 3 months = 2 May (002): 43 days after 20 March
    assert "assessment window open: last day 2026-05-02, 43 day(s) left" in html
    assert "Fail" in html and "not assessed" in html  # observation failed; discussion not yet
    assert "resit/retake window open" in html
    # feedback on the failed observation: 10 working days from 2 March = 16 March, not done
    assert "OVERDUE Feedback on a failed assessment method" in html
    assert "(by the EPAO, due 2026-03-16)" in html
    assert "appeals: none open" in html and "results: not released" in html
    assert "Ada Example" not in html  # the panel is about dates and grades, never the name


def test_an_open_appeal_then_the_release_and_the_claim_are_shown(store):
    stored = put(store, "practical_observation", date(2026, 3, 2), grade="Fail")
    lodge_appeal(store, stored, date(2026, 3, 10), date(2026, 3, 5))
    got = store.standing(ULN, date(2026, 3, 20))
    assert got.open_appeals == ("appeal 1 on practical_observation (first): lodged",)
    store.resolve_appeal(
        store.get(stored.id),
        1,
        status="rejected",
        handler="Rita Records",
        outcome="Evidence re-read: Fail stands.",
    )
    store.release(ULN, by="Rita Records")
    html = panel_for(store, ULN, today=date(2026, 3, 20))
    assert "appeals: none open" in html and "results: released on" in html
    assert "certificate: not claimed" in html
    store.record_claims(
        [
            {
                "uln": ULN,
                "standard": "ST0072",
                "version": "1.0",
                "grade": "Pass",
                "achieved_on": "2026-03-02",
                "results": store.releases()[ULN].results,
            }
        ],
        file="claims-1.csv",
    )
    html = panel_for(store, ULN, today=date(2026, 3, 20))
    assert "certificate: claimed on" in html and "(Pass, batch claims-1.csv)" in html


def test_an_attempt_the_rules_refuse_is_named_in_the_panel(store):
    put(store, "practical_observation", date(2026, 3, 2))  # passed
    put(store, "practical_observation", date(2026, 3, 16), attempt="resit")
    html = panel_for(store, ULN, today=date(2026, 3, 20))
    assert "not allowed: practical_observation resit" in html
    assert "only after a failed attempt" in html


def test_no_records_is_said_not_raised(store):
    assert "EPA status not available: no stored records" in panel_for(store, ULN)


def test_the_assessor_and_iqa_apps_show_the_same_panel_for_the_record_opened(store):
    stored = put(store, "practical_observation", date(2026, 3, 2), grade="Fail")
    app = AssessorApp(store, "A. Assessor")
    app._open(ULN, "practical_observation", "first")
    review = ReviewApp(store)
    review._open(stored.id)
    expected = panel_for(store, ULN)
    assert "EPA status on" in expected
    assert app.standing.value == expected == review.standing.value
