"""What a version change does to one record: its judgements followed to their new ids, and its
grade before and after.

When a standard is revised, an assessor or trainer holding a record made under the old version
asks what would happen to it under the new one: which judgements keep their descriptor under a
new id, which belong to another method now, which have no place any more, and what it would be
graded. The answer follows each descriptor by its text, as :mod:`epa_kernel.core.standard_diff`
matches them, and grades both records with the engine.
"""

from __future__ import annotations

from collections.abc import Iterable

from epa_kernel.core.grading import grade_method
from epa_kernel.core.method_spec import Method, split_criterion_ref
from epa_kernel.core.model import Model
from epa_kernel.core.outcomes import MethodOutcome
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard
from epa_kernel.core.standard_diff import DescriptorRef, match_descriptors


class RecordEffect(Model):
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
        return not (
            self.rekeyed or self.moved_out or self.dropped or self.moved_in or self.missing
        ) and self.old_outcome.grade == (self.new_outcome.grade if self.new_outcome else None)


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
        raise ValueError(
            f"a {record.standard} v{record.version} record is not made under {old.key}"
        )
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
        criterion = place.criterion_in(new)
        if origin is None:  # one of this method's own descriptors
            if place.method != record.method:
                return None, place, None
            if place.id not in applicable:
                return (
                    None,
                    None,
                    (f"does not apply to {', '.join(channels or ())} in v{new.version}"),
                )
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
        return RecordEffect(
            method=record.method,
            old_version=old.version,
            new_version=new.version,
            rekeyed={},
            moved_out=moved_out,
            dropped=dropped,
            moved_in={},
            missing=(),
            record=None,
            old_outcome=old_outcome,
            new_outcome=None,
        )
    moved_in = {
        new_ref.id: old_ref
        for old_ref, new_ref in places.items()
        if new_ref is not None
        and new_ref.method == record.method
        and old_ref.method != record.method
    }
    data = record.model_dump(mode="json")
    data.update(
        version=new.version,
        channels=list(channels) if channels else None,
        judgements=judgements,
        notes=notes,
    )
    carried = MethodRecord.model_validate(data)
    new_outcome = grade_method(new, carried)
    return RecordEffect(
        method=record.method,
        old_version=old.version,
        new_version=new.version,
        rekeyed=rekeyed,
        moved_out=moved_out,
        dropped=dropped,
        moved_in={k: moved_in[k] for k in _in_order(method_new, moved_in)},
        missing=new_outcome.missing,
        record=carried,
        old_outcome=old_outcome,
        new_outcome=new_outcome,
    )


def _in_record_order(method: Method, keys: Iterable[str]) -> list[str]:
    """A record's judgement keys in the form's order: the method's own descriptors as the
    document lists them, then those deferred here from other methods."""
    keys = list(keys)
    own = _in_order(method, keys)
    return own + sorted(k for k in keys if k not in own)


def _in_order(method: Method, ids: Iterable[str]) -> list[str]:
    wanted = set(ids)
    return [c.id for c in method.criteria if c.id in wanted]
