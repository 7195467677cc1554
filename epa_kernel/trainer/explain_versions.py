"""Text and HTML views of what changes between two versions of a standard, and for a record.

The differences between the versions' descriptors, rules and overall-grade tables, and what they
do to a method record made under one version and read under the other.

Text is what a terminal (``epa diff``) and a notebook's printed output show, so nbval can compare
it; HTML is what the trainer's live app shows. Both are rendered from the pure models in
:mod:`epa_kernel.core.standard_diff` and :mod:`epa_kernel.trainer.version_effect`; nothing here
decides a grade. All text from standards and records goes through :func:`html.escape`.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from epa_kernel.core.spec import Standard
from epa_kernel.core.standard_diff import DescriptorChange, VersionDiff
from epa_kernel.trainer.explain import JUDGEMENT_WORDS, TRAINER_CSS
from epa_kernel.trainer.version_effect import RecordEffect


def _change_line(c: DescriptorChange, method_id: str) -> str:
    if c.change == "moved" and c.old.method == method_id:
        head = f"moved out   {c.old.id} -> {c.new}"
    elif c.change == "moved":
        head = f"moved in    {c.new.id} <- {c.old}"
    elif c.change == "renumbered":
        head = f"renumbered  {c.old.id} -> {c.new.id}"
    elif c.change == "added":
        head = f"added       {c.new.id}"
    elif c.change == "removed":
        head = f"removed     {c.old.id}"
    else:
        head = f"changed     {c.new.id}"
    fields = "; ".join(f"{k}: {old} -> {new}" for k, (old, new) in c.fields.items() if k != "text")
    return f"{head} ({c.band}){f'; {fields}' if fields else ''}"


def change_summary(diff: VersionDiff) -> str:
    """How many descriptors changed, by kind ("1 moved, 20 renumbered")."""
    return ", ".join(f"{n} {kind}" for kind, n in diff.counts().items()) or "no descriptor changes"


def diff_text(diff: VersionDiff, old: Standard, new: Standard) -> str:
    lines = [
        f"{diff.standard} {new.title}: v{diff.old_version} -> v{diff.new_version}",
        f"Descriptors: {change_summary(diff)} (matched by text)",
    ]
    for m in diff.methods_removed:
        lines.append(f"Method removed: {m}")
    for m in diff.methods_added:
        lines.append(f"Method added: {m}")
    order = [m.id for m in new.methods] + list(diff.methods_removed)
    for method_id in order:
        method = new.method(method_id) or old.method(method_id)
        changes = diff.for_method(method_id)
        if not changes:
            lines.append(f"{method.name}: no change")
            continue
        lines.append(method.name)
        for c in changes:
            lines.append(f"  {_change_line(c, method_id)}")
            lines.append(f"              {c.text}")
    if diff.rules:
        lines.append("Rules:")
        lines += [f"  {r.method or 'standard'}: {r.rule}: {r.old} -> {r.new}" for r in diff.rules]
    else:
        lines.append("Rules: no change")
    if diff.overall:
        lines.append(f"Overall grade table: {len(diff.overall)} combinations graded differently")
        lines += [f"  {', '.join(o.grades.values())}: {o.old} -> {o.new}" for o in diff.overall]
    else:
        lines.append("Overall grade table: no change")
    return "\n".join(lines)


def diff_html(diff: VersionDiff, old: Standard, new: Standard) -> str:
    """Side by side: for each method, the changed descriptors' ids in each version."""
    parts = [
        f"<div class='epa-trainer epa-trainer-diff'>{TRAINER_CSS}"
        f"<p><b>{escape(diff.standard)} v{escape(diff.old_version)} → "
        f"v{escape(diff.new_version)}</b>: "
        f"{escape(change_summary(diff))} (descriptors matched by text)</p>"
    ]
    for method_id in [m.id for m in new.methods] + list(diff.methods_removed):
        method = new.method(method_id) or old.method(method_id)
        changes = diff.for_method(method_id)
        total_old = len(old.method(method_id).criteria) if old.method(method_id) else 0
        total_new = len(new.method(method_id).criteria) if new.method(method_id) else 0
        parts.append(f"<h4>{escape(method.name)} ({total_old} → {total_new} descriptors)</h4>")
        if not changes:
            parts.append("<p>No change.</p>")
            continue
        rows = []
        for c in changes:
            left = escape(c.old.id if c.old.method == method_id else str(c.old)) if c.old else "—"
            right = escape(c.new.id if c.new.method == method_id else str(c.new)) if c.new else "—"
            rows.append(
                f"<tr class='epa-change-{c.change}'><td>{left}</td><td>{right}</td>"
                f"<td>{c.change}</td><td>{c.band}</td><td>{escape(c.text)}</td></tr>"
            )
        parts.append(
            f"<table><thead><tr><th>v{escape(diff.old_version)}</th>"
            f"<th>v{escape(diff.new_version)}</th><th>change</th><th>band</th>"
            f"<th>descriptor</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    rules = "".join(
        f"<li>{escape(r.method or 'standard')}: {escape(r.rule)}: {escape(r.old)} → "
        f"{escape(r.new)}</li>"
        for r in diff.rules
    )
    parts.append(
        f"<p>Rules: {'no change' if not rules else ''}</p>" + (f"<ul>{rules}</ul>" if rules else "")
    )
    overall = f"{len(diff.overall)} combinations differ" if diff.overall else "no change"
    parts.append(f"<p>Overall grade table: {overall}</p></div>")
    return "".join(parts)


def effect_lines(effect: RecordEffect, record_judgements: Mapping[str, str]) -> list[str]:
    lines = [
        f"A {effect.method} record made under v{effect.old_version}, read under "
        f"v{effect.new_version}:"
    ]
    for key, place in effect.moved_out.items():
        lines.append(
            f"  {key} ({JUDGEMENT_WORDS[record_judgements[key]]}) moves to {place}: "
            "that method's record would have to carry it"
        )
    if effect.rekeyed:
        lines.append("  re-keyed: " + ", ".join(f"{a} -> {b}" for a, b in effect.rekeyed.items()))
    for key, why in effect.dropped.items():
        lines.append(f"  dropped: {key} ({why})")
    for cid in effect.missing:
        origin = effect.moved_in.get(cid)
        lines.append(
            f"  needs a judgement: {cid}" + (f" (moved here from {origin})" if origin else "")
        )
    before = effect.old_outcome.grade or "not yet graded"
    if effect.new_outcome is None:
        lines.append(
            f"  grade: {before} under v{effect.old_version}; the method is not "
            f"assessed in v{effect.new_version}"
        )
    else:
        after = effect.new_outcome.grade or "not yet graded"
        lines.append(
            f"  grade: {before} under v{effect.old_version}; {after} under "
            f"v{effect.new_version} ({effect.new_outcome.status})"
        )
    return lines


def effect_html(effect: RecordEffect, record_judgements: Mapping[str, str]) -> str:
    items = "".join(
        f"<li>{escape(line.strip())}</li>" for line in effect_lines(effect, record_judgements)[1:]
    )
    return (
        f"<div class='epa-trainer epa-trainer-effect'><p><b>This record under "
        f"v{escape(effect.new_version)}</b></p><ul>{items}</ul></div>"
    )
