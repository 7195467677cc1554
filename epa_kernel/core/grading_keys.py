"""Which descriptors a method grades on, worked out once, and what each was judged in effect.

Grading needs a method's applicable descriptor ids split by band, its distinction threshold and
its evidence limits. Working them out from the criteria on every call was most of the engine's
time (28 µs a record; 6-8 µs with them kept, ``python -m bench``), so :func:`descriptor_keys`
keeps them per (standard, method, channels) for the life of the process. The effective
judgements are read through the same lists, with a deferred descriptor taking the judgement made
in the method it was deferred to, so the engine and :func:`resolve_judgements` (the trainer's
view) cannot disagree about what a record says.
"""

from __future__ import annotations

from collections.abc import Mapping

from epa_kernel.core.evidence import prepare_limits
from epa_kernel.core.method_spec import Method
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard


class DescriptorKeys:
    """One method's descriptor ids for one set of channels, worked out once.

    They depend only on the standard, the method and the channels; standards are frozen models
    loaded once, so kept keys cannot go stale.
    """

    __slots__ = (
        "standard",
        "method",
        "applicable",
        "passes",
        "distinctions",
        "order",
        "npass",
        "d_required",
        "deferrable",
        "limits",
    )

    def __init__(self, standard: Standard | None, method: Method, channels: tuple[str, ...] | None):
        applicable = method.applicable(channels)
        # Both held, so the id()s in the cache key cannot be reused by other objects meanwhile.
        self.standard, self.method = standard, method
        self.applicable = tuple(c.id for c in applicable)  # document order, for the reasons
        self.passes = tuple(c.id for c in applicable if c.band == "pass")
        self.distinctions = tuple(c.id for c in applicable if c.band == "distinction")
        self.order = self.passes + self.distinctions  # values are read in this order
        self.npass = len(self.passes)
        rule = method.grading.distinction
        self.d_required = rule.count if rule.rule == "at_least" else len(self.distinctions)
        self.deferrable = {c.id: c.deferrable_to for c in applicable if c.deferrable_to}
        self.limits = prepare_limits(method)


_KEYS: dict[tuple[int, str, tuple[str, ...] | None], DescriptorKeys] = {}
_KEYS_LIMIT = 4096  # a handful of standards in practice; this only bounds pathological use


def descriptor_keys(standard: Standard, method_id: str, channels) -> DescriptorKeys | None:
    """The kept :class:`DescriptorKeys` for a method of ``standard`` (None: no such method)."""
    key = (id(standard), method_id, channels)
    found = _KEYS.get(key)
    if found is None or found.standard is not standard:
        method = standard.method(method_id)
        if method is None:
            return None
        if len(_KEYS) >= _KEYS_LIMIT:
            _KEYS.clear()
        found = _KEYS[key] = DescriptorKeys(standard, method, channels)
    return found


def effective_values(
    keys: DescriptorKeys, judgements: Mapping[str, str], judged_elsewhere: Mapping[str, str] | None
) -> list[str | None]:
    """Effective judgements in ``keys.order`` (passes, then distinctions): a deferred descriptor
    takes the met/not_met given for it in ``judged_elsewhere``, if any."""
    values = list(map(judgements.get, keys.order))
    if judged_elsewhere and "deferred" in values:
        for index, cid in enumerate(keys.order):
            if values[index] == "deferred" and judged_elsewhere.get(cid) in ("met", "not_met"):
                values[index] = judged_elsewhere[cid]
    return values


def resolve_judgements(
    method: Method, record: MethodRecord, judged_elsewhere: Mapping[str, str]
) -> dict[str, str | None]:
    """Each applicable descriptor's effective judgement: met, not_met, deferred (still open) or
    None (not judged). A deferred descriptor takes the judgement made in the method it was
    deferred to, given in ``judged_elsewhere``."""
    keys = DescriptorKeys(None, method, record.channels)  # a method on its own: not kept
    effective = dict(zip(keys.order, effective_values(keys, record.judgements, judged_elsewhere)))
    return {cid: effective[cid] for cid in keys.applicable}
