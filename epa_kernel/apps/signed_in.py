"""Who is using an app: on a hub, the user JupyterHub signed in; on a laptop, nobody in particular.

JupyterHub starts each user's server with ``JUPYTERHUB_USER`` and that user's hub token in its
environment, and the Voilà kernels inherit both. On a hub the apps never open the store: they
hold a :class:`~epa_kernel.service.client.StoreClient`, which sends the token to the store
service, and the service applies that user's :class:`~epa_kernel.store.access.Access`. Identity
never comes from a widget, and a kernel that runs code of its own still reaches only what its
user may. A user whose role is not the app's is sent to their own app. Without a hub
(``epa serve`` on one laptop, loopback only) the apps hold the store as before.
"""

from __future__ import annotations

import os
from html import escape
from typing import TYPE_CHECKING

from epa_kernel.errors import AccessError, StoreError

if TYPE_CHECKING:  # SQLAlchemy is imported only when a store is opened: not for a batch run's
    from epa_kernel.service.client import StoreClient  # method notebooks (page_allowed)
    from epa_kernel.store.store import Store

#: Each role's apps on the hub, relative to any Voilà page of the single-user server.
ROLE_APPS = {
    "assessor": (("assessor_app.ipynb", "the assessor app"),),
    "iqa": (("iqa_review.ipynb", "the IQA review app"),),
    "admin": (("amend.ipynb", "the amendments app"), ("planning_app.ipynb", "the planning app")),
}


def app_links(role: str) -> str:
    """Links to ``role``'s apps: "<a>the amendments app</a> or <a>the planning app</a>"."""
    return " or ".join(f"<a href='{page}'>{title}</a>" for page, title in ROLE_APPS[role])


def hub_user() -> str | None:
    return os.environ.get("JUPYTERHUB_USER") or None


def sign_out_url() -> str:
    return os.environ.get("JUPYTERHUB_BASE_URL", "/").rstrip("/") + "/hub/logout"


def signed_in(store) -> bool:
    """Whether ``store`` is a signed-in user's (Access, or the service's client), whose user
    names the reviewer or author, rather than a laptop's whole store."""
    return hasattr(store, "user") and hasattr(store, "author")


def app_store(
    url: str | None, *, roles: tuple[str, ...], sample: set[str] | None = None
) -> tuple[Store | StoreClient | None, str]:
    """The store as this app may use it, and the HTML to show above it (or instead of it).

    On a hub: the signed-in user's :class:`StoreClient` when their role is one of ``roles``
    (``url`` and ``sample`` are not used: the service holds the store and the plan); else None
    and a page saying why, with a link to their own app. Off a hub: the store at ``url``.
    """
    name = hub_user()
    if name is None:
        from epa_kernel.store.store import Store

        return Store(url), ""
    from epa_kernel.service.client import StoreClient

    try:
        client = StoreClient.from_environment()
    except (AccessError, StoreError) as exc:
        return None, f"<p class='epa-refused'>{escape(str(exc))}. {sign_out(name)}</p>"
    if client.user.role not in roles:
        return None, (
            f"<p class='epa-refused'>This page is not for the {escape(client.user.role)} role. "
            f"Open {app_links(client.user.role)}. {sign_out(name, client.user.role)}</p>"
        )
    role = client.user.role
    also = f" · Apps: {app_links(role)}" if len(ROLE_APPS[role]) > 1 else ""
    return client, f"<p class='epa-signed-in'>{sign_out(name, role)}{also}</p>"


def open_for_app(
    store_url: str | None,
    *,
    roles: tuple[str, ...],
    start: str,
    sample: set[str] | None = None,
) -> tuple[Store | StoreClient | None, str]:
    """:func:`app_store` on ``store_url`` or ``EPA_STORE_URL`` for an app in a notebook; when
    there is nothing to show, the notebook says why (``start``: how to start the app) and None.

    Without a URL (and off a hub) it says so rather than creating an empty database wherever
    the kernel runs.
    """
    from IPython.display import HTML, display

    url = store_url or os.environ.get("EPA_STORE_URL")
    if not url and hub_user() is None:
        display(
            HTML(
                f"<p>No store is configured. Start {start}, "
                "or set the <code>store_url</code> parameter.</p>"
            )
        )
        return None, ""
    store, banner = app_store(url, roles=roles, sample=sample)
    if store is None:  # a widget, not an HTML output: its links open in the same tab
        import ipywidgets as w

        display(w.HTML(banner))
    return store, banner


def show_for(make, store_url: str | None, *, roles: tuple[str, ...], start: str):
    """:func:`open_for_app`, then the app ``make(store, banner=banner)`` built and displayed;
    the app, or None when there is nothing to show (the page says why)."""
    from IPython.display import display

    store, banner = open_for_app(store_url, roles=roles, start=start)
    if store is None:
        return None
    app = make(store, banner=banner)
    display(app.widget)
    return app


#: The sign-out link drawn as a small outlined button, inline: the banner is an HTML widget's
#: value, shown before (and without) any of the kit's CSS.
SIGN_OUT_STYLE = (
    "display:inline-block; margin-left:8px; padding:2px 10px; border:1px solid #1565c0; "
    "border-radius:3px; color:#1565c0; background:#fff; text-decoration:underline; "
    "cursor:pointer"
)


def sign_out(name: str, role: str | None = None) -> str:
    who = f"{escape(name)} ({escape(role)})" if role else escape(name)
    return (
        f"Signed in as <b>{who}</b> <a class='epa-sign-out' href='{escape(sign_out_url())}' "
        f"style='{SIGN_OUT_STYLE}'>Sign out</a>"
    )


def page_allowed(roles: tuple[str, ...] = ()) -> bool:
    """Whether a notebook's page may go on: always off a hub; on a hub only for a signed-in user
    whose role is one of ``roles`` (none: a page the hub does not serve, such as a method
    workbook reading record files). Otherwise the page says why, with a link to the user's own
    app, and the notebook reads nothing: ``result = page_allowed() and show_...(...)``."""
    if hub_user() is None:
        return True
    client, banner = app_store(None, roles=roles)
    if client is not None:
        return True
    import ipywidgets as w
    from IPython.display import display

    display(w.HTML(banner))
    return False
