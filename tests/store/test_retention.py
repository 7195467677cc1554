"""Retention: `epa purge` removes records past their retention period from the store (every
version; other records' hash chains untouched) and from a run folder, and leaves an audit line
without personal data. The clock: the later of the record's assessed_on and its last version's
date (store) or its notebook's execution (run folder); past retention when that is before
DATE minus the retention years (six by default)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from epa_kernel.core.bundles import METHOD_MIME
from epa_kernel.errors import InputError
from epa_kernel.exports.retention import purge_run_folder
from epa_kernel.store.retention import audit_rows, cutoff_date, purge_store
from epa_kernel.store.store import Store
from helpers import VALID_ULNS, epa, make_record

ULNS = VALID_ULNS


def at(day: str):
    return lambda: f"{day}T10:00:00.000000+00:00"


def seed(url: str) -> dict[str, int]:
    """Four apprentices; the dates say when each record last changed."""
    ids = {}

    def put(key, day, uln, method="practical_observation", **kw):
        store = Store(url, clock=at(day))
        record = make_record(
            uln=uln,
            method=method,
            judgements={} if method != "practical_observation" else None,
            assessed_on=kw.pop("assessed_on", day),
        )
        store.assign(record)
        stored = store.put(record, author="Sam")
        stored = store.submit(stored, author="Sam")
        ids[key] = stored.id
        store.close()
        return stored

    put("old", "2019-01-10", ULNS[0])
    kept = put("amended", "2019-01-10", ULNS[0], "professional_discussion")
    store = Store(url, clock=at("2021-05-01"))  # an amendment restarts the clock
    store.amend(
        kept,
        kept.record.model_copy(update={"notes": {"P1": "corrected"}}),
        author="Lead",
        reason="typo",
    )
    store.close()
    put("gone", "2019-06-02", ULNS[1], assessed_on="2019-06-01")
    put("recent", "2025-01-02", ULNS[2], assessed_on="2025-01-01")
    put("boundary", "2020-03-02", ULNS[3], assessed_on="2020-03-01")
    return ids


def table(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def test_cutoff_is_the_date_minus_the_retention_years():
    assert cutoff_date(date(2026, 3, 2)) == date(2020, 3, 2)
    assert cutoff_date(date(2028, 2, 29), 1) == date(2027, 2, 28)
    assert cutoff_date(date(2026, 1, 1), 10) == date(2016, 1, 1)
    with pytest.raises(InputError, match="in the future"):
        cutoff_date(date(2030, 1, 1), today=date(2026, 1, 1))
    with pytest.raises(InputError, match="at least 1 year"):
        cutoff_date(date(2026, 1, 1), 0)


def test_purge_removes_every_version_of_records_past_retention_and_nothing_else(store_url):
    ids = seed(store_url)
    store = Store(store_url)
    chains = {k: store.history(i) for k, i in ids.items()}
    result = purge_store(store, date(2026, 3, 2))
    assert result.cutoff == date(2020, 3, 2)
    assert sorted(result.record_ids) == sorted([ids["old"], ids["gone"]])
    assert (result.records, result.versions, result.apprentices) == (2, 4, 1)
    for key in ("old", "gone"):
        assert table(store_url, f"SELECT * FROM record_versions WHERE record_id = {ids[key]}") == []
        assert table(store_url, f"SELECT * FROM records WHERE id = {ids[key]}") == []
    for key in ("amended", "recent", "boundary"):  # kept, their chains exactly as they were
        assert store.history(ids[key]) == chains[key]
    assert store.verify() == []
    # the apprentice with nothing left is gone with their assignments; the others stay
    assert [r[0] for r in table(store_url, "SELECT uln FROM apprentices ORDER BY uln")] == sorted(
        [ULNS[0], ULNS[2], ULNS[3]]
    )
    assert table(store_url, f"SELECT * FROM assignments WHERE uln = '{ULNS[1]}'") == []
    assert store.find(ULNS[0], "professional_discussion") is not None

    # the day after the boundary record's sixth anniversary, it goes too
    later = purge_store(store, date(2026, 3, 3))
    assert later.record_ids == [ids["boundary"]]
    assert store.verify() == []

    rows = audit_rows(store)
    assert [
        (r["as_of"], r["cutoff"], r["records"], r["versions"], r["apprentices"]) for r in rows
    ] == [("2026-03-02", "2020-03-02", 2, 4, 1), ("2026-03-03", "2020-03-03", 1, 2, 1)]
    assert json.loads(rows[0]["record_ids"]) == sorted([ids["old"], ids["gone"]])
    audit = json.dumps(rows, default=str)
    assert not any(uln in audit for uln in ULNS) and "Ada" not in audit and "Sam" not in audit
    store.close()


def test_dry_run_and_a_longer_period_change_nothing(store_url):
    seed(store_url)
    before = table(
        store_url, "SELECT record_id, version, chain_hash FROM record_versions ORDER BY 1, 2"
    )
    store = Store(store_url)
    dry = purge_store(store, date(2026, 3, 2), dry_run=True)
    assert dry.records == 2 and dry.dry_run
    assert purge_store(store, date(2026, 3, 2), retention_years=10).records == 0
    assert (
        table(store_url, "SELECT record_id, version, chain_hash FROM record_versions ORDER BY 1, 2")
        == before
    )
    assert [r["records"] for r in audit_rows(store)] == []  # a purge that removed nothing: no line
    assert (
        purge_store(store, date(2026, 3, 2), retention_years=1).records == 5
    )  # all changed before 2025-03-02
    store.close()


def test_the_purge_command_prints_counts_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    seed(url)
    dry = epa("purge", "--before", "2026-03-02", "--store", url, "--dry-run")
    assert (
        dry.returncode == 0
        and "would remove 2 records (4 versions) and 1 apprentices" in dry.stdout
    )
    done = epa("purge", "--before", "2026-03-02", "--store", url)
    assert done.returncode == 0, done.stderr
    assert (
        "cut-off 2020-03-02 (6 years before 2026-03-02): removed 2 records (4 versions) and "
        "1 apprentices" in done.stdout
    )
    assert "purge_audit" in done.stdout
    printed = done.stdout + done.stderr + dry.stdout + dry.stderr
    assert not any(uln in printed for uln in ULNS) and "Ada" not in printed
    years = epa("purge", "--before", "2026-03-02", "--store", url, "--retention-years", "1")
    assert "removed 3 records" in years.stdout  # the three left all changed before 2025-03-02


@pytest.mark.parametrize(
    "args, words",
    [
        (["--before", "2999-01-01"], "is in the future"),
        (["--before", "01/02/2026"], "is not a date (YYYY-MM-DD)"),
        (["--before", "2026-01-01", "--retention-years", "0"], "must be at least 1"),
        (["--before", "2026-01-01", "--out", "{tmp}"], "holds no results.csv"),
        ([], "--before"),
    ],
)
def test_bad_purge_arguments_exit_2_and_remove_nothing(tmp_path, args, words):
    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    seed(url)
    before = (tmp_path / "epa.sqlite").read_bytes()
    done = epa("purge", "--store", url, *[a.format(tmp=tmp_path) for a in args])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert words in done.stderr
    assert (tmp_path / "epa.sqlite").read_bytes() == before


# ---------------------------------------------------------------------- a run folder (made by hand)


def notebook(path: Path, uln: str, assessed_on: str, executed: str) -> None:
    bundle = {
        "uln": uln,
        "record": {"apprentice": {"uln": uln, "name": "Ada Example"}, "assessed_on": assessed_on},
    }
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "",
                "metadata": {},
                "execution_count": 1,
                "outputs": [
                    {"output_type": "display_data", "metadata": {}, "data": {METHOD_MIME: bundle}}
                ],
            }
        ],
        "metadata": {"papermill": {"end_time": executed}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_a_run_folder_loses_only_apprentices_whose_every_record_is_past(tmp_path):
    old, mixed, broken = ULNS[:3]
    notebook(
        tmp_path / old / "practical_observation.ipynb",
        old,
        "2018-01-01",
        "2018-01-02T09:00:00+00:00",
    )
    notebook(
        tmp_path / old / "professional_discussion.ipynb",
        old,
        "2018-01-05",
        "2018-01-06T09:00:00+00:00",
    )
    (tmp_path / old / "practical_observation.html").write_text("<p>Ada Example</p>")
    notebook(
        tmp_path / mixed / "practical_observation.ipynb",
        mixed,
        "2018-01-01",
        "2018-01-02T09:00:00+00:00",
    )
    notebook(
        tmp_path / mixed / "professional_discussion.ipynb",
        mixed,
        "2018-01-05",
        "2025-06-01T09:00:00+00:00",
    )
    notebook(
        tmp_path / broken / "practical_observation.ipynb",
        broken,
        "2018-01-01",
        "2018-01-02T09:00:00+00:00",
    )
    (tmp_path / broken / "professional_discussion.ipynb").write_text("{not json")
    rows = "".join(f"{u},ST0072,1.0,,,,,,graded,\n" for u in (old, mixed, broken))
    (tmp_path / "results.csv").write_text(
        "uln,standard,version,apprentice_showcase,practical_observation,work_based_project,"
        "professional_discussion,overall,status,message\n" + rows,
        encoding="utf-8",
    )

    done = epa("purge", "--before", "2026-03-02", "--out", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr  # the unreadable folder is reported
    assert "removed 1 apprentice folders (2 method records)" in done.stdout
    assert "kept 1 apprentice folders with a notebook that could not be read" in done.stdout
    assert not any(u in done.stdout + done.stderr for u in ULNS)
    assert (
        not (tmp_path / old).exists()
        and (tmp_path / mixed).exists()
        and (tmp_path / broken).exists()
    )
    assert not list(tmp_path.glob(".purge-*"))
    csv_text = (tmp_path / "results.csv").read_text(encoding="utf-8")
    assert old not in csv_text and mixed in csv_text and broken in csv_text
    (line,) = (tmp_path / "purge-audit.log").read_text(encoding="utf-8").splitlines()
    audit = json.loads(line)
    assert (audit["cutoff"], audit["folders"], audit["notebooks"]) == ("2020-03-02", 1, 2)
    assert not any(u in line for u in ULNS) and "Ada" not in line
    assert not (tmp_path / "epa.sqlite").exists()  # only --out: the default store is not touched


def test_run_folder_purge_in_a_dry_run_removes_nothing(tmp_path):
    notebook(
        tmp_path / ULNS[0] / "practical_observation.ipynb", ULNS[0], "2018-01-01", "2018-01-02"
    )
    (tmp_path / "results.csv").write_text("uln\n" + ULNS[0] + "\n", encoding="utf-8")
    result = purge_run_folder(tmp_path, date(2026, 3, 2), dry_run=True)
    assert result.folders == 1 and (tmp_path / ULNS[0]).exists()
    assert not (tmp_path / "purge-audit.log").exists()
