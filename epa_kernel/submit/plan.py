"""What still has to be sent, decided from the ledger alone: pure, no I/O.

The ledger (:mod:`epa_kernel.store.ledger`) holds every item sent and its answer. For each
apprentice and standard it gives the EPA reference and the certificate reference the service
returned (in the service they are one: ``EpaReference`` is the certificate's
``CertificateReference``, Validators/ExternalApi/Epas/UpdateBatchEpaRequestValidator.cs), and
the hash of the last body it accepted of each kind. From that:

- a body the service already accepted is never sent again;
- an item refused, or never answered, is sent again on the next run, alone;
- an EPA record is created (POST) until the service has given its reference, then updated
  (PUT) when the result changed or the apprentice was withdrawn; once a certificate exists the
  service refuses EPA updates ("Certificate already exists, cannot update EPA record"), so an
  amended pass goes as a certificate update instead;
- an apprentice back in the EPA (withdrawal undone) with no result to send has the EPA record
  the service holds (as Withdrawn) deleted, once; a result released later is created again;
- a certificate is created (POST), updated (PUT with its reference) when its result changed,
  and submitted once (``service.submit_certificates``). The service takes no update to a
  submitted certificate ("Certificate does not exist in Draft status",
  UpdateBatchCertificateRequestValidator.cs): such an update is sent, refused and listed, and
  needs the service's help.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from epa_kernel.submit.released import Released
from epa_kernel.submit.requests import (
    Item,
    certificate_item,
    delete_item,
    earns_certificate,
    epa_item,
    submit_item,
)


@dataclass
class Known:
    """What the service has accepted for one apprentice and standard."""

    epa_reference: str | None = None
    epa_hash: str | None = None
    certificate_reference: str | None = None
    certificate_hash: str | None = None
    submitted: set | None = None  # the certificate body hashes submitted


def known(rows: Iterable) -> dict[tuple[str, str], Known]:
    """The ledger's accepted rows folded, in order, per (ULN, standard)."""
    out: dict[tuple[str, str], Known] = {}
    for row in rows:
        if row.state != "accepted":
            continue
        k = out.setdefault((row.uln, row.standard), Known(submitted=set()))
        if row.kind == "epa" and row.action == "delete":  # none held now: a result is created
            k.epa_reference = k.epa_hash = None
        elif row.kind == "epa":
            k.epa_reference = row.reference or k.epa_reference
            k.epa_hash = row.body_hash
        elif row.kind == "certificate":
            k.certificate_reference = row.reference or k.certificate_reference
            k.certificate_hash = row.body_hash
        elif row.kind == "submit":
            k.submitted.add(row.results)
    return out


def epa_items(results: Iterable[Released], state: dict) -> list[Item]:
    """The EPA records still to send."""
    out = []
    for r in results:
        k = state.get((r.uln, r.standard), Known(submitted=set()))
        wanted = epa_item(r)
        if wanted.body_hash == k.epa_hash:
            continue
        if k.certificate_reference and earns_certificate(r):
            continue  # the certificate carries the change
        out.append(epa_item(r, k.epa_reference) if k.epa_reference else wanted)
    return out


def delete_items(back: Iterable[Released], state: dict) -> list[Item]:
    """The EPA records to delete: of apprentices back in the EPA with no result to send,
    whose record the service holds (as Withdrawn) and who have no certificate."""
    out = []
    for r in back:
        k = state.get((r.uln, r.standard))
        if k is not None and k.epa_reference and not k.certificate_reference:
            out.append(delete_item(r, k.epa_reference))
    return out


def certificate_items(results: Iterable[Released], state: dict, contact: dict) -> list[Item]:
    """The certificates still to create or update (only of results whose EPA record the service
    holds as it stands, or whose certificate exists)."""
    out = []
    for r in results:
        if not earns_certificate(r):
            continue
        k = state.get((r.uln, r.standard), Known(submitted=set()))
        if k.certificate_reference is None and k.epa_hash != epa_item(r).body_hash:
            continue  # its EPA record first
        wanted = certificate_item(r, contact)
        if wanted.body_hash == k.certificate_hash:
            continue
        ref = k.certificate_reference
        out.append(certificate_item(r, contact, ref) if ref else wanted)
    return out


def submit_items(results: Iterable[Released], state: dict, contact: dict) -> list[Item]:
    """The certificates accepted as they stand and not yet submitted."""
    out = []
    for r in results:
        if not earns_certificate(r):
            continue
        k = state.get((r.uln, r.standard), Known(submitted=set()))
        if k.certificate_reference is None or k.submitted:
            continue
        if k.certificate_hash != certificate_item(r, contact).body_hash:
            continue
        out.append(submit_item(r, k.certificate_reference))
    return out
