// The page's widget manager: ipywidgets' ManagerBase with live comms to the page's own kernel
// (as ipywidgets' examples/web3 extends HTMLManager) and the widget modules of ./modules.js. It
// replaces Voilà's JupyterLab-based manager.
import { shims } from "@jupyter-widgets/base";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import { MessageLoop } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";

import { widgetClass } from "./modules.js";

export class PageManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    // widgets the kernel creates from now on (e.g. the form once an assignment is chosen)
    kernel.registerCommTarget(this.comm_target_name, (comm, msg) =>
      this.handle_comm_open(new shims.services.Comm(comm), msg),
    );
    this._views = new Set();
    window.addEventListener("resize", () => {
      for (const view of this._views) {
        MessageLoop.postMessage(view.luminoWidget, Widget.ResizeMessage.UnknownSize);
      }
    });
  }

  // The kernel's widget models as they are now (ipywidgets' control comm, one round trip).
  restore() {
    return this._loadFromKernel();
  }

  async display_view(view, el) {
    const shown = await view;
    Widget.attach(shown.luminoWidget, el);
    this._views.add(shown);
    shown.once("remove", () => this._views.delete(shown));
  }

  async loadClass(className, moduleName, moduleVersion) {
    const found = widgetClass(className, moduleName, moduleVersion);
    if (found instanceof Error) throw found;
    return found;
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) comm.open(data, metadata, buffers);
    return new shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === "ok" ? reply.content.comms : {};
  }
}
