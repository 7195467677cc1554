"""Where the seconds from a click on the app's link to the form on screen go.

Three views of the same warm page load, for each form (:mod:`bench.app_latency` runs it):

- **the kernel**: building the form for the bench's record in this process (no browser), with
  the widget models it creates and the bytes of their state, which is what the kernel sends
  to the browser before it can draw anything;
- **the wire**: the WebSocket frames between Voilà and the page, counted per phase;
- **the browser**: Chromium's performance trace of the load, the renderer's main thread busy
  (running scripts, style and layout, paint) or idle (waiting for the server and the kernel).

Phases: page (asking for it) to app (the assessor list shown); app to chosen (the assessor and
the assignment chosen: two answers from the kernel); chosen to form (the kernel builds the form,
the browser draws it).
"""

from __future__ import annotations

import json
import statistics
import time

SCRIPT = {
    "EvaluateScript",
    "v8.compile",
    "v8.compileModule",
    "v8.evaluateModule",
    "FunctionCall",
    "TimerFire",
    "EventDispatch",
    "FireAnimationFrame",
    "RunMicrotasks",
    "v8.run",
}
LAYOUT = {"UpdateLayoutTree", "Layout", "ParseAuthorStyleSheet", "RecalculateStyles"}
PAINT = {"Paint", "PrePaint", "Layerize", "UpdateLayer", "Commit", "PaintImage"}
TASKS = {"RunTask", "ThreadControllerImpl::RunTask"}
CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "blink.user_timing",
    "toplevel",
    "loading",
]
PHASES = (
    ("page to app", None, "app"),
    ("app to chosen", "app", "chosen"),
    ("chosen to form", "chosen", "form"),
)


def kernel_build(form: str, repeats: int = 7) -> dict:
    """Seconds to build ``form`` for the bench's record (median), its models and their bytes."""
    import ipywidgets

    from bench.app_latency import bench_records
    from epa_kernel.core.catalogue import get_standard

    if form == "ipywidgets":
        from bench.legacy_form import LegacyMethodForm as Form
    else:
        from epa_kernel.apps.method_form import MethodForm as Form
    record = bench_records(1)[0]
    standard = get_standard(record.standard, record.version)
    active = ipywidgets.Widget._active_widgets  # model id -> widget, as the kernel holds them
    times, models, size = [], 0, 0
    for _ in range(repeats):
        before = set(active)
        t0 = time.perf_counter()
        Form(standard, record)
        times.append(time.perf_counter() - t0)
        new = [active[k] for k in set(active) - before]
        models = len(new)
        size = sum(len(json.dumps(w.get_state(), default=str)) for w in new)
        for w in new:
            w.close()
    return {"seconds": statistics.median(times), "models": models, "bytes": size}


def _union(intervals) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _within(intervals, lo: float, hi: float) -> float:
    """Microseconds of the union of ``intervals`` inside [lo, hi]."""
    return sum(max(0.0, min(b, hi) - max(a, lo)) for a, b in _union(intervals))


def main_thread(events) -> dict[str, list[tuple[float, float]]]:
    """Intervals (µs) on every renderer main thread, by kind: busy, script, layout, paint."""
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    }
    kinds: dict[str, list[tuple[float, float]]] = {
        k: [] for k in ("busy", "script", "layout", "paint")
    }
    for e in events:
        if e.get("ph") != "X" or (e.get("pid"), e.get("tid")) not in mains or "dur" not in e:
            continue
        span = (e["ts"], e["ts"] + e["dur"])
        name = e["name"]
        for kind, names in (
            ("busy", TASKS),
            ("script", SCRIPT),
            ("layout", LAYOUT),
            ("paint", PAINT),
        ):
            if name in names:
                kinds[kind].append(span)
    return kinds


def traced_load(browser, context, load) -> dict:
    """One page load under Chromium's tracer and a WebSocket watch; figures per phase."""
    page = context.new_page()
    frames: list[tuple[float, str, int]] = []

    def watch(ws):
        ws.on("framereceived", lambda p: frames.append((time.perf_counter(), "in", len(p))))
        ws.on("framesent", lambda p: frames.append((time.perf_counter(), "out", len(p))))

    page.on("websocket", watch)
    browser.start_tracing(page=page, categories=CATEGORIES)
    t_start = time.perf_counter()
    marks = load(page)
    page.evaluate("console.timeStamp('epa-form-shown')")
    t_end = time.perf_counter()
    dom_nodes = page.evaluate("document.getElementsByTagName('*').length")
    events = json.loads(browser.stop_tracing())["traceEvents"]
    page.close()
    ts_end = max(
        e["ts"]
        for e in events
        if e.get("name") == "TimeStamp" and "epa-form-shown" in json.dumps(e.get("args", {}))
    )

    def trace_ts(seconds_from_start: float) -> float:  # this process's clock -> the trace's
        return ts_end - (t_end - t_start - seconds_from_start) * 1e6

    kinds = main_thread(events)
    phases = {}
    for phase, start, stop in PHASES:
        lo = marks[start] if start else 0.0
        hi = marks[stop]
        window = {k: _within(v, trace_ts(lo), trace_ts(hi)) / 1e6 for k, v in kinds.items()}
        inside = [f for f in frames if t_start + lo <= f[0] <= t_start + hi]
        phases[phase] = {
            "wall": hi - lo,
            **window,
            "frames_in": sum(1 for f in inside if f[1] == "in"),
            "bytes_in": sum(f[2] for f in inside if f[1] == "in"),
            "frames_out": sum(1 for f in inside if f[1] == "out"),
        }
    return {"marks": marks, "phases": phases, "dom_nodes": dom_nodes}
