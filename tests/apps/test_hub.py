"""`epa hub` and `epa users` without a browser: refusals, the private state, amendments.

An operator relies on `epa hub` refusing to start where it would be unsafe or useless (no admin
to approve sign-ups, an address other machines reach) before it writes anything, on secrets that
only the hub's user can read and that survive a restart, and on an amendment that is kept in the
record's history and leaves the store with the record.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from epa_kernel.apps.amend import AmendApp
from epa_kernel.apps.hub import SECRETS, prepare_state
from epa_kernel.store.access import Access
from epa_kernel.store.transfer import export_records
from epa_kernel.store.users import set_user
from helpers import ATTEMPT_ASSESSORS, ATTEMPT_ULN, VALID_ULNS, epa, make_record, three_attempts


def refused(done, *words: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("epa: ") and "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["add", "Alex Ash", "--role", "assessor", "--assessor", "Alex Ash"], ["NAME"]),
        (["add", "alex", "--role", "assessor"], ["--assessor", "records carry"]),
        (["remove", "nobody"], ["no user 'nobody'"]),
    ],
)
def test_bad_users_are_refused_in_one_line_and_nothing_is_stored(tmp_path, args, words):
    store = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    refused(epa("users", *args, "--store", store), *words)
    listed = epa("users", "list", "--store", store)
    assert listed.returncode == 0 and listed.stdout == ""


def test_the_hub_refuses_to_start_without_an_admin_off_loopback_or_on_a_bad_plan(tmp_path):
    store = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    state = tmp_path / "state"
    refused(epa("hub", "--store", store, "--state", state), "no admin", "epa users add")
    assert epa("users", "add", "ada", "--role", "admin", "--store", store).returncode == 0
    refused(epa("hub", "--host", "0.0.0.0", "--store", store, "--state", state), "--host", "TLS")
    (tmp_path / "plan.json").write_text('{"not": "a plan"}')
    refused(
        epa("hub", "--iqa-sample", tmp_path / "plan.json", "--store", store, "--state", state),
        "plan.json",
        "sampling plan",
    )
    missing = tmp_path / "oauth.py"
    refused(epa("hub", "--config", missing, "--store", store, "--state", state), "oauth.py")
    assert not state.exists()


def test_the_state_folder_is_private_and_its_secrets_survive_a_restart(tmp_path):
    state = prepare_state(tmp_path / "hub")
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    first = {}
    for name in SECRETS:
        assert stat.S_IMODE((state / name).stat().st_mode) == 0o600
        first[name] = (state / name).read_text()
        assert len(first[name].strip()) == 64
    prepare_state(tmp_path / "hub")  # a restart
    assert {name: (state / name).read_text() for name in SECRETS} == first
    assert sorted(p.name for p in state.iterdir()) == sorted(SECRETS)  # nothing else yet


def test_the_users_servers_load_only_voila_from_package_data():
    import epa_kernel

    folder = Path(epa_kernel.__file__).parent / "apps" / "server_config"
    config = json.loads((folder / "jupyter_server_config.json").read_text())
    extensions = config["ServerApp"]["jpserver_extensions"]
    assert extensions["voila"] and not extensions["jupyterlab"]
    assert not any(extensions.get(name) for name in ("notebook", "jupyter_server_terminals"))
    spec = json.loads((folder / "kernels" / "python3" / "kernel.json").read_text())
    assert "--ext=epa_kernel.apps.kernel_log" in spec["argv"]  # kernels log to the server only


def test_an_admins_amendment_is_in_the_history_and_in_the_exported_record(store, tmp_path):
    uln = VALID_ULNS[0]
    record = make_record(uln=uln)
    store.assign(record)
    submitted = store.submit(store.put(record, author="A. Assessor"), author="A. Assessor")
    set_user(store, "ada", "admin")
    app = AmendApp(Access(store, "ada"))
    assert app.author.value == "ada" and app.author.disabled
    app.choice.value = submitted.id
    app._amend()  # nothing changed yet
    assert "Nothing to amend" in app.status.value
    changed = submitted.record.model_copy(
        update={"judgements": {**submitted.record.judgements, "P1": "not_met"}}
    )
    app._change(changed)
    app._amend()  # no reason
    assert "reason" in app.status.value and store.get(submitted.id).version == submitted.version
    app.reason.value = "P1 mis-keyed; the assessor's notes say not met"
    app._amend()
    assert "Amended" in app.status.value
    last = store.history(submitted.id)[-1]
    assert (last.kind, last.author) == ("amended", "ada")
    assert "mis-keyed" in app.history.value and "amended" in app.history.value
    assert store.get(submitted.id).record.judgements["P1"] == "not_met"

    export_records(store, tmp_path / "out")
    (amendments,) = (tmp_path / "out").glob("*.amendments.json")
    saved = json.loads(amendments.read_text())["amendments"]
    assert [(a["by"], a["reason"]) for a in saved] == [("ada", last.reason)]


def test_an_admin_reassigns_an_apprentice_before_the_record_starts_and_access_follows(tmp_path):
    from epa_kernel.store.store import Store

    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    uln, other = VALID_ULNS[0], VALID_ULNS[1]
    store.assign(make_record(uln=uln, assessor="Alex Ash", judgements={}))
    store.assign(make_record(uln=other, assessor="Alex Ash", judgements={}))
    store.put(make_record(uln=other, assessor="Alex Ash", judgements={}), author="Alex Ash")
    set_user(store, "alex", "assessor", "Alex Ash")
    set_user(store, "billie", "assessor", "Billie Birch")
    store.close()

    done = epa("assign", uln, "practical_observation", "--assessor", "Billie Birch", "--store", url)
    assert done.returncode == 0, done.stderr
    refused(
        epa("assign", other, "practical_observation", "--assessor", "Billie Birch", "--store", url),
        "already started",
    )
    refused(epa("assign", "123", "practical_observation", "--assessor", "B", "--store", url), "ULN")

    store = Store(url)
    assert [a["uln"] for a in Access(store, "billie").assignments_of()] == [uln]
    assert [a["uln"] for a in Access(store, "alex").assignments_of()] == [other]
    store.close()


def test_epa_assign_gives_exactly_the_attempt_named_to_another_assessor(tmp_path):
    from epa_kernel.store.store import Store

    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    three_attempts(store)  # first submitted, resit a draft, resit2 not started
    store.close()
    po = "practical_observation"

    done = epa("assign", ATTEMPT_ULN, po, "--attempt", "resit2", "--assessor", "Billie Birch",
               "--store", url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "(resit2) to Billie Birch" in done.stdout
    for attempt in ("resit", "first"):  # started records stay with their assessors
        refused(
            epa("assign", ATTEMPT_ULN, po, "--attempt", attempt, "--assessor", "B", "--store", url),
            "already started",
        )
    refused(epa("assign", ATTEMPT_ULN, po, "--assessor", "B", "--store", url), "already started")
    refused(
        epa("assign", ATTEMPT_ULN, po, "--attempt", "retake", "--assessor", "B", "--store", url),
        "no such assignment",
    )
    bad = epa("assign", ATTEMPT_ULN, po, "--attempt", "second", "--assessor", "B", "--store", url)
    assert bad.returncode == 2 and "resit2" in bad.stderr

    store = Store(url)
    assert [a["attempt"] for a in store.assignments_of("Billie Birch")] == ["resit2"]
    assert store.assignments_of(ATTEMPT_ASSESSORS["resit2"]) == []
    assert [a["attempt"] for a in store.assignments_of(ATTEMPT_ASSESSORS["first"])] == ["first"]
    assert [a["attempt"] for a in store.assignments_of(ATTEMPT_ASSESSORS["resit"])] == ["resit"]
    store.close()


def test_a_refusal_by_role_is_one_line_and_exit_status_4(monkeypatch, capsys):
    from epa_kernel import cli
    from epa_kernel.cli import hub as hub_commands
    from epa_kernel.errors import AccessError

    def refuse(_args):
        raise AccessError("alex (assessor) may not amend a submitted record")

    monkeypatch.setattr(hub_commands, "cmd_users", refuse)
    assert cli.main(["users", "list"]) == 4
    err = capsys.readouterr().err
    assert err == "epa: refused: alex (assessor) may not amend a submitted record\n"


def test_users_add_prints_a_one_time_sign_up_code_once_and_users_code_replaces_it(tmp_path):
    from epa_kernel.store.store import Store
    from epa_kernel.store.user_codes import redeem_signup_code

    store = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    added = epa("users", "add", "alex", "--role", "iqa", "--store", store)
    assert added.returncode == 0, added.stderr
    first = added.stdout.splitlines()[-1]
    assert first.startswith("sign-up code for alex: ") and "works once, until" in first
    changed = epa("users", "add", "alex", "--role", "admin", "--store", store)
    assert "sign-up code" not in changed.stdout  # a role change issues no code
    again = epa("users", "code", "alex", "--store", store)
    second = again.stdout.strip()
    assert second.startswith("sign-up code for alex: ") and second != first
    refused(epa("users", "code", "nobody", "--store", store), "no user 'nobody'")
    db = Store(store)
    try:
        assert not redeem_signup_code(db, "alex", first.split()[4])  # the lost one
        assert redeem_signup_code(db, "alex", second.split()[4])
    finally:
        db.close()


def test_the_banner_on_a_hub_says_who_is_signed_in_and_sign_out_is_a_styled_link(monkeypatch):
    from html.parser import HTMLParser

    from epa_kernel.apps.signed_in import ROLE_APPS, sign_out

    monkeypatch.setenv("JUPYTERHUB_BASE_URL", "/")
    banner = sign_out("alex", "assessor")
    links = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: links.append((tag, dict(attrs)))
    parser.feed(banner)
    tag, attrs = next(x for x in links if x[0] == "a")
    assert attrs["href"] == "/hub/logout" and attrs["class"] == "epa-sign-out"
    assert "border:1px solid" in attrs["style"] and "text-decoration:underline" in attrs["style"]
    assert banner.startswith("Signed in as <b>alex (assessor)</b>")
    # the pages a hub serves say nothing of `epa serve`: the banner says who is signed in
    for page, _title in (app for apps in ROLE_APPS.values() for app in apps):
        cells = json.loads((Path(__file__).parents[2] / "notebooks" / page).read_text())["cells"]
        text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        assert "Served by" not in text and "epa serve" not in text, page
