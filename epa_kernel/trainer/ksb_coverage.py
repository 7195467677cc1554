"""KSB coverage: which of a standard's knowledge, skills and behaviours an apprentice's records
evidence, by which method, and which they do not.

A training provider preparing an apprentice (or reviewing a failed EPA) asks which KSBs the
assessment has seen. A KSB is evidenced by a method when a descriptor mapped to it was judged
``met`` in that method's record, among the descriptors that apply to the record's channels. A
descriptor deferred from one method and judged in another evidences its KSBs in the method that
judged it: that is where the apprentice showed it. The latest attempt of each method counts, as
in grading.

Pure functions: the table is a pandas DataFrame and the chart a matplotlib Figure built without
pyplot (no global state, no backend chosen), so callers decide how to show or save them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Literal

import pandas as pd

from epa_kernel.core.grading import select_attempts
from epa_kernel.core.method_spec import split_criterion_ref
from epa_kernel.core.model import Model
from epa_kernel.core.records import MethodRecord, check_one_apprentice
from epa_kernel.core.spec import Standard
from epa_kernel.core.vocabulary import JUDGEMENT_COLOURS

Status = Literal["evidenced", "not evidenced", "not assessed"]
# Cell states of the chart, in legend order.
CELL_STATES = ("evidenced", "assessed here, not evidenced", "not assessed here")
# Evidenced is met's colour; the others are pale so that the evidenced cells stand out.
CELL_COLOURS = (JUDGEMENT_COLOURS["met"], "#ef9a9a", "#f2f2f2")


class KsbCoverage(Model):
    """One KSB: where the standard assesses it and where the records evidenced it.

    ``assessed_in``: methods with a descriptor mapped to it (for a method with a record, among the
    descriptors that apply to its channels). ``evidenced_in``: {method: descriptor ids judged met
    there that map to it}; a deferred descriptor is named ``<method>.<id>``.
    """

    ksb: str
    kind: str
    module: str
    text: str
    assessed_in: tuple[str, ...]
    evidenced_in: dict[str, tuple[str, ...]]

    @property
    def status(self) -> Status:
        if self.evidenced_in:
            return "evidenced"
        return "not evidenced" if self.assessed_in else "not assessed"


class Coverage(Model):
    standard: str
    version: str
    methods: tuple[str, ...]  # the standard's methods, in its order
    recorded: tuple[str, ...]  # those with a record
    ksbs: tuple[KsbCoverage, ...]

    def with_status(self, status: Status) -> tuple[KsbCoverage, ...]:
        return tuple(k for k in self.ksbs if k.status == status)

    def counts(self) -> dict[str, int]:
        return {s: len(self.with_status(s)) for s in ("evidenced", "not evidenced", "not assessed")}


def ksb_coverage(standard: Standard, records: Sequence[MethodRecord]) -> Coverage:
    """Which KSBs of ``standard`` one apprentice's ``records`` evidence, method by method."""
    check_one_apprentice(
        standard, records, done="read", advice="show one apprentice's coverage at a time"
    )
    chosen = select_attempts(records)
    assessed: dict[str, list[str]] = {k.id: [] for k in standard.ksbs}
    evidenced: dict[str, dict[str, list[str]]] = {k.id: {} for k in standard.ksbs}
    for method in standard.methods:
        record = chosen.get(method.id)
        criteria = method.applicable(record.channels) if record else method.criteria
        for c in criteria:
            for ksb in c.ksbs:
                if method.id not in assessed[ksb]:
                    assessed[ksb].append(method.id)
        if record is None:
            continue
        for ref, value in record.judgements.items():
            if value != "met":
                continue
            origin, cid = split_criterion_ref(ref)
            criterion = (standard.method(origin) if origin else method).criterion(cid)
            if origin is None and not criterion.applies(
                record.channels if method.channels else None
            ):
                continue
            for ksb in criterion.ksbs:
                evidenced[ksb].setdefault(method.id, []).append(ref)
    order = [m.id for m in standard.methods]
    rows = tuple(
        KsbCoverage(
            ksb=k.id,
            kind=k.kind,
            module=k.module,
            text=k.text,
            assessed_in=tuple(sorted(assessed[k.id], key=order.index)),
            evidenced_in={m: tuple(evidenced[k.id][m]) for m in order if m in evidenced[k.id]},
        )
        for k in standard.ksbs
    )
    return Coverage(
        standard=standard.standard,
        version=standard.version,
        methods=tuple(order),
        recorded=tuple(m for m in order if m in chosen),
        ksbs=rows,
    )


def _cell(row: KsbCoverage, method: str) -> str:
    if method in row.evidenced_in:
        return ", ".join(row.evidenced_in[method])
    return "—" if method in row.assessed_in else ""


def coverage_frame(coverage: Coverage, standard: Standard) -> pd.DataFrame:
    """One row per KSB: its kind and module, one column per method (the descriptors that
    evidenced it, "—" where the method assesses it but it was not evidenced, empty where the
    method does not assess it) and its status."""
    names = {m.id: m.name for m in standard.methods}
    rows = [
        {
            "KSB": r.ksb,
            "kind": r.kind,
            "module": r.module,
            **{names[m]: _cell(r, m) for m in coverage.methods},
            "status": r.status,
        }
        for r in coverage.ksbs
    ]
    return pd.DataFrame(rows).set_index("KSB")


def coverage_chart(coverage: Coverage, standard: Standard):
    """A grid of KSBs (rows) by methods (columns): evidenced, assessed there but not evidenced,
    or not assessed there. Returns a matplotlib Figure."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    grid = [
        [0 if m in r.evidenced_in else 1 if m in r.assessed_in else 2 for m in coverage.methods]
        for r in coverage.ksbs
    ]
    height = 1.6 + 0.16 * len(coverage.ksbs)
    fig = Figure(figsize=(2.2 + 1.5 * len(coverage.methods), height))
    ax = fig.add_subplot()
    ax.imshow(
        grid,
        cmap=ListedColormap(CELL_COLOURS),
        vmin=0,
        vmax=2,
        aspect="auto",
        interpolation="nearest",
    )
    names = {m.id: m.name for m in standard.methods}
    ax.set_xticks(
        range(len(coverage.methods)),
        [textwrap.fill(names[m], 18) for m in coverage.methods],
        fontsize=7,
    )
    ax.xaxis.tick_top()
    ax.set_yticks(
        range(len(coverage.ksbs)),
        [f"{r.ksb}{'' if r.evidenced_in else ' ✗'}" for r in coverage.ksbs],
        fontsize=6,
    )
    ax.set_xticks([x - 0.5 for x in range(1, len(coverage.methods))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(coverage.ksbs))], minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    counts = coverage.counts()
    ax.set_title(
        f"{standard.key} KSB coverage: {counts['evidenced']} of {len(coverage.ksbs)} "
        f"evidenced ({counts['not evidenced']} not, {counts['not assessed']} assessed "
        "by no descriptor)",
        fontsize=9,
        pad=44,
    )
    fig.legend(
        handles=[Patch(color=c, label=s) for s, c in zip(CELL_STATES, CELL_COLOURS)],
        loc="lower center",
        ncol=3,
        fontsize=7,
        frameon=False,
    )
    fig.tight_layout(rect=(0, 0.6 / height, 1, 1))
    return fig


def figure_png(fig) -> bytes:
    """The figure as PNG bytes (for a notebook output or an ipywidgets Image); the figure is
    closed, so pyplot neither keeps it nor shows it again as ``<Figure ...>`` text."""
    from io import BytesIO

    import matplotlib.pyplot as plt

    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()
