"""What changed between two versions of a standard, descriptor by descriptor and rule by rule.

When a standard is revised, trainers, assessors and IQA need to know exactly which descriptors
were added, removed or moved between methods (ST0071 v1.0 -> v1.1 moved one pass descriptor
from the practical observation to the professional discussion). What the change does to a record
made under the old version is worked out from this diff in
:mod:`epa_kernel.trainer.version_effect`.

Descriptors are matched by their text, not their id: each method numbers its descriptors in the
document's order, so when one descriptor moves, the ids after it shift, and ``P9`` in one version
may be a different descriptor from ``P9`` in the next. Texts are compared after normalising white
space and a trailing full stop (the documents' PDF extracts differ in nothing else).

Pure functions: no files, no widgets. Changes to the grading rules and the overall-grade table
are worked out in :mod:`epa_kernel.core.rule_diff` and reported here beside the descriptors.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from epa_kernel.core.catalogue import versions
from epa_kernel.core.method_spec import Criterion, Method
from epa_kernel.core.model import Model
from epa_kernel.core.rule_diff import OverallChange, RuleChange, overall_changes, rule_changes
from epa_kernel.core.spec import Standard
from epa_kernel.core.values import Band

ChangeKind = Literal["moved", "added", "removed", "renumbered", "changed"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("moved", "added", "removed", "renumbered", "changed")
# Attributes of a matched descriptor that are compared besides its place.
COMPARED_FIELDS = ("text", "band", "module", "ksbs", "applies_to", "deferrable_to")


class DescriptorRef(Model):
    """Where a descriptor sits in one version: its method and its id there."""

    method: str
    id: str

    def __str__(self) -> str:
        return f"{self.method} {self.id}"

    def criterion_in(self, standard: Standard) -> Criterion:
        """The descriptor this names in ``standard`` (one of the versions it was found in)."""
        return standard.method(self.method).criterion(self.id)


class DescriptorChange(Model):
    """One descriptor that differs between the versions.

    ``old``/``new`` are its place in each version (None where it does not exist); ``fields``
    holds any other attribute that differs, as {name: [old, new]}.
    """

    change: ChangeKind
    band: Band
    text: str
    old: DescriptorRef | None
    new: DescriptorRef | None
    fields: dict[str, tuple[Any, Any]] = Field(default_factory=dict)

    def touches(self, method_id: str) -> bool:
        return any(ref is not None and ref.method == method_id for ref in (self.old, self.new))


class VersionDiff(Model):
    standard: str
    old_version: str
    new_version: str
    methods_added: tuple[str, ...]
    methods_removed: tuple[str, ...]
    descriptors: tuple[DescriptorChange, ...]
    rules: tuple[RuleChange, ...]
    overall: tuple[OverallChange, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.methods_added
            or self.methods_removed
            or self.descriptors
            or self.rules
            or self.overall
        )

    def of_kind(self, kind: ChangeKind) -> tuple[DescriptorChange, ...]:
        return tuple(c for c in self.descriptors if c.change == kind)

    def for_method(self, method_id: str) -> tuple[DescriptorChange, ...]:
        """The descriptor changes that leave, enter or stay in ``method_id``."""
        return tuple(c for c in self.descriptors if c.touches(method_id))

    def counts(self) -> dict[str, int]:
        return {kind: n for kind in CHANGE_KINDS if (n := len(self.of_kind(kind)))}


def default_comparison(standard: str, version: str) -> str | None:
    """The version to compare ``version`` with: the next one held, else the previous one, else
    None (only one version is held)."""
    held = versions(standard)
    at = held.index(version)
    if at + 1 < len(held):
        return held[at + 1]
    return held[at - 1] if at > 0 else None


# --- matching descriptors ----------------------------------------------------------------------


def normalised(text: str) -> str:
    """The text as compared: white space collapsed and a trailing full stop dropped."""
    return " ".join(text.split()).removesuffix(".").rstrip()


def _descriptors(standard: Standard) -> list[tuple[Method, Criterion]]:
    return [(m, c) for m in standard.methods for c in m.criteria]


def match_descriptors(
    old: Standard, new: Standard
) -> tuple[list[tuple[DescriptorRef, DescriptorRef]], list[DescriptorRef], list[DescriptorRef]]:
    """Pair each old descriptor with the new one of the same text.

    Returns (pairs, old ones with no match, new ones with no match). Where a text occurs more
    than once, pairs are made first at the same place (method and id), then within the same
    method in document order, and only then across methods, so a repeated text is never reported
    as moved while a copy of it stayed put.
    """

    def grouped(standard):
        out: dict[str, list[DescriptorRef]] = {}
        for m, c in _descriptors(standard):
            out.setdefault(normalised(c.text), []).append(DescriptorRef(method=m.id, id=c.id))
        return out

    olds, news = grouped(old), grouped(new)
    pairs: list[tuple[DescriptorRef, DescriptorRef]] = []
    for text, left in olds.items():
        right = list(news.get(text, ()))
        left = list(left)
        for same in (lambda a, b: a == b, lambda a, b: a.method == b.method, lambda a, b: True):
            for a in list(left):
                b = next((b for b in right if same(a, b)), None)
                if b is not None:
                    pairs.append((a, b))
                    left.remove(a)
                    right.remove(b)
        news[text] = right
        olds[text] = left
    unmatched_old = [ref for refs in olds.values() for ref in refs]
    unmatched_new = [ref for refs in news.values() for ref in refs]
    return pairs, unmatched_old, unmatched_new


def _fields(a: Criterion, b: Criterion) -> dict[str, tuple[Any, Any]]:
    out = {}
    for name in COMPARED_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if x != y:
            out[name] = (
                list(x) if isinstance(x, tuple) else x,
                list(y) if isinstance(y, tuple) else y,
            )
    return out


# --- the diff ------------------------------------------------------------------------------------


def _sort_key(standard: Standard, ref: DescriptorRef) -> tuple[int, int, int]:
    methods = [m.id for m in standard.methods]
    return (methods.index(ref.method), ref.id[0] == "D", int(ref.id[1:]))


def diff_versions(old: Standard, new: Standard) -> VersionDiff:
    """Every difference between two versions of one standard, descriptor by descriptor."""
    if old.standard != new.standard:
        raise ValueError(f"cannot compare {old.key} with {new.key}: different standards")
    pairs, gone, came = match_descriptors(old, new)
    changes: list[tuple[tuple, DescriptorChange]] = []
    for a, b in pairs:
        ca, cb = a.criterion_in(old), b.criterion_in(new)
        fields = _fields(ca, cb)
        if a.method != b.method:
            kind: ChangeKind | None = "moved"
        elif a.id != b.id:
            kind = "renumbered"
        else:
            kind = "changed" if fields else None
        if kind is not None:
            changes.append(
                (
                    (CHANGE_KINDS.index(kind), *_sort_key(new, b)),
                    DescriptorChange(
                        change=kind, band=cb.band, text=cb.text, old=a, new=b, fields=fields
                    ),
                )
            )
    for a in gone:
        c = a.criterion_in(old)
        changes.append(
            (
                (CHANGE_KINDS.index("removed"), *_sort_key(old, a)),
                DescriptorChange(change="removed", band=c.band, text=c.text, old=a, new=None),
            )
        )
    for b in came:
        c = b.criterion_in(new)
        changes.append(
            (
                (CHANGE_KINDS.index("added"), *_sort_key(new, b)),
                DescriptorChange(change="added", band=c.band, text=c.text, old=None, new=b),
            )
        )
    old_ids, new_ids = [m.id for m in old.methods], [m.id for m in new.methods]
    return VersionDiff(
        standard=old.standard,
        old_version=old.version,
        new_version=new.version,
        methods_added=tuple(m for m in new_ids if m not in old_ids),
        methods_removed=tuple(m for m in old_ids if m not in new_ids),
        descriptors=tuple(c for _, c in sorted(changes, key=lambda x: x[0])),
        rules=tuple(rule_changes(old, new)),
        overall=tuple(overall_changes(old, new)),
    )


def diff_json(diff: VersionDiff) -> dict:
    """The diff as plain JSON (what ``epa diff --json`` prints)."""

    def ref(r):
        return None if r is None else {"method": r.method, "id": r.id}

    return {
        "standard": diff.standard,
        "from_version": diff.old_version,
        "to_version": diff.new_version,
        "methods": {"added": list(diff.methods_added), "removed": list(diff.methods_removed)},
        "descriptors": [
            {
                "change": c.change,
                "band": c.band,
                "text": c.text,
                "old": ref(c.old),
                "new": ref(c.new),
                "fields": {k: {"old": v[0], "new": v[1]} for k, v in c.fields.items()},
            }
            for c in diff.descriptors
        ],
        "rules": [r.model_dump(mode="json") for r in diff.rules],
        "overall": [o.model_dump(mode="json") for o in diff.overall],
    }
