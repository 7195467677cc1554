"""`epa submit` and `epa submissions` in-process: the settings from a TOML or YAML config and
the environment, the sandbox, a dry run, exit codes, the ledger as JSON; the key never shown."""

from __future__ import annotations

import json

import pytest
from submit_support import CONTACT, KEY, known, put_epa, release, ulns

from epa_kernel.cli import main
from epa_kernel.errors import InputError
from epa_kernel.store.store import Store
from epa_kernel.submit.settings import service_settings


def toml_config(path, sandbox_url, **extra):
    lines = [
        "[service]",
        'base_url = "http://127.0.0.1:9/"',
        f'sandbox_url = "{sandbox_url}"',
        *(f"{k} = {json.dumps(v)}" for k, v in extra.items()),
        "[service.approved_versions]",
        'ST0072 = ["1.0"]',
        "[service.postal_contact]",
        *(f'{k} = "{v}"' for k, v in CONTACT.items()),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_settings_from_the_organisations_file_and_the_environment(tmp_path, monkeypatch):
    t = toml_config(tmp_path / "org.toml", "http://sandbox.invalid/")
    s = service_settings(t, {"EPA_SERVICE_KEY": KEY})
    assert s.url(sandbox=True) == "http://sandbox.invalid/"
    assert s.approved_versions == {"ST0072": ("1.0",)} and s.postal_contact == CONTACT
    assert s.key == KEY and KEY not in repr(s)
    assert service_settings(t, {"EPA_SERVICE_URL": "http://live.invalid"}).url(False) == (
        "http://live.invalid/"
    )
    other = tmp_path / "epa.toml"  # one file for every setting: appeals beside the service
    other.write_text(
        '[appeals]\nwindow_working_days = 15\npolicy_source = "Policy 2.1"\n'
        '[service]\nsandbox_url = "http://s.invalid/"\nsubmit_certificates = false\n'
    )
    monkeypatch.chdir(tmp_path)  # found as ./epa.toml
    assert service_settings(None, {}).submit_certificates is False
    with pytest.raises(InputError, match="unknown setting 'base'"):
        other.write_text('[service]\nbase = "x"\n')
        service_settings(None, {})
    other.unlink()
    with pytest.raises(InputError, match="service.base_url"):
        service_settings(None, {}).url(sandbox=False)


def test_submit_to_the_sandbox_then_list_what_was_sent(tmp_path, api, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    a, b = ulns(2)
    put_epa(store, a)
    put_epa(store, b, fail="practical_observation")
    release(store)
    store.close()
    known(api, a, b)
    config = toml_config(tmp_path / "org.toml", api.url)
    monkeypatch.setenv("EPA_SERVICE_KEY", KEY)

    assert (
        main(["submit", "--store", url, "--config", str(config), "--dry-run", str(tmp_path / "d")])
        == 0
    )
    assert "wrote 2 requests" in capsys.readouterr().out and api.service.log == []

    assert main(["submit", "--store", url, "--config", str(config), "--sandbox"]) == 0
    out, err = capsys.readouterr()
    assert "4 accepted, 0 refused, 0 unanswered by the sandbox" in out
    assert KEY not in out + err and err == ""

    assert main(["submissions", "--store", url, "--sandbox", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["uln"], r["kind"], r["state"]) for r in rows] == [
        (a, "epa", "accepted"),
        (b, "epa", "accepted"),
        (a, "certificate", "accepted"),
        (a, "submit", "accepted"),
    ]
    assert main(["submissions", "--store", url]) == 0
    assert "0 items sent to the live service" in capsys.readouterr().out


def test_local_problems_exit_1_and_send_nothing(tmp_path, api, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    (a,) = ulns(1)
    put_epa(store, a)
    release(store)
    store.close()
    config = toml_config(tmp_path / "org.toml", api.url)
    config.write_text(config.read_text().replace("LS1 4AP", "nowhere"))
    monkeypatch.setenv("EPA_SERVICE_KEY", KEY)
    assert main(["submit", "--store", url, "--config", str(config), "--sandbox"]) == 1
    out = capsys.readouterr().out
    assert f"problem {a}:\n  - Provide a valid UK postcode" in out
    assert "nothing sent" in out and api.service.log == []
