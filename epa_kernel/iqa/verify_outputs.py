"""IQA for what a run exported: statements of results and results.csv against verified outcomes.

A statement or a ``results.csv`` row is what leaves the kit, so an edit to one is as much a
forgery as an edit to a notebook. Each is read back and compared with the verified outcome of
the apprentice's result notebook (the re-run's outcome): the overall grade, each method's grade,
and, on the statement, the content hashes of the records it rests on. ``statement.pdf`` is
checked from its text (pypdf) when it was exported.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

from epa_kernel.core.vocabulary import GRADES, METHOD_IDS, NOT_GRADED
from epa_kernel.errors import InputError
from epa_kernel.exports.results_csv import COLUMNS
from epa_kernel.exports.statement_view import statement_view

RESULTS_CSV = "results.csv"
STATEMENT = "statement"
NOT_ASSESSED = "Not assessed"
_HASH = re.compile(r"\b[0-9a-f]{64}\b")
_LABEL = re.compile(r"\b(" + "|".join(map(re.escape, (*GRADES, NOT_GRADED, NOT_ASSESSED))) + r")\b")
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


def read_rows(folder: Path) -> dict[str, dict] | None:
    """``results.csv``'s rows by ULN, or None when the run has no readable results.csv."""
    try:
        with open(folder / RESULTS_CSV, newline="", encoding="utf-8") as handle:
            return {row.get("uln", ""): row for row in csv.DictReader(handle)}
    except (OSError, ValueError, csv.Error):
        return None


def expected_row(bundle: dict) -> dict[str, str]:
    """The columns of ``results.csv`` that a verified result outcome decides."""
    outcome = bundle["outcome"]
    row = {"standard": bundle["standard"], "version": bundle["version"]}
    for method in METHOD_IDS:
        row[method] = (outcome["methods"].get(method) or {}).get("grade") or ""
    row["overall"] = outcome["grade"] or ""
    row["status"] = "graded" if outcome["grade"] else "incomplete"
    return row


def csv_problems(rows: dict[str, dict] | None, uln: str, bundle: dict) -> list[str]:
    """What the apprentice's ``results.csv`` row says that the verified outcome does not."""
    if rows is None:
        return [f"{RESULTS_CSV} is missing or unreadable"]
    row = rows.get(uln)
    if row is None:
        return [f"no row for this apprentice in {RESULTS_CSV}"]
    return [
        f"{column}: {RESULTS_CSV} says {row.get(column) or '(empty)'}, verified {want or '(empty)'}"
        for column, want in expected_row(bundle).items()
        if column in COLUMNS and (row.get(column) or "") != want
    ]


class _StatementParser(HTMLParser):
    """The overall grade, each method's row (name, grade) and the hashes a statement prints."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str]]] = []
        self.overall, self.hashes, self.rows = "", [], []

    def _inside(self, css: str) -> bool:
        return any(css in classes for _, classes in self.stack)

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "tr" and self._inside("methods") and any(t == "tbody" for t, _ in self.stack):
            self.rows.append({"cells": [], "grade": ""})
        if tag == "td" and self.rows and self._inside("methods"):
            self.rows[-1]["cells"].append("")
        if tag not in _VOID:
            self.stack.append((tag, classes))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._inside("grade-value"):
            self.overall += data
        if self._inside("hash"):
            self.hashes.append(data.strip())
        if self._inside("methods") and self.rows and self.rows[-1]["cells"]:
            self.rows[-1]["cells"][-1] += data
            if self._inside("chip"):
                self.rows[-1]["grade"] += data


def _expected_hashes(view: dict) -> list[str]:
    return sorted(
        {m["content_hash"] for m in view["methods"] if m["content_hash"]} | set(view["superseded"])
    )


def html_problems(path: Path, bundle: dict) -> list[str]:
    """What ``statement.html`` prints that the verified outcome does not say."""
    view = statement_view(bundle)
    page = _StatementParser()
    page.feed(path.read_text(encoding="utf-8"))
    out = []
    overall = " ".join(page.overall.split())
    if overall != view["overall"]["label"]:
        out.append(f"overall grade: statement says {overall}, verified {view['overall']['label']}")
    printed = {" ".join(r["cells"][0].split()): " ".join(r["grade"].split()) for r in page.rows}
    for m in view["methods"]:
        said = printed.pop(m["name"], None)
        if said != m["label"]:
            out.append(f"{m['name']} grade: statement says {said}, verified {m['label']}")
    if printed:
        out.append(f"the statement prints methods that are not verified: {', '.join(printed)}")
    if sorted(set(page.hashes)) != _expected_hashes(view):
        out.append("the content hashes printed are not those of the verified records")
    return out


def pdf_problems(path: Path, bundle: dict) -> list[str]:
    """What ``statement.pdf``'s text says that the verified outcome does not."""
    from pypdf import PdfReader

    view = statement_view(bundle)
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages).split())
    out = []
    start, table, end = (
        text.find(s) for s in ("Date of issue", "Results by assessment", "Records this")
    )
    if min(start, table, end) < 0 or not start < table < end:
        return ["the statement's text is not laid out as the kit exports it"]
    # the overall grade is the first label after the date of issue; the reasons follow it
    overall = _LABEL.search(text[start:table])
    if overall is None or overall.group(1) != view["overall"]["label"]:
        said = overall.group(1) if overall else "nothing"
        out.append(f"overall grade: statement says {said}, verified {view['overall']['label']}")
    rows = text[table:end]
    names = [m["name"] for m in view["methods"]]
    for i, m in enumerate(view["methods"]):
        at = rows.find(m["name"])
        following = [rows.find(n, at + 1) for n in names[i + 1 :]]
        stop = min([f for f in following if f > at] or [len(rows)])
        said = (
            [g.group(1) for g in _LABEL.finditer(rows[at + len(m["name"]) : stop])]
            if at >= 0
            else []
        )
        if said != [m["label"]]:
            out.append(
                f"{m['name']} grade: statement says {', '.join(said) or 'nothing'}, "
                f"verified {m['label']}"
            )
    if sorted(set(_HASH.findall(text[end:]))) != _expected_hashes(view):
        out.append("the content hashes printed are not those of the verified records")
    return out


def output_problems(
    folder: Path, uln: str, bundle: dict | None, rows: dict[str, dict] | None
) -> list[tuple[Path, list[str]]]:
    """Each exported output of apprentice ``uln`` (``results.csv`` row, statement.html,
    statement.pdf when exported) with what it says that the verified ``bundle`` does not."""
    out: list[tuple[Path, list[str]]] = []
    if bundle is None:
        return [(folder / RESULTS_CSV, ["no verified outcome to compare with"])]
    out.append((folder / RESULTS_CSV, csv_problems(rows, uln, bundle)))
    for suffix, check in (("html", html_problems), ("pdf", pdf_problems)):
        path = folder / uln / f"{STATEMENT}.{suffix}"
        if not path.exists():
            continue
        try:
            out.append((path, check(path, bundle)))
        except InputError as error:
            out.append((path, [f"cannot be checked: {error}"]))
        except (OSError, ValueError) as error:
            out.append((path, [f"cannot be read: {error}"]))
    return out
