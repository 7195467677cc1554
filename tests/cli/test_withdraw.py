"""`epa withdraw` and the organisation's settings from the command line: exit codes, what
`epa status` shows, and appeals flagged or refused by the settings file (`--config`,
`EPA_CONFIG`, `./epa.toml`); a bad settings file is one line naming file and field, exit 2."""

from __future__ import annotations

import json

import pytest

from helpers import VALID_ULNS, epa, put_epa

ULN = VALID_ULNS[0]
LODGE = (
    "appeal", "lodge", ULN, "practical_observation", "--appellant", "Ada Example",
    "--notified-on", "2026-04-02", "--grounds", "cut short", "--by", "Rita",
)  # fmt: skip
POLICY = "Appeals Policy v3, 2.1: 'within 20 working days of the result'"
GOOD = f'[appeals]\nwindow_working_days = 20\npolicy_source = "{POLICY}"\n'


@pytest.fixture
def url(store_url):
    from epa_kernel.store.store import Store

    store = Store(store_url)
    put_epa(store, ULN)
    store.close()
    return store_url


def test_withdraw_round_trip_and_status(url):
    left = epa("withdraw", ULN, "--on", "2026-03-20", "--reason", "left the employer",
               "--by", "Rita", "--store", url)  # fmt: skip
    assert left.returncode == 0, left.stderr
    assert f"{ULN} withdrawn from the EPA on 2026-03-20, recorded by Rita" in left.stdout
    again = epa("withdraw", ULN, "--on", "2026-03-21", "--reason", "x", "--store", url)
    assert again.returncode == 2 and "already withdrawn" in again.stderr
    assert "Traceback" not in again.stderr

    shown = epa("status", "--store", url, "--today", "2026-03-25")
    assert "WITHDRAWN from the EPA on 2026-03-20: left the employer" in shown.stdout
    data = json.loads(epa("status", "--store", url, "--today", "2026-03-25", "--json").stdout)
    (row,) = data["apprentices"]
    assert (row["withdrawn"], row["withdrawn_reason"]) == ("2026-03-20", "left the employer")
    before = json.loads(epa("status", "--store", url, "--today", "2026-03-19", "--json").stdout)
    assert before["apprentices"][0]["withdrawn"] is None  # not yet left on that day

    undo = epa("withdraw", ULN, "--on", "2026-03-22", "--reason", "in error", "--undo",
               "--store", url)  # fmt: skip
    assert undo.returncode == 0 and "withdrawal undone" in undo.stdout
    shown = epa("status", "--store", url, "--today", "2026-03-25")
    assert "WITHDRAWN" not in shown.stdout
    undo = epa("withdraw", ULN, "--on", "2026-03-22", "--reason", "x", "--undo", "--store", url)
    assert undo.returncode == 2 and "nothing to undo" in undo.stderr


def test_withdraw_refuses_an_unknown_apprentice_and_a_bad_date(url):
    unknown = epa("withdraw", VALID_ULNS[1], "--on", "2026-03-20", "--reason", "x",
                  "--store", url)  # fmt: skip
    assert unknown.returncode == 2 and "no apprentice with this ULN" in unknown.stderr
    bad = epa("withdraw", ULN, "--on", "20 March", "--reason", "x", "--store", url)
    assert bad.returncode == 2


@pytest.fixture
def sqlite_url(tmp_path):
    from epa_kernel.store.store import Store

    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    put_epa(store, ULN)
    store.close()
    return url


def test_with_no_settings_a_late_appeal_is_lodged_and_flagged(sqlite_url, tmp_path):
    # 38 working days: the spring bank holiday (25 May 2026) is not counted
    late = epa(*LODGE, "--lodged-on", "2026-06-01", "--store", sqlite_url, cwd=tmp_path)
    assert late.returncode == 0, late.stderr
    assert "flagged: lodged 38 working day(s) after the result notification" in late.stdout
    listed = epa("appeal", "list", "--store", sqlite_url)
    assert "flagged: lodged 38 working day(s)" in listed.stdout
    shown = epa("status", "--store", sqlite_url, "--today", "2026-06-02")
    assert "appeal 1 on practical_observation (first) flagged: lodged 38" in shown.stdout


@pytest.mark.parametrize("how", ["--config", "EPA_CONFIG", "./epa.toml"])
def test_with_a_policy_a_late_appeal_is_refused_with_its_words(sqlite_url, tmp_path, how):
    folder = tmp_path / "org"
    folder.mkdir()
    config = folder / "epa.toml"
    config.write_text(GOOD, encoding="utf-8")
    extra, env = (("--config", config), None) if how == "--config" else ((), None)
    if how == "EPA_CONFIG":
        env = {"EPA_CONFIG": str(config)}
    late = epa(*LODGE, "--lodged-on", "2026-05-06", "--store", sqlite_url, *extra,
               cwd=folder, env=env)  # fmt: skip
    assert late.returncode == 2
    assert "the last day was 2026-05-05" in late.stderr and POLICY in late.stderr
    assert str(config) in late.stderr or "epa.toml" in late.stderr
    in_time = epa(*LODGE, "--lodged-on", "2026-05-05", "--store", sqlite_url, *extra,
                  cwd=folder, env=env)  # fmt: skip
    assert in_time.returncode == 0 and "flagged" not in in_time.stdout


@pytest.mark.parametrize(
    "text, field, allowed",
    [
        ("[appeals\n", None, "not valid TOML"),
        ("[appeal]\nwindow_working_days = 20\n", "appeal", "allowed: [appeals]"),
        ('[appeals]\nwindow_working_days = "20"\npolicy_source = "P"\n',
         "appeals.window_working_days", "a whole number of working days from 1 to 260"),
        ("[appeals]\nwindow_working_days = 0\npolicy_source = \"P\"\n",
         "appeals.window_working_days", "from 1 to 260"),
        ("[appeals]\nwindow_working_days = 20\n", "appeals.policy_source", "give both"),
        ('[appeals]\nwindow_working_days = 20\npolicy_source = " "\n',
         "appeals.policy_source", "1 to 2000 characters"),
        ('[appeals]\nwindow_days = 20\n', "appeals.window_days",
         "allowed: window_working_days, policy_source"),
    ],
)  # fmt: skip
def test_a_bad_settings_file_is_named_with_its_field(sqlite_url, tmp_path, text, field, allowed):
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    got = epa(*LODGE, "--lodged-on", "2026-05-05", "--store", sqlite_url, "--config", config)
    assert got.returncode == 2 and "Traceback" not in got.stderr
    assert got.stderr.count("\n") == 1 and str(config) in got.stderr and allowed in got.stderr
    if field:
        assert f"{field}:" in got.stderr


def test_a_missing_settings_file_is_named(sqlite_url, tmp_path):
    missing = tmp_path / "nowhere.toml"
    got = epa(*LODGE, "--lodged-on", "2026-05-05", "--store", sqlite_url,
              env={"EPA_CONFIG": str(missing)})  # fmt: skip
    assert got.returncode == 2 and str(missing) in got.stderr and "EPA_CONFIG" in got.stderr
