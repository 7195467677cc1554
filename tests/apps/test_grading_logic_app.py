"""The trainer's live app in the kernel: the panels follow the form and the dropdowns."""

from __future__ import annotations

import re

from epa_kernel.apps.grading_logic_app import GradingLogicApp
from epa_kernel.apps.grading_logic_panels import COVERAGE_TAB
from helpers import make_record


def _current_rows(app) -> list[list[str]]:
    rows = re.findall(r"<tr class='epa-current'>(.*?)</tr>", app.overall_html.value)
    return [re.findall(r"<td>(?:<span[^>]*>)?([A-Za-z0-9]+)", row) for row in rows]


def test_toggling_a_descriptor_moves_the_grade_and_every_panel():
    app = GradingLogicApp("ST0071", "1.0", "practical_observation")
    assert app.form.outcome.grade == "Pass"
    assert _current_rows(app) == [["14", "Pass", "Pass", "Pass", "Pass"]]
    assert "To Distinction" in app.boundary_html.value and "D2" in app.boundary_html.value
    assert "P21 (met) moves to professional_discussion P9" in app.effect_html.value
    assert "1 moved, 3 renumbered" in app.diff_html.value

    app.form.set_judgement("P1", "not_met")
    assert app.form.outcome.grade == "Fail"
    assert _current_rows(app) == [["5", "Fail", "Pass", "Pass", "Fail"]]
    assert "To Pass" in app.boundary_html.value

    app.form.set_judgement("P1", None)  # undecided: every row it could still land in is marked
    assert {tuple(r[1:]) for r in _current_rows(app)} == {
        ("Fail", "Pass", "Pass", "Fail"),
        ("Pass", "Pass", "Pass", "Pass"),
    }
    app.grade_dds["work_based_project"].value = "Distinction"
    assert {r[2] for r in _current_rows(app)} == {"Distinction"}


def test_the_dropdowns_rebuild_the_form_and_the_comparison():
    app = GradingLogicApp("ST0071", "1.1", "professional_discussion")
    assert app.compare_dd.value == "1.0"
    assert "P9 (met) moves to practical_observation P21" in app.effect_html.value
    app.choose(standard="ST0072")
    assert (app.version_dd.value, app.form.method.id) == ("1.0", "professional_discussion")
    assert app.compare_dd.value is None and "only one version held" in app.diff_html.value
    assert set(app.grade_dds) == {"apprentice_showcase", "practical_observation"}
    app.choose(method="practical_observation")
    assert app.form.channels() == ("face_to_face",)
    app.form.set_channels(["non_face_to_face"])
    assert "P7" in app.form.outcome.missing and "To Pass" in app.boundary_html.value


def test_the_coverage_chart_is_drawn_when_its_tab_is_opened():
    app = GradingLogicApp("ST0072", None, "apprentice_showcase")
    assert bytes(app.coverage_image.value) == b"" and "status" in app.coverage_html.value
    app.tabs.selected_index = COVERAGE_TAB
    drawn = bytes(app.coverage_image.value)
    assert drawn.startswith(b"\x89PNG")
    app.tabs.selected_index = 0
    for criterion in app.form.method.criteria:
        app.form.set_judgement(criterion.id, "not_met")
    assert bytes(app.coverage_image.value) == drawn  # not redrawn while hidden
    app.tabs.selected_index = COVERAGE_TAB
    assert bytes(app.coverage_image.value) != drawn
    drawn = bytes(app.coverage_image.value)
    app.form.set_judgement("P1", "met")
    assert bytes(app.coverage_image.value) != drawn  # redrawn while its tab is open


def test_an_apprentices_own_records_are_explained(st0072):
    records = [make_record(method="professional_discussion", judgements={"P1": "met"})]
    app = GradingLogicApp("ST0072", "1.0", "professional_discussion", records=records)
    assert app.form.record.judgements == {"P1": "met"}
    assert app.form.record.apprentice.uln == records[0].apprentice.uln
    assert [r.method for r in app.apprentice_records()] == [
        "professional_discussion",
        "apprentice_showcase",
        "practical_observation",
    ]


def test_the_notebook_functions_explain_an_apprentices_own_records():
    """The notebook's sections show HTML tables and lists, never a printed text table."""
    import json
    import re

    import pytest

    from epa_kernel.apps import grading_logic as tw
    from epa_kernel.errors import InputError

    def text(html: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S))

    record = json.loads(make_record("ST0071", "1.0", "professional_discussion").canonical_json())
    html = tw.show_version_diff(
        standard="ST0071", version="1.0", compare_with=None, records=[record]
    ).data
    assert "<table" in html and "v1.0 → v1.1" in text(html)
    assert "P9 P10 renumbered" in text(html) and "P21" in text(html)
    html = tw.show_boundaries(standard="ST0071", version="1.0", records=[record]).data
    assert "Professional discussion supported by a portfolio of evidence now: Pass" in text(html)
    html = tw.show_overall_table(standard="ST0071", version="1.0").data
    assert html.count("<tr>") == 27 + 1 and "as the grading engine gives it" in text(html)
    html = tw.show_version_diff(standard="ST0072", version="1.0", compare_with=None).data
    assert "only one version held" in html
    with pytest.raises(InputError, match="a ST0071 v1.0 record; this notebook shows ST0071 v1.1"):
        tw.show_boundaries(standard="ST0071", version="1.1", records=[record])


def test_the_trainers_notebook_prints_no_raw_text_under_the_app():
    """Voilà shows every output of the notebook under the app: its sections are HTML tables
    (as in the app's tabs), never a printed text table."""
    import json

    from helpers import ROOT

    cells = json.loads((ROOT / "notebooks" / "grading_logic.ipynb").read_text())["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "stream"]
    assert sum("<table" in "".join(o.get("data", {}).get("text/html", "")) for o in outputs) >= 4
    sources = "".join("".join(c["source"]) for c in cells)
    assert "print" not in sources
