"""A pooled kernel's pause: the part of an app that is the same for everyone runs ahead, the
user's part only once a page has been asked for.

A kernel from a pool (``epa serve``'s, or the one in each user's server on the hub:
:mod:`epa_kernel.apps.page_pool`) starts running its app notebook before any page asks for it.
Whatever it draws then is what the page shows later, so drawing the app ahead showed the store
and the signed-in role as of the pool's fill: an assessor assigned since was missing, a booking
made since was not in the upcoming list, a withdrawn role still saw the assessor app. Each app
notebook therefore runs its imports (ipywidgets, anywidget, the app's module, most of a
kernel's start-up), then calls :func:`wait_for_page`, then ``show_...``.

The pooled kernel manager names a private FIFO in the kernel's environment
(:data:`PAGE_SIGNAL_ENV`), made for this kernel alone in the server's runtime folder, which
only the server's OS user may enter; it writes one byte into it when it hands the kernel to a
page. Without that variable (papermill, nbval, a page's own kernel, Voilà without a pool) the
wait returns at once. Nothing is read from the byte: it only releases, it carries no request.
"""

from __future__ import annotations

import os
import stat

#: the kernel's environment variable naming its FIFO; set only on a pooled kernel
PAGE_SIGNAL_ENV = "EPA_PAGE_SIGNAL"


def in_pool() -> bool:
    """Whether this kernel was started by a pool ahead of any page."""
    return bool(os.environ.get(PAGE_SIGNAL_ENV))


def warm_shared_imports() -> None:
    """What every app does at its first call and is the same for everyone: the store's client
    for the hub's store service and the store's module (SQLAlchemy), imported, never called."""
    import epa_kernel.service.client  # noqa: F401
    import epa_kernel.store.store  # noqa: F401


def wait_for_page() -> None:
    """Return once a page has asked for this kernel; at once when the kernel is not a pool's."""
    path = os.environ.get(PAGE_SIGNAL_ENV)
    if not path:
        return
    warm_shared_imports()
    try:
        fd = os.open(path, os.O_RDONLY)  # the manager holds the other end open from the start
    except FileNotFoundError:  # the server is gone, or its kernel is being shut down
        return
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.read(fd, 1)  # blocks until released; b"" when the server closed its end
    finally:
        os.close(fd)
