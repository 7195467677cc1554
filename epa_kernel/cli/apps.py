"""The ``epa serve`` command: one of the kit's apps under Voilà, on this machine unless asked."""

from __future__ import annotations

from epa_kernel.cli.options import STORE_HELP, positive_int


def cmd_serve(args) -> int:
    from epa_kernel.apps.serve import serve

    return serve(
        port=args.port,
        host=args.host,
        allow_remote=args.allow_remote,
        store_url=args.store,
        pool_size=args.pool_size,
        app=args.app,
    )


def register(sub) -> None:
    from epa_kernel.apps.serve import APPS

    p = sub.add_parser("serve", help="serve the assessor app with Voilà")
    p.add_argument("--port", type=positive_int, default=8866)
    p.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host; access then needs a generated token",
    )
    p.add_argument("--store", metavar="URL", help=STORE_HELP)
    p.add_argument("--pool-size", type=int, default=2, help="preheated kernels (0: none)")
    p.add_argument(
        "--app",
        choices=list(APPS),
        default="assessor",
        help="which app (default: the assessor app)",
    )
    p.set_defaults(func=cmd_serve)
