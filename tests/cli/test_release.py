"""Release and certificate claims, on SQLite and a real PostgreSQL server, and through `epa`:
results released only when QA and appeals allow, recorded once, and claimed once, with bad rows
refused and left out of the CSV."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from epa_kernel.core.moderation import Moderation
from epa_kernel.core.records import MethodRecord
from epa_kernel.errors import InputError
from epa_kernel.exports.certificates import COLUMNS, claim_batch, claim_row, to_csv
from epa_kernel.iqa import decisions
from epa_kernel.iqa.release import release_results
from epa_kernel.iqa.sampling import Pick, Policy
from epa_kernel.iqa.sampling_plan import write_plan
from helpers import (
    EPA_DATES,
    VALID_ULNS,
    epa,
    lodge_appeal,
    make_record,
    put_epa,
)

SAMPLED, OTHER, FAILED, PARTIAL = VALID_ULNS


def plan_for(store, decision_id):
    """A plan that samples exactly one decision, as `epa iqa sample` would have picked it."""
    (picked,) = [d for d in decisions.from_store(store) if d.id == decision_id]
    return [Pick(decision=picked, reasons=("flagged by hand",))], Policy()


def states(results):
    return {d.uln: (d.state, d.why) for d in results}


@pytest.fixture
def cohort(store):
    put_epa(store, SAMPLED)
    put_epa(store, OTHER)
    return store


def lodge(store, uln, method="practical_observation"):
    return lodge_appeal(store, store.find(uln, method), date(2026, 3, 20), date(2026, 3, 18))


def test_release_waits_for_moderation_and_appeals_then_happens_once(cohort):
    store = cohort
    picks, policy = plan_for(store, f"{SAMPLED}/practical_observation")
    lodge(store, SAMPLED, "professional_discussion")

    first = states(release_results(store, picks, policy, by="Rel Eases"))
    assert first[OTHER] == ("released", "released by Rel Eases")
    state, why = first[SAMPLED]
    assert state == "held"
    assert f"{SAMPLED}/practical_observation (not moderated)" in why
    assert "under appeal: appeal 1 on professional_discussion (first) is lodged" in why
    assert set(store.releases()) == {OTHER}

    store.moderate(
        store.find(SAMPLED, "practical_observation"),
        Moderation(reviewer="Iris", outcome="confirmed", rationale="Agreed."),
    )
    state, why = states(release_results(store, picks, policy, by="Rel"))[SAMPLED]
    assert state == "held" and "moderated" not in why and "under appeal" in why

    store.resolve_appeal(
        store.find(SAMPLED, "professional_discussion"),
        1,
        status="rejected",
        handler="Hal",
        outcome="The recording shows the full observation.",
    )
    third = states(release_results(store, picks, policy, by="Rel"))
    assert third[SAMPLED] == ("released", "released by Rel")
    assert third[OTHER][0] == "already released" and "by Rel Eases" in third[OTHER][1]
    again = states(release_results(store, picks, policy, by="Someone Else"))
    assert {s for s, _ in again.values()} == {"already released"}
    released = store.releases()
    assert (released[SAMPLED].by, released[OTHER].by) == ("Rel", "Rel Eases")
    assert set(released[SAMPLED].hashes) == {f"{m}/first" for m in EPA_DATES}


def test_a_referral_back_still_holds_the_release(cohort):
    store = cohort
    picks, policy = plan_for(store, f"{SAMPLED}/practical_observation")
    store.moderate(
        store.find(SAMPLED, "practical_observation"),
        Moderation(reviewer="Iris", outcome="referred_back", rationale="Check P3."),
    )
    state, why = states(release_results(store, picks, policy, by="Rel"))[SAMPLED]
    assert state == "held" and "(referred_back)" in why


def test_certificate_rows_exactly_and_claimed_once(cohort):
    store = cohort
    put_epa(store, FAILED, fail="practical_observation")
    put_epa(store, PARTIAL, skip=("professional_discussion",))
    release_results(store, [], Policy(), by="Rel")
    lodge(store, OTHER)  # an appeal after release holds the certificate back

    rows, refused = claim_batch(store)
    assert to_csv(rows).splitlines() == [
        ",".join(COLUMNS),
        f"{SAMPLED},ST0072,1.0,Pass,2026-03-16",
    ]
    reasons = {r.uln: r.reason for r in refused}
    assert set(reasons) == {OTHER, FAILED, PARTIAL}
    assert reasons[OTHER] == "under appeal (practical_observation appeal 1)"
    assert reasons[FAILED].startswith("overall Fail: the service takes no certificate")
    assert reasons[PARTIAL].startswith("no overall grade yet: Not yet assessed")

    from epa_kernel.exports.certificates import claims_to_record

    store.record_claims(claims_to_record(rows), file="batch1.csv")
    rows, _ = claim_batch(store)
    assert rows == []  # claimed once
    (claim,) = store.claims()
    assert (claim.uln, claim.grade, claim.achieved_on, claim.file) == (
        SAMPLED,
        "Pass",
        "2026-03-16",
        "batch1.csv",
    )


def test_results_amended_after_release_are_not_claimed_until_released_again(cohort):
    store = cohort
    release_results(store, [], Policy(), by="Rel")
    stored = store.find(SAMPLED, "professional_discussion")
    store.amend(
        stored,
        stored.record.model_copy(update={"assessed_on": date(2026, 3, 17)}),
        author="Sam",
        reason="date corrected",
    )
    rows, refused = claim_batch(store)
    assert [r["Uln"] for r in rows] == [OTHER]
    assert [r.uln for r in refused] == [SAMPLED]
    assert "changed since their release" in refused[0].reason
    release_results(store, [], Policy(), by="Rel")
    rows, _ = claim_batch(store)
    assert {r["Uln"]: r["AchievementDate"] for r in rows}[SAMPLED] == "2026-03-17"


def test_an_invalid_uln_is_refused():
    good = [make_record(method=m, assessed_on=date(2026, 3, d)) for m, d in EPA_DATES.items()]
    assert claim_row(VALID_ULNS[0], good)["OverallGrade"] == "Pass"
    bad = [
        MethodRecord.model_construct(
            **{**r.__dict__, "apprentice": r.apprentice.model_construct(uln="1234567890")}
        )
        for r in good
    ]
    with pytest.raises(InputError, match="invalid ULN"):
        claim_row("1234567890", bad)


def test_release_and_certificates_from_the_command_line(tmp_path):
    from epa_kernel.store.store import Store

    url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    store = Store(url)
    put_epa(store, SAMPLED)
    put_epa(store, OTHER)
    put_epa(store, FAILED, fail="practical_observation")
    picks, policy = plan_for(store, f"{SAMPLED}/practical_observation")
    plan = tmp_path / "plan.json"
    write_plan(plan, picks, policy, decisions=9, seed=0, rate=None)
    store.close()

    config = tmp_path / "epa.toml"
    config.write_text(
        '[appeals]\nwindow_working_days = 20\npolicy_source = "Appeals Policy 2.1"\n',
        encoding="utf-8",
    )
    lodged = epa(
        "appeal", "lodge", OTHER, "practical_observation", "--store", url,
        "--appellant", "Ada Example", "--lodged-on", "2026-05-06", "--notified-on", "2026-04-02",
        "--grounds", "cut short", "--by", "Rita", "--config", str(config),
    )  # fmt: skip
    assert lodged.returncode == 2
    assert "the last day was 2026-05-05" in lodged.stderr
    lodged = epa(
        "appeal", "lodge", OTHER, "practical_observation", "--store", url,
        "--appellant", "Ada Example", "--lodged-on", "2026-05-05", "--notified-on", "2026-04-02",
        "--grounds", "cut short", "--by", "Rita", "--config", str(config),
    )  # fmt: skip
    assert lodged.returncode == 0, lodged.stderr
    assert "appeal 1 lodged on 2026-05-05: lodged" in lodged.stdout

    released = epa("release", "--sample", plan, "--store", url, "--by", "Rel")
    assert released.returncode == 0, released.stderr
    lines = {line.split()[0]: line for line in released.stdout.splitlines()[:-1]}
    assert "held" in lines[SAMPLED] and "not moderated" in lines[SAMPLED]
    assert "held" in lines[OTHER] and "under appeal" in lines[OTHER]
    assert "released by Rel" in lines[FAILED]
    assert released.stdout.splitlines()[-1] == (
        "1 apprentices released now; 0 already released; 2 held"
    )

    resolved = epa(
        "appeal", "resolve", OTHER, "practical_observation", "--store", url,
        "--number", "1", "--status", "withdrawn", "--by", "Hal",
    )  # fmt: skip
    assert resolved.returncode == 0, resolved.stderr
    listed = epa("appeal", "list", "--store", url)
    assert "withdrawn" in listed.stdout and "Ada" not in listed.stdout
    assert epa("release", "--sample", plan, "--store", url).stdout.splitlines()[-1] == (
        "1 apprentices released now; 1 already released; 1 held"
    )

    out = tmp_path / "claims.csv"
    claimed = epa("certificates", "--store", url, "--out", out)
    assert claimed.returncode == 1  # a row was refused
    assert f"refused {FAILED}: overall Fail" in claimed.stdout and FAILED not in claimed.stderr
    with open(out, newline="", encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == [
            {
                "Uln": OTHER,
                "StandardReference": "ST0072",
                "Version": "1.0",
                "OverallGrade": "Pass",
                "AchievementDate": "2026-03-16",
            }
        ]
    again = epa("certificates", "--store", url, "--out", tmp_path / "next.csv")
    assert (tmp_path / "next.csv").read_text(encoding="utf-8") == ",".join(COLUMNS) + "\n"
    assert "wrote 0 certificate claims" in again.stdout


def test_purge_removes_the_releases_and_claims_of_apprentices_it_removes(store_url):
    from epa_kernel.exports.certificates import claims_to_record
    from epa_kernel.store.retention import purge_store
    from epa_kernel.store.store import Store

    store = Store(store_url, clock=lambda: "2019-04-01T00:00:00+00:00")
    for method, day in EPA_DATES.items():
        record = make_record(method=method, uln=OTHER, assessed_on=date(2019, 3, day))
        store.put(record, author="Sam", submitted=True)
    release_results(store, [], Policy(), by="Rel")
    rows, _ = claim_batch(store)
    store.record_claims(claims_to_record(rows), file="old.csv")
    assert set(store.releases()) == {OTHER} and len(store.claims()) == 1
    result = purge_store(store, date(2026, 1, 1), 6)
    assert result.apprentices == 1
    assert store.releases() == {} and store.claims() == []
    store.close()
