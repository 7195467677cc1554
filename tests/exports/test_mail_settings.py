"""The [smtp] settings: the password only from the environment (never a file), STARTTLS
required to send a password anywhere but this machine, bad values named by field."""

from __future__ import annotations

import pytest

from epa_kernel.errors import InputError
from epa_kernel.exports.mail_settings import smtp_settings

BASE = 'host = "smtp.example.org"\nfrom_address = "epa@example.org"\n'


def settings(tmp_path, body: str):
    path = tmp_path / "epa.toml"
    path.write_text(f"[smtp]\n{body}", encoding="utf-8")
    return smtp_settings(path)


def test_defaults_and_the_password_from_the_environment(tmp_path, monkeypatch):
    found = settings(tmp_path, BASE + 'username = "u"\npassword_env = "MY_SMTP_PW"\n')
    assert (found.port, found.starttls, found.timeout_seconds) == (587, True, 30.0)
    monkeypatch.delenv("MY_SMTP_PW", raising=False)
    with pytest.raises(InputError, match="MY_SMTP_PW, which is not set"):
        found.password()
    monkeypatch.setenv("MY_SMTP_PW", "pw")
    assert found.password() == "pw"
    assert settings(tmp_path, BASE).password() is None  # no username: no AUTH


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (BASE + 'password = "hunter2"\n', "smtp.password", "never put the password in a file"),
        (BASE + 'username = "u"\npassword_env = "P"\nstarttls = false\n', "smtp.starttls", "clear"),
        (BASE + "port = 0\n", "smtp.port", "port number"),
        (BASE + 'username = "u"\n', "smtp.password_env", "together"),
        ('host = "h"\nfrom_address = "not an address"\n', "smtp.from_address", "e-mail address"),
        ('from_address = "epa@example.org"\n', "smtp.host", "required"),
        (BASE + "sender = 1\n", "smtp.sender", "allowed"),
    ],
)
def test_bad_settings_name_the_field(tmp_path, body, field, words):
    with pytest.raises(InputError) as caught:
        settings(tmp_path, body)
    assert caught.value.field == field and words in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_no_table_no_settings(tmp_path):
    path = tmp_path / "epa.toml"
    path.write_text("[bookings]\ntravel_minutes = 10\n", encoding="utf-8")
    assert smtp_settings(path) is None
