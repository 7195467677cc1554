"""The assessor app that Voilà serves: choose an assignment, fill its form, submit.

An assignment is one attempt of an apprentice's method (first attempt, resit, second resit...):
the list shows each attempt assigned to the assessor, choosing one opens that attempt's record
(its draft is created the first time, as that attempt), and a heading over the form says whose
record it is and which attempt, so nobody edits a first attempt believing it their resit.

The app is the store's door for assessors. Every change in the form is saved as it happens, in
its own transaction, through :class:`~epa_kernel.store.store.Store`; opening a record always
reads it from the store, so reloading the page or restarting the server shows exactly what was
saved.
When someone else saved the same record in the meantime, the save is refused and the assessor is
told, rather than one of the two changes silently winning. A submitted record opens read-only.

On a hub (``epa hub``) the assessor is the user JupyterHub signed in, not a choice: the app holds
that user's :class:`~epa_kernel.store.access.Access`, so it lists and opens only their own
assignments (:mod:`epa_kernel.apps.signed_in`).

One app notebook serves every apprentice and method (the assessor chooses), which keeps Voilà's
pool of preheated kernels usable: parameters in the URL would need a prelaunch hook, and Voilà
refuses to combine those with preheating.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from epa_kernel.apps.method_form import MethodForm
from epa_kernel.apps.page_wait import wait_for_page  # noqa: F401 - the notebook's pause
from epa_kernel.apps.signed_in import signed_in
from epa_kernel.apps.status_panel import panel_for
from epa_kernel.apps.upcoming import upcoming_html
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.grading import grade_method
from epa_kernel.core.records import parse_record
from epa_kernel.core.vocabulary import attempt_parts, attempt_words, method_name
from epa_kernel.errors import AccessError, ConflictError, InputError
from epa_kernel.store.access import Access
from epa_kernel.store.store import Store
from epa_kernel.store.versions import StoredRecord

# How an assignment's record stands, in the assignment list; "not started" when it has none.
ASSIGNMENT_STATES = {"submitted": "submitted", "draft": "in progress"}


class AssessorApp:
    def __init__(self, store: Store | Access, assessor: str | None = None, *, banner: str = ""):
        self.store = store
        self.stored: StoredRecord | None = None
        self.form: MethodForm | None = None
        self._quiet = False
        names = store.assessors()
        self.assessor = w.Dropdown(
            options=names, value=assessor if assessor in names else None, description="Assessor"
        )
        self.assignment = w.Dropdown(
            options=[], value=None, description="Assess", layout=w.Layout(width="520px")
        )
        self.submit_button = w.Button(
            description="Submit", button_style="success", disabled=True, icon="lock"
        )
        self.reload_button = w.Button(description="Reload", disabled=True, icon="refresh")
        self.status = w.HTML()
        self.status.add_class("epa-status")
        self.assessor.add_class("epa-assessor")
        self.assignment.add_class("epa-assignment")
        self.submit_button.add_class("epa-submit")
        self.form_box = w.VBox()
        self.upcoming = w.HTML()  # the assessor's own booked assessments (apps.upcoming)
        self.upcoming.add_class("epa-upcoming-panel")
        self.owner = w.HTML()  # whose record is open, and which attempt
        self.owner.add_class("epa-record-owner")
        # Where the apprentice's EPA stands (apps.status_panel): beside the form, under the
        # outcome panel, so both columns start at the form's top.
        self.standing = w.HTML()
        self.standing.add_class("epa-standing-panel")
        if banner:  # signed in on a hub: the assessor is who signed in, not a choice
            self.assessor.layout.display = "none"
        self.assessor.observe(self._assessor_changed, names="value")
        self.assignment.observe(self._assignment_changed, names="value")
        self.submit_button.on_click(self._submit)
        self.reload_button.on_click(lambda _b: self._open(*self.assignment.value))
        self.widget = w.VBox(
            [
                *([w.HTML(banner)] if banner else []),
                self.upcoming,
                w.HBox([self.assessor, self.assignment]),
                w.HBox([self.submit_button, self.reload_button, self.status]),
                self.owner,
                self.form_box,
            ]
        )
        self._assessor_changed()

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = "#b00020" if error else "#1b5e20"
        self.status.value = f"<span style='color:{colour}'>{escape(text)}</span>"

    def _assessor_changed(self, _change=None) -> None:
        self.upcoming.value = upcoming_html(self.store, self.assessor.value)
        if self.assessor.value is None:
            self.assignment.options = []
            return
        options = []
        for a in self.store.assignments_of(self.assessor.value):
            state = ASSIGNMENT_STATES.get(a["status"], "not started")
            method = method_name(a["method"])
            label = f"{a['name']} ({a['uln']}) — {method} · {attempt_words(a['attempt'])} ({state})"
            options.append((label, (a["uln"], a["method"], a["attempt"])))
        self.assignment.value = None
        self.assignment.options = options

    def _assignment_changed(self, change) -> None:
        if change["new"] is not None and not self._quiet:
            self._open(*change["new"])

    def _relabel(self) -> None:
        """The assignment list says again how each stands, the one open staying chosen."""
        chosen = self.assignment.value
        self._quiet = True
        self._assessor_changed()
        self.assignment.value = chosen
        self._quiet = False

    def _open(self, uln: str, method: str, attempt: str) -> None:
        """Show the stored record of this assigned attempt (its key), creating its draft, as
        that attempt, the first time."""
        assessor = self.assessor.value
        stored = self.store.find(uln, method, attempt)
        new = stored is None
        if new:
            row = next(
                a
                for a in self.store.assignments_of(assessor)
                if (a["uln"], a["method"], a["attempt"]) == (uln, method, attempt)
            )
            standard = get_standard(row["standard"], row["version"])
            kind, sitting = attempt_parts(attempt)
            data = {
                "standard": row["standard"],
                "version": row["version"],
                "method": method,
                "apprentice": self.store.apprentice(uln),
                "assessor": assessor,
                "attempt": kind,
                "sitting": sitting,
            }
            if standard.method(method).channels:
                data["channels"] = [standard.method(method).channels[0]]
            stored = self.store.put(
                parse_record(data, file="<new draft>")[0], author=assessor, reason="draft opened"
            )
        self._show(stored)
        if new:
            self._relabel()  # no longer "not started"

    def _show(self, stored: StoredRecord) -> None:
        self.stored = stored
        standard = get_standard(stored.record.standard, stored.record.version)
        self.form = MethodForm(
            standard,
            stored.record,
            on_change=self._save,
            readonly=stored.submitted,
            side=[self.standing],
        )
        self.form_box.children = [self.form.widget]
        r = stored.record
        self.owner.value = (
            f"<b>{escape(r.assessor)}'s record</b> · {escape(r.apprentice.name)} "
            f"({r.apprentice.uln}) · {escape(standard.method(r.method).name)} · "
            f"{attempt_words(r.attempt_key)}"
        )
        self.standing.value = panel_for(self.store, stored.record.apprentice.uln)
        self.submit_button.disabled = stored.submitted
        self.reload_button.disabled = False
        if stored.submitted:
            self._say(f"Submitted (version {stored.version}): read-only.")
        else:
            self._say(f"Draft, version {stored.version}. Every change is saved as you make it.")

    def _save(self, record) -> None:
        try:
            self.stored = self.store.save_draft(self.stored, record, author=self.assessor.value)
        except ConflictError as exc:
            self._say(f"Not saved: this record was {exc.message}", error=True)
            return
        except (InputError, AccessError) as exc:
            self._say(f"Not saved: {exc}", error=True)
            return
        self._say(f"Saved (version {self.stored.version}).")

    def _submit(self, _button=None) -> None:
        if self.stored is None or self.form is None or self.form.error:
            self._say("Fix the highlighted problem before submitting.", error=True)
            return
        standard = get_standard(self.stored.record.standard, self.stored.record.version)
        outcome = grade_method(standard, self.stored.record)
        if outcome.status == "incomplete":
            self._say(f"Cannot submit: not yet judged: {', '.join(outcome.missing)}", error=True)
            return
        try:
            stored = self.store.submit(self.stored, author=self.assessor.value)
        except InputError as exc:
            self._say(f"Not submitted: {exc.message}", error=True)
            return
        except AccessError as exc:
            self._say(f"Not submitted: {exc}", error=True)
            return
        self._show(stored)
        self._assessor_changed()


def show_app(store_url: str | None = None, assessor: str | None = None) -> AssessorApp | None:
    """Show the app on the store at ``store_url`` or ``EPA_STORE_URL`` (set by ``epa serve``).

    Without either it says so rather than creating an empty database wherever the kernel runs.
    On a hub, ``assessor`` is ignored: the signed-in user is the assessor.
    """
    from IPython.display import display

    from epa_kernel.apps.signed_in import open_for_app

    store, banner = open_for_app(
        store_url, roles=("assessor",), start="the app with <code>epa serve</code>"
    )
    if store is None:
        return None
    if signed_in(store):
        assessor = store.user.assessor
    app = AssessorApp(store, assessor, banner=banner)
    display(app.widget)
    return app
