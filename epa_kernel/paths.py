"""Where the kit's things are: its standards, notebooks, templates, default store; its code digest.

The standards ship inside the package. The notebooks and templates are folders of the checkout,
found in this order: the environment variable (``EPA_NOTEBOOKS``, ``EPA_TEMPLATES``), the
checkout the package was installed from (editable installs), then the current folder (a plain
install run from the clone).
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from epa_kernel.errors import InputError

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
STANDARDS_DIR = PACKAGE / "standards"
DEFAULT_STORE_URL = "sqlite:///outputs/epa.sqlite"


def _kit_folder(name: str, variable: str, marker: str) -> Path:
    candidates = (
        [Path(os.environ[variable])]
        if os.environ.get(variable)
        else [CHECKOUT / name, Path.cwd() / name]
    )
    for folder in candidates:
        if (folder / marker).exists():
            return folder.resolve()
    raise InputError(
        f"the kit's {name} are not here; run from the kit's folder or set "
        f"{variable} to its {name}/ folder",
        file=str(candidates[-1]),
    )


def notebooks_dir() -> Path:
    """The workbook notebooks (``notebooks/``)."""
    return _kit_folder("notebooks", "EPA_NOTEBOOKS", "epa_result.ipynb")


def templates_dir() -> Path:
    """The nbconvert export templates (``templates/``)."""
    return _kit_folder("templates", "EPA_TEMPLATES", "epa_record/conf.json")


def store_url(url: str | None = None) -> str:
    """The store to use: ``url``, else ``EPA_STORE_URL``, else ``outputs/epa.sqlite``."""
    return url or os.environ.get("EPA_STORE_URL") or DEFAULT_STORE_URL


@cache
def kit_digest() -> str:
    """A digest of the kit's own code, every module in every subpackage: what a notebook shows
    depends on it, not only on the notebook and the record, so a new kit's run does not reuse
    an old one's output."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
