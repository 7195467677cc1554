"""The baseline the bench measures: the assessor's form as it was, built from ipywidgets.

Kept only here, beside the bench that compares it with the one-widget checklist
(:mod:`epa_kernel.apps.method_form`): a toggle and a note per descriptor plus layout boxes, each
a widget model, a comm message and a view for the browser to build. It drafts records with the
new form's :func:`~epa_kernel.apps.method_form.draft_record`, so only the widgets differ.

For each applicable descriptor, grouped by module with its KSBs: a met / not met control (and
deferred where the standard allows it) and a note; the method's evidence facts with their limits
beside them; channels where the method has them; and a live outcome panel that the grading engine
redraws after every change. The form holds no grading logic: it builds a record from what is on
screen and asks :func:`epa_kernel.core.grading.grade_method`.

``on_change`` receives each new valid record, so a caller (the Voilà app's store) can save every
change as it happens; widget state lives only in the kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape as _escape
from typing import Any

import ipywidgets as w
from ipywidgets.widgets.widget_selection import ToggleButtonsStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from epa_kernel.apps.method_form import MethodForm, draft_record
from epa_kernel.core.grading import grade_method
from epa_kernel.core.method_spec import Criterion
from epa_kernel.core.outcomes import MethodOutcome
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.spec import Standard
from epa_kernel.core.vocabulary import JUDGEMENT_COLOURS, JUDGEMENT_LABELS
from epa_kernel.exports.record_html import outcome_panel

# Deferred is offered only where the standard allows it (see _descriptor_row).
JUDGEMENT_OPTIONS = [(JUDGEMENT_LABELS[value], value) for value in ("met", "not_met")]
DEFERRED_OPTION = (JUDGEMENT_LABELS["deferred"], "deferred")

# The chosen judgement must be visible at a glance (its button filled with its colour; buttons in
# the order met, not met, deferred), and the grade must stay in view while the assessor scrolls a
# 40-descriptor form.
BUTTON_FILLS = "".join(
    f".epa-judgement .widget-toggle-button.mod-active:nth-child({n}) "
    f"{{background:{JUDGEMENT_COLOURS[value]};color:#fff}}\n"
    for n, value in enumerate(("met", "not_met", "deferred"), start=1)
)
FORM_CSS = (
    "<style>\n"
    + BUTTON_FILLS
    + """\
