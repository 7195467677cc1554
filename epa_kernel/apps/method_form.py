"""The form an assessor fills: one checklist widget bound to one method record.

For each applicable descriptor, grouped by module with its KSBs: a met / not met choice (and
deferred where the standard allows it) and a note; the method's evidence facts with their limits
beside them; channels where the method has them; and a live outcome panel that the grading engine
redraws after every change. The browser draws all of it as one
:class:`~epa_kernel.apps.checklist.Checklist`; this module holds no grading logic either: it
builds a record from the widget's traits and asks :func:`epa_kernel.core.grading.grade_method`.

``on_change`` receives each new valid record, so a caller (the Voilà app's store) can save every
change as it happens; widget state lives only in the kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ipywidgets import Widget
from pydantic import ValidationError

from epa_kernel.apps.checklist import Checklist
from epa_kernel.core.grading import grade_method
from epa_kernel.core.method_spec import Method
from epa_kernel.core.outcomes import MethodOutcome
from epa_kernel.core.records import MethodRecord, check_against
from epa_kernel.core.spec import Standard
from epa_kernel.core.vocabulary import CHANNEL_LABELS, JUDGEMENT_COLOURS, JUDGEMENT_LABELS
from epa_kernel.errors import InputError, from_validation_error
from epa_kernel.exports.record_html import outcome_panel

INTEGER_FACTS = {"word_count", "slides", "portfolio_items", "questions_asked"}
STATE = ("judgements", "notes", "channels", "evidence")


def checklist_spec(method: Method) -> dict:
    """What the checklist draws for ``method``: plain data, sent to the browser once."""
    criteria = []
    for c in method.criteria:
        tags = [c.band.upper(), *c.ksbs]
        if c.applies_to:
            tags.append("only " + " / ".join(CHANNEL_LABELS[ch] for ch in c.applies_to))
        if c.deferrable_to:
            tags.append(f"may defer to {c.deferrable_to.replace('_', ' ')}")
        options = ["met", "not_met", *(["deferred"] if c.deferrable_to else [])]
        criteria.append(
            {"id": c.id, "module": c.module, "text": c.text, "tags": " · ".join(tags)}
            | {"options": options}
        )
    return {
        "criteria": criteria,
        "channels": [{"id": ch, "label": CHANNEL_LABELS[ch]} for ch in method.channels or ()],
        "facts": [
            {
                "fact": limit.fact,
                "label": limit.label,
                "allowed": limit.describe(),
                "integer": limit.fact in INTEGER_FACTS,
            }
            for limit in method.evidence or ()
        ],
        "labels": {value: JUDGEMENT_LABELS[value] for value in JUDGEMENT_COLOURS},
        "colours": JUDGEMENT_COLOURS,
        "keys": {"m": "met", "n": "not_met", "d": "deferred"},
        "note": "note",
    }


def draft_record(
    standard: Standard,
    record: MethodRecord,
    judgements: dict[str, str | None],
    notes: dict[str, str],
    channels: tuple[str, ...] | None,
    evidence_typed: dict[str, str],
) -> MethodRecord:
    """``record`` with what a form shows; raises InputError when something typed is not allowed.

    Judgements of descriptors not assessed under ``channels`` are left out; judgements and notes
    made elsewhere for descriptors deferred into this method ("method.P3") are kept as given.
    """
    method = standard.method(record.method)
    applicable = {c.id for c in method.applicable(channels)}
    judged = {cid: v for cid, v in judgements.items() if v is not None and cid in applicable}
    judged.update({k: v for k, v in record.judgements.items() if "." in k})
    noted = {cid: text for cid, text in notes.items() if text.strip()}
    noted.update({k: v for k, v in record.notes.items() if "." in k})
    evidence: dict[str, Any] = {}
    for fact, typed in evidence_typed.items():
        text = typed.strip()
        if text:
            try:
                evidence[fact] = int(text) if fact in INTEGER_FACTS else float(text)
            except ValueError:
                kind = "a whole number" if fact in INTEGER_FACTS else "a number"
                raise InputError(f"{text!r} is not {kind}", field=f"evidence.{fact}") from None
    data = record.model_dump(mode="json")
    data.update(
        channels=list(channels) if channels else None,
        judgements=judged,
        notes=noted,
        evidence=evidence,
    )
    try:
        drafted = MethodRecord.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    if method.channels and not channels:
        raise InputError("tick at least one channel observed", field="channels")
    check_against(drafted, standard)
    return drafted


class MethodForm:
    """A live form for one method record under one standard version."""

    def __init__(
        self,
        standard: Standard,
        record: MethodRecord,
        *,
        on_change: Callable[[MethodRecord], Any] | None = None,
        readonly: bool = False,
        side: Sequence[Widget] = (),
    ):
        # ``side``: more widgets under the outcome panel, kept in view beside the descriptors
        # (the trainer's notebook puts its explanations there).
        self.standard = standard
        self.method = standard.method(record.method)
        self.record = record
        self.on_change = on_change
        self.readonly = readonly
        self.error: str | None = None
        self.widget = Checklist(
            spec=checklist_spec(self.method),
            readonly=readonly,
            side=list(side),
            **self._traits(record),
        )
        self._apply_visibility()
        self.outcome = self._regrade()
        self.widget.observe(self._changed, names=list(STATE))

    # --- state ----------------------------------------------------------------------------

    def _traits(self, record: MethodRecord) -> dict:
        """The widget's traits for ``record``."""
        evidence = record.evidence.model_dump(exclude_none=True)
        return {
            # Judgements made elsewhere for descriptors deferred into this method ("method.P3")
            # are not on this form; the record keeps them as given.
            "judgements": {k: v for k, v in record.judgements.items() if "." not in k},
            "notes": {k: v for k, v in record.notes.items() if "." not in k},
            "channels": list(record.channels or ()),
            "evidence": {
                f.fact: f"{evidence[f.fact]:g}"
                for f in self.method.evidence or ()
                if f.fact in evidence
            },
        }

    def channels(self) -> tuple[str, ...] | None:
        if not self.method.channels:
            return None
        return tuple(c for c in self.method.channels if c in self.widget.channels) or None

    def shown(self) -> list[str]:
        """The descriptors on screen: those assessed under the channels ticked."""
        return [c.id for c in self.method.criteria if c.id not in self.widget.hidden]

    @property
    def outcome_html(self) -> str:
        return self.widget.outcome

    def _apply_visibility(self) -> None:
        channels = self.channels()
        self.widget.hidden = [
            c.id for c in self.method.criteria if self.method.channels and not c.applies(channels)
        ]

    def _draft(self) -> MethodRecord:
        """The record as on screen; raises InputError when something typed is not allowed."""
        w = self.widget
        channels = self.channels()
        return draft_record(self.standard, self.record, w.judgements, w.notes, channels, w.evidence)

    def _regrade(self) -> MethodOutcome:
        outcome = grade_method(self.standard, self.record)
        self.widget.outcome = outcome_panel(self.method, outcome)
        return outcome

    def _say(self, text: str) -> None:
        self.widget.message = text

    def _changed(self, _change=None) -> None:
        if self.readonly:  # a page that did not disable its controls: the record stands
            with self.widget.hold_sync():
                for name, value in self._traits(self.record).items():
                    setattr(self.widget, name, value)
            return
        # One message back to the browser for whatever this change redraws.
        with self.widget.hold_sync():
            self._apply_visibility()
            try:
                record = self._draft()
            except InputError as exc:
                self.error = str(exc)
                self._say(f"Not saved: {exc}")
                return
            self.error = None
            self._say("")
            if record == self.record:
                return
            self.record = record
            self.outcome = self._regrade()
        if self.on_change is not None:
            self.on_change(record)

    # --- driving the form from code (trainer notebook, tests) --------------------------------

    def _set(self, name: str, key: str, value) -> None:
        current = dict(getattr(self.widget, name))
        if value is None:
            current.pop(key, None)
        else:
            current[key] = value
        setattr(self.widget, name, current)

    def set_judgement(self, criterion_id: str, value: str | None) -> None:
        self._set("judgements", criterion_id, value)

    def set_note(self, criterion_id: str, text: str) -> None:
        self._set("notes", criterion_id, text)

    def set_fact(self, fact: str, value: str) -> None:
        self._set("evidence", fact, value)

    def set_channels(self, channels) -> None:
        self.widget.channels = [c for c in self.method.channels if c in channels]
