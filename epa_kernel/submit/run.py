"""One ``epa submit``: check everything, then send EPA records, certificates and submissions.

The order is the service's: an EPA record for every result (Pass, Fail, Withdrawn), then a
certificate for each result that earns one, then its submission; each phase's items go in
batches of at most 25, and each batch's answers are appended to the ledger before the next
batch is sent, so a run stopped anywhere is resumed by running it again. A ULN with a local
problem stops the whole run before anything is sent. ``dry_run``: the bodies are written, one
JSON file per request (``NN-kind-action.json``), as they would be sent were every earlier one
accepted (a submission waits for the certificate reference its creation returns), and nothing
is sent or recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from epa_kernel.files import private_folder, write_atomic
from epa_kernel.submit import plan, recover
from epa_kernel.submit.client import ServiceClient, ServiceError, batches
from epa_kernel.submit.released import Held, reinstated_results, released_results
from epa_kernel.submit.requests import (
    ROUTES,
    Item,
    certificate_item,
    earns_certificate,
    epa_item,
    service_grade,
)
from epa_kernel.submit.settings import ServiceSettings
from epa_kernel.submit.validate import course_option_problems, problems

NO_FAMILY_NAME = (
    "no family name recorded (or the records give two): add apprentice.family_name as the "
    "learner record holds it; the service matches ULN, family name and standard, and the kit "
    "never takes it from the full name"
)


@dataclass
class Report:
    """What a run did: held results, local problems (then nothing was sent), each item's
    answer (``(item, state, reference or errors)``), the dry run's files, a stop's reason."""

    held: list[Held] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)
    answers: list[tuple[Item, str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    stopped: str | None = None

    @property
    def ok(self) -> bool:
        return (
            not self.problems
            and not self.stopped
            and all(s == "accepted" for _, s, _ in self.answers)
        )


def _answer(item: Item, reply: dict | None) -> tuple[str, str | None, str]:
    if reply is None:
        return "failed", None, "no answer for this request id"
    errors = reply.get("validationErrors") or []
    if errors:
        return "refused", None, "; ".join(errors)
    cert = reply.get("certificate") or {}
    ref = reply.get("epaReference") or (cert.get("certificateData") or {}).get(
        "certificateReference"
    )
    if item.kind == "submit" or item.action == "delete":
        ref = ref or item.body.get("certificateReference") or item.body.get("epaReference")
    if reply.get("recovered"):
        return "accepted", ref, f"{ref} (found at the service after its answer was lost)"
    return "accepted", ref, ref or ""


def _row(target: str, item: Item, state: str, ref: str | None, answer: str) -> dict:
    return {
        "target": target,
        "request_id": item.request_id,
        "kind": item.kind,
        "action": item.action,
        "uln": item.uln,
        "standard": item.standard,
        "results": item.results,
        "body_hash": item.body_hash,
        "state": state,
        "reference": ref,
        "answer": answer,
    }


def _send_batch(store, client: ServiceClient, target: str, batch: list[Item]):
    """The answers to one batch by request id, and why the rest got none: an update is resent
    as it is (the same body again changes nothing), a create or a submission never blind."""
    method, path = ROUTES[(batch[0].kind, batch[0].action)]
    if batch[0].action == "delete":
        return _delete(client, path, batch)
    if batch[0].action == "update":
        try:
            replies = client.send(method, path, [i.body for i in batch])
        except ServiceError as exc:
            return {}, str(exc)
        return {r.get("requestId"): r for r in replies if isinstance(r, dict)}, None
    lost = {r.request_id for r in store.sent(target) if r.state == "failed"}
    return recover.send_batch(client, method, path, batch, look_first=lost)


def _delete(client: ServiceClient, path: str, batch: list[Item]):
    """Each deletion alone (the route takes one): accepted on 204, refused with the service's
    message on 403 or 404; a lost answer stops the run (the next run sends it again: deleting
    what is already deleted changes nothing at the service)."""
    answers = {}
    for item in batch:
        b = item.body
        try:
            refused = client.delete(
                path, b["uln"], b["familyName"], b["standardReference"], b["epaReference"]
            )
        except ServiceError as exc:
            return answers, str(exc)
        errors = [refused] if refused else []
        answers[item.request_id] = {"requestId": item.request_id, "validationErrors": errors}
    return answers, None


def _send(store, client: ServiceClient, target: str, items: list[Item], report: Report) -> None:
    for kind_action in dict.fromkeys((i.kind, i.action) for i in items):
        for batch in batches([i for i in items if (i.kind, i.action) == kind_action]):
            by_id, error = _send_batch(store, client, target, batch)
            rows = []
            for item in batch:
                if item.request_id in by_id:
                    state, ref, answer = _answer(item, by_id[item.request_id])
                else:
                    state, ref, answer = "failed", None, error or "no answer for this request id"
                rows.append(_row(target, item, state, ref, answer))
                report.answers.append((item, state, answer))
            store.record_sent(rows)
            if error:
                report.stopped = error
                return


def _phases(results, back, settings: ServiceSettings):
    """Each phase, in the service's order, as a function of what the ledger says the service
    holds: EPA records (and deletions of those of apprentices back in the EPA), certificates,
    submissions."""
    contact = settings.postal_contact
    phases = [
        lambda state: plan.epa_items(results, state) + plan.delete_items(back, state),
        lambda state: plan.certificate_items(results, state, contact),
    ]
    if settings.submit_certificates:
        phases.append(lambda state: plan.submit_items(results, state, contact))
    return phases


def _dry_run(phases, state, out: Path, report: Report) -> None:
    private_folder(out)
    n = 0
    for phase in phases:
        items = phase(state)
        for kind_action in dict.fromkeys((i.kind, i.action) for i in items):
            for batch in batches([i for i in items if (i.kind, i.action) == kind_action]):
                n += 1
                path = out / f"{n:02d}-{kind_action[0]}-{kind_action[1]}.json"
                write_atomic(path, json.dumps([i.body for i in batch], indent=2) + "\n")
                report.files.append(path)
        for item in items:  # as if accepted: the next phase follows from it
            k = state.setdefault((item.uln, item.standard), plan.Known(submitted=set()))
            if item.kind == "epa":
                k.epa_hash = item.body_hash
            elif item.kind == "certificate":
                k.certificate_hash = item.body_hash


def submit(
    store,
    settings: ServiceSettings,
    *,
    sandbox: bool = False,
    today: date | None = None,
    dry_run: Path | None = None,
    client: ServiceClient | None = None,
) -> Report:
    """Check, then send (or write, ``dry_run``) what the ledger says is still to send."""
    target = "sandbox" if sandbox else "live"
    today = today or date.today()
    results, held = released_results(store)
    back = reinstated_results(store)
    report = Report(held=held)
    for r in [*results, *back]:
        if service_grade(r) is None:
            report.problems[r.uln] = [f"{r.standard} v{r.version} has no service_grade in its data"]
        if r.family_name is None:
            report.problems.setdefault(r.uln, []).append(NO_FAMILY_NAME)
    for r in results:
        grades = service_grade(r)
        options = grades.course_options if grades is not None else ()
        for p in course_option_problems(r.course_option, options):
            report.problems.setdefault(r.uln, []).append(p)
    results = [r for r in results if r.uln not in report.problems]
    back = [r for r in back if r.uln not in report.problems]
    contact = settings.postal_contact
    every = [epa_item(r) for r in results]
    every += [certificate_item(r, contact) for r in results if earns_certificate(r)]
    found = problems(
        every, settings.approved_versions, today, submitting=settings.submit_certificates
    )
    for uln, mine in found.items():
        report.problems.setdefault(uln, []).extend(mine)
    if report.problems:
        return report
    phases = _phases(results, back, settings)
    if dry_run is not None:
        _dry_run(phases, plan.known(store.sent(target)), dry_run, report)
        return report
    client = client or ServiceClient(
        settings.url(sandbox), settings.key, timeout=settings.timeout_seconds
    )
    for phase in phases:
        state = plan.known(store.sent(target))  # what the phase before was answered
        _send(store, client, target, phase(state), report)
        if report.stopped:
            break
    return report
