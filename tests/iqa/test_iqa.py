"""IQA: sampling rules (property tests), moderation in the store, the release hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epa_kernel.core.moderation import Moderation
from epa_kernel.errors import InputError
from epa_kernel.iqa.sampling import Decision, Policy, Rates, draw, plan_sample
from epa_kernel.store.store import Store
from helpers import epa, make_record

ASSESSORS = ["Ann", "Bo", "Cy"]


@st.composite
def decisions(draw_, min_size=0, max_size=40):
    n = draw_(st.integers(min_size, max_size))
    out = []
    for i in range(n):
        pass_required = draw_(st.integers(1, 30))
        pass_met = draw_(st.integers(0, pass_required))
        d_required = draw_(st.integers(1, 10))
        d_met = draw_(st.integers(0, d_required + 2))
        grade = (
            "Fail" if pass_met < pass_required else "Distinction" if d_met >= d_required else "Pass"
        )
        out.append(
            Decision(
                id=f"{1000000000 + i}/practical_observation",
                uln=str(1000000000 + i),
                standard=draw_(st.sampled_from(["ST0071", "ST0072"])),
                version="1.0",
                method=draw_(st.sampled_from(["practical_observation", "professional_discussion"])),
                attempt="first",
                assessor=draw_(st.sampled_from(ASSESSORS)),
                assessed_on=f"2026-0{draw_(st.integers(1, 9))}-1{draw_(st.integers(0, 9))}",
                grade=grade,
                pass_met=pass_met,
                pass_required=pass_required,
                distinction_met=d_met,
                distinction_required=d_required,
                content_hash="0" * 64,
            )
        )
    return out


def picked(picks):
    return {p.decision.id: p.reasons for p in picks}


NOTHING = Policy(first_n=0, every_fail=False, boundaries=False, random_share=0)


@settings(max_examples=150, deadline=None)
@given(decisions(), st.integers())
def test_every_fail_is_sampled_with_its_reason(ds, seed):
    chosen = picked(plan_sample(ds, NOTHING.model_copy(update={"every_fail": True}), seed=seed))
    assert set(chosen) == {d.id for d in ds if d.grade == "Fail"}
    assert all("every Fail is sampled" in r for r in chosen.values())


@settings(max_examples=150, deadline=None)
@given(decisions(), st.integers())
def test_boundary_grades_are_sampled(ds, seed):
    chosen = picked(plan_sample(ds, NOTHING.model_copy(update={"boundaries": True}), seed=seed))
    expected = {
        d.id
        for d in ds
        if (d.grade == "Distinction" and d.distinction_met == d.distinction_required)
        or (d.grade == "Fail" and d.pass_met == d.pass_required - 1)
    }
    assert set(chosen) == expected
    assert all(any(r.startswith("boundary:") for r in rs) for rs in chosen.values())


@settings(max_examples=150, deadline=None)
@given(decisions(), st.integers(0, 6), st.integers())
def test_an_assessors_first_n_decisions_are_sampled(ds, n, seed):
    chosen = picked(plan_sample(ds, NOTHING.model_copy(update={"first_n": n}), seed=seed))
    for assessor in ASSESSORS:
        mine = sorted(
            (d for d in ds if d.assessor == assessor), key=lambda d: (d.assessed_on, d.id)
        )
        assert {d.id for d in mine[:n]} == {i for i in chosen if i in {d.id for d in mine}}


@settings(max_examples=100, deadline=None)
@given(decisions(min_size=2), st.integers(), st.data())
def test_flagged_always_voided_never(ds, seed, data):
    flagged = data.draw(st.sampled_from([d.id for d in ds]))
    voided = data.draw(st.sampled_from([d.id for d in ds if d.id != flagged]))
    policy = Policy(flagged=(flagged,), voided=(voided,), first_n=100, random_share=1)
    chosen = picked(plan_sample(ds, policy, seed=seed))
    assert "flagged by hand" in chosen[flagged]
    assert voided not in chosen


@settings(max_examples=100, deadline=None)
@given(decisions(), decisions(), st.integers(), st.floats(0, 1))
def test_same_seed_same_plan_and_adding_decisions_changes_no_other_pick(ds, more, seed, share):
    policy = Policy(random_share=share, rates=Rates(by_method={"professional_discussion": 0.5}))
    assert plan_sample(ds, policy, seed=seed) == plan_sample(ds, policy, seed=seed)
    extra = [
        d.model_copy(update={"id": d.id.replace("/", "x/"), "assessed_on": "2027-01-01"})
        for d in more
    ]
    before = picked(plan_sample(ds, policy.model_copy(update={"first_n": 0}), seed=seed))
    after = picked(plan_sample(ds + extra, policy.model_copy(update={"first_n": 0}), seed=seed))
    assert {k: v for k, v in after.items() if k in before or k in {d.id for d in ds}} == before


def plain_decision(decision_id: str, uln: str, grade: str) -> Decision:
    """A first-attempt ST0072 observation by Ann with one pass and one distinction descriptor,
    graded ``grade``: only its id, ULN and grade matter to the test using it."""
    return Decision(
        id=decision_id,
        uln=uln,
        standard="ST0072",
        version="1.0",
        method="practical_observation",
        attempt="first",
        assessor="Ann",
        assessed_on=None,
        grade=grade,
        pass_met=0 if grade == "Fail" else 1,
        pass_required=1,
        distinction_met=0,
        distinction_required=1,
        content_hash="",
    )


def test_rates_select_about_their_share(tmp_path):
    ds = [plain_decision(f"{i}/m", str(i), "Pass") for i in range(4000)]
    for scope in ("by_standard", "by_method", "by_assessor"):
        key = {"by_standard": "ST0072", "by_method": "practical_observation", "by_assessor": "Ann"}[
            scope
        ]
        policy = NOTHING.model_copy(update={"rates": Rates(**{scope: {key: 0.25}})})
        share = len(plan_sample(ds, policy, seed=7)) / len(ds)
        assert 0.22 < share < 0.28, scope
    share = len(plan_sample(ds, NOTHING, seed=7, rate=0.1)) / len(ds)
    assert 0.08 < share < 0.12


def test_unknown_flagged_id_is_bad_input():
    with pytest.raises(InputError, match="no decision 'nope'"):
        plan_sample([], Policy(flagged=("nope",)))


def test_draw_is_uniform_enough_and_fixed():
    values = [draw(1, str(i), "random") for i in range(2000)]
    assert values == [draw(1, str(i), "random") for i in range(2000)]
    assert 0.45 < sum(values) / len(values) < 0.55


# --- moderation -------------------------------------------------------------------------------


def test_moderation_persists_in_the_records_history(store, store_url):
    stored = store.submit(store.put(make_record(), author="Sam"), author="Sam")
    moderation = Moderation(
        reviewer="Iris IQA",
        outcome="grade_changed",
        new_grade="Fail",
        rationale="P3 was not evidenced in the recording.",
        descriptors={
            "P3": {"agree": False, "rationale": "no example given"},
            "P1": {"agree": True},
        },
    )
    store.moderate(stored, moderation)
    again = Store(store_url)
    history = again.history(stored.id)
    assert [v.kind for v in history] == ["created", "submitted", "moderated"]
    assert history[-1].author == "Iris IQA"
    ((version, saved),) = again.moderations(stored.id)
    assert saved == moderation and saved.disagreements == ["P3"]
    assert again.get(stored.id).record == stored.record  # the record itself is unchanged
    assert again.verify() == []
    again.close()


def test_only_submitted_records_are_moderated(store):
    draft = store.put(make_record(judgements={}), author="Sam")
    moderation = Moderation(reviewer="Iris", outcome="confirmed", rationale="ok")
    with pytest.raises(InputError, match="only a submitted record"):
        store.moderate(draft, moderation)


@pytest.mark.parametrize(
    "data, words",
    [
        ({"reviewer": "I", "outcome": "grade_changed", "rationale": "x"}, "new_grade exactly"),
        (
            {
                "reviewer": "I",
                "outcome": "confirmed",
                "rationale": "x",
                "descriptors": {"P1": {"agree": False}},
            },
            "disagreement needs a rationale",
        ),
        ({"reviewer": "I", "outcome": "maybe", "rationale": "x"}, "confirmed"),
    ],
)
def test_moderation_is_validated(data, words):
    with pytest.raises(Exception, match=words):
        Moderation.model_validate(data)


def test_results_are_held_until_sampled_decisions_are_moderated():
    from epa_kernel.iqa.sampling import Pick, release_status

    a = plain_decision("1000000019/practical_observation", "1000000019", "Fail")
    b = a.model_copy(update={"id": "1000000027/practical_observation", "uln": "1000000027"})
    picks = [
        Pick(decision=a, reasons=("every Fail is sampled",)),
        Pick(decision=b, reasons=("every Fail is sampled",)),
    ]
    moderated = {a.id: "confirmed", b.id: "referred_back"}
    assert release_status(picks, moderated, Policy()) == {
        "1000000019": "released",
        "1000000027": "pending release",
    }
    no_hold = Policy(hold_results_until_moderated=False)
    assert set(release_status(picks, {}, no_hold).values()) == {"released"}


def test_moderation_appears_in_the_exported_record(demo_run, tmp_path):
    """One apprentice of the demo run: store and moderate their discussion, export with the
    store."""
    cohort, out = demo_run.copy(tmp_path, ["a07_"])
    uln = demo_run.uln("a07_")
    store_url = f"sqlite:///{tmp_path / 'epa.sqlite'}"
    assert epa("import", cohort, "--store", store_url, "--submitted").returncode == 0
    store = Store(store_url)
    stored = store.find(uln, "professional_discussion")
    first = sorted(stored.record.judgements)[0]
    store.moderate(
        stored,
        Moderation(
            reviewer="Iris <b>Reviewer</b>",
            outcome="grade_changed",
            new_grade="Fail",
            rationale="Evidence was from a team-mate's case.",
            descriptors={first: {"agree": False, "rationale": "not the apprentice's own work"}},
        ),
    )
    store.close()
    before = (out / uln / "professional_discussion.html").read_text()
    assert "IQA moderation" not in before
    done = epa("export", out, "--store", store_url, "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    html = (out / uln / "professional_discussion.html").read_text()
    assert "IQA moderation" in html and "Grade changed: Fail" in html
    assert "Iris &lt;b&gt;Reviewer&lt;/b&gt;" in html and "not the apprentice's own work" in html
    assert f"Disagreed: {first}" in html
    assert "IQA moderation" not in (out / uln / "practical_observation.html").read_text()
