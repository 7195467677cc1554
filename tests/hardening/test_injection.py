"""Hardening: injection. Text that people type (names, notes, assessors) is data everywhere.

- papermill: the record is the notebook's parameter; papermill writes it into a code cell. The
  executed notebook must hold the record exactly, the injected cell must be nothing but literal
  assignments, and no code in a note may run (``touch PWNED`` creates no file).
- the Voilà form: a note typed into the assessor app is stored exactly and shown as text; markup
  in it never becomes an element, and script in it never runs.
- export: what tests/exports/test_export.py already covers (``<script>``, ``{{ }}``, ``{% %}``,
  quotes, backslashes, newlines, right-to-left script and emoji in names, notes and assessors,
  HTML and PDF) is not repeated; here only the papermill-breaking strings are checked to arrive
  as text.
"""

from __future__ import annotations

import ast
import html as html_lib
import json
import subprocess
from pathlib import Path

import pytest

from epa_kernel.core.records import parse_record
from epa_kernel.exports.outcomes import read_method_outcome
from epa_kernel.store.store import Store
from helpers import EXAMPLES, KIT_FOLDERS, ROOT, make_record
from helpers import epa as run_epa

EXAMPLE = EXAMPLES / "st0072_practical_observation.json"

PYTHON_BREAKOUT = '"); import os; os.system("touch PWNED"); ("'
NOTES = {
    "P1": PYTHON_BREAKOUT,
    "P2": "'''); import os; os.system('touch PWNED2'); ('''",
    "P3": '"""\nimport os\nos.system("touch PWNED3")\n"""',
    "P5": 'back\\slash \\n not a newline \\" \\u0041 C:\\temp\\new',
    "P6": "{{ 7*7 }} {% raw %} ${HOME} $(touch PWNED4) `touch PWNED5` %(x)s {0}",
    "P10": '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">',
    "P11": "line one\nline two\r\n\ttabbed",
}
NAME = 'Ada "Quotes" O\'Brien \\ {{ name }} <b>bold</b> مريم 😀'
ASSESSOR = 'Sam "); import os; os.system("touch PWNED6"); ("'
PWNED = ["PWNED", "PWNED2", "PWNED3", "PWNED4", "PWNED5", "PWNED6"]


def epa(*args, cwd: Path) -> subprocess.CompletedProcess:
    """`epa ARGS` from a scratch folder: the command must not depend on the checkout's cwd."""
    return run_epa(*args, cwd=cwd, env=KIT_FOLDERS)


def hostile_record() -> dict:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["apprentice"]["name"] = NAME
    data["apprentice"]["employer"] = ASSESSOR
    data["assessor"] = ASSESSOR
    data["notes"] = dict(NOTES)
    return data


def no_pwned_file(*folders: Path) -> None:
    for folder in folders:
        for name in PWNED:
            assert not (folder / name).exists(), folder / name


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("inject")
    (base / "cohort").mkdir()
    record = hostile_record()
    (base / "cohort" / "hostile.json").write_text(
        json.dumps(record, ensure_ascii=False), encoding="utf-8"
    )
    done = epa("run", base / "cohort", "--out", base / "out", "--quiet", cwd=base)
    assert done.returncode == 0, done.stdout + done.stderr
    return base, record, done


def test_papermill_parameters_round_trip_exactly_and_run_no_code(hostile_run):
    base, record, _ = hostile_run
    canonical = json.loads(parse_record(record)[0].canonical_json())
    notebook = base / "out" / record["apprentice"]["uln"] / "practical_observation.ipynb"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["record"] == canonical
    assert read_method_outcome(notebook)["record"] == canonical
    assert canonical["notes"] == NOTES and canonical["apprentice"]["name"] == NAME

    # The cell papermill wrote is literal assignments only: nothing in it can call anything.
    (cell,) = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    tree = ast.parse("".join(cell["source"]))
    values = {}
    for statement in tree.body:
        assert isinstance(statement, ast.Assign), ast.dump(statement)
        assert not any(isinstance(node, ast.Call) for node in ast.walk(statement))
        values[statement.targets[0].id] = ast.literal_eval(statement.value)
    assert values["record"] == canonical

    no_pwned_file(
        base,
        base / "out",
        base / "out" / record["apprentice"]["uln"],
        ROOT,
        ROOT / "notebooks",
        Path.cwd(),
    )


