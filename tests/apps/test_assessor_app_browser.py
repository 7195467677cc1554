"""The assessor app in a real browser: Voilà, Debian's chromium, Playwright.

What an assessor relies on: the grade follows the ticks, every change survives a reload and a
server crash, and a submitted record cannot be changed.
"""

from __future__ import annotations

import re

from epa_kernel.store.store import Store
from helpers import box, full_page_shot, make_record

OWNER = ".epa-record-owner"
ASSESSOR = "Morgan Hale"
TIMEOUT = 60_000  # ms: a cold kernel on a busy 2-core machine


def seed(store_url: str, *uln_methods) -> None:
    store = Store(store_url)
    for uln, method in uln_methods:
        record = make_record(method=method, judgements={}, uln=uln)
        store.assign(record.model_copy(update={"assessor": ASSESSOR}))
    store.close()


def open_assignment(page, url: str, label_part: str) -> None:
    page.goto(url, timeout=TIMEOUT)
    assessor = page.locator(".epa-assessor select")
    assessor.wait_for(timeout=TIMEOUT)
    assessor.select_option(label=ASSESSOR)
    choice = page.locator(".epa-assignment select")
    option = choice.locator("option", has_text=label_part)
    option.wait_for(state="attached", timeout=TIMEOUT)
    choice.select_option(label=option.inner_text())
    page.locator(".epa-outcome-panel").wait_for(timeout=TIMEOUT)


def tick(page, criterion: str, label: str) -> None:
    page.locator(f".epa-{criterion}").get_by_role("radio", name=label, exact=True).click()


def grade_shown(page):
    return page.locator(".epa-outcome-panel .epa-grade")


def wait_saved(page) -> None:
    page.locator(".epa-status", has_text=re.compile(r"Saved \(version \d+\)")).wait_for(
        timeout=TIMEOUT
    )


def selected(page, criterion: str) -> str:
    return page.locator(f".epa-{criterion} [role=radio][aria-checked=true]").inner_text()


PASSES_F2F = [
    "P1",
    "P2",
    "P3",
    "P4",
    "P5",
    "P6",
    "P10",
    "P11",
    "P12",
    "P15",
    "P16",
    "P17",
    "P18",
    "P19",
    "P20",
]


def test_assessor_fills_an_observation_and_nothing_is_lost(browser, app_server):
    seed(app_server.store_url, ("1000000019", "practical_observation"))
    app_server.start()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT)
    open_assignment(page, app_server.url, "Practical observation")
    from playwright.sync_api import expect

    expect(grade_shown(page)).to_have_text("Not yet graded")
    chosen = page.locator(".epa-assignment select option:checked")
    expect(chosen).to_contain_text("Practical observation · first attempt (in progress)")
    expect(page.locator(".epa-record-owner")).to_contain_text(f"{ASSESSOR}'s record")
    tick(page, "P1", "Not met")
    expect(grade_shown(page)).to_have_text("Fail")
    tick(page, "P1", "Met")
    for cid in PASSES_F2F[1:]:
        tick(page, cid, "Met")
    for cid in ("D1", "D2", "D3", "D4", "D5"):
        tick(page, cid, "Not met")
    expect(grade_shown(page)).to_have_text("Pass")
    for cid in ("D1", "D2", "D3"):
        tick(page, cid, "Met")
    expect(grade_shown(page)).to_have_text("Pass")  # 3 of 5: one short of the threshold
    tick(page, "D4", "Met")
    expect(grade_shown(page)).to_have_text("Distinction")
    page.locator(".epa-fact-duration_minutes input").fill("95")
    page.locator(".epa-fact-duration_minutes input").press("Tab")
    expect(page.locator(".epa-outcome-panel")).not_to_contain_text("duration_minutes not recorded")
    # both columns start at the form's top, under the line saying whose record it is; where
    # the apprentice's EPA stands is under the outcome panel, not above the form
    page.locator(".epa-D5").scroll_into_view_if_needed()  # far down: the panel stays in view
    assert 0 <= box(page, ".epa-outcome-panel")["y"] <= 20
    page.evaluate("window.scrollTo(0, 0)")  # the document scrolls, not a box inside it
    form, panel, owner = (box(page, s) for s in (".epa-main", ".epa-outcome-panel", OWNER))
    assert abs(panel["y"] - form["y"]) <= 4, (panel, form)
    assert 0 <= form["y"] - (owner["y"] + owner["height"]) <= 24, (form, owner)
    expect(page.locator(".epa-side .epa-standing-panel")).to_have_count(1)
    # the document scrolls (not a box inside it), so a full-page picture holds the whole form
    assert full_page_shot(page, "assessor_form.png") > 2 * 1000

    # reload: the same state, from the store
    open_assignment(page, app_server.url, "Practical observation")
    expect(grade_shown(page)).to_have_text("Distinction")
    assert selected(page, "D4") == "Met" and selected(page, "D5") == "Not met"
    assert page.locator(".epa-fact-duration_minutes input").input_value() == "95"

    # a change, then the server dies: the change is still there after a restart
    tick(page, "P2", "Not met")
    expect(grade_shown(page)).to_have_text("Fail")
    wait_saved(page)
    app_server.kill()
    app_server.start()
    open_assignment(page, app_server.url, "Practical observation")
    expect(grade_shown(page)).to_have_text("Fail")
    assert selected(page, "P2") == "Not met"

    # submit: locked
    tick(page, "P2", "Met")
    expect(grade_shown(page)).to_have_text("Distinction")
    wait_saved(page)
    page.locator(".epa-submit").click()
    expect(page.locator(".epa-status")).to_contain_text("Submitted")
    expect(page.locator(".epa-P1 button").first).to_be_disabled()
    open_assignment(page, app_server.url, "submitted")
    expect(page.locator(".epa-status")).to_contain_text("read-only")
    # where the apprentice's EPA stands, beside the form (apps.status_panel)
    panel = page.locator(".epa-standing-panel")
    expect(panel).to_contain_text("EPA status on")
    expect(panel).to_contain_text("Practical Observation")
    expect(panel).to_contain_text("results: not released")
    expect(page.locator(".epa-P1 button").first).to_be_disabled()
    page.close()

    store = Store(app_server.store_url)
    stored = store.find("1000000019", "practical_observation")
    assert stored.submitted and stored.record.judgements["D4"] == "met"
    assert store.verify() == []
    store.close()


