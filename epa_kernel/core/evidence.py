"""Evidence limits applied to a record: which facts are outside the standard's limits, in words.

The standard grades on the descriptors, so these are warnings: they inform the assessor and IQA
(a 50-minute observation where the plan says 90 ± 10%) but never change a grade. Every grade
computes them, so :func:`prepare_limits` works out each limit's bounds once per method, and
:func:`prepared_warnings` only compares numbers until a value is outside a limit.
"""

from __future__ import annotations

from epa_kernel.core.method_spec import EvidenceLimit, Method
from epa_kernel.core.records import EvidenceFacts, MethodRecord

#: A limit with its bounds worked out: (fact, required, share of, share percent, low, high, limit).
PreparedLimit = tuple[
    str, bool, str | None, float | None, float | None, float | None, EvidenceLimit
]


def check_evidence(
    method: Method, record: MethodRecord
) -> list[tuple[EvidenceLimit, float | None, list[str]]]:
    """Each of the method's evidence limits with the recorded value (None if not recorded) and
    its warnings (empty when the value is within the limit or optional and not recorded)."""
    facts = record.evidence
    out = []
    for limit in method.evidence:
        value = getattr(facts, limit.fact)
        if value is None:
            out.append((limit, None, [not_recorded(limit)] if limit.required else []))
        else:
            out.append((limit, value, limit_warnings(limit, value, facts)))
    return out


def evidence_warnings(method: Method, record: MethodRecord) -> list[str]:
    """Compliance warnings: evidence facts outside the standard's limits, or not recorded.

    The same warnings as :func:`check_evidence`, without the per-limit rows: every grade
    computes them, so the rows (and the wording of optional facts nobody will read) are skipped.
    The plain reference for :func:`prepared_warnings`, which must agree with it.
    """
    facts = record.evidence
    out: list[str] = []
    for limit in method.evidence:
        value = getattr(facts, limit.fact)
        if value is None:
            if limit.required:
                out.append(not_recorded(limit))
        else:
            out.extend(limit_warnings(limit, value, facts))
    return out


def prepare_limits(method: Method) -> tuple[PreparedLimit, ...]:
    """The method's limits with their bounds worked out, for :func:`prepared_warnings`."""
    return tuple(
        (
            limit.fact,
            limit.required,
            limit.max_share_of,
            limit.max_share_percent,
            *limit.bounds(),
            limit,
        )
        for limit in method.evidence
    )


def prepared_warnings(limits: tuple[PreparedLimit, ...], facts: EvidenceFacts) -> list[str]:
    """:func:`evidence_warnings` on prepared limits: numbers compared, words only when needed."""
    out: list[str] = []
    for fact, required, share_of, share_percent, low, high, limit in limits:
        value = getattr(facts, fact)
        if value is None:
            if required:
                out.append(not_recorded(limit))
        elif share_of is not None:
            whole = getattr(facts, share_of)
            if whole and 100 * value / whole > share_percent:
                out.extend(limit_warnings(limit, value, facts))
        elif (low is not None and value < low) or (high is not None and value > high):
            out.extend(limit_warnings(limit, value, facts))
    return out


def not_recorded(limit: EvidenceLimit) -> str:
    """The warning for a required fact that was not recorded."""
    return f"{limit.fact} not recorded ({limit.label}: {limit.describe()})"


def limit_warnings(limit: EvidenceLimit, value: float, facts: EvidenceFacts) -> list[str]:
    """The warning for ``value`` of ``limit.fact`` when it is outside the limit (else none);
    a share limit reads the other fact from ``facts``."""
    if limit.max_share_of is not None:
        whole = getattr(facts, limit.max_share_of)
        if not whole:
            return []
        share = 100 * value / whole
        if share > limit.max_share_percent:
            return [
                f"{limit.fact} {value:g} is {share:.0f}% of {limit.max_share_of} {whole:g}; "
                f"at most {limit.max_share_percent:g}% allowed ({limit.label})"
            ]
        return []
    low, high = limit.bounds()
    if low is not None and value < low:
        return [f"{limit.fact} {value:g} is below the minimum {low:g} ({limit.label})"]
    if high is not None and value > high:
        return [f"{limit.fact} {value:g} is above the maximum {high:g} ({limit.label})"]
    return []
