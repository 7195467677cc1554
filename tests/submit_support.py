"""What the `epa submit` tests share: ULNs, stores with released results, the key, a contact."""

from __future__ import annotations

from datetime import date

from epa_kernel.core.catalogue import get_standard
from epa_kernel.iqa.release import release_results
from epa_kernel.iqa.sampling import Policy
from helpers import judgements_for, make_record

KEY = "k3y-that-must-never-show"
DATES = {"apprentice_showcase": 2, "practical_observation": 9, "professional_discussion": 16}
CONTACT = {
    "contact_name": "Certificates Office",
    "organisation": "Example Assessment Ltd",
    "address_line1": "1 High Street",
    "city": "Leeds",
    "postcode": "LS1 4AP",
}


def ulns(n: int) -> list[str]:
    """``n`` valid ULNs (the check digit makes the weighted sum leave 10 mod 11)."""
    out, base = [], 100000000
    while len(out) < n:
        head = str(base)
        digit = (10 - sum(int(d) * w for d, w in zip(head, range(10, 1, -1)))) % 11
        if digit < 10:
            out.append(head + str(digit))
        base += 1
    return out


def put_epa(store, uln, *, fail=None, day=16, family="Example", option=None):
    """Three submitted records of ST0072 v1.0 (``fail``: that method failed); ``family``: the
    family name the records give (None: none); ``option``: the course option they name."""
    standard = get_standard("ST0072", "1.0")
    who = {"uln": uln, "name": f"Ada {family or 'Example'}"}
    if family:
        who["family_name"] = family
    if option:
        who["course_option"] = option
    for method, d in DATES.items():
        judgements = None
        if method == fail:
            channels = ["face_to_face"] if standard.method(method).channels else None
            judgements = judgements_for(standard, method, channels, pass_="not_met")
        on = date(2026, 3, day if method == "professional_discussion" else d)
        record = make_record(
            method=method, uln=uln, judgements=judgements, assessed_on=on, apprentice=who
        )
        store.put(record, author="Sam", submitted=True)


def release(store):
    release_results(store, [], Policy(), by="Rel")


def known(api, *learners, family="Example"):
    for uln in learners:
        api.service.learners[(int(uln), "ST0072")] = family


def local_settings(api, **changes):
    """The organisation's service settings pointing at the local service ``api``."""
    from dataclasses import replace

    from epa_kernel.submit.settings import ServiceSettings

    base = ServiceSettings(
        base_url=api.url,
        key=KEY,
        approved_versions={"ST0072": ("1.0",)},
        postal_contact=dict(CONTACT),
    )
    return replace(base, **changes)


def quick_client(api, attempts=5):
    """A client of ``api`` that gives up on an answer after 0.3 s and retries at once."""
    from epa_kernel.submit.client import ServiceClient

    return ServiceClient(api.url, KEY, timeout=0.3, attempts=attempts, backoff=0, sleep=lambda s: 0)
