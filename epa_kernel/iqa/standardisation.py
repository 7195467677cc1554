"""Assessor consistency: each assessor's grades against the cohort's, and where moderation
disagreed with them.

Pure functions over decisions (see :mod:`epa_kernel.iqa.decisions`) and moderations; the dashboard
notebook only displays what they return. An assessor is flagged as an outlier when their
distinction or fail rate differs from everyone else's by more than two standard errors (a
two-proportion z-test) and they have made at least ``min_decisions`` decisions — few decisions
say little, and the flag is a prompt for a standardisation conversation, not a verdict.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import pandas as pd

from epa_kernel.core.moderation import Moderation
from epa_kernel.core.vocabulary import GRADE_COLOURS, GRADES
from epa_kernel.iqa.sampling import Decision


def grade_table(decisions: Sequence[Decision]) -> pd.DataFrame:
    """Per assessor (and the whole cohort): counts and shares of each grade."""
    rows = []
    groups = {
        a: [d for d in decisions if d.assessor == a]
        for a in sorted({d.assessor for d in decisions})
    }
    groups["(cohort)"] = list(decisions)
    for assessor, mine in groups.items():
        graded = [d for d in mine if d.grade]
        counts = Counter(d.grade for d in graded)
        row = {"assessor": assessor, "decisions": len(graded)}
        for g in GRADES:
            row[g] = counts[g]
            row[f"{g} %"] = round(100 * counts[g] / len(graded), 1) if graded else 0.0
        rows.append(row)
    return pd.DataFrame(rows).set_index("assessor")


def _z(k1: int, n1: int, k2: int, n2: int) -> float:
    if n1 == 0 or n2 == 0:
        return 0.0
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 0.0 if se == 0 else (k1 / n1 - k2 / n2) / se


def outliers(
    decisions: Sequence[Decision], *, min_decisions: int = 5, threshold: float = 2.0
) -> pd.DataFrame:
    """Assessors whose distinction or fail rate stands out from everyone else's."""
    rows = []
    graded = [d for d in decisions if d.grade]
    for assessor in sorted({d.assessor for d in graded}):
        mine = [d for d in graded if d.assessor == assessor]
        rest = [d for d in graded if d.assessor != assessor]
        for grade in ("Distinction", "Fail"):
            k_mine = sum(d.grade == grade for d in mine)
            k_rest = sum(d.grade == grade for d in rest)
            z = _z(k_mine, len(mine), k_rest, len(rest))
            if len(mine) >= min_decisions and abs(z) > threshold:
                rows.append(
                    {
                        "assessor": assessor,
                        "grade": grade,
                        "decisions": len(mine),
                        "rate %": round(100 * k_mine / len(mine), 1),
                        "others %": round(100 * k_rest / len(rest), 1),
                        "z": round(z, 2),
                        "flag": f"{grade} rate {'above' if z > 0 else 'below'} the others'",
                    }
                )
    return pd.DataFrame(
        rows, columns=["assessor", "grade", "decisions", "rate %", "others %", "z", "flag"]
    )


def disagreements(moderated: Iterable[tuple[Decision, Moderation]], top: int = 10) -> pd.DataFrame:
    """The descriptors moderation disagreed with most, per assessor."""
    counts: Counter = Counter()
    for decision, moderation in moderated:
        for cid in moderation.disagreements:
            counts[(decision.assessor, f"{decision.standard} {decision.method} {cid}")] += 1
    rows = [
        {"assessor": a, "descriptor": c, "disagreements": n}
        for (a, c), n in counts.most_common(top)
    ]
    return pd.DataFrame(rows, columns=["assessor", "descriptor", "disagreements"])


def grade_chart(table: pd.DataFrame):
    """Stacked bars of grade shares per assessor beside the cohort."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shares = table[[f"{g} %" for g in GRADES]]
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(shares)))
    left = [0.0] * len(shares)
    for grade in GRADES:
        values = shares[f"{grade} %"].tolist()
        ax.barh(shares.index, values, left=left, color=GRADE_COLOURS[grade], label=grade)
        left = [a + b for a, b in zip(left, values)]
    ax.set_xlabel("% of decisions")
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    return fig
