"""Users' servers as OS users of their own, when the hub runs as root.

Every user's server on a hub runs code (the apps, and whatever a hostile page might make its
kernel run); run as the hub's own OS user, that code could read the store's SQLite file, the
hub's secrets and other users' homes. As root, ``epa hub`` runs each server as an OS user made
for it (``epa-<sign-in name>``, no password, no login shell, a private home), so the operating
system, not the kit's code, keeps it out. That needs the Python, the kit and its notebooks to be
readable by other users: :func:`unreachable` names what is not, and the hub refuses to start
rather than start servers that cannot run.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
from pathlib import Path

PREFIX = "epa-"
HOMES = Path("/home")


def os_user_name(name: str) -> str:
    """The OS user that ``name``'s server runs as: ``epa-`` and the name, made safe for
    ``useradd`` (a name changed to fit gets a short digest, so two names never share one)."""
    safe = re.sub(r"[^a-z0-9_-]", "-", name)[:20]
    if safe != name:
        safe += "-" + hashlib.sha256(name.encode()).hexdigest()[:6]
    return PREFIX + safe


def ensure_os_user(name: str) -> Path:
    """Make the OS user ``name`` once (system account, own group, no login shell) with a home
    only it can read; returns the home."""
    import pwd

    try:
        home = Path(pwd.getpwnam(name).pw_dir)
    except KeyError:
        home = HOMES / name
        subprocess.run(
            ["useradd", "--system", "--user-group", "--create-home", "--home-dir", str(home)]
            + ["--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
        )
    home.chmod(0o700)
    return home


def unreachable(paths: list[Path]) -> list[str]:
    """The paths (or a folder on their way) that other OS users cannot read: a folder without
    ``o+x``, or the path itself without ``o+r``. Empty when all can be reached."""
    problems = []
    for path in paths:
        path = Path(os.path.realpath(path))
        for folder in reversed(path.parents):
            if not folder.stat().st_mode & stat.S_IXOTH:
                problems.append(f"{path} (the folder {folder} is private)")
                break
        else:
            if not path.stat().st_mode & stat.S_IROTH:
                problems.append(f"{path} (not readable by other users)")
    return problems
