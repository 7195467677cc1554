"""``bench/RESULTS.md`` from the figures of one ``python -m bench`` run."""

from __future__ import annotations

import statistics
from pathlib import Path


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def targets(results: dict) -> list[tuple[str, str, str]]:
    """(target, reached, verdict) rows for the figures that were measured."""
    rows = []
    t = results.get("throughput")
    f = results.get("floors")
    cores = results["machine"]["cores"]
    if t and t["loop"]:
        at = next((r for r in t["runs"] if r.size == t["loop_size"]), None)
        if at:
            ratio = at.per_second / t["loop"].per_second
            rows.append(
                (
                    f"`epa run` >= 4x the papermill CLI loop ({t['loop_size']} apprentices)",
                    f"{ratio:.1f}x ({at.per_second:.2f} against "
                    f"{t['loop'].per_second:.2f} notebooks/s)",
                    _verdict(ratio >= 4),
                )
            )
    if t and f and "kernel" in f:
        floor = f["kernel"]["median"] / cores
        for run in t["runs"]:
            multiple = run.per_notebook / floor
            rows.append(
                (
                    f"cost per notebook <= 1.5x kernel floor / cores ({run.size} apprentices)",
                    f"{multiple:.2f}x ({_s(run.per_notebook)} against "
                    f"{_s(f['kernel']['median'])} / {cores})",
                    _verdict(multiple <= 1.5),
                )
            )
    if f and "grading" in f:
        g = f["grading"]
        rows.append(
            (
                f"{g['records']:,} records graded in-process in under 1 s",
                f"{_s(g['best'])} wall, best of {g['repeats']} "
                f"({g['best'] / g['records'] * 1e6:.1f} µs a record; median "
                f"{_s(g['wall'])})",
                _verdict(g["best"] < 1),
            )
        )
    new = ((results.get("app") or {}).get("forms") or {}).get("checklist") or {}
    if 2 in new:
        median = statistics.median(new[2]["form"])
        rows.append(
            (
                "assessor form interactive in at most 1.0 s, warm server",
                f"{_s(median)} (median of {len(new[2]['form'])}, preheated kernels)",
                _verdict(median <= 1.0),
            )
        )
    if "ticks" in new.get(2, {}):
        saved = statistics.median(new[2]["ticks"]["saved"])
        rows.append(
            (
                "a tick to the grade shown and saved in at most 100 ms",
                _ms(saved),
                _verdict(saved <= 0.1),
            )
        )
    return rows


def render(results: dict, command: str) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `{command}` on {m['date']}. Ratios measured side by side in this run are "
        "what carry over to other machines; absolute times move with the machine and with "
        "whatever else it was doing (the load average is given).",
        "",
        "## Machine",
        "",
        f"- {m['cores']} cores usable ({m['cpu']}), "
        f"{m['memory_gib']:.1f} GiB memory, {m['system']}, Python {m['python']}"
        if m["memory_gib"]
        else f"- {m['cores']} cores usable ({m['cpu']})",
        "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"- load average (1, 5, 15 min) before: "
        f"{', '.join(f'{x:.2f}' for x in m['load_before'] or ())}; after: "
        f"{', '.join(f'{x:.2f}' for x in m.get('load_after') or ())}",
    ]
    if m.get("note"):
        lines += ["", m["note"]]
    rows = targets(results)
    if rows:
        lines += ["", "## Targets", "", "| target | reached | |", "|---|---|---|"]
        lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += _throughput(results)
    lines += _floors(results)
    lines += _app(results)
    lines += hub_section(results)
    lines += _exports(results)
    skipped = results.get("skipped") or {}
    if skipped:
        lines += ["", "## Not measured in this run", ""]
        lines += [f"- {k}: {v}" for k, v in skipped.items()]
    return "\n".join(lines) + "\n"


