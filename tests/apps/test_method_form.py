"""The assessor's form: what is shown, and the grade following the ticks."""

from __future__ import annotations

from epa_kernel.apps.method_form import MethodForm
from helpers import make_record


def _tick_all(form, channels, distinctions=0):
    d = 0
    for c in form.method.applicable(channels):
        if c.band == "pass":
            form.set_judgement(c.id, "met")
        else:
            form.set_judgement(c.id, "met" if d < distinctions else "not_met")
            d += 1


def test_grade_goes_from_fail_to_pass_to_distinction_as_descriptors_are_ticked(st0072):
    saved = []
    form = MethodForm(st0072, make_record(judgements={}), on_change=saved.append)
    assert form.outcome.grade is None and "Not yet graded" in form.outcome_html
    form.set_judgement("P1", "not_met")
    assert form.outcome.grade == "Fail" and "Fail" in form.outcome_html
    _tick_all(form, ("face_to_face",), distinctions=3)
    assert form.outcome.grade == "Pass"
    assert "Distinction descriptors met: 3 of 5" in form.outcome_html
    form.set_judgement("D4", "met")
    assert form.outcome.grade == "Distinction"
    # every change reached the caller, and the last one is the record on screen
    assert saved[-1] == form.record and saved[-1].judgements["D4"] == "met"
    assert len(saved) == len(form.record.judgements) + 2  # P1 twice, D4 twice


def test_channels_show_only_their_descriptors_and_drop_the_others(st0072):
    form = MethodForm(st0072, make_record(judgements={}))
    assert "P4" in form.shown() and "P7" not in form.shown()
    _tick_all(form, ("face_to_face",))
    form.set_channels(["non_face_to_face"])
    assert "P4" not in form.shown() and "P7" in form.shown()
    assert "P4" in form.widget.hidden  # the browser hides what the kernel says is not assessed
    assert "P4" not in form.record.judgements
    assert form.outcome.grade is None and "P7" in form.outcome.missing


def test_deferral_is_offered_only_where_the_standard_allows_it(st0072):
    form = MethodForm(st0072, make_record(judgements={}))
    options = {c["id"]: c["options"] for c in form.widget.spec["criteria"]}
    assert options["P15"] == ["met", "not_met", "deferred"]
    assert options["P1"] == ["met", "not_met"]


def test_evidence_outside_limits_warns_and_bad_text_is_not_saved(st0072):
    saved = []
    form = MethodForm(st0072, make_record(judgements={}), on_change=saved.append)
    form.set_fact("duration_minutes", "45")
    assert form.record.evidence.duration_minutes == 45
    assert "below the minimum 60" in form.outcome_html
    before = len(saved)
    form.set_fact("duration_minutes", "an hour")
    assert "Not saved" in form.widget.message and "evidence.duration_minutes" in form.widget.message
    assert len(saved) == before and form.record.evidence.duration_minutes == 45


def test_notes_and_descriptor_texts_are_shown_as_text_not_markup(st0072):
    form = MethodForm(st0072, make_record(judgements={}))
    from epa_kernel.exports.record_html import method_record

    form.set_note("P1", "<script>alert(1)</script> {{ x }}")
    assert form.record.notes["P1"] == "<script>alert(1)</script> {{ x }}"
    html = method_record(st0072, form.record, form.outcome)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; {{ x }}" in html


def test_readonly_form_cannot_be_changed(st0072):
    saved = []
    record = make_record()
    form = MethodForm(st0072, record, readonly=True, on_change=saved.append)
    assert form.widget.readonly  # the browser disables every control (the browser test clicks)
    form.set_judgement("P1", "not_met")  # as a page that ignored that would send it
    form.set_note("P1", "changed afterwards")
    assert saved == [] and form.record == record
    assert form.widget.judgements["P1"] == record.judgements["P1"]
    assert form.widget.notes.get("P1", "") == record.notes.get("P1", "")