def test_the_result_notebook_and_the_export_carry_the_text_as_text(hostile_run):
    base, record, _ = hostile_run
    folder = base / "out" / record["apprentice"]["uln"]
    result = json.loads((folder / "epa_result.ipynb").read_text(encoding="utf-8"))
    assert result["metadata"]["papermill"]["parameters"]["records"][0]["notes"] == NOTES
    page = (folder / "practical_observation.html").read_text(encoding="utf-8")
    assert "<script>window" not in page and "<img src=x" not in page
    text = html_lib.unescape(page)
    for note in NOTES.values():
        assert " ".join(note.split()) in " ".join(text.split()), note


def test_iqa_re_run_from_the_hostile_parameters_matches(hostile_run):
    base, record, _ = hostile_run
    done = epa("iqa", "verify", base / "out", "--workers", "1", cwd=base)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 of 2 notebooks verified; 0 mismatched" in done.stdout  # method and result
    assert record["apprentice"]["name"] not in done.stdout + done.stderr
    assert record["apprentice"]["uln"] not in done.stderr  # the report names it; logs may not
    no_pwned_file(base, ROOT / "notebooks")


# --------------------------------------------------------------------------- the Voilà form

TIMEOUT = 60_000
BROWSER_NOTE = (
    PYTHON_BREAKOUT + " \"\"\" ''' \\ {{ 7*7 }} <script>window.__pwned=1</script>"
    '<img src=x onerror="window.__pwned=1"> 😀 مريم'
)
BROWSER_NAME = 'Ada <img src=y onerror="window.__pwned=2"> "O\'Brien" {{ x }}'


def test_a_hostile_note_typed_into_the_assessor_app_is_stored_exactly_and_runs_nothing(
    browser, app_server, tmp_path
):
    from playwright.sync_api import expect

    store = Store(app_server.store_url)
    seed = make_record(judgements={}, uln="1000000027").model_copy(
        update={"assessor": "Morgan Hale"}
    )
    seed = seed.model_copy(
        update={"apprentice": seed.apprentice.model_copy(update={"name": BROWSER_NAME})}
    )
    store.assign(seed)
    store.close()
    app_server.start()
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)

    def open_it():
        page.goto(app_server.url, timeout=TIMEOUT)
        page.locator(".epa-assessor select").wait_for()
        page.locator(".epa-assessor select").select_option(label="Morgan Hale")
        choice = page.locator(".epa-assignment select")
        option = choice.locator("option", has_text="Practical observation")
        option.wait_for(state="attached")
        # the name as text, markup and all (the dropdown shows spaces as no-break spaces)
        assert option.inner_text().replace("\xa0", " ").startswith(BROWSER_NAME)
        choice.select_option(label=option.inner_text())
        page.locator(".epa-outcome-panel").wait_for()

    open_it()
    note = page.locator(".epa-P1 .epa-note")
    note.fill(BROWSER_NOTE)
    note.press("Tab")
    expect(page.locator(".epa-status")).to_contain_text("Saved (version")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0 and page.locator("img[src=y]").count() == 0

    stored = Store(app_server.store_url)
    assert stored.find("1000000027", "practical_observation").record.notes == {"P1": BROWSER_NOTE}
    assert stored.verify() == []
    stored.close()

    open_it()  # reloaded from the store: the same text, still inert
    note = page.locator(".epa-P1 .epa-note")
    assert note.input_value() == BROWSER_NOTE
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0 and page.locator("img[src=y]").count() == 0
    page.close()
    no_pwned_file(ROOT, ROOT / "notebooks", tmp_path)

    # What the server and its kernels logged holds neither the apprentice's name nor the ULN.
    app_server.log.flush()
    log = (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace")
    assert (
        "1000000027" not in log
        and "O'Brien" not in log
        and "EPA assessor app: http://127.0.0.1:" in log
    )
