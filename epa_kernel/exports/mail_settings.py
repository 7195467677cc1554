"""How the organisation's e-mail leaves: the ``[smtp]`` table of its settings.

.. code-block:: toml

    [smtp]
    host = "smtp.example.org"
    port = 587                    # default 587
    starttls = true               # default true: the connection is upgraded before AUTH
    from_address = "epa@example.org"
    from_name = "Example EPAO"    # optional: the sender's name, and the organisation on letters
    username = "epa@example.org"  # optional: AUTH only when given
    password_env = "EPA_SMTP_PASSWORD"   # the environment variable holding the password
    timeout_seconds = 30          # optional
    ca_file = "/etc/ssl/our-ca.pem"      # optional: the CA that signed the server's certificate

The password is read from the environment variable ``password_env`` names, only when a
message is sent, and is never printed, logged or written; a ``password`` in the file is
refused. Without ``starttls`` the password would cross the network in clear, so a username
with ``starttls = false`` is refused unless the host is this machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from epa_kernel.errors import InputError
from epa_kernel.settings import settings_tables

KNOWN = (
    "host",
    "port",
    "starttls",
    "from_address",
    "from_name",
    "username",
    "password_env",
    "timeout_seconds",
    "ca_file",
)
LOCAL = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    from_address: str
    port: int = 587
    starttls: bool = True
    from_name: str | None = None
    username: str | None = None
    password_env: str | None = None
    timeout_seconds: float = 30.0
    ca_file: str | None = None  # None: the system's trusted CAs
    file: str = ""

    def tls_context(self):
        """The TLS context STARTTLS uses: the certificate checked against the host's name."""
        import ssl

        return ssl.create_default_context(cafile=self.ca_file)

    def password(self) -> str | None:
        """The password from the environment (None: no AUTH); missing is bad input naming the
        variable, never a value."""
        if self.username is None:
            return None
        found = os.environ.get(self.password_env or "")
        if not found:
            raise InputError(
                f"the SMTP password is read from the environment variable {self.password_env}, "
                "which is not set",
                file=self.file,
                field="smtp.password_env",
            )
        return found


def _bad(file: str, field: str, why: str) -> InputError:
    return InputError(why, file=file, field=f"smtp.{field}")


def _text(table: dict, name: str, file: str, required: bool = False) -> str | None:
    value = table.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 320:
        need = " (required)" if required else ""
        raise _bad(file, name, f"text of 1 to 320 characters{need}")
    return value.strip()


def smtp_settings(path=None) -> SmtpSettings | None:
    """The ``[smtp]`` settings (None: no such table); bad input names file and field."""
    file, tables = settings_tables(path)
    table = tables.get("smtp")
    if not table:
        return None
    file = file or ""
    for name in table:
        if name not in KNOWN:
            why = (
                "never put the password in a file: name its variable in password_env"
                if name == "password"
                else f"not a setting of [smtp]; allowed: {', '.join(KNOWN)}"
            )
            raise _bad(file, name, why)
    port = table.get("port", 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise _bad(file, "port", "a port number from 1 to 65535")
    starttls = table.get("starttls", True)
    if not isinstance(starttls, bool):
        raise _bad(file, "starttls", "true or false")
    timeout = table.get("timeout_seconds", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 600:
        raise _bad(file, "timeout_seconds", "seconds, more than 0 and at most 600")
    host = _text(table, "host", file, required=True)
    username = _text(table, "username", file)
    password_env = _text(table, "password_env", file)
    if (username is None) != (password_env is None):
        raise _bad(file, "password_env", "give username and password_env together, or neither")
    if username and not starttls and host not in LOCAL:
        raise _bad(
            file,
            "starttls",
            "true when a username is given: the password must not cross the network in clear",
        )
    from epa_kernel.store.contacts import checked_email

    return SmtpSettings(
        host=host,
        from_address=checked_email(
            _text(table, "from_address", file, required=True), "smtp.from_address"
        ),
        port=port,
        starttls=starttls,
        from_name=_text(table, "from_name", file),
        username=username,
        password_env=password_env,
        timeout_seconds=float(timeout),
        ca_file=_text(table, "ca_file", file),
        file=file,
    )
