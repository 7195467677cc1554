// ipywidgets' Output widget without JupyterLab's output area and renderers (which brought
// 400 kB of JupyterLab's interface code to every page): what the kernel prints or displays
// while the widget captures (`with out:`) or sets as its `outputs`, drawn as nbconvert draws
// a cell's outputs: text, HTML (trusted, as on Voilà's own page), images and widget views.
import * as base from "@jupyter-widgets/output";

const VIEW = "application/vnd.jupyter.widget-view+json";
// the first of these an output holds is drawn, as nbconvert's display priority chooses
const SHOWN = [VIEW, "text/html", "image/svg+xml", "image/png", "image/jpeg", "text/plain"];
const ANSI = /\u001b\[[0-9;]*m/g;

export class OutputModel extends base.OutputModel {
  defaults() {
    return { ...super.defaults(), msg_id: "", outputs: [] };
  }

  initialize(attributes, options) {
    super.initialize(attributes, options);
    this._clearOnNext = false;
    this._hook = (msg) => {
      this.add(msg);
      return false; // captured here, not shown anywhere else
    };
    this.on("change:msg_id", this._follow, this);
    this._follow();
  }

  // Capture the messages of the execution the kernel names in `msg_id` (`with out:`).
  _follow() {
    const kernel = this.widget_manager.kernel;
    const old = this.previous("msg_id");
    if (old && kernel) kernel.removeMessageHook(old, this._hook);
    if (this.get("msg_id") && kernel) kernel.registerMessageHook(this.get("msg_id"), this._hook);
  }

  add(msg) {
    const type = msg.header.msg_type;
    if (type === "clear_output") {
      if (msg.content.wait) this._clearOnNext = true;
      else this._set([]);
      return;
    }
    if (!["execute_result", "display_data", "stream", "error"].includes(type)) return;
    const kept = this._clearOnNext ? [] : this.get("outputs");
    this._clearOnNext = false;
    this._set([...kept, { ...msg.content, output_type: type }]);
  }

  _set(outputs) {
    this.set("outputs", outputs);
    this.save_changes();
  }
}

export class OutputView extends base.OutputView {
  render() {
    super.render();
    this.el.classList.add("jupyter-widgets", "widget-output", "jupyter-widget-output");
    this.listenTo(this.model, "change:outputs", this.draw);
    this.draw();
  }

  async draw() {
    const nodes = await Promise.all(this.model.get("outputs").map((o) => this.node(o)));
    this.el.replaceChildren(...nodes);
  }

  async node(output) {
    const box = document.createElement("div");
    box.className = "jp-OutputArea-output";
    if (output.output_type === "stream" || output.output_type === "error") {
      const text = output.output_type === "stream" ? output.text : output.traceback.join("\n");
      const pre = document.createElement("pre");
      pre.textContent = text.replace(ANSI, "");
      box.classList.add("jp-RenderedText");
      if (output.name === "stderr" || output.output_type === "error") {
        box.dataset.mimeType = "application/vnd.jupyter.stderr";
      }
      box.append(pre);
      return box;
    }
    const data = output.data || {};
    const type = SHOWN.find((t) => t in data);
    if (type === VIEW) {
      const model = await this.model.widget_manager.get_model(data[VIEW].model_id);
      const view = await this.create_child_view(model);
      box.append(view.el);
      view.trigger("displayed");
    } else if (type === "text/html" || type === "image/svg+xml") {
      box.classList.add("jp-RenderedHTMLCommon");
      box.innerHTML = data[type];
    } else if (type === "image/png" || type === "image/jpeg") {
      const img = document.createElement("img");
      img.src = `data:${type};base64,${data[type]}`;
      box.append(img);
    } else if (type === "text/plain") {
      const pre = document.createElement("pre");
      pre.textContent = data[type].replace(ANSI, "");
      box.classList.add("jp-RenderedText");
      box.append(pre);
    }
    return box;
  }
}
