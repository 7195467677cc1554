"""IQA for the exported method assessment records: each ``<method>.html`` and ``<method>.pdf``.

A record export is rendered again, through the kit's templates, from the verified outcome of its
method notebook (the re-run's; the recorded one when the notebook could not be re-run), and its
text is compared with the exported file's: the HTML's visible text as parsed, the PDF's text as
pypdf extracts it from the exported PDF and from a PDF made again from the re-rendered HTML. So
an edited grade, judgement, note, name or content hash, or a record swapped for another's, is
reported with the words that differ. Left out of the comparison: the IQA moderation section (it
comes from the store, not the record, and only when exported with ``--store``), the kit version
in the footer, and the PDF's page numbers.
"""

from __future__ import annotations

import difflib
import re
from html.parser import HTMLParser
from pathlib import Path

from epa_kernel.core.vocabulary import GRADES, NOT_GRADED
from epa_kernel.errors import InputError
from epa_kernel.exports.record_view import record_view
from epa_kernel.exports.render import RECORD_TEMPLATE, pdf_from_html, render

_GRADE = re.compile(r"\b(" + "|".join(map(re.escape, (*GRADES, NOT_GRADED))) + r")\b")
_FOOTER = re.compile(r"Exported by epa-kernel \S+ from ")
_PAGE = re.compile(r"\bPage \d+ of \d+\b")
_SKIPPED = {"style", "script", "head"}
#: how many places that differ a problem quotes, and how many words either side of each
_PLACES, _WORDS = 3, 8


class _Text(HTMLParser):
    """The visible text of an HTML document (no head, style or script)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in _SKIPPED

    def handle_endtag(self, tag):
        self.skipping -= tag in _SKIPPED and self.skipping > 0

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def pdf_text(data) -> str:
    """The text of a PDF (a path or its bytes), as pypdf extracts it."""
    import io

    from pypdf import PdfReader

    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return " ".join(page.extract_text() or "" for page in PdfReader(source).pages)


def compared_words(text: str) -> list[str]:
    """The words compared: the moderation section, the kit version and page numbers left out."""
    text = _FOOTER.sub("Exported from ", _PAGE.sub(" ", " ".join(text.split())))
    start = text.find("IQA moderation")
    end = text.find("Record integrity", start + 1)
    if start >= 0 and end > start:
        text = text[:start] + text[end:]
    return text.split()


def _grade(words: list[str]) -> str | None:
    text = " ".join(words)
    at = text.find("Method grade")
    found = _GRADE.search(text, at) if at >= 0 else None
    return found.group(1) if found else None


def text_problems(said: list[str], want: list[str], name: str) -> list[str]:
    """What the exported words ``said`` say that the verified ``want`` do not, quoted."""
    if said == want:
        return []
    out = []
    grade, verified = _grade(said), _grade(want)
    if grade != verified:
        out.append(f"grade: {name} says {grade or 'nothing'}, verified {verified}")
    places = [op for op in difflib.SequenceMatcher(None, said, want, False).get_opcodes()]
    places = [op for op in places if op[0] != "equal"]
    quoted = [
        f"says '{_quote(said, i1, i2)}', verified '{_quote(want, j1, j2)}'"
        for _, i1, i2, j1, j2 in places[:_PLACES]
    ]
    more = f" (and {len(places) - _PLACES} more)" if len(places) > _PLACES else ""
    out.append(f"its text is not the verified record's: {'; '.join(quoted)}{more}")
    return out


def _quote(words: list[str], i: int, j: int) -> str:
    shown = words[i : min(j, i + _WORDS)]
    return " ".join(shown) + (" ..." if j - i > _WORDS else "") if shown else "(nothing)"


def expected_html(notebook: Path, bundle: dict) -> str:
    """The record's HTML as the kit exports it from the verified ``bundle``."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    return render(RECORD_TEMPLATE, nb, record_view(bundle, source=str(notebook)))


def record_problems(notebook: Path, bundle: dict | None) -> list[tuple[Path, list[str]]]:
    """Each exported record of method ``notebook`` (``.html``, ``.pdf``) with what it says that
    the verified ``bundle`` does not."""
    exported = [
        p for p in (notebook.with_suffix(".html"), notebook.with_suffix(".pdf")) if p.exists()
    ]
    if not exported:
        return []
    if bundle is None:
        return [(p, ["no verified outcome to compare with"]) for p in exported]
    out: list[tuple[Path, list[str]]] = []
    try:
        html = expected_html(notebook, bundle)
    except InputError as error:
        return [(p, [f"cannot be checked: {error}"]) for p in exported]
    for path in exported:
        try:
            if path.suffix == ".html":
                said = html_text(path.read_text(encoding="utf-8"))
                want = html_text(html)
            else:
                said, want = pdf_text(path), pdf_text(pdf_from_html(html))
            out.append((path, text_problems(compared_words(said), compared_words(want), path.name)))
        except (OSError, ValueError) as error:
            out.append((path, [f"cannot be read: {error}"]))
        except Exception as error:  # noqa: BLE001 - pypdf's errors on a damaged file
            out.append((path, [f"cannot be read: {type(error).__name__}: {error}"]))
    return out
