"""What an executed notebook recorded: its parameters, and whether its injected cell agrees.

papermill keeps two copies of a notebook's parameters: the notebook's metadata and the
``injected-parameters`` cell that the kernel actually ran. IQA re-runs a notebook from the first
and checks that the second says the same, for method notebooks and result notebooks alike.
"""

from __future__ import annotations

INJECTED_DIFFERS = "the injected parameters cell differs from the recorded parameters"


def recorded_parameters(nb: dict) -> dict | None:
    """The parameters papermill recorded in the notebook's metadata, or None."""
    return nb.get("metadata", {}).get("papermill", {}).get("parameters")


def injected_source(nb: dict) -> str | None:
    """The source of the notebook's injected-parameters cell, or None when it has none."""
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return None


def injected_problems(nb: dict, params: dict) -> list[str]:
    """``[INJECTED_DIFFERS]`` when the injected cell is not what papermill writes for
    ``params``, else ``[]``."""
    from papermill.translators import translate_parameters

    injected = injected_source(nb)
    expected = translate_parameters("python3", "python", params, "Parameters")
    # One line per parameter; the notebook's metadata keeps them in another order.
    if injected is None or sorted(injected.strip().splitlines()) != sorted(
        expected.strip().splitlines()
    ):
        return [INJECTED_DIFFERS]
    return []
