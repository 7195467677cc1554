"""What changed between two versions of a standard, and what the change does to a record.

When a standard is revised, trainers, assessors and IQA need to know exactly which descriptors
were added, removed or moved between methods (ST0071 v1.0 -> v1.1 moved one pass descriptor
from the practical observation to the professional discussion), and what happens to a record
made under the old version if it were read under the new one.

Descriptors are matched by their text, not their id: each method numbers its descriptors in the
document's order, so when one descriptor moves, the ids after it shift, and ``P9`` in one version
may be a different descriptor from ``P9`` in the next. Texts are compared after normalising white
space and a trailing full stop (the documents' PDF extracts differ in nothing else).

Pure functions: no files, no widgets. The overall-table comparison calls the grading engine's
:func:`~epa_kernel.core.grading.combine`, so it shows what the engine would do, not a re-reading of
the tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from epa_kernel.core.grading import MethodOutcome, combine, grade_method
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import (GRADES, Band, BandRule, Criterion, Grade, Method, Standard, split_criterion_ref,
                   versions)

ChangeKind = Literal["moved", "added", "removed", "renumbered", "changed"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("moved", "added", "removed", "renumbered", "changed")
# Attributes of a matched descriptor that are compared besides its place.
COMPARED_FIELDS = ("text", "band", "module", "ksbs", "applies_to", "deferrable_to")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class DescriptorRef(_Model):
    """Where a descriptor sits in one version: its method and its id there."""

    method: str
    id: str

    def __str__(self) -> str:
        return f"{self.method} {self.id}"


class DescriptorChange(_Model):
    """One descriptor that differs between the versions.

    ``old``/``new`` are its place in each version (None where it does not exist); ``fields``
    holds any other attribute that differs, as {name: [old, new]}.
    """

    change: ChangeKind
    band: Band
    text: str
    old: DescriptorRef | None
    new: DescriptorRef | None
    fields: dict[str, tuple[Any, Any]] = {}

    def touches(self, method_id: str) -> bool:
        return any(ref is not None and ref.method == method_id for ref in (self.old, self.new))


class RuleChange(_Model):
    """A grading or evidence rule that differs; ``method`` is None for standard-wide rules."""

    method: str | None
    rule: str
    old: str
    new: str


class OverallChange(_Model):
    """A combination of method grades that the overall-grade table grades differently."""

    grades: dict[str, Grade]
    old: Grade
    new: Grade


class VersionDiff(_Model):
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
        return not (self.methods_added or self.methods_removed or self.descriptors
                    or self.rules or self.overall)

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


def match_descriptors(old: Standard, new: Standard
                      ) -> tuple[list[tuple[DescriptorRef, DescriptorRef]], list[DescriptorRef],
                                 list[DescriptorRef]]:
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


def _criterion(standard: Standard, ref: DescriptorRef) -> Criterion:
    return standard.method(ref.method).criterion(ref.id)


def _fields(a: Criterion, b: Criterion) -> dict[str, tuple[Any, Any]]:
    out = {}
    for name in COMPARED_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if x != y:
            out[name] = (list(x) if isinstance(x, tuple) else x,
                         list(y) if isinstance(y, tuple) else y)
    return out


# --- rules -------------------------------------------------------------------------------------

def _rule_text(rule: BandRule, available: int) -> str:
    if rule.rule == "all":
        return f"all {available}"
    return f"at least {rule.count} of {available}"


def _rule_changes(old: Standard, new: Standard) -> list[RuleChange]:
    out: list[RuleChange] = []
    for m_new in new.methods:
        m_old = old.method(m_new.id)
        if m_old is None:
            continue
        for band in ("pass", "distinction"):
            rule_old = m_old.grading.pass_ if band == "pass" else m_old.grading.distinction
            rule_new = m_new.grading.pass_ if band == "pass" else m_new.grading.distinction
            count_old = len(m_old.pass_criteria if band == "pass" else m_old.distinction_criteria)
            count_new = len(m_new.pass_criteria if band == "pass" else m_new.distinction_criteria)
            # "all 21" -> "all 20" is the descriptor change itself, reported there.
            if rule_old != rule_new or (rule_old.rule == "at_least" and count_old != count_new):
                out.append(RuleChange(method=m_new.id, rule=f"{band} descriptors needed",
                                      old=_rule_text(rule_old, count_old),
                                      new=_rule_text(rule_new, count_new)))
        if m_old.channels != m_new.channels:
            out.append(RuleChange(method=m_new.id, rule="channels",
                                  old=", ".join(m_old.channels or ()) or "none",
                                  new=", ".join(m_new.channels or ()) or "none"))
        limits_old = {x.fact: x.describe() for x in m_old.evidence}
        limits_new = {x.fact: x.describe() for x in m_new.evidence}
        for fact in sorted(set(limits_old) | set(limits_new)):
            if limits_old.get(fact) != limits_new.get(fact):
                out.append(RuleChange(method=m_new.id, rule=f"evidence limit: {fact}",
                                      old=limits_old.get(fact, "none"),
                                      new=limits_new.get(fact, "none")))
    a, b = old.attempts, new.attempts
    if (set(a.capped), a.max_grade, a.scope) != (set(b.capped), b.max_grade, b.scope):
        def cap(x):
            return f"{'/'.join(x.capped) or 'none'} capped at {x.max_grade} ({x.scope})"
        out.append(RuleChange(method=None, rule="resit/retake cap", old=cap(a), new=cap(b)))
    return out


def _overall_changes(old: Standard, new: Standard) -> list[OverallChange]:
    order = [m.id for m in new.methods]
    if order != [m.id for m in old.methods]:
        return []  # different methods: the combinations cannot be compared one to one
    out = []
    for combo in itertools.product(GRADES, repeat=len(order)):
        grades = dict(zip(order, combo))
        was, _ = combine(old, grades)
        now, _ = combine(new, grades)
        if was != now:
            out.append(OverallChange(grades=grades, old=was, new=now))
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
        ca, cb = _criterion(old, a), _criterion(new, b)
        fields = _fields(ca, cb)
        if a.method != b.method:
            kind: ChangeKind | None = "moved"
        elif a.id != b.id:
            kind = "renumbered"
        else:
            kind = "changed" if fields else None
        if kind is not None:
            changes.append(((CHANGE_KINDS.index(kind), *_sort_key(new, b)),
                            DescriptorChange(change=kind, band=cb.band, text=cb.text, old=a,
                                             new=b, fields=fields)))
    for a in gone:
        c = _criterion(old, a)
        changes.append(((CHANGE_KINDS.index("removed"), *_sort_key(old, a)),
                        DescriptorChange(change="removed", band=c.band, text=c.text, old=a,
                                         new=None)))
    for b in came:
        c = _criterion(new, b)
        changes.append(((CHANGE_KINDS.index("added"), *_sort_key(new, b)),
                        DescriptorChange(change="added", band=c.band, text=c.text, old=None,
                                         new=b)))
    old_ids, new_ids = [m.id for m in old.methods], [m.id for m in new.methods]
    return VersionDiff(
        standard=old.standard, old_version=old.version, new_version=new.version,
        methods_added=tuple(m for m in new_ids if m not in old_ids),
        methods_removed=tuple(m for m in old_ids if m not in new_ids),
        descriptors=tuple(c for _, c in sorted(changes, key=lambda x: x[0])),
        rules=tuple(_rule_changes(old, new)), overall=tuple(_overall_changes(old, new)))


def diff_json(diff: VersionDiff) -> dict:
    """The diff as plain JSON (what ``epa diff --json`` prints)."""
    def ref(r):
        return None if r is None else {"method": r.method, "id": r.id}

    return {
        "standard": diff.standard, "from_version": diff.old_version,
        "to_version": diff.new_version,
        "methods": {"added": list(diff.methods_added), "removed": list(diff.methods_removed)},
        "descriptors": [{"change": c.change, "band": c.band, "text": c.text, "old": ref(c.old),
                         "new": ref(c.new),
                         "fields": {k: {"old": v[0], "new": v[1]} for k, v in c.fields.items()}}
                        for c in diff.descriptors],
        "rules": [r.model_dump(mode="json") for r in diff.rules],
        "overall": [o.model_dump(mode="json") for o in diff.overall],
    }


# --- what the change does to a record ------------------------------------------------------------

class RecordEffect(_Model):
    """A method record made under ``old_version`` read under ``new_version``.

    - ``rekeyed``: judgements kept in this record under a new id {old key: new key};
    - ``moved_out``: judgements whose descriptor now belongs to another method {old key: place};
      that method's record would have to carry them;
    - ``dropped``: judgements with no place under the new version {old key: why};
    - ``moved_in``: descriptors moved into this method from another {new id: old place};
    - ``missing``: applicable descriptors with no judgement after re-keying (new ids);
    - ``record``: the record re-keyed under the new version (None when its method is gone),
      graded in ``new_outcome``; ``old_outcome`` is the grade under its own version.
    """

    method: str
    old_version: str
    new_version: str
    rekeyed: dict[str, str]
    moved_out: dict[str, DescriptorRef]
    dropped: dict[str, str]
    moved_in: dict[str, DescriptorRef]
    missing: tuple[str, ...]
    record: MethodRecord | None
    old_outcome: MethodOutcome
    new_outcome: MethodOutcome | None

    @property
    def unchanged(self) -> bool:
        return not (self.rekeyed or self.moved_out or self.dropped or self.moved_in
                    or self.missing) and self.old_outcome.grade == (
                        self.new_outcome.grade if self.new_outcome else None)


def _places(old: Standard, new: Standard) -> dict[DescriptorRef, DescriptorRef | None]:
    """Every old descriptor's place in the new version (None: removed)."""
    pairs, gone, _ = match_descriptors(old, new)
    places: dict[DescriptorRef, DescriptorRef | None] = dict(pairs)
    places.update({ref: None for ref in gone})
    return places


