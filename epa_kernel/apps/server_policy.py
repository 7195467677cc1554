"""What a signed-in user may do in their own server on the hub: use the apps, change no file.

Every user's server serves the kit's notebooks folder, shared by all of them, and runs as the
hub's OS user. Without this policy a signed-in user could rewrite ``assessor_app.ipynb`` through
Jupyter's contents API, and the next person to open it would run their code under their own
identity. So, on top of JupyterHub's own check that the user may access this server at all:
no file is written, no kernel or session is started, restarted or deleted through the REST API
(Voilà starts and stops its kernels itself), and there are no terminals. Reading notebooks and
talking to the page's own kernel, which the apps need, stay allowed.
"""

from __future__ import annotations

from jupyterhub.singleuser.extension import JupyterHubAuthorizer

DENIED = {("contents", "write"), ("kernels", "write"), ("sessions", "write")}


class AppsOnly(JupyterHubAuthorizer):
    def is_authorized(self, handler, user, action, resource) -> bool:
        if resource == "terminals" or (resource, action) in DENIED:
            self.log.warning(
                "refused: %s on %s (the hub serves the kit's apps only)", action, resource
            )
            return False
        return super().is_authorized(handler, user, action, resource)
