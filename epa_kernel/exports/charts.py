"""The cohort summary's grade charts: matplotlib bars embedded as PNG data URIs, and their tables.

Self-contained images, so ``summary.html`` is one file that opens anywhere (and fetches nothing).
Colours are the kit's one grade palette (:data:`epa_kernel.core.vocabulary.GRADE_COLOURS`).
"""

from __future__ import annotations

import base64
import io
import warnings
from collections import Counter
from typing import Any

from epa_kernel.core.vocabulary import GRADE_COLOURS, GRADES, NOT_GRADED

#: The columns of every grade count, in order: the grades, then what is not graded yet.
GRADE_COLUMNS = (*GRADES, NOT_GRADED)


def grade_label(grade: str | None) -> str:
    """A grade as a count's column: the grade, or "Not yet graded"."""
    return grade or NOT_GRADED


def grade_chart(rows: list[tuple[str, Counter]], *, xlabel: str) -> str:
    """A horizontal stacked bar chart of grade counts per row, as a PNG data URI."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    labels = [label if len(label) <= 48 else label[:47] + "…" for label, _ in rows]
    # parse_math off: a name holding "$" is text, not TeX (and not an error).
    with (
        rc_context({"text.parse_math": False, "font.family": ["DejaVu Sans"], "font.size": 9}),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # glyphs missing from the font: drawn as boxes
        fig = Figure(figsize=(7.2, 0.42 * len(rows) + 1.25), dpi=150, layout="constrained")
        ax = fig.subplots()
        positions = list(range(len(rows)))
        left = [0] * len(rows)
        for grade in GRADE_COLUMNS:
            values = [counts[grade] for _, counts in rows]
            if not any(values):
                continue
            colour = GRADE_COLOURS.get(grade, GRADE_COLOURS[None])
            bars = ax.barh(
                positions,
                values,
                left=left,
                color=colour,
                label=grade,
                height=0.62,
                edgecolor="white",
                linewidth=0.8,
            )
            ax.bar_label(
                bars,
                labels=[str(v) if v else "" for v in values],
                label_type="center",
                color="white",
                fontsize=8,
                fontweight="bold",
            )
            left = [a + b for a, b in zip(left, values)]
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(xlabel)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#e3e6ec", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(
            ncols=4,
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            frameon=False,
            fontsize=8,
            handlelength=1.2,
        )
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def grade_table(rows: list[tuple[str, Counter]]) -> list[dict[str, Any]]:
    """The chart's numbers as table rows, for the reader who cannot see the chart."""
    return [
        {
            "label": label,
            "counts": [counts[g] for g in GRADE_COLUMNS],
            "total": sum(counts.values()),
        }
        for label, counts in rows
    ]