def effect_on_record(old: Standard, new: Standard, record: MethodRecord) -> RecordEffect:
    """What reading ``record`` (made under ``old``) under ``new`` does to its judgements and grade.

    Judgements follow their descriptor's text to its new id, and notes go with them. A judgement
    is dropped where its descriptor was removed, no longer applies to the record's channels, or is
    ``deferred`` where the new version does not allow deferral.
    """
    if (record.standard, record.version) != (old.standard, old.version):
        raise ValueError(f"a {record.standard} v{record.version} record is not made under {old.key}")
    places = _places(old, new)
    method_new = new.method(record.method)
    channels = record.channels if method_new is not None and method_new.channels else None
    applicable = {c.id for c in method_new.applicable(channels)} if method_new else set()

    def follow(key: str, value: str | None) -> tuple[str | None, DescriptorRef | None, str | None]:
        """(new key in this record, place in another method, why dropped): one is not None."""
        origin, cid = split_criterion_ref(key)
        place = places.get(DescriptorRef(method=origin or record.method, id=cid))
        if place is None:
            return None, None, f"removed in v{new.version}"
        criterion = _criterion(new, place)
        if origin is None:  # one of this method's own descriptors
            if place.method != record.method:
                return None, place, None
            if place.id not in applicable:
                return None, None, (f"does not apply to {', '.join(channels or ())} "
                                    f"in v{new.version}")
            if value == "deferred" and not criterion.deferrable_to:
                return None, None, f"may not be deferred in v{new.version}"
            return place.id, None, None
        if place.method == record.method:  # deferred here from a method it now belongs to
            return place.id, None, None
        if criterion.deferrable_to == record.method:
            return f"{place.method}.{place.id}", None, None
        return None, None, f"{place} may not be deferred to {record.method} in v{new.version}"

    rekeyed: dict[str, str] = {}
    moved_out: dict[str, DescriptorRef] = {}
    dropped: dict[str, str] = {}
    judgements: dict[str, str] = {}
    for key in _in_record_order(old.method(record.method), record.judgements):
        value = record.judgements[key]
        new_key, elsewhere, why = follow(key, value)
        if new_key is not None:
            judgements[new_key] = value
            if new_key != key:
                rekeyed[key] = new_key
        elif elsewhere is not None:
            moved_out[key] = elsewhere
        else:
            dropped[key] = why
    notes = {}
    for key, text in record.notes.items():
        new_key, _, _ = follow(key, record.judgements.get(key))
        if new_key is not None:
            notes[new_key] = text

    old_outcome = grade_method(old, record)
    if method_new is None:
        return RecordEffect(method=record.method, old_version=old.version,
                            new_version=new.version, rekeyed={}, moved_out=moved_out,
                            dropped=dropped, moved_in={}, missing=(), record=None,
                            old_outcome=old_outcome, new_outcome=None)
    moved_in = {new_ref.id: old_ref for old_ref, new_ref in places.items()
                if new_ref is not None and new_ref.method == record.method
                and old_ref.method != record.method}
    data = record.model_dump(mode="json")
    data.update(version=new.version, channels=list(channels) if channels else None,
                judgements=judgements, notes=notes)
    carried = MethodRecord.model_validate(data)
    new_outcome = grade_method(new, carried)
    return RecordEffect(method=record.method, old_version=old.version, new_version=new.version,
                        rekeyed=rekeyed, moved_out=moved_out, dropped=dropped,
                        moved_in={k: moved_in[k] for k in _in_order(method_new, moved_in)},
                        missing=new_outcome.missing, record=carried, old_outcome=old_outcome,
                        new_outcome=new_outcome)


def _in_record_order(method: Method, keys: Iterable[str]) -> list[str]:
    """A record's judgement keys in the form's order: the method's own descriptors as the
    document lists them, then those deferred here from other methods."""
    keys = list(keys)
    own = _in_order(method, keys)
    return own + sorted(k for k in keys if k not in own)


def _in_order(method: Method, ids: Iterable[str]) -> list[str]:
    wanted = set(ids)
    return [c.id for c in method.criteria if c.id in wanted]
