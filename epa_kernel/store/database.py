"""Opening the store's database, and keeping what its failures say free of personal data.

SQLite is the embedded default (one private file under ``outputs/``, WAL mode so readers never
block the writer, full sync, foreign keys on); PostgreSQL works through the same code by URL.
Everything goes through SQLAlchemy Core in short explicit transactions
(:meth:`Database.transaction`).

A database that fails under the kit (a damaged SQLite file, a server gone) raises
:class:`~epa_kernel.errors.StoreError` carrying only the driver's message, ULNs redacted: never
SQLAlchemy's text, which repeats the SQL statement and its parameters (names and ULNs).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from epa_kernel.core.uln import redact_ulns
from epa_kernel.errors import InputError, StoreError
from epa_kernel.files import private_folder
from epa_kernel.paths import store_url
from epa_kernel.store.migrations import migrate
from epa_kernel.store.schema import metadata
from epa_kernel.store.user_codes import add_missing_user_columns


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def private_sqlite_file(path: Path) -> None:
    """The SQLite file and its ``-wal``/``-shm`` private (0600) before SQLite opens it, in a
    folder made private (0700) when the kit creates it; ``outputs/``, which holds only personal
    data, exports and tool folders, is made private even when it exists. SQLite creates the
    WAL and SHM files with the database file's mode, so the file is created (empty: SQLite
    makes it a database) or tightened first."""
    private_folder(path.parent)
    if path.parent.name == "outputs":
        path.parent.chmod(0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError:
        return  # SQLite says what is wrong when it opens it (a folder, no permission)
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists() and name.stat().st_mode & 0o077:
            name.chmod(0o600)


def store_failure(exc: SQLAlchemyError) -> StoreError:
    """The database's failure as a StoreError: the first line of the driver's own message, ULNs
    redacted. Its further lines may quote the statement (PostgreSQL's ``LINE 2: FROM ...``) or
    the values of a row (``DETAIL: Key (uln)=...``): left out."""
    lines = str(getattr(exc, "orig", None) or "").strip().splitlines()
    why = " ".join(lines[0].split()) if lines else type(exc).__name__
    return StoreError(redact_ulns(why))


class Database:
    """The store's database at a URL, its tables created when missing."""

    def __init__(self, url: str | None = None):
        self.url = store_url(url)
        if self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:":
            private_sqlite_file(Path(self.url.removeprefix("sqlite:///")))
        try:
            self.engine: Engine = create_engine(self.url, future=True)
        except ImportError as exc:  # the database's driver: psycopg for PostgreSQL
            extra = " pip install 'epa-kernel[postgres]'" if "psycopg" in str(exc) else ""
            raise InputError(
                f"cannot open the store: {exc};{extra or ' install its database driver'}",
                field="store URL",
            ) from None
        except (SQLAlchemyError, ValueError) as exc:
            raise InputError(f"cannot open the store: {exc}", field="store URL") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            metadata.create_all(self.engine)
            migrate(self.engine)  # a store made by an older kit
            add_missing_user_columns(self.engine)  # a store made before the sign-up codes
        except SQLAlchemyError as exc:
            raise InputError(
                f"cannot open the store ({type(exc).__name__}); is it a database "
                f"file and readable?",
                file=self.where(),
            ) from None

    def where(self) -> str:
        """The database as a person would name it: its file, or its URL without the password."""
        return (
            self.url.removeprefix("sqlite:///")
            if self.url.startswith("sqlite")
            else self.engine.url.render_as_string(hide_password=True)
        )

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in one transaction: committed when the block ends, rolled back when it
        raises. A failing database raises :class:`StoreError` (see the module's notes)."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise store_failure(exc) from None

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection for reading; a failing database raises :class:`StoreError`."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise store_failure(exc) from None
