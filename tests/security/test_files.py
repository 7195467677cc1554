"""Files private: the store's SQLite file and its WAL/SHM, the folders the kit creates for what
it writes (exports, executed notebooks, records), and the hub's config for users' servers."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from epa_kernel.files import write_atomic
from epa_kernel.store.store import Store
from helpers import make_record


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_store_in_outputs_and_its_wal_and_shm_are_private_even_in_an_open_folder(tmp_path):
    outputs = tmp_path / "outputs"
    outputs.mkdir(mode=0o755)
    outputs.chmod(0o755)
    store = Store(f"sqlite:///{outputs / 'epa.sqlite'}")
    store.assign(make_record(judgements={}))  # a write: the WAL and SHM exist now
    try:
        files = [outputs / "epa.sqlite", outputs / "epa.sqlite-wal", outputs / "epa.sqlite-shm"]
        assert all(f.exists() for f in files)
        assert {f.name: oct(mode(f)) for f in files} == {f.name: "0o600" for f in files}
        assert mode(outputs) == 0o700
    finally:
        store.close()


def test_a_store_made_readable_by_an_older_kit_is_tightened_and_its_new_folder_is_private(
    tmp_path,
):
    db = tmp_path / "new" / "deeper" / "epa.sqlite"
    store = Store(f"sqlite:///{db}")
    store.close()
    assert mode(tmp_path / "new") == 0o700 and mode(db.parent) == 0o700
    for name in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if name.exists():
            name.chmod(0o644)
    store = Store(f"sqlite:///{db}")
    store.assign(make_record(judgements={}))
    store.close()
    assert mode(db) == 0o600


def test_exports_are_written_private_in_private_folders_the_kit_creates(tmp_path):
    target = tmp_path / "run" / "1000000019" / "practical_observation.html"
    write_atomic(target, "<p>a record</p>")
    assert mode(target) == 0o600
    assert mode(tmp_path / "run") == 0o700 and mode(target.parent) == 0o700
    target.chmod(0o644)  # a file an older kit wrote: rewritten private
    write_atomic(target, "<p>again</p>")
    assert mode(target) == 0o600
    from epa_kernel.files import private_folder

    own = tmp_path / "mine"
    own.mkdir(mode=0o755)
    own.chmod(0o755)
    private_folder(own / "sub")
    assert mode(own) == 0o755 and mode(own / "sub") == 0o700  # the user's own folder kept


def test_the_users_servers_config_and_kernel_spec_are_read_only_to_them():
    """Shipped with the kit, not written in the hub's state: no server's user may change what
    every server loads (a config API write once landed in a folder all servers read)."""
    import epa_kernel

    folder = Path(epa_kernel.__file__).parent / "apps" / "server_config"
    for path in [folder, *folder.rglob("*")]:
        assert mode(path) & 0o022 == 0, path  # written by the kit's installer alone
