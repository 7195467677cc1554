"""The IQA moderations an exported record prints, read from the store.

A moderation is kept in the record's history in the store, not in the notebook, so an export
asked to show moderations reads them here, once per run, keyed by the record's place in the run
folder, as plain values the record's template prints.
"""

from __future__ import annotations

from typing import Any

from epa_kernel.core.vocabulary import MODERATION_LABELS, attempt_stem


def moderation_views(store, stored_id: int) -> list[dict[str, Any]]:
    """The record's moderations from the store, as the record prints them (plain values)."""
    return [
        {
            "reviewer": m.reviewer,
            "at": v.at[:16].replace("T", " ") + " UTC",
            "outcome": MODERATION_LABELS[m.outcome],
            "new_grade": m.new_grade,
            "rationale": m.rationale,
            "disagreements": [
                {"id": cid, "rationale": m.descriptors[cid].rationale} for cid in m.disagreements
            ],
        }
        for v, m in store.moderations(stored_id)
    ]


def store_moderations(store_url: str) -> dict[str, list[dict[str, Any]]]:
    """Moderations of every submitted record, keyed ``<uln>/<notebook stem>``."""
    from epa_kernel.store.store import Store

    store = Store(store_url)
    out = {}
    for stored in store.all_records(submitted_only=True):
        r = stored.record
        views = moderation_views(store, stored.id)
        if views:
            out[f"{r.apprentice.uln}/{attempt_stem(r.method, r.attempt_key)}"] = views
    store.close()
    return out
