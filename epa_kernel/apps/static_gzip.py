"""Voilà's scripts and styles sent compressed: a page's 5 MB of JavaScript over poor Wi-Fi.

A Voilà page loads about 100 scripts (JupyterLab's application, the widget managers, Font
Awesome in ``voila-style.js``): 5 MB, about a quarter of that gzipped. Tornado compresses
responses only when ``compress_response`` is in the settings given to the Application's
constructor, which Voilà's ``tornado_settings`` reach too late (MEASURED.md) and which would
compress every page and API answer too. :class:`StaticGzip` is tornado's gzip transform for
scripts, styles and SVG only: never the app's HTML page nor Jupyter's JSON answers, which carry
the page's tokens (compressing secrets beside text a visitor chooses is the BREACH attack).

- On the hub, each user's server loads this module as a server extension (its
  ``jupyter_server_config.json``), which adds the transform to the server's application when
  the hub is reached over a network (``EPA_STATIC_GZIP``, set by the hub's configuration from
  the address it listens on), as under ``epa serve``.
- Under ``epa serve``, :func:`add_to` is called by the kit's Voilà
  (:mod:`epa_kernel.apps.quick_start`) once Voilà has made its application, only when it serves
  other machines (``--allow-remote``): measured side by side (bench/RESULTS.md), a fresh browser
  over emulated poor Wi-Fi got its form 1.1 s sooner, but on loopback, where ``epa serve`` runs
  by default and nothing is gained in transfer, compressing 5 MB per load cost 0.36 s.
"""

from __future__ import annotations

import os

from tornado.web import Application, GZipContentEncoding

from epa_kernel.apps.addresses import is_loopback

#: what is compressed: the front end's files, none of which holds a secret
STATIC_TYPES = frozenset(
    {
        "application/javascript",
        "application/x-javascript",
        "text/javascript",
        "text/css",
        "image/svg+xml",
    }
)


class StaticGzip(GZipContentEncoding):
    """tornado's gzip transform, for :data:`STATIC_TYPES` only."""

    def _compressible_type(self, ctype: str) -> bool:
        return ctype in STATIC_TYPES


def worth_it(host: str) -> bool:
    """Whether a server listening on ``host`` sends over a network (not loopback only)."""
    return not is_loopback(host)


def add_to(app: Application) -> None:
    if StaticGzip not in app.transforms:
        app.transforms.append(StaticGzip)


def _jupyter_server_extension_points():
    return [{"module": "epa_kernel.apps.static_gzip"}]


#: set to "0" in a user's server of a hub that listens on loopback only
STATIC_GZIP_ENV = "EPA_STATIC_GZIP"


def _load_jupyter_server_extension(server_app) -> None:
    if os.environ.get(STATIC_GZIP_ENV, "1") != "0":
        add_to(server_app.web_app)
