"""Jupyter's servers for the apps, started without jsonschema's 1.3-second grammar.

``python -m epa_kernel.apps.quick_start singleuser ARGS`` is the hub's single-user server
(``jupyterhub.singleuser``) and ``python -m epa_kernel.apps.quick_start voila ARGS`` is
``epa serve``'s Voilà (``python -m voila``, its scripts sent compressed beyond loopback:
:mod:`epa_kernel.apps.static_gzip`), each with ``rfc3987_syntax`` blocked first
(:func:`epa_kernel.imports.skip_slow_imports`). jupyter_server imports jsonschema's format
checkers, and with that optional package present they build a Lark grammar at import: about
1.05 s of a server's 1.9 s of imports on this 2-core machine, paid at every sign-in that starts
a server (python-jsonschema/jsonschema#1428). What it checks (the ``iri`` formats) nothing in
the apps' servers asks for: jupyter_events still validates its events and nbformat its notebooks
(``tests/apps/test_quick_start.py``).
"""

from __future__ import annotations

import sys

from epa_kernel.imports import skip_slow_imports

#: the servers this starts, by the name given as the first argument
SERVERS = ("singleuser", "voila")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in SERVERS:
        print(
            f"usage: python -m epa_kernel.apps.quick_start {{{','.join(SERVERS)}}} ARGS",
            file=sys.stderr,
        )
        return 2
    skip_slow_imports()
    sys.argv = [argv[0], *argv[1:]]
    if argv[0] == "voila":
        run = kit_voila().launch_instance
    else:
        from jupyterhub.singleuser import main as run
    return run() or 0


def kit_voila():
    """Voilà's application, its scripts and styles sent compressed when it serves other
    machines (:mod:`.static_gzip`), its pooled kernels held until a page asks for one
    (:mod:`.page_pool`).

    Without Voilà's ``/voila/query/<kernel id>`` websocket, which a pool turns on for
    ``voila.utils.wait_for_request``: the kit's pool does not use it, and it answers anyone who
    names a kernel, without the server's token, with that kernel's page request (its query
    string, the token in it under ``--allow-remote``)."""
    from voila.app import Voila
    from voila.request_info_handler import RequestInfoSocketHandler

    from epa_kernel.apps import page_pool, static_gzip

    class KitVoila(Voila):
        def init_settings(self):
            with page_pool.signalled_pools():  # where Voilà builds its kernel manager
                return super().init_settings()

        def init_handlers(self):
            if static_gzip.worth_it(self.ip):
                static_gzip.add_to(self.app)  # made by Voilà's start just before
            handlers = super().init_handlers()
            return [h for h in handlers if h[1] is not RequestInfoSocketHandler]

    return KitVoila


def command(server: str) -> list[str]:
    """The argv prefix that starts ``server`` (one of :data:`SERVERS`) this way."""
    return [sys.executable, "-m", "epa_kernel.apps.quick_start", server]


if __name__ == "__main__":
    sys.exit(main())
