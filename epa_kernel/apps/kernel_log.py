"""The hub's kernels log to the server, never to the page: an IPython extension they all load.

A browser can send a user's kernel any widget message (``comm_open``, ``comm_msg``). When one is
malformed, or names a target nobody registered, the ``comm`` package logs the failure with its
traceback through a module logger. With no handler configured, Python's last-resort handler
writes that to ``sys.stderr``, which in a kernel is the page's output stream: the traceback,
with the server's paths, reached the browser. Its file descriptor 2 is forwarded to the page
as well (ipykernel's ``capture_fd_output``).

Loaded in every kernel of a user's server (``epa hub`` writes the kernels' IPython config, see
:func:`epa_kernel.apps.hub.prepare_state`), this gives the root logger a handler on the
kernel's *original* standard error, the user's server's log, so the detail stays on the server
and nothing of it goes to the page.
"""

from __future__ import annotations

import logging
import os
import sys

FORMAT = "[kernel %(name)s] %(levelname)s | %(message)s"


def server_stderr():
    """The kernel process's standard error as it was before ipykernel forwarded it to the page
    (the user's server's log); the plain one when nothing was forwarded."""
    original = getattr(sys.stderr, "_original_stdstream_copy", None)
    if original is None:
        return sys.__stderr__
    return open(os.dup(original), "w", buffering=1, errors="replace")  # noqa: SIM115 - kept open


def keep_logs_on_the_server() -> logging.Handler:
    """Root's handler on the server's log, replacing any that wrote to the page."""
    root = logging.getLogger()
    page = {id(sys.stderr), id(sys.stdout), id(sys.__stderr__), id(sys.__stdout__)}
    for handler in list(root.handlers):
        if id(getattr(handler, "stream", None)) in page:
            root.removeHandler(handler)
    handler = logging.StreamHandler(server_stderr())
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    return handler


#: What a page is shown instead of a traceback: no path, no code, no value.
PAGE_ERROR = "Something went wrong here; the details are in the server's log."


def keep_tracebacks_on_the_server(ipython) -> None:
    """A traceback the kernel would send the page (a widget callback that raised, a cell that
    failed) goes to the server's log in full; the page gets :data:`PAGE_ERROR` and the error's
    type only, since an error's text can hold a path or a record's values."""
    log = logging.getLogger("epa_kernel.kernel")

    def showtraceback(exc_tuple=None, *_args, **_kwargs):
        etype, value, tb = exc_tuple or sys.exc_info()
        log.error("an error in the kernel", exc_info=(etype, value, tb))
        ipython._showtraceback(etype, "", [PAGE_ERROR])

    ipython.showtraceback = showtraceback


def load_ipython_extension(ipython) -> None:
    keep_logs_on_the_server()
    keep_tracebacks_on_the_server(ipython)
