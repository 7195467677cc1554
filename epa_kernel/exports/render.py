"""Rendering a notebook through the kit's nbconvert templates, to HTML and to PDF.

The templates are nbconvert templates rendered by one reused :class:`EpaExporter` per template
(reusing an exporter costs about 0.03 s per notebook; the ``jupyter nbconvert`` command costs
about 2.7 s). They show no code and no cell: everything they print comes from a plain view of
labels and rows (:mod:`epa_kernel.exports.views`) passed as ``resources["epa"]``. Autoescaping is
on, so nothing an assessor or apprentice typed can become markup, and ``{{ }}`` in a name stays
text: it is data, never template source.

PDF is made from the same HTML by WeasyPrint (no TeX, no browser; ``bench/pdf_engines.py``
measures it against nbconvert's webpdf and the README gives the numbers and the choice). It may
fetch nothing but ``data:`` URLs.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from epa_kernel.core.catalogue import get_standard
from epa_kernel.errors import InputError
from epa_kernel.paths import templates_dir

FORMATS = ("html", "pdf")
DEFAULT_FORMATS = ("html",)
BASE_TEMPLATE = "epa_base"
RECORD_TEMPLATE = "epa_record"
STATEMENT_TEMPLATE = "epa_statement"
COHORT_TEMPLATE = "epa_cohort"


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,pdf"`` -> ``("html", "pdf")``; ``"none"`` -> ``()``."""
    wanted = [part.strip().lower() for part in text.split(",") if part.strip()]
    if wanted == ["none"]:
        return ()
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise InputError(
            f"unknown export format {', '.join(unknown) or repr(text)}; allowed: "
            "html, pdf, html,pdf or none",
            field="--format",
        )
    return tuple(f for f in FORMATS if f in wanted)


@cache
def templates_digest(folder: Path) -> str:
    """A digest of the kit's export templates in ``folder`` (a change re-exports everything)."""
    digest = hashlib.sha256()
    for name in (BASE_TEMPLATE, RECORD_TEMPLATE, STATEMENT_TEMPLATE, COHORT_TEMPLATE):
        for path in sorted(p for p in (folder / name).rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def standard_digest(code: str, version: str) -> str:
    """A digest of a standard's data: a corrected descriptor text re-exports its records."""
    return hashlib.sha256(get_standard(code, version).model_dump_json().encode()).hexdigest()


def _exporter_class():
    from nbconvert.exporters import HTMLExporter

    class EpaExporter(HTMLExporter):
        """nbconvert's HTML exporter on the kit's templates, with Jinja autoescaping on."""

        def _create_environment(self):
            environment = super()._create_environment()
            environment.autoescape = True  # every value printed is escaped unless marked safe
            return environment

    return EpaExporter


@cache
def exporter(template_name: str, templates: Path):
    """One exporter per template, reused for every notebook (see the module's notes)."""
    return _exporter_class()(template_name=template_name, extra_template_basedirs=[str(templates)])


def render(template_name: str, nb, view: dict[str, Any], templates: Path | None = None) -> str:
    """HTML of ``nb`` through one of the kit's templates, given the view the template prints."""
    html, _ = exporter(template_name, templates or templates_dir()).from_notebook_node(
        nb, resources={"epa": view}
    )
    return html


def pdf_from_html(html: str) -> bytes:
    """A PDF of the HTML by WeasyPrint. Only ``data:`` URLs may be fetched: a record never makes
    the exporter read a local file or the network."""
    import weasyprint

    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