def _throughput(results: dict) -> list[str]:
    t = results.get("throughput")
    if not t:
        return []
    cores = results["machine"]["cores"]
    out = [
        "",
        "## Cohort throughput: `epa run` against a papermill CLI loop",
        "",
        "Same records, same notebooks: one workbook per method record and one result "
        "notebook per apprentice. `epa run --format none` (no exports) in a fresh folder, "
        f"{cores} worker processes; the loop is `bench/papermill_loop.sh`, one `papermill` "
        "command per notebook, one after another.",
        "",
        "| run | apprentices | notebooks | seconds | notebooks/s | s per notebook |",
        "|---|---|---|---|---|---|",
    ]
    for run in t["runs"]:
        out.append(
            f"| {run.what} | {run.size} | {run.notebooks} | {run.seconds:.1f} | "
            f"{run.per_second:.2f} | {run.per_notebook:.3f} |"
        )
    for key in ("no_ahead", "loop"):
        run = t.get(key)
        if run:
            out.append(
                f"| {run.what} | {t['loop_size']} | {run.notebooks} | "
                f"{run.seconds:.1f} | {run.per_second:.2f} | {run.per_notebook:.3f} |"
            )
    loop = t.get("loop")
    if loop:
        total = next((r.notebooks for r in t["runs"] if r.size == t["loop_size"]), None)
        if total and loop.notebooks < total:
            out += [
                "",
                f"The loop ran {loop.notebooks} of the {total} notebooks of the "
                f"{t['loop_size']}-apprentice cohort (evenly spread: every method and result "
                "notebooks); a serial loop's time is its notebooks times the cost of one, so "
                "its time for whole cohorts below is **extrapolated** from that per-notebook "
                "cost, not measured.",
            ]
        out += [
            "",
            "| apprentices | notebooks | `epa run` (measured) | papermill loop "
            "(extrapolated) | ratio |",
            "|---|---|---|---|---|",
        ]
        for run in t["runs"]:
            est = loop.per_notebook * run.notebooks
            out.append(
                f"| {run.size} | {run.notebooks} | {run.seconds:.1f} s | {est:.0f} s | "
                f"{est / run.seconds:.1f}x |"
            )
    if t.get("growth"):
        fixed, per = t["growth"]
        out += [
            "",
            f"Growth with cohort size: a least-squares line through the {len(t['runs'])} "
            f"runs gives "
            f"{fixed:.1f} s fixed (starting processes, reading the cohort, results.csv) plus "
            f"{per:.3f} s per notebook ({1 / per:.2f} notebooks/s once running): linear in "
            "the cohort, as independent notebooks on a fixed pool should be.",
        ]
    if t.get("no_ahead"):
        run = next((r for r in t["runs"] if r.size == t["loop_size"]), None)
        if run:
            out += [
                "",
                f"Starting each worker's next kernel while the current notebook runs "
                f"(`EPA_KERNELS_AHEAD=1`, the default) against starting it when the "
                f"notebook is due (`EPA_KERNELS_AHEAD=0`): "
                f"{run.per_second / t['no_ahead'].per_second:.2f}x the throughput.",
            ]
    return out


def _floors(results: dict) -> list[str]:
    f = results.get("floors")
    if not f:
        return []
    cores = results["machine"]["cores"]
    out = ["", "## Floors", ""]
    if "kernel" in f:
        k = f["kernel"]
        out += [
            f"A bare kernel (jupyter_client defaults: start, execute `1+1`, shut down), median "
            f"of {k['repeats']}: **{_s(k['median'])}** (min {_s(k['min'])}, max "
            f"{_s(k['max'])}; start to ready {_s(k['start'])}; the kernel's CPU time "
            f"{_s(k['cpu'])}). Divided by the {cores} cores: {_s(k['median'] / cores)} per "
            "notebook is what a pool of bare kernels could reach."
        ]
        t = results.get("throughput")
        if t:
            out += ["", "| run | s per notebook | multiple of floor / cores |", "|---|---|---|"]
            for run in t["runs"]:
                out.append(
                    f"| epa run, {run.size} apprentices | {run.per_notebook:.3f} | "
                    f"{run.per_notebook / (k['median'] / cores):.2f}x |"
                )
    if "grading" in f:
        g = f["grading"]
        out += [
            "",
            f"The pure engine: `grade_method` on {g['records']:,} method records in one "
            f"process (the demo cohort's 77 records, parsed once, cycled): best of "
            f"{g['repeats']} **{_s(g['best'])}** wall "
            f"({g['best'] / g['records'] * 1e6:.1f} µs a record); median {_s(g['wall'])} "
            f"wall, {_s(g['cpu'])} CPU.",
        ]
    return out


FORM_NAMES = {
    "checklist": "checklist (one anywidget)",
    "ipywidgets": "ipywidgets (the form before, `bench/legacy_form.py`)",
}
POOLS = {2: "2 preheated (`--pool-size 2`, the default)", 0: "none preheated (`--pool-size 0`)"}


def _app(results: dict) -> list[str]:
    a = results.get("app")
    if not a:
        return []
    forms = a["forms"]
    out = [
        "",
        "## The assessor app in Chromium",
        "",
        "Voilà as `epa serve` starts it, on a SQLite store, Debian's Chromium through Playwright; "
        "the same app notebook serves both forms (for the ipywidgets one with the form class "
        "swapped). Page to form: from asking for the page to the first descriptor's buttons, "
        "choosing the assessor and the assignment as soon as their lists appear; page to app: to "
        f"the assessor list. Warm server: after one page load; {a['refill']:.0f} s between loads "
        "for Voilà to refill its pool; one browser context per server, so Voilà's scripts are in "
        "its HTTP cache (the first load shows a cold browser on a cold server).",
        "",
        "| form | kernels | first load: page to form | page to app (median) "
        "| page to form (median) | page to form (min–max) |",
        "|---|---|---|---|---|---|",
    ]
    for form, r in forms.items():
        for pool, label in POOLS.items():
            if pool in r:
                x = r[pool]
                out.append(
                    f"| {FORM_NAMES.get(form, form)} | {label} | {_s(x['first'])} | "
                    f"{_s(statistics.median(x['app']))} | {_s(statistics.median(x['form']))} | "
                    f"{_s(min(x['form']))}–{_s(max(x['form']))} |"
                )
    switched = [(f, r[2]["switch"]) for f, r in forms.items() if "switch" in r.get(2, {})]
    if switched:
        out += [
            "",
            "The next form in an app already open (the assessor chooses their other assignment; "
            "from the choice to its form on screen, preheated server): "
            + "; ".join(
                f"{FORM_NAMES.get(f, f)} **{_s(statistics.median(t))}** median of {len(t)} "
                f"({_s(min(t))}–{_s(max(t))})"
                for f, t in switched
            )
            + ".",
        ]
    out += _breakdown(forms)
    for form, r in forms.items():
        ticks = r.get(2, {}).get("ticks")
        if ticks:
            g, s = ticks["grade"], ticks["saved"]
            out += [
                "",
                f"{FORM_NAMES.get(form, form)}: a tick (P1 met / not met, alternately, {len(g)} "
                f"ticks): to the grade shown **{_ms(statistics.median(g))}** median (max "
                f"{_ms(max(g))}); to the row saved in the store and said so "
                f"**{_ms(statistics.median(s))}** median (max {_ms(max(s))}).",
            ]
    return out


