"""The install descriptions agree: conda users get what pip users get."""

from __future__ import annotations

import re
import tomllib

import yaml

from helpers import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins(requirements) -> dict[str, str]:
    # Extras such as psycopg[binary] are pip's notion; conda spells the package alone.
    return {
        _name(r): re.sub(r"\[.*\]", "", r.replace(" ", ""))[len(_name(r)) :] for r in requirements
    }


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = _pins(project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = _pins(
        d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in ("python", "pip")
    )
    assert conda == wanted
    python = next(d for d in env["dependencies"] if isinstance(d, str) and _name(d) == "python")
    assert python.endswith(project["requires-python"])


def test_outputs_folder_is_kept_but_its_contents_ignored():
    assert (ROOT / "outputs" / ".gitkeep").exists()
    ignore = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "outputs/*" in ignore and "!outputs/.gitkeep" in ignore


def test_readme_quick_start_holds_exactly_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = section.split("```", 2)[1].split("\n", 1)[1]
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_optional_extra_is_in_environment_yml_too():
    """Conda users get the extras (postgres, dask) with the environment, as the test extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = _pins(
        d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in ("python", "pip")
    )
    for extra, requirements in project["optional-dependencies"].items():
        assert _pins(requirements).items() <= conda.items(), extra
    assert "dask" in {_name(r) for r in project["optional-dependencies"]["test"]}  # CI: Dask tests


def test_a_non_editable_install_ships_the_checklist_module_and_its_css():
    """CI installs with `pip install .`: the form's ES module and CSS must be package data."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = project["tool"]["setuptools"]["package-data"]["epa_kernel"]
    package = ROOT / "epa_kernel"
    assets = [p for p in (package / "apps").iterdir() if p.suffix in (".js", ".css")]
    assert {p.name for p in assets} >= {"checklist.js", "checklist.css"}
    for path in assets:
        assert any(path.relative_to(package).match(g) for g in globs), path.name
