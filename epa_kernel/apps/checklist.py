"""The checklist widget: one anywidget model and one ES module drawing a method's whole form.

Every descriptor (a met / not met / deferred radio group and a note), the channels, the evidence
facts and the outcome panel are drawn in the browser by ``checklist.js`` from the traits below:
one model, one comm message to open it, one view to render, where the ipywidgets form needed a
model and a view per control (215 models for a 25-descriptor form). The widget holds no grading
logic: :class:`~epa_kernel.apps.method_form.MethodForm` reads the traits, grades, and writes
``outcome``, ``message`` and ``hidden`` back.

The ES module and its CSS are package data read once at import: nothing loads from a CDN.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets as t
from ipywidgets import DOMWidget, widget_serialization

HERE = Path(__file__).resolve().parent


class Checklist(anywidget.AnyWidget):
    """A method's form in one widget; what the assessor changes comes back as whole traits."""

    _esm = (HERE / "checklist.js").read_text(encoding="utf-8")
    _css = (HERE / "checklist.css").read_text(encoding="utf-8")

    #: What is drawn, fixed for the form: ``criteria`` (id, module, text, tags, options) in
    #: order, ``channels`` and ``facts`` (may be empty), the options' ``labels`` and
    #: ``colours``, shortcut ``keys`` (letter -> option) and what a ``note`` is called (see
    #: ``method_form.checklist_spec``; the IQA review asks agree / disagree with a rationale).
    spec = t.Dict().tag(sync=True)
    #: Descriptor id -> the option chosen (``met`` / ``not_met`` / ``deferred`` on the method
    #: form); descriptors not yet judged are absent.
    judgements = t.Dict().tag(sync=True)
    notes = t.Dict().tag(sync=True)
    channels = t.List(t.Unicode()).tag(sync=True)
    #: Evidence fact -> the text as typed (the kernel checks it is a number).
    evidence = t.Dict().tag(sync=True)
    #: Descriptors not assessed under the channels ticked.
    hidden = t.List(t.Unicode()).tag(sync=True)
    #: The outcome panel's HTML (``exports.record_html.outcome_panel``), kept in view.
    outcome = t.Unicode().tag(sync=True)
    #: Why the last change was not saved, as plain text; empty when it was.
    message = t.Unicode().tag(sync=True)
    readonly = t.Bool(False).tag(sync=True)
    #: More widgets drawn under the outcome panel (the trainer's explanations).
    side = t.List(t.Instance(DOMWidget)).tag(sync=True, **widget_serialization)