def _breakdown(forms: dict) -> list[str]:
    """Where one traced warm load's time goes (bench/app_breakdown.py), per form and phase."""
    out = [
        "",
        "### Where the time goes",
        "",
        "Building the form in the kernel (in the bench's process, median of 7): "
        + "; ".join(
            f"{FORM_NAMES.get(f, f)} {_ms(r['build']['seconds'])}, {r['build']['models']} widget "
            f"models, {r['build']['bytes'] / 1000:.0f} kB of state"
            for f, r in forms.items()
            if "build" in r
        )
        + ".",
        "",
        "One more warm load per form on the preheated server, traced by Chromium: the "
        "renderer's main thread busy (scripts, style and layout, paint; they overlap where a "
        "script forces layout) or idle, waiting for the server, the kernel or the network; "
        "WebSocket frames from the kernel.",
        "",
        "| form | phase | wall | main thread busy | scripts | style, layout | paint "
        "| idle | frames in (kB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for form, r in forms.items():
        b = r.get(2, {}).get("breakdown")
        if not b:
            continue
        for phase, x in b["phases"].items():
            out.append(
                f"| {form} | {phase} | {_ms(x['wall'])} | {_ms(x['busy'])} | "
                f"{_ms(x['script'])} | {_ms(x['layout'])} | {_ms(x['paint'])} | "
                f"{_ms(max(0.0, x['wall'] - x['busy']))} | {x['frames_in']} "
                f"({x['bytes_in'] / 1000:.0f}) |"
            )
    return out


def hub_section(results: dict) -> list[str]:
    h = results.get("hub")
    if not h:
        return []

    def row(label: str, times: list[float]) -> str:
        return f"| {label} | {_s(statistics.median(times))} | {_s(min(times))}–{_s(max(times))} |"

    return [
        "",
        "## The assessor app behind sign-in: `epa hub`",
        "",
        f"JupyterHub 5 with NativeAuthenticator, one approved assessor, SQLite store; each "
        f"sign-in in a fresh Chromium context, from pressing *Sign in* to the first "
        f"descriptor's buttons (the assignment chosen as soon as the list appears). Cold: the "
        f"user's server stopped before each sign-in, so the hub starts it; warm: it is already "
        f"running. Beside it, `epa serve` (2 preheated kernels) on the same store: page to "
        f"form, {h['runs']} loads, 6 s apart. Hub start-up (command to API answering): "
        f"**{_s(h['startup'])}**.",
        "",
        f"| path | median of {h['runs']} | min–max |",
        "|---|---|---|",
        row("`epa hub`: sign-in to form, cold (server started by the sign-in)", h["cold"]),
        row("`epa hub`: sign-in to form, warm (server running)", h["warm"]),
        row("`epa serve` (no sign-in): page to form", h["direct"]),
    ]


def _exports(results: dict) -> list[str]:
    e = results.get("exports")
    if not e:
        return []
    return [
        "",
        "## Exports and IQA verification",
        "",
        f"On the {e['apprentices']}-apprentice run ({e['documents']} documents: method "
        "records and statements of results).",
        "",
        "| what | per document | documents/s |",
        "|---|---|---|",
        f"| HTML, one process, exporter reused | {_ms(e['html']['per_document'])} | "
        f"{1 / e['html']['per_document']:.1f} |",
        f"| PDF (WeasyPrint, from that HTML), one process | {_ms(e['pdf']['per_document'])} | "
        f"{1 / e['pdf']['per_document']:.1f} |",
        f"| `epa export --format html,pdf` (a process per core; with results.xlsx and "
        f"summary.html) | {_ms(e['cli']['per_file'])} per file | "
        f"{1 / e['cli']['per_file']:.1f} |",
        "",
        f"`epa iqa verify` re-executed and compared {e['verify']['notebooks']} method "
        f"notebooks in {e['verify']['seconds']:.1f} s: **{e['verify']['per_second']:.2f} "
        "notebooks/s**.",
    ]


def write(path: Path, results: dict, command: str) -> None:
    path.write_text(render(results, command), encoding="utf-8")
