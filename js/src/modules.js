// The widget modules the kit's page carries, and nothing else: ipywidgets' base, controls and
// output, and anywidget (the kit's checklist). A model or view from any other module fails
// visibly on the page: nothing is ever fetched from a CDN or anywhere else.
import * as base from "@jupyter-widgets/base";
import * as controls from "@jupyter-widgets/controls";
import { OUTPUT_WIDGET_VERSION } from "@jupyter-widgets/output";
import anywidget from "anywidget";
import { satisfies, valid } from "semver";

import * as output from "./output.js";

const ANYWIDGET = anywidget(base);

// The protocol versions these copies implement, as the Python packages name them
// (ipywidgets 8 sends "2.0.0" for base and controls, "1.0.0" for output; anywidget 0.11.0
// sends "~0.11.*").
export const MODULES = {
  "@jupyter-widgets/base": { version: base.JUPYTER_WIDGETS_VERSION, module: base },
  "@jupyter-widgets/controls": { version: controls.JUPYTER_CONTROLS_VERSION, module: controls },
  "@jupyter-widgets/output": { version: OUTPUT_WIDGET_VERSION, module: output },
  anywidget: { version: ANYWIDGET.AnyModel.model_module_version, module: ANYWIDGET },
};

// The class `name` of `moduleName` at a version that satisfies `wanted`, or an Error saying
// why not (an exact version such as "2.0.0" is read as "^2.0.0", as ipywidgets' own
// managers do).
export function widgetClass(name, moduleName, wanted) {
  const known = Object.prototype.hasOwnProperty.call(MODULES, moduleName)
    ? MODULES[moduleName]
    : null;
  if (!known) {
    return new Error(`${moduleName} is not one of the widget modules the kit's page carries`);
  }
  const range = valid(wanted) ? `^${wanted}` : wanted;
  if (!satisfies(known.version, range)) {
    return new Error(`${moduleName} ${wanted} asked for; the kit's page carries ${known.version}`);
  }
  return known.module[name] ?? new Error(`${moduleName} has no ${name}`);
}
