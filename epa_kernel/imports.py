"""Process set-up for the kit's worker processes: the slow import left out, the logs kept clean.

jsonschema's optional ``rfc3987_syntax`` builds a Lark grammar when imported: about 1.3 s in
every process that imports nbformat, nbconvert, papermill or jupyter_server
(python-jsonschema/jsonschema#1428). Notebook validation does not use it, so worker processes
block it before those imports. papermill logs each output path (which holds a ULN) at INFO and
every cell's source and output (the record: name, ULN) at DEBUG; those stay out of the logs.
"""

from __future__ import annotations

import logging
import sys


def skip_slow_imports() -> None:
    """Block ``rfc3987_syntax`` in this process (before nbformat, nbconvert or papermill load)."""
    sys.modules.setdefault("rfc3987_syntax", None)


def prepare_notebook_worker() -> None:
    """A process that will run notebooks: papermill imported once, without the slow grammar, and
    its path- and record-bearing log lines silenced (its warnings and errors still pass)."""
    skip_slow_imports()
    import papermill  # noqa: F401  - paid once per worker

    logging.getLogger("papermill").setLevel(logging.WARNING)
