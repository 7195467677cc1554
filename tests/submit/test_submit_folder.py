"""`epa submit DIR --sample PLAN`: a run folder's released results sent from the folder, its
ledger kept in DIR/submissions.json (private, no key), so a second run sends nothing; results
the plan holds are listed and not sent; `epa submissions DIR` lists the ledger."""

from __future__ import annotations

import json
import stat

from fake_assessor_api import FakeAssessorApi
from submit_support import CONTACT, KEY

from epa_kernel.cli import main
from epa_kernel.iqa.decisions import from_run
from epa_kernel.iqa.sampling import Pick, Policy
from epa_kernel.iqa.sampling_plan import write_plan

APPROVED = {"ST0071": ["1.0", "1.1"], "ST0072": ["1.0"]}


def config(path, url):
    lines = ["[service]", f'sandbox_url = "{url}"', "[service.approved_versions]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in APPROVED.items()]
    lines += ["[service.postal_contact]", *(f'{k} = "{v}"' for k, v in CONTACT.items())]
    path.write_text("\n".join(lines) + "\n")
    return path


def learners(demo_run) -> dict[tuple[int, str], str]:
    """Each demo apprentice as the service's learner record holds them."""
    out = {}
    for files in demo_run.by_uln.values():
        record = json.loads(files[0].read_text(encoding="utf-8"))
        who = record["apprentice"]
        out[(int(who["uln"]), record["standard"])] = who["family_name"]
    return out


def test_a_run_folder_is_sent_once_with_its_ledger_in_the_folder(
    demo_run, tmp_path, monkeypatch, capsys
):
    _, out = demo_run.copy(tmp_path, exports=False)
    held = demo_run.uln("a22_")
    picks = [Pick(decision=d, reasons=("test",)) for d in from_run(out) if d.uln == held]
    plan = tmp_path / "plan.json"
    write_plan(
        plan, picks, Policy(hold_results_until_moderated=True), decisions=1, seed=0, rate=None
    )
    api = FakeAssessorApi(KEY)
    try:
        api.service.learners.update(learners(demo_run))
        api.service.approved.update({k: set(v) for k, v in APPROVED.items()})
        monkeypatch.setenv("EPA_SERVICE_KEY", KEY)
        cfg = config(tmp_path / "org.toml", api.url)
        args = ["submit", str(out), "--sample", str(plan), "--config", str(cfg)]

        assert main([*args, "--dry-run", str(tmp_path / "dry")]) == 0
        assert api.service.log == [] and not (out / "submissions.json").exists()
        capsys.readouterr()

        assert main([*args, "--sandbox"]) == 0
        printed = capsys.readouterr().out
        assert f"held {held}: held: a sampled decision awaits moderation" in printed
        assert "0 refused, 0 unanswered by the sandbox" in printed
        ledger = out / "submissions.json"
        assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
        rows = json.loads(ledger.read_text(encoding="utf-8"))["sent"]
        sent = {r["uln"] for r in rows}
        assert held not in sent and sent == set(demo_run.by_uln) - {held}
        assert {r["state"] for r in rows} == {"accepted"} and KEY not in ledger.read_text()
        posted = len(api.service.log)

        assert main([*args, "--sandbox"]) == 0  # again: the folder's ledger says all is sent
        assert "0 accepted, 0 refused" in capsys.readouterr().out
        assert len(api.service.log) == posted

        assert main(["submissions", str(out), "--sandbox", "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [(r["uln"], r["kind"], r["state"]) for r in listed] == [
            (r["uln"], r["kind"], r["state"]) for r in rows
        ]
    finally:
        api.close()


def test_a_run_folder_needs_its_plan(demo_run, tmp_path, capsys):
    _, out = demo_run.copy(tmp_path, exports=False)
    assert main(["submit", str(out), "--dry-run", str(tmp_path / "d")]) == 2
    assert "give --sample PLAN" in capsys.readouterr().err
