// The method checklist (epa_kernel.apps.checklist): one view drawing every descriptor, the
// channels, the evidence facts and the outcome panel from the model's traits. It holds no
// grading logic: a change is sent to the kernel as the whole trait, and the kernel answers with
// the outcome panel, any message and the descriptors to hide.
//
// Keyboard: each descriptor is a radio group (one Tab stop; arrow keys move and choose, Space
// or Enter chooses, letter keys choose as ``spec.keys`` says, e.g. M / N / D for met / not met /
// deferred); Tab goes on to its note.

const TYPING_PAUSE_MS = 400; // notes and facts are sent this long after the last key, or on leaving

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  el.append(...children.filter((c) => c !== null && c !== undefined));
  return el;
}

// A text field that sends its value after a pause in typing, and at once when left, or when
// the page is closed or reloaded in the middle of a word.
function typed(input, send) {
  let timer = null;
  const flush = () => {
    clearTimeout(timer);
    timer = null;
    send(input.value);
  };
  const pending = () => timer !== null && flush();
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(flush, TYPING_PAUSE_MS);
  });
  input.addEventListener("change", flush);
  window.addEventListener("pagehide", pending);
  return () => {
    clearTimeout(timer);
    window.removeEventListener("pagehide", pending);
  };
}

// Lumino-based widget views (the trainer's tabs) need their attach messages.
function attach(view, host) {
  const widget = view.luminoWidget || view.pWidget;
  if (widget) widget.processMessage({ type: "before-attach", isConflatable: false });
  host.append(view.el);
  if (widget) widget.processMessage({ type: "after-attach", isConflatable: false });
}

