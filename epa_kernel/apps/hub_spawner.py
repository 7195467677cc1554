"""The spawner of ``epa hub`` as root: each user's server as its own OS user
(:mod:`epa_kernel.apps.os_users`), otherwise JupyterHub's LocalProcessSpawner unchanged."""

from __future__ import annotations

import pwd

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid

from epa_kernel.apps.os_users import ensure_os_user, os_user_name


class OwnUserSpawner(LocalProcessSpawner):
    """LocalProcessSpawner with ``epa-<name>`` OS users made on first start, so the hub's
    sign-in names need no account on the machine beforehand."""

    @property
    def os_user(self) -> str:
        return os_user_name(self.user.name)

    async def start(self):
        ensure_os_user(self.os_user)
        return await super().start()

    def make_preexec_fn(self, name):
        return set_user_setuid(self.os_user)

    def user_env(self, env):
        entry = pwd.getpwnam(self.os_user)
        env.update(USER=self.os_user, HOME=entry.pw_dir, SHELL=entry.pw_shell)
        return env
