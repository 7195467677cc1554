"""The planning page on a hub: an admin's, whatever a kernel's parameters say.

On a hub the planning notebook never opens the store named by its ``store_url`` parameter: it
holds its user's store service client, and an assessor or IQA is refused before anything of
the planning is read (no apprentice, no booking). The admin's page plans through the service in
their own name.
"""

from __future__ import annotations

from datetime import date

from epa_kernel.service.client import StoreClient
from epa_kernel.store import bookings as rows
from epa_kernel.store.store import Store
from epa_kernel.store.users import set_user
from helpers import VALID_ULNS, make_record, remote_booking, store_service, user_tokens

ULN = VALID_ULNS[0]
A = "Alex Ash"


def test_only_an_admin_gets_the_planning_page_on_a_hub(tmp_path, monkeypatch):
    import IPython.display

    from epa_kernel.apps.planning_app import show_planning
    from epa_kernel.core.catalogue import get_standard

    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    record = make_record("ST0071", "1.1", uln=ULN, assessor=A, judgements={})
    gateway = date(2025, 1, 6)
    apprentice = record.apprentice.model_copy(update={"gateway_date": gateway})
    store.assign(record.model_copy(update={"apprentice": apprentice}))
    booking = remote_booking(ULN, date(2025, 2, 10), assessor=A)
    rows.book(store, store.clock, get_standard("ST0071", "1.1"), booking, today=gateway, by="x")
    for name, role in (("ada", "admin"), ("alex", "assessor"), ("quinn", "iqa")):
        set_user(store, name, role, A if role == "assessor" else None)
    out: list[str] = []
    monkeypatch.setattr(
        IPython.display,
        "display",
        lambda *objs, **_: out.extend(str(getattr(o, "value", None) or o) for o in objs),
    )
    monkeypatch.delenv("EPA_STORE_URL", raising=False)
    with store_service(store, user_tokens("ada", "alex", "quinn")) as service:
        monkeypatch.setenv("EPA_STORE_SERVICE", service)
        for name, role in (("alex", "assessor"), ("quinn", "iqa")):
            monkeypatch.setenv("JUPYTERHUB_USER", name)
            monkeypatch.setenv("JUPYTERHUB_API_TOKEN", f"{name}-token")
            out.clear()
            assert show_planning(store_url=url) is None  # the URL is not used on a hub
            text = "\n".join(out)
            assert f"not for the {role} role" in text
            assert ULN not in text and "Ada Example" not in text
        monkeypatch.setenv("JUPYTERHUB_USER", "ada")
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "ada-token")
        app = show_planning(store_url=None)
        assert isinstance(app.store, StoreClient) and app.store.author == "ada"
        assert list(app.people) == [ULN] and app.planner.disabled
        app.apprentice.value = ULN
        assert "Professional discussion" in app.booked.value
    store.close()
