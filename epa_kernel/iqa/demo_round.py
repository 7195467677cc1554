"""The demo's round after the run: results stored, sampled, moderated, appealed, released, claimed.

``epa demo`` shows the whole EPA, not only the grades. Its cohort's records are imported into a
store of the demo's own (submitted, as an assessor's would be), IQA's sampling plan is drawn
with the default policy and every sampled decision is confirmed by a synthetic reviewer, the
lifecycle case marked for appeal has one lodged against its decision, results are released
where QA and appeals allow, and the certificate claim batch is written. Each step is the one the
EPAO's own commands take (``epa store import``, ``epa iqa sample``, ``epa release``, ``epa
certificates``), through the same functions; only the reviewer and the appellant are invented.

Running the demo again finds what the store already holds and adds nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from epa_kernel.batch.cohort import Cohort
from epa_kernel.core.moderation import Moderation
from epa_kernel.exports.certificates import Refused, claim_batch, claims_to_record, to_csv
from epa_kernel.files import write_atomic
from epa_kernel.iqa.decisions import from_store
from epa_kernel.iqa.release import ReleaseDecision, release_results
from epa_kernel.iqa.sampling import load_policy, plan_sample
from epa_kernel.store.store import Store
from epa_kernel.store.transfer import import_records

REVIEWER = "Demo IQA reviewer (synthetic)"
BY = "epa demo"


@dataclass
class DemoRound:
    """What the round did, for ``epa demo`` to print (ULNs, never names)."""

    imported: int = 0
    sampled: int = 0
    moderated: int = 0
    appealed: list[str] = field(default_factory=list)  # "<uln> <method>" of appeals lodged
    released: list[ReleaseDecision] = field(default_factory=list)
    claims: int = 0
    refused: list[Refused] = field(default_factory=list)
    certificates: Path | None = None  # None when nothing new was claimed


def appeal(store: Store, record, *, method: str) -> str:
    """Lodge the apprentice's appeal against their ``method`` decision, unless one is lodged;
    its date is a week after the assessment, the result notified two days before."""
    stored = store.find(record.apprentice.uln, method, "first")
    if stored is None or store.appeals(stored.id):
        return ""
    assessed = stored.record.assessed_on
    store.lodge_appeal(
        stored,
        kind="appeal",
        appellant_role="apprentice",
        appellant="the apprentice (synthetic)",
        lodged_on=assessed + timedelta(days=7),
        result_notified_on=assessed + timedelta(days=5),
        grounds="The interview questions did not cover the project's second half.",
        by=BY,
    )
    return f"{record.apprentice.uln} {method}"


def demo_round(store: Store, cohort: Cohort, appeals: dict[str, str], out: Path) -> DemoRound:
    """Run the round on ``cohort`` (read from the demo's folder) in ``store``; ``appeals`` maps
    a record file name prefix (a lifecycle case's key) to the method its apprentice appeals.
    The claim batch goes to ``out``/certificates.csv."""
    done = DemoRound()
    records = [(r, path) for e in cohort.apprentices.values() if e.ok for r, path in e.records]
    done.imported, _ = import_records(
        store, [(r, p.name) for r, p in records], author=BY, submitted=True
    )
    policy = load_policy(None)
    picks = plan_sample(from_store(store), policy, seed=2026)
    done.sampled = len(picks)
    for pick in picks:
        d = pick.decision
        stored = store.find(d.uln, d.method, d.attempt)
        if stored is not None and not store.moderations(stored.id):
            why = "Judgements match the evidence recorded (demo moderation)."
            store.moderate(
                stored, Moderation(reviewer=REVIEWER, outcome="confirmed", rationale=why)
            )
            done.moderated += 1
    for record, path in records:
        method = next((m for key, m in appeals.items() if path.name.startswith(key)), None)
        if method == record.method and record.attempt == "first":
            lodged = appeal(store, record, method=method)
            done.appealed += [lodged] if lodged else []
    done.released = release_results(store, picks, policy, by=BY)
    rows, done.refused = claim_batch(store)
    done.claims = len(rows)
    if rows:  # a second demo run claims nothing new and leaves the first batch's file alone
        done.certificates = out / "certificates.csv"
        write_atomic(done.certificates, to_csv(rows))
        store.record_claims(claims_to_record(rows), file=done.certificates.name)
    return done