.epa-side {position:sticky; top:0; align-self:flex-start; max-height:100vh; overflow:auto}
.widget-box:has(.epa-side), .jp-OutputArea:has(.epa-side), .jp-OutputArea-child:has(.epa-side),
.jp-OutputArea-output:has(.epa-side) {overflow: visible}
</style>"""
)


class LegacyMethodForm(MethodForm):
    """A live form for one method record under one standard version."""

    def __init__(
        self,
        standard: Standard,
        record: MethodRecord,
        *,
        on_change: Callable[[MethodRecord], Any] | None = None,
        readonly: bool = False,
        side: Sequence[w.Widget] = (),
    ):
        # ``side``: more widgets under the outcome panel, kept in view beside the descriptors
        # (the trainer's notebook puts its explanations there).
        self.side = tuple(side)
        self.standard = standard
        self.method = standard.method(record.method)
        self.record = record
        self.on_change = on_change
        self.readonly = readonly
        self.error: str | None = None
        self._toggles: dict[str, w.ToggleButtons] = {}
        self._notes: dict[str, w.Text] = {}
        self._rows: dict[str, w.Widget] = {}
        self._channels: dict[str, w.Checkbox] = {}
        self._facts: dict[str, w.Text] = {}
        # One layout and one style model per kind, shared by every descriptor row: each widget
        # would otherwise bring its own, and every model is a message to the browser and an
        # object it builds before the form appears (385 models for a 25-descriptor form; 215
        # shared). Rows keep a layout each: hiding a row sets its own ``display``.
        self._plain = w.Layout()
        self._note_layout = w.Layout(width="auto")
        self._html_style = HTMLStyle()
        self._text_style = TextStyle()
        self._toggle_style = ToggleButtonsStyle(button_width="80px")
        self.panel_html = w.HTML()
        self.panel_html.add_class("epa-outcome-panel")
        self.message = w.HTML()
        self.widget = self._build()
        self._apply_visibility()
        self.outcome = self._regrade()

    # --- building -------------------------------------------------------------------------

    def _build(self) -> w.Widget:
        children: list[w.Widget] = []
        if self.method.channels:
            for channel in self.method.channels:
                box = w.Checkbox(
                    value=channel in (self.record.channels or ()),
                    description=channel.replace("_", " "),
                    indent=False,
                    disabled=self.readonly,
                )
                box.observe(self._changed, names="value")
                box.add_class(f"epa-channel-{channel}")
                self._channels[channel] = box
            children.append(
                w.HBox([w.HTML("<b>Channels observed:</b>&nbsp;"), *self._channels.values()])
            )
        if self.method.evidence:
            children.append(w.HTML("<h4>Evidence</h4>"))
            for limit in self.method.evidence:
                value = getattr(self.record.evidence, limit.fact)
                field = w.Text(
                    value="" if value is None else f"{value:g}",
                    placeholder="not recorded",
                    description=limit.label,
                    disabled=self.readonly,
                    style={"description_width": "260px"},
                    layout=w.Layout(width="420px"),
                )
                field.observe(self._changed, names="value")
                field.add_class(f"epa-fact-{limit.fact}")
                self._facts[limit.fact] = field
                children.append(w.HBox([field, w.HTML(f"&nbsp;allowed: {limit.describe()}")]))
        module = None
        for criterion in self.method.criteria:
            if criterion.module != module:
                module = criterion.module
                children.append(w.HTML(f"<h4>{_escape(module)}</h4>"))
            row = self._descriptor_row(criterion)
            self._rows[criterion.id] = row
            children.append(row)
        form = w.VBox(children, layout=w.Layout(flex="1 1 60%"))
        panel = w.VBox(
            [self.panel_html, self.message, *self.side],
            layout=w.Layout(flex="1 1 40%", padding="0 0 0 16px"),
        )
        panel.add_class("epa-side")
        return w.VBox([w.HTML(FORM_CSS), w.HBox([form, panel])])

    def _descriptor_row(self, criterion: Criterion) -> w.Widget:
        options = list(JUDGEMENT_OPTIONS)
        if criterion.deferrable_to:
            options.append(DEFERRED_OPTION)
        # Classes given at construction: add_class afterwards is one more message per call.
        toggle = w.ToggleButtons(
            options=options,
            value=self.record.judgements.get(criterion.id),
            disabled=self.readonly,
            style=self._toggle_style,
            layout=self._plain,
            _dom_classes=(f"epa-{criterion.id}", "epa-judgement"),
        )
        toggle.observe(self._changed, names="value")
        note = w.Text(
            value=self.record.notes.get(criterion.id, ""),
            placeholder="note",
            disabled=self.readonly,
            layout=self._note_layout,
            style=self._text_style,
        )
        note.observe(self._changed, names="value")
        self._toggles[criterion.id] = toggle
        self._notes[criterion.id] = note
        tags = [criterion.band.upper(), *criterion.ksbs]
        if criterion.applies_to:
            tags.append("only " + " / ".join(c.replace("_", " ") for c in criterion.applies_to))
        if criterion.deferrable_to:
            tags.append(f"may defer to {criterion.deferrable_to.replace('_', ' ')}")
        label = w.HTML(
            f"<b>{criterion.id}</b> {_escape(criterion.text)}<br>"
            f"<small>{_escape(' · '.join(tags))}</small>",
            layout=self._plain,
            style=self._html_style,
        )
        return w.VBox(
            [label, w.HBox([toggle, note], layout=self._plain)],
            layout=w.Layout(margin="0 0 8px 0", border_bottom="1px solid #eee"),
        )

    # --- state ----------------------------------------------------------------------------

    def channels(self) -> tuple[str, ...] | None:
        if not self._channels:
            return None
        return tuple(c for c, box in self._channels.items() if box.value) or None

    def _apply_visibility(self) -> None:
        channels = self.channels()
        for criterion in self.method.criteria:
            shown = criterion.applies(channels) if self.method.channels else True
            self._rows[criterion.id].layout.display = None if shown else "none"

    def _draft(self) -> MethodRecord:
        """The record as on screen (the new form's rules: only the widgets differ)."""
        return draft_record(
            self.standard,
            self.record,
            {cid: t.value for cid, t in self._toggles.items()},
            {cid: n.value for cid, n in self._notes.items()},
            self.channels(),
            {fact: field.value for fact, field in self._facts.items()},
        )

    def _regrade(self) -> MethodOutcome:
        outcome = grade_method(self.standard, self.record)
        self.panel_html.value = outcome_panel(self.method, outcome)
        return outcome

    def _say(self, text: str) -> None:
        self.message.value = text and f"<p style='color:#b00020'>{_escape(text)}</p>"

    # --- driving the form from code (trainer notebook, tests) --------------------------------

    def set_judgement(self, criterion_id: str, value: str | None) -> None:
        self._toggles[criterion_id].value = value

    def set_fact(self, fact: str, value: str) -> None:
        self._facts[fact].value = value

    def set_channels(self, channels) -> None:
        for channel, box in self._channels.items():
            box.value = channel in channels
