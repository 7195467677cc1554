"""The amendments app: an admin changes a submitted record, with a reason, in its history.

A submitted record is never edited. An admin who must correct one (a judgement mis-keyed, a
grade changed after moderation or appeal) opens it here, changes it in the same form the
assessor used, gives the reason and presses *Amend*: the store writes a new version saying who,
when and why (:meth:`~epa_kernel.store.store.Store.amend`), and the record's history below the
form shows it at once. On a hub only the ``admin`` role opens this app and the author is the
signed-in user; with ``epa serve --app amend`` on one laptop the author is typed in.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from epa_kernel.apps.method_form import MethodForm
from epa_kernel.apps.page_wait import wait_for_page  # noqa: F401 - the notebook's pause
from epa_kernel.apps.signed_in import signed_in
from epa_kernel.core.catalogue import get_standard
from epa_kernel.core.records import MethodRecord
from epa_kernel.core.vocabulary import method_name
from epa_kernel.errors import AccessError, InputError
from epa_kernel.exports.record_html import history_table
from epa_kernel.store.access import Access
from epa_kernel.store.store import Store
from epa_kernel.store.versions import StoredRecord

# Every label wide enough for "Amended by" (Jupyter's default cuts it), the fields lined up.
LABEL = {"description_width": "100px"}
WIDE = {"width": "640px"}  # a Layout each


class AmendApp:
    def __init__(self, store: Store | Access, *, banner: str = ""):
        self.store = store
        self.stored: StoredRecord | None = None
        self.changed: MethodRecord | None = None
        options = [
            (
                f"{s.record.apprentice.name} ({s.record.apprentice.uln}) — "
                f"{method_name(s.record.method)} — {s.record.assessor}",
                s.id,
            )
            for s in store.all_records(submitted_only=True)
        ]
        self.choice = w.Dropdown(
            options=options, value=None, description="Record", style=LABEL, layout=WIDE
        )
        self.choice.add_class("epa-amend-record")
        self.author = w.Text(description="Amended by", placeholder="your name", style=LABEL)
        self.author.add_class("epa-amend-author")
        if signed_in(store):  # signed in on a hub: the author is who signed in
            self.author.value, self.author.disabled = store.author, True
        self.reason = w.Textarea(
            description="Reason", placeholder="why it is changed", style=LABEL, layout=WIDE
        )
        self.reason.add_class("epa-amend-reason")
        self.button = w.Button(description="Amend", button_style="warning", disabled=True)
        self.button.add_class("epa-amend")
        self.status = w.HTML()
        self.status.add_class("epa-status")
        self.form_box = w.VBox(layout=w.Layout(margin="16px 0 0 0"))  # clear of the button
        self.history = w.HTML()
        self.history.add_class("epa-history-view")
        self.choice.observe(lambda c: c["new"] is not None and self._open(c["new"]), "value")
        self.button.on_click(self._amend)
        self.widget = w.VBox(
            [
                *([w.HTML(banner)] if banner else []),
                self.choice,
                self.author,
                self.reason,
                w.HBox([self.button, self.status]),
                self.form_box,
                self.history,
            ]
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = "#b00020" if error else "#1b5e20"
        self.status.value = f"<span style='color:{colour}'>{escape(text)}</span>"

    def _open(self, record_id: int) -> None:
        self.stored = self.store.get(record_id)
        self.changed = None
        record = self.stored.record
        standard = get_standard(record.standard, record.version)
        form = MethodForm(standard, record, on_change=self._change)
        self.form_box.children = [form.widget]
        self.history.value = history_table(self.store.history(record_id))
        self.button.disabled = False
        self._say(
            f"Submitted, version {self.stored.version}. Changes here are not saved until "
            "you give a reason and press Amend."
        )

    def _change(self, record: MethodRecord) -> None:
        self.changed = record
        self._say("Changed, not saved: give the reason and press Amend.")

    def _amend(self, _button=None) -> None:
        if self.stored is None or self.changed is None:
            self._say("Nothing to amend: change the record first.", error=True)
            return
        if not self.author.value.strip():
            self._say("Say who amends it (Amended by).", error=True)
            return
        try:
            self.stored = self.store.amend(
                self.stored,
                self.changed,
                author=self.author.value.strip(),
                reason=self.reason.value,
            )
        except (InputError, AccessError) as exc:
            self._say(f"Not amended: {exc}", error=True)
            return
        self.changed = None
        self.reason.value = ""
        self.history.value = history_table(self.store.history(self.stored.id))
        self._say(f"Amended (version {self.stored.version}); the reason is in the history.")


def show_amend(store_url: str | None = None) -> AmendApp | None:
    """Show the app on the store at ``store_url`` or ``EPA_STORE_URL``."""
    from IPython.display import display

    from epa_kernel.apps.signed_in import open_for_app

    store, banner = open_for_app(
        store_url,
        roles=("admin",),
        start="with <code>epa hub</code> or <code>epa serve --app amend</code>",
    )
    if store is None:
        return None
    app = AmendApp(store, banner=banner)
    display(app.widget)
    return app
