"""Every page served on a hub reads through the signed-in user's Access, or refuses first.

The hub's kernels carry ``JUPYTERHUB_USER``, their user's token and the store service's address,
never the store's URL; here all three are set in the test's environment (and so in the kernels
it starts), with the store service running over the test's store.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from epa_kernel.store.store import Store
from helpers import ROOT, VALID_ULNS, store_service, submitted_decisions, user_tokens

A, B = "Alex Ash", "Billie Birch"
USERS = {"ada": ("admin", None), "alex": ("assessor", A), "quinn": ("iqa", None)}


@pytest.fixture
def two_assessors(tmp_path, monkeypatch):
    """Alex decided one apprentice, Billie two (all submitted), behind the store service; the
    store's URL is returned for the tests off the hub and is in no environment."""
    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    decisions = ((VALID_ULNS[0], A), (VALID_ULNS[1], B), (VALID_ULNS[2], B))
    submitted_decisions(url, decisions, USERS)
    monkeypatch.delenv("EPA_STORE_URL", raising=False)
    store = Store(url)
    with store_service(store, user_tokens(*USERS, "mallory")) as service:
        monkeypatch.setenv("EPA_STORE_SERVICE", service)
        yield url
    store.close()


def on_the_hub(monkeypatch, name: str) -> None:
    """This process (and the kernels it starts) as ``name``'s server on a hub."""
    monkeypatch.setenv("JUPYTERHUB_USER", name)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", f"{name}-token")


def shown(monkeypatch) -> list:
    """What the apps display, as text: HTML, tables, widgets; an image as ``<image>``."""
    import IPython.display

    out: list = []

    def display(*objs, **_):
        for obj in objs:
            if hasattr(obj, "to_html"):
                out.append(obj.to_html())
            elif isinstance(obj, IPython.display.Image):
                out.append("<image>")
            else:
                out.append(str(getattr(obj, "value", None) or getattr(obj, "data", obj)))

    monkeypatch.setattr(IPython.display, "display", display)
    return out


@pytest.mark.parametrize("name, sees", [("alex", {A}), ("quinn", {A, B}), ("ada", {A, B})])
def test_on_a_hub_standardisation_shows_an_assessor_only_their_own_figures(
    two_assessors, monkeypatch, tmp_path, name, sees
):
    from epa_kernel.apps.standardisation import show_standardisation

    on_the_hub(monkeypatch, name)
    out = shown(monkeypatch)
    # a run folder on the hub is never read: this one would fail to load if it were
    table = show_standardisation(run_dir=str(tmp_path), store_url=None)
    text = "\n".join(out)
    assert {a for a in (A, B) if a in text} == sees
    assert set(table.index) == sees | {"(cohort)"}
    if name == "alex":
        assert table.loc["(cohort)", "decisions"] == 1  # the totals are Alex's own
    assert "<image>" in out and "<Figure" not in text


def test_on_a_hub_standardisation_refuses_a_name_without_a_role_and_reads_no_run_folder(
    two_assessors, monkeypatch, tmp_path
):
    from epa_kernel.apps.standardisation import show_standardisation

    out = shown(monkeypatch)
    on_the_hub(monkeypatch, "mallory")
    assert show_standardisation(run_dir=str(tmp_path)) is None
    assert "no role" in "\n".join(out) and A not in "\n".join(out)
    monkeypatch.delenv("EPA_STORE_SERVICE")  # a server not started by `epa hub`
    on_the_hub(monkeypatch, "alex")
    assert show_standardisation(run_dir=str(tmp_path)) is None
    assert "no store service" in "\n".join(out[-1:]) and A not in "\n".join(out)


def execute(notebook: str, parameters: dict) -> nbformat.NotebookNode:
    """The notebook run in a kernel of its own (inheriting this process's environment)."""
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    path = str(ROOT / "notebooks")
    NotebookClient(nb, timeout=180, resources={"metadata": {"path": path}}).execute()
    return nb


def outputs_text(nb) -> str:
    return json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"])


def test_the_standardisation_chart_is_an_image_not_the_figures_text(two_assessors):
    nb = execute("standardisation.ipynb", {"store_url": two_assessors})
    text = outputs_text(nb)
    assert "image/png" in text and "Grades per assessor" in text
    assert "<Figure" not in text


RECORD_PAGES = {
    "practical_observation.ipynb": "record_file",
    "professional_discussion.ipynb": "record_file",
    "apprentice_showcase.ipynb": "record_file",
    "work_based_project.ipynb": "record_file",
    "gateway.ipynb": "application_file",
    "epa_result.ipynb": "record_files",
}


@pytest.mark.parametrize("notebook", RECORD_PAGES)
def test_on_a_hub_a_notebook_reading_record_files_refuses_before_reading_them(
    notebook, two_assessors, monkeypatch, tmp_path
):
    secret = tmp_path / "someone.json"  # not JSON at all: reading it would fail the notebook
    secret.write_text("Billie Birch's apprentice")
    name = RECORD_PAGES[notebook]
    on_the_hub(monkeypatch, "alex")
    nb = execute(notebook, {name: [str(secret)] if name.endswith("s") else str(secret)})
    text = outputs_text(nb)
    assert "not for the assessor role" in text and "assessor_app.ipynb" in text
    assert "Billie" not in text and "someone.json" not in text
