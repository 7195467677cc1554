"""What a signed-in user may do in their own server on the hub: use the apps, change nothing.

Every user's server serves the kit's notebooks folder, shared by all of them, and runs as the
hub's OS user. Without this policy a signed-in user could rewrite ``assessor_app.ipynb`` through
Jupyter's contents API, and the next person to open it would run their code under their own
identity; or write ``/api/config/...`` files into the servers' config folder, which every other
user's server then reads. So, on top of JupyterHub's own check that the user may access this
server at all, an allow-list rather than a list of what is denied:

- ``read`` is allowed on every resource (the apps read their notebook, Voilà its kernel's model);
- ``execute`` only on ``kernels``: the socket between a Voilà page and its own kernel (what it may
  carry is limited by ``allowed_message_types`` in the hub's config);
- ``write`` on nothing: no file, config, session or event, no kernel started, restarted or
  deleted through the REST API (Voilà starts its kernels in the server itself), no nbconvert;
- no terminals at all, and any resource or action jupyter_server adds later is refused until it
  is added here.
"""

from __future__ import annotations

from jupyterhub.singleuser.extension import JupyterHubAuthorizer

#: (action, resource) pairs allowed; "*" is any resource. Everything else is refused.
ALLOWED = {("read", "*"), ("execute", "kernels")}
NEVER = {"terminals"}


def allowed(action: str, resource: str) -> bool:
    """Whether AppsOnly lets a signed-in user do ``action`` on ``resource`` (before the hub's
    own check that they may use this server at all)."""
    if resource in NEVER:
        return False
    return (action, resource) in ALLOWED or (action, "*") in ALLOWED


class AppsOnly(JupyterHubAuthorizer):
    def is_authorized(self, handler, user, action, resource) -> bool:
        if not allowed(action, resource):
            self.log.warning(
                "refused: %s on %s (the hub serves the kit's apps only)", action, resource
            )
            return False
        return super().is_authorized(handler, user, action, resource)
