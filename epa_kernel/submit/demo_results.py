"""The demo's last step: its released results as the assessment service and Ofqual take them.

``epa demo`` ends here, on its own store: the requests ``epa submit --dry-run`` would send (into
``outputs/demo/submissions/``, nothing sent: the demo has no service and no key) and the Ofqual
EPA outcomes return of every result to date (``outputs/demo/ofqual_return.csv``). The
organisation, its identifier and its postal contact are synthetic, like the cohort.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from epa_kernel.core.catalogue import catalogue
from epa_kernel.exports.ofqual_format import ofqual_format
from epa_kernel.exports.ofqual_return import write_ofqual_return
from epa_kernel.submit.run import submit
from epa_kernel.submit.settings import ServiceSettings

DEMO_ORGANISATION_ID = "EPA0000"  # synthetic: no organisation holds it
DEMO_CONTACT = {
    "contact_name": "Certificates Office",
    "organisation": "Demo End-Point Assessment Organisation",
    "address_line1": "1 Example Street",
    "city": "Leeds",
    "postcode": "LS1 1AA",
}
FIRST_RESULTS = date(2017, 1, 1)  # the service takes no achievement before this day


def demo_settings() -> ServiceSettings:
    """Approved for every standard version the kit holds, certificates posted to the demo."""
    approved: dict[str, tuple[str, ...]] = {}
    for standard, version in catalogue():
        approved[standard] = (*approved.get(standard, ()), version)
    return ServiceSettings(approved_versions=approved, postal_contact=dict(DEMO_CONTACT))


def results_out(store, out: Path, today: date, organisation: str) -> list[str]:
    """Write the dry run and the return under ``out``; the lines the demo prints."""
    report = submit(store, demo_settings(), today=today, dry_run=out / "submissions")
    lines = [f"  submissions (dry run, nothing sent): {len(report.files)} request file(s) in "]
    lines[0] += f"{out / 'submissions'}; {len(report.held)} held"
    lines += [f"    problem {uln}: {'; '.join(p)}" for uln, p in sorted(report.problems.items())]
    written = write_ofqual_return(
        store,
        FIRST_RESULTS,
        today,
        out / "ofqual_return.csv",
        organisation=organisation,
        organisation_id=DEMO_ORGANISATION_ID,
    )
    lines.append(f"  Ofqual EPA outcomes return, results to {today}: {written}")
    lines.append(f"    not verified against Ofqual's published table: {ofqual_format().caveat()}")
    return lines
