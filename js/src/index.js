// The kit's Voilà page (template `epa`): connect to the page's kernel, restore its widget models
// and draw every widget output Voilà rendered into the page. HTML, text and images were rendered
// by the server (nbconvert's lab template); nothing else runs here.
import "./page.css";
import { KernelConnection } from "@jupyterlab/services/lib/kernel/default";
import { ServerConnection } from "@jupyterlab/services/lib/serverconnection";

import { PageManager } from "./manager.js";

const VIEW = "application/vnd.jupyter.widget-view+json";

function pageConfig() {
  const node = document.getElementById("jupyter-config-data");
  return node ? JSON.parse(node.textContent) : {};
}

// A line at the top of the page, for what the assessor must know (the session has ended).
function say(text) {
  let line = document.querySelector(".epa-page-notice");
  if (!line) {
    line = document.createElement("div");
    line.className = "epa-page-notice";
    line.setAttribute("role", "alert");
    document.body.prepend(line);
  }
  line.textContent = text;
}

// Where a widget could not be drawn, and why (e.g. a module the page does not carry).
function notDrawn(el, why) {
  const box = document.createElement("div");
  box.className = "epa-page-error";
  box.setAttribute("role", "alert");
  box.textContent = `This part of the page could not be drawn: ${why}`;
  el.append(box);
}

// Show the cells and take the spinner away (Voilà's display_cells, which waits for this, or
// does it once the last cell has come if the page is still arriving).
function showCells() {
  window.themeLoaded = true;
  if (window.cellLoaded && window.voila_finish) window.voila_finish();
}

async function drawViews(manager) {
  const tags = [...document.querySelectorAll(`script[type="${VIEW}"]`)];
  await Promise.all(
    tags.map(async (tag) => {
      const host = tag.parentElement;
      const { model_id: id } = JSON.parse(tag.textContent);
      tag.remove();
      try {
        const model = await manager.get_model(id);
        await manager.display_view(manager.create_view(model), host);
        // ipywidgets' own error box hides why behind a click: say it in words as well
        if (model.get("_view_name") === "ErrorWidgetView") {
          notDrawn(host, model.get("error")?.message);
        }
      } catch (error) {
        console.error(error);
        notDrawn(host, error.message ?? error);
      }
    }),
  );
}

// Voilà's own page asks the server to end the kernel when the page goes (a beacon with the
// _xsrf cookie) and closes the socket: the same here.
function endWithPage(baseUrl, kernel) {
  window.addEventListener("beforeunload", () => {
    const data = new FormData();
    const xsrf = document.cookie.match("\\b_xsrf=([^;]*)\\b");
    data.append("_xsrf", (xsrf && xsrf[1]) || "");
    navigator.sendBeacon(`${baseUrl}voila/api/shutdown/${kernel.id}`, data);
    kernel.dispose();
  });
}

// A page whose kernel was ended (the hub's cap on kernels, the idle cull, a restart) says so,
// instead of leaving a form that no longer saves anything. The server does not close the
// page's socket when it ends a kernel, so the page asks whether its kernel still exists when
// the assessor comes back to it or acts on it (at most once in a few seconds), and when
// the socket drops.
const CHECK_EVERY_MS = 5000;

function watch(kernel, settings) {
  let over = false;
  let last = 0;
  const ended = () => {
    if (over) return;
    over = true;
    say("This page's session has ended: reload the page to carry on.");
    kernel.dispose();
  };
  let timer = null;
  const check = () => {
    if (over || timer) return;
    timer = setTimeout(async () => {
      last = Date.now();
      const url = `${settings.baseUrl}api/kernels/${encodeURIComponent(kernel.id)}`;
      const answer = await ServerConnection.makeRequest(url, {}, settings).catch(() => null);
      timer = null;
      if (answer && answer.status === 404) ended();
    }, Math.max(0, last + CHECK_EVERY_MS - Date.now()));
  };
  let connected = false;
  kernel.connectionStatusChanged.connect((_, status) => {
    if (status === "connected") connected = true;
    else if (status === "disconnected") ended();
    else if (status === "connecting" && connected) check();
  });
  kernel.statusChanged.connect((_, status) => status === "dead" && ended());
  for (const event of ["focus", "pointerdown", "keydown"]) {
    window.addEventListener(event, check, { capture: true, passive: true });
  }
  document.addEventListener("visibilitychange", () => document.hidden || check());
}

async function start() {
  // the cells as the server rendered them, at once (as Voilà's page shows them once its front
  // end has started); the widgets are drawn into them as the kernel's state arrives
  showCells();
  try {
    const config = pageConfig();
    if (!config.kernelId) return; // a page Voilà could not run: nothing live to draw
    // the server's address as the page config gives it; Jupyter's own cookie (or the token in
    // the page config, if any) authenticates the socket, as on Voilà's own page
    const baseUrl = new URL(config.baseUrl || "/", window.location.href).href;
    const settings = ServerConnection.makeSettings({
      baseUrl,
      wsUrl: baseUrl.replace(/^http/, "ws"),
    });
    const kernel = new KernelConnection({
      model: { id: config.kernelId, name: "" },
      serverSettings: settings,
    });
    endWithPage(baseUrl, kernel);
    watch(kernel, settings);
    const manager = new PageManager(kernel);
    await manager.restore();
    await drawViews(manager);
  } catch (error) {
    console.error(error);
    say(`This page could not reach its session: ${error.message ?? error}. Reload the page.`);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
