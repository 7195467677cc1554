"""A preheated kernel in each user's server on the hub, held until the user's page asks for it.

Under ``epa serve`` Voilà keeps a pool of preheated kernels (MEASURED.md, bench/RESULTS.md). As a
Jupyter server extension, as on the hub, Voilà has no such pool: its handler uses one only if
the server's kernel manager has one (``voila.handler``: ``kernel_manager.get_pool_size``), and
Voilà's pooled manager (``voila_kernel_manager_factory``) expects Voilà's own application as its
parent. :class:`PreheatedKernelManager` is that pooled manager over the kit's
:class:`~epa_kernel.apps.kernel_cap.CappedKernelManager`, fed from the single-user server
instead, with :class:`~epa_kernel.apps.page_pool.PageSignals` in front:

- **only what is the same for everyone runs ahead**: the pooled kernel starts and imports the
  app (ipywidgets, anywidget, the kit, the store service's client), then waits at
  ``wait_for_page()``; the user's part (``show_app``: their role and data from the store
  service, the widgets) runs when the page is asked for, so a role withdrawn or a booking made
  since the kernel started is on the page (a kernel that had drawn the page ahead showed
  neither, and was removed for it);
- **one kernel** (``POOL_SIZE``) for the user's default page, the assessor app
  (``PREHEATED``), started once the server runs and refilled a second after each use (Voilà's
  ``fill_delay``); other apps start their kernel on request as before. An admin's planning page
  gets none: the pool is per server, every assessor's server would hold a planning kernel that
  only admins use, and a cap of three kernels would keep two of them idle;
- **the cap still holds**: the pooled kernel is one of the server's ``max_kernels``, so with
  three pages open the pool's refill ends the least recently active page's kernel (that page
  says so), where before a fourth page did;
- **the culler** leaves the pooled kernel alone (Voilà's ``cull_kernel_if_idle``); kernels of
  pages are culled as before;
- **the same kernel** a page would get: the server's environment (its user's hub token, the
  store service's URL), the same kernel spec and allowed messages; a request asking for another
  template or theme is not served from the pool (Voilà's rule).
"""

from __future__ import annotations

from tornado.ioloop import IOLoop
from traitlets import Unicode
from voila.configuration import VoilaConfiguration
from voila.notebook_renderer import NotebookRenderer
from voila.paths import collect_template_paths
from voila.utils import get_page_config
from voila.voila_kernel_manager import voila_kernel_manager_factory

from epa_kernel.apps.kernel_cap import CappedKernelManager
from epa_kernel.apps.page_pool import PageSignals

POOL_SIZE = 1
PREHEATED = "assessor_app.ipynb"


class PreheatedKernelManager(
    PageSignals,
    voila_kernel_manager_factory(CappedKernelManager, True, POOL_SIZE),  # type: ignore[misc]
):
    preheated = Unicode(PREHEATED, config=True, help="The notebook whose kernels are preheated.")

    def __init__(self, **kwargs):
        # Voilà's pooled __init__ reads Voilà's application; the server's is set up here instead
        CappedKernelManager.__init__(self, **kwargs)
        self._wait_at_startup = True
        self.notebook_data = {}
        self._pools = {}
        self.root_dir = self.parent.root_dir
        self.notebook_path = self.preheated
        self._voila_configuration = None
        # Voilà gives kernels VOILA_SERVER_URL from its app; a server's pages are at base_url
        self.parent.server_url = self.parent.base_url
        IOLoop.current().add_callback(self.fill_if_needed, delay=0, notebook_name=self.preheated)

    def _notebook_renderer_factory(self, notebook_path: str | None = None) -> NotebookRenderer:
        """As Voilà's handler renders a page in a server, with the server's settings."""
        server = self.parent
        settings = server.web_app.settings
        if self._voila_configuration is None:
            self._voila_configuration = VoilaConfiguration(parent=server)
        voila_configuration = self._voila_configuration
        page_config = get_page_config(
            base_url=server.base_url,
            settings=settings,
            log=server.log,
            voila_configuration=voila_configuration,
        )
        return NotebookRenderer(
            voila_configuration=voila_configuration,
            traitlet_config=server.config,
            notebook_path=notebook_path,
            template_paths=collect_template_paths(
                ["voila", "nbconvert"], voila_configuration.template
            ),
            config_manager=server.config_manager,
            contents_manager=server.contents_manager,
            base_url=server.base_url,
            kernel_spec_manager=server.kernel_spec_manager,
            page_config=page_config,
            mathjax_config=settings.get("mathjax_config"),
            mathjax_url=settings.get("mathjax_url"),
        )
