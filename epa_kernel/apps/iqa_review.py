"""The IQA review app: a sampled record beside the assessor's outcome, and the moderation form.

The reviewer sees exactly what the assessor recorded (the read-only record view) and the grade
the engine gives it, records agree or disagree per descriptor with a rationale (the assessor's
:class:`~epa_kernel.apps.checklist.Checklist`, asking agree / disagree: one widget for every
descriptor), and an outcome (confirmed, grade changed, referred back). The moderation is saved
into the record's hash-chained history by the store; the record itself is not changed. On a hub
the reviewer is the signed-in user (an ``iqa`` or ``admin`` role), not a name typed into the
form, and with a sampling plan (``epa hub --iqa-sample``) IQA can open only the sampled records.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import ipywidgets as w
from pydantic import ValidationError

from epa_kernel.apps.checklist import Checklist
from epa_kernel.apps.page_wait import wait_for_page  # noqa: F401 - the notebook's pause
from epa_kernel.apps.signed_in import signed_in
from epa_kernel.apps.status_panel import panel_for
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import grade_method
from epa_kernel.core.moderation import Moderation
from epa_kernel.core.vocabulary import (
    GRADES,
    JUDGEMENT_COLOURS,
    JUDGEMENT_LABELS,
    MODERATION_LABELS,
)
from epa_kernel.errors import field_path
from epa_kernel.exports import record_html as views
from epa_kernel.store.access import Access
from epa_kernel.store.store import Store
from epa_kernel.store.versions import StoredRecord


def review_spec(standard, method: str, judgements: dict[str, str]) -> dict:
    """The checklist asking agree / disagree with each of the assessor's judgements."""
    # "P3" is this method's; "work_based_project.P3" was deferred in from another method.
    texts = {(m.id, c.id): c.text for m in standard.methods for c in m.criteria}
    criteria = []
    for cid, value in judgements.items():
        other, _, own = cid.rpartition(".")
        text = texts.get((other or method, own), "")
        criteria.append(
            {"id": cid, "module": "Each judgement", "text": text, "options": ["agree", "disagree"]}
            | {"tags": f"assessor: {JUDGEMENT_LABELS[value]}"}
        )
    return {
        "criteria": criteria,
        "channels": [],
        "facts": [],
        "labels": {"agree": "Agree", "disagree": "Disagree"},
        "colours": {"agree": JUDGEMENT_COLOURS["met"], "disagree": JUDGEMENT_COLOURS["not_met"]},
        "keys": {"a": "agree", "d": "disagree"},
        "note": "rationale (needed to disagree)",
    }