def test_two_browsers_on_one_record_get_a_conflict_not_an_overwrite(browser, app_server):
    seed(
        app_server.store_url,
        ("1000000019", "practical_observation"),
        ("1000000027", "practical_observation"),
    )
    app_server.start()
    first, second = (browser.new_page() for _ in range(2))
    for page in (first, second):
        page.set_default_timeout(TIMEOUT)
        open_assignment(page, app_server.url, "(1000000019) — Practical observation")
    from playwright.sync_api import expect

    tick(first, "P1", "Met")
    wait_saved(first)
    tick(second, "P1", "Not met")
    expect(second.locator(".epa-status")).to_contain_text("Not saved: this record was changed by")
    # a different record at the same time is unaffected
    third = browser.new_page()
    third.set_default_timeout(TIMEOUT)
    open_assignment(third, app_server.url, "(1000000027) — Practical observation")
    tick(third, "P3", "Not met")
    wait_saved(third)
    store = Store(app_server.store_url)
    assert store.find("1000000019", "practical_observation").record.judgements == {"P1": "met"}
    assert store.find("1000000027", "practical_observation").record.judgements == {"P3": "not_met"}
    store.close()
    for page in (first, second, third):
        page.close()


FOCUSED = """() => {
    const el = document.activeElement;
    const row = el && el.closest('.epa-row');
    return {
        inForm: !!(el && el.closest('.epa-checklist')),
        role: el && el.getAttribute('role'),
        row: row ? [...row.classList].find((c) => /^epa-[PD]\\d+$/.test(c)).slice(4) : null,
        note: !!(el && el.classList.contains('epa-note')),
        fact: !!(el && el.closest('.epa-fact')),
        channel: el && el.closest('label') ? el.closest('label').className : null,
    };
}"""


def test_a_remote_observation_is_filled_with_the_keyboard_alone(browser, app_server):
    """Tab from the assignment list through the whole form: channels with Space, the evidence
    typed, each descriptor a radio group (Space chooses, arrow keys move and choose, M/N keys),
    a note typed; the grade follows and everything is saved."""
    from playwright.sync_api import expect

    seed(app_server.store_url, ("1000000019", "practical_observation"))
    app_server.start()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT)
    open_assignment(page, app_server.url, "Practical observation")
    page.locator(".epa-assignment select").focus()
    keys = page.keyboard
    for _ in range(10):  # past Submit and Reload to the first channel
        keys.press("Tab")
        if page.evaluate(FOCUSED)["channel"] == "epa-channel-face_to_face":
            break
    keys.press("Tab")
    keys.press("Space")  # non-face-to-face ticked, then face-to-face unticked
    keys.press("Shift+Tab")
    keys.press("Space")
    expect(page.locator(".epa-P7")).to_be_visible()
    expect(page.locator(".epa-P4")).to_be_hidden()
    keys.press("Tab")
    keys.press("Tab")
    assert page.evaluate(FOCUSED)["fact"]
    keys.type("75")
    judged = []
    for _ in range(100):
        keys.press("Tab")
        at = page.evaluate(FOCUSED)
        if not at["inForm"]:
            break
        if at["note"] and at["row"] == "P1":
            keys.type("Seen on a video call; <b>clear</b> rapport")
        elif at["role"] == "radio" and at["row"] == "D5":
            keys.press("ArrowRight")  # from Met (the group's first stop) to Not met, chosen
            judged.append(at["row"])
        elif at["role"] == "radio" and at["row"] == "D4":
            keys.press("n")
            keys.press("m")  # changed their mind: met
            judged.append(at["row"])
        elif at["role"] == "radio":
            keys.press("Space")
            judged.append(at["row"])
    remote = ["P1", "P2", "P3", "P7", "P8", "P9", "P10", "P11", "P13", "P14", "P15", "P16"]
    remote += ["P17", "P18", "P19", "P20", "D1", "D2", "D3", "D4", "D5"]
    assert judged == remote  # every descriptor shown, in order, one Tab stop each
    expect(grade_shown(page)).to_have_text("Distinction")
    assert selected(page, "D5") == "Not met" and selected(page, "D4") == "Met"
    wait_saved(page)
    assert full_page_shot(page, "assessor_form_remote.png") > 2 * 1000
    open_assignment(page, app_server.url, "Practical observation")  # what the store holds
    expect(grade_shown(page)).to_have_text("Distinction")
    page.close()

    store = Store(app_server.store_url)
    record = store.find("1000000019", "practical_observation").record
    store.close()
    assert record.channels == ("non_face_to_face",)
    assert record.evidence.duration_minutes == 75
    assert record.notes == {"P1": "Seen on a video call; <b>clear</b> rapport"}
    assert record.judgements == {c: "not_met" if c == "D5" else "met" for c in remote}