function render({ model, el }) {
  const spec = model.get("spec");
  const uid = "epa-" + Math.random().toString(36).slice(2, 10);
  const cleanups = [];
  const main = h("div", { class: "epa-main" });
  const panel = h("div", { class: "epa-outcome-panel" });
  const message = h("div", { class: "epa-message", role: "alert" });
  const sideWidgets = h("div", { class: "epa-side-widgets" });
  const side = h("div", { class: "epa-side" }, panel, message, sideWidgets);
  el.classList.add("epa-checklist-view");
  el.append(h("div", { class: "epa-checklist" }, main, side));

  const set = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const setKey = (name, key, value) => set(name, { ...model.get(name), [key]: value });

  // --- channels ------------------------------------------------------------------------------
  const channelBoxes = {};
  if (spec.channels.length) {
    const box = h("fieldset", { class: "epa-channels" }, h("legend", { text: "Channels observed" }));
    for (const channel of spec.channels) {
      const input = h("input", { type: "checkbox" });
      input.addEventListener("change", () =>
        set(
          "channels",
          spec.channels.map((c) => c.id).filter((c) => channelBoxes[c].checked),
        ),
      );
      channelBoxes[channel.id] = input;
      box.append(h("label", { class: `epa-channel-${channel.id}` }, input, " " + channel.label));
    }
    main.append(box);
  }

  // --- evidence facts ------------------------------------------------------------------------
  const facts = {};
  if (spec.facts.length) {
    main.append(h("h4", { text: "Evidence" }));
    for (const fact of spec.facts) {
      const input = h("input", {
        type: "text",
        inputmode: fact.integer ? "numeric" : "decimal",
        placeholder: "not recorded",
        autocomplete: "off",
      });
      cleanups.push(typed(input, (text) => setKey("evidence", fact.fact, text)));
      facts[fact.fact] = input;
      main.append(
        h(
          "label",
          { class: `epa-fact epa-fact-${fact.fact}` },
          h("span", { class: "epa-fact-label", text: fact.label }),
          input,
          h("span", { class: "epa-allowed", text: `allowed: ${fact.allowed}` }),
        ),
      );
    }
  }

  // --- descriptors, grouped by module ----------------------------------------------------------
  const rows = {};
  const modules = [];
  for (const c of spec.criteria) {
    if (!modules.length || modules.at(-1).name !== c.module) {
      const heading = h("h4", { class: "epa-module", text: c.module });
      modules.push({ name: c.module, heading, ids: [] });
      main.append(heading);
    }
    modules.at(-1).ids.push(c.id);
    const labelId = `${uid}-${c.id}`;
    const radios = c.options.map((value) =>
      h("button", {
        type: "button",
        role: "radio",
        class: "epa-choice",
        "data-value": value,
        style: `--epa-fill:${spec.colours[value]}`,
        text: spec.labels[value],
      }),
    );
    const group = h("div", { class: "epa-judgement", role: "radiogroup", "aria-labelledby": labelId }, ...radios);
    group.addEventListener("click", (event) => {
      const radio = event.target.closest("[role=radio]");
      if (radio && !radio.disabled) choose(c.id, radio.dataset.value);
    });
    group.addEventListener("keydown", (event) => keys(event, c.id, radios));
    const note = h("input", {
      type: "text",
      class: "epa-note",
      placeholder: spec.note,
      "aria-label": `${c.id}: ${spec.note}`,
      autocomplete: "off",
    });
    cleanups.push(typed(note, (text) => setKey("notes", c.id, text)));
    const row = h(
      "div",
      { class: `epa-row epa-${c.id.replaceAll(".", "-")}` },
      h("div", { class: "epa-text", id: labelId }, h("b", { text: c.id }), " " + c.text, h("br"), h("small", { text: c.tags })),
      h("div", { class: "epa-controls" }, group, note),
    );
    rows[c.id] = { row, radios, note };
    main.append(row);
  }

  function choose(id, value) {
    if (model.get("readonly") || model.get("judgements")[id] === value) return;
    setKey("judgements", id, value);
  }

  function keys(event, id, radios) {
    const at = radios.indexOf(document.activeElement);
    if (at < 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    let to = null;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") to = (at + 1) % radios.length;
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") to = (at + radios.length - 1) % radios.length;
    else if (event.key === "Home") to = 0;
    else if (event.key === "End") to = radios.length - 1;
    else if (event.key === " " || event.key === "Enter") to = at;
    else if (spec.keys[event.key.toLowerCase()]) {
      to = radios.findIndex((r) => r.dataset.value === spec.keys[event.key.toLowerCase()]);
      if (to < 0) return;
    } else return;
    event.preventDefault();
    radios[to].focus();
    if (!radios[to].disabled) choose(id, radios[to].dataset.value);
  }

  // --- drawing the state -----------------------------------------------------------------------
  function paintJudgements() {
    const judgements = model.get("judgements");
    for (const [id, { radios }] of Object.entries(rows)) {
      const value = judgements[id] ?? null;
      const checked = radios.findIndex((r) => r.dataset.value === value);
      radios.forEach((r, i) => {
        r.setAttribute("aria-checked", i === checked ? "true" : "false");
        r.tabIndex = i === Math.max(checked, 0) ? 0 : -1;
      });
    }
  }

  // A field being typed in keeps what is typed; the kernel's copy catches up when it is sent.
  const fill = (input, text) => {
    if (document.activeElement !== input && input.value !== text) input.value = text;
  };
  const paintNotes = () => {
    const notes = model.get("notes");
    for (const [id, { note }] of Object.entries(rows)) fill(note, notes[id] ?? "");
  };
  const paintEvidence = () => {
    const evidence = model.get("evidence");
    for (const [fact, input] of Object.entries(facts)) fill(input, evidence[fact] ?? "");
  };
  const paintChannels = () => {
    const ticked = new Set(model.get("channels"));
    for (const [id, input] of Object.entries(channelBoxes)) input.checked = ticked.has(id);
  };
  const paintHidden = () => {
    const hidden = new Set(model.get("hidden"));
    for (const [id, { row }] of Object.entries(rows)) row.hidden = hidden.has(id);
    for (const m of modules) m.heading.hidden = m.ids.every((id) => hidden.has(id));
  };
  const paintReadonly = () => {
    const readonly = model.get("readonly");
    el.querySelectorAll(".epa-main input, .epa-main button").forEach((c) => (c.disabled = readonly));
  };
  const paintOutcome = () => {
    panel.innerHTML = model.get("outcome");
    side.hidden = !model.get("outcome") && !(model.get("side") || []).length;
  };
  const paintMessage = () => (message.textContent = model.get("message"));

  async function paintSide() {
    sideWidgets.replaceChildren();
    for (const ref of model.get("side") || []) {
      const manager = model.widget_manager;
      const child = await manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
      const view = await manager.create_view(child);
      attach(view, sideWidgets);
      cleanups.push(() => view.remove());
    }
  }

  const painters = {
    judgements: paintJudgements,
    notes: paintNotes,
    evidence: paintEvidence,
    channels: paintChannels,
    hidden: paintHidden,
    readonly: paintReadonly,
    outcome: paintOutcome,
    message: paintMessage,
    side: paintSide,
  };
  for (const [name, paint] of Object.entries(painters)) {
    model.on(`change:${name}`, paint);
    paint();
  }
  return () => cleanups.forEach((done) => done());
}

export default { render };