class ReviewApp:
    def __init__(self, store: Store | Access, sampled: set[str] | None = None, *, banner: str = ""):
        from epa_kernel.core.vocabulary import decision_id

        self.store = store
        self.stored: StoredRecord | None = None
        options = []
        for stored in store.all_records(submitted_only=True):
            r = stored.record
            did = decision_id(r.apprentice.uln, r.method, r.attempt_key)
            if sampled is None or did in sampled:
                done = " (moderated)" if store.moderations(stored.id) else ""
                options.append((f"{did} — {r.assessor}{done}", stored.id))
        self.reviewer = w.Text(description="Reviewer", placeholder="your name")
        self.reviewer.add_class("epa-reviewer")
        if signed_in(store):  # signed in on a hub: the reviewer is who signed in
            self.reviewer.value, self.reviewer.disabled = store.user.name, True
        self.decision = w.Dropdown(
            options=options, value=None, description="Decision", layout=w.Layout(width="560px")
        )
        self.decision.add_class("epa-decision")
        self.record_html = w.HTML()
        self.standing = w.HTML()  # where the apprentice's EPA stands (apps.status_panel)
        self.standing.add_class("epa-standing-panel")
        self.review: Checklist | None = None
        self.review_box = w.VBox()
        self.outcome = w.Dropdown(
            options=[(v, k) for k, v in MODERATION_LABELS.items()],
            value="confirmed",
            description="Outcome",
        )
        self.outcome.add_class("epa-moderation-outcome")
        self.new_grade = w.Dropdown(
            options=[("—", None), *((g, g) for g in GRADES)], value=None, description="New grade"
        )
        self.rationale = w.Textarea(description="Rationale", layout=w.Layout(width="560px"))
        self.rationale.add_class("epa-moderation-rationale")
        self.save = w.Button(description="Save moderation", button_style="primary", disabled=True)
        self.save.add_class("epa-save-moderation")
        self.status = w.HTML()
        self.status.add_class("epa-status")
        self.decision.observe(
            lambda c: c["new"] is not None and self._open(c["new"]), names="value"
        )
        self.save.on_click(self._save)
        self.widget = w.VBox(
            [
                *([w.HTML(banner)] if banner else []),
                w.HBox([self.reviewer, self.decision]),
                w.HBox(
                    [
                        w.VBox([self.standing, self.record_html], layout=w.Layout(flex="1 1 55%")),
                        w.VBox(
                            [
                                w.HTML("<h4>Moderation</h4>"),
                                self.review_box,
                                self.outcome,
                                self.new_grade,
                                self.rationale,
                                w.HBox([self.save, self.status]),
                            ],
                            layout=w.Layout(flex="1 1 45%", padding="0 0 0 16px"),
                        ),
                    ]
                ),
            ]
        )

    def _open(self, record_id: int) -> None:
        self.stored = stored = self.store.get(record_id)
        standard = get_standard(stored.record.standard, stored.record.version)
        outcome = grade_method(standard, stored.record)
        self.record_html.value = views.method_record(standard, stored.record, outcome)
        self.standing.value = panel_for(self.store, stored.record.apprentice.uln)
        self.review = Checklist(
            spec=review_spec(standard, stored.record.method, stored.record.judgements),
            judgements=dict.fromkeys(stored.record.judgements, "agree"),
        )
        self.review_box.children = [self.review]
        self.save.disabled = False
        past = self.store.moderations(record_id)
        self.status.value = (
            f"Moderated {len(past)} time(s) before; the last: "
            f"{escape(MODERATION_LABELS[past[-1][1].outcome])}"
            if past
            else ""
        )

    def _save(self, _button=None) -> None:
        data = {
            "reviewer": self.reviewer.value,
            "outcome": self.outcome.value,
            "new_grade": self.new_grade.value,
            "rationale": self.rationale.value,
            "descriptors": {
                cid: {
                    "agree": self.review.judgements.get(cid) != "disagree",
                    "rationale": self.review.notes.get(cid, ""),
                }
                for cid in self.stored.record.judgements
            },
        }
        try:
            moderation = Moderation.model_validate(data)
            self.stored = self.store.moderate(self.stored, moderation)
        except ValidationError as exc:  # every problem at once: the reviewer fixes them together
            self._error(
                "; ".join(
                    f"{field_path(e['loc']) or 'moderation'}: "
                    f"{e['msg'].removeprefix('Value error, ')}"
                    for e in exc.errors(include_url=False)
                )
            )
            return
        except Exception as exc:  # noqa: BLE001 - InputError and conflicts: shown, not raised
            self._error(getattr(exc, "message", str(exc)))
            return
        self.status.value = (
            f"<span style='color:#1b5e20'>Moderation saved (version {self.stored.version}).</span>"
        )

    def _error(self, text: str) -> None:
        self.status.value = f"<span style='color:#b00020'>Not saved: {escape(text)}</span>"


def show_review(store_url: str | None = None, sample_file: str | None = None):
    import os

    from IPython.display import display

    from epa_kernel.apps.signed_in import open_for_app
    from epa_kernel.iqa.sampling_plan import sampled_ids

    sample_file = sample_file or os.environ.get("EPA_IQA_SAMPLE")  # `epa hub --iqa-sample`
    sampled = sampled_ids(Path(sample_file)) if sample_file else None
    store, banner = open_for_app(
        store_url,
        roles=("iqa", "admin"),
        start="with <code>epa serve --app iqa_review</code>",
        sample=sampled,
    )
    if store is None:
        return None
    app = ReviewApp(store, sampled, banner=banner)
    display(app.widget)
    return app
