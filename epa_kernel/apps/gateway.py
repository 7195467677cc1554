"""What ``notebooks/gateway.ipynb`` calls: the gateway checklist for one application."""

from __future__ import annotations

from datetime import date
from html import escape

from IPython.display import HTML, display

from epa_kernel.core.bundles import GATEWAY_MIME
from epa_kernel.core.gateway import check_gateway
from epa_kernel.core.gateway_application import parse_application


def show_gateway(application: dict, today: str | None = None):
    """The gateway checklist for one application: each rule ticked or not, and what is missing."""
    parsed, std = parse_application(application, file="<notebook parameter 'application'>")
    outcome = check_gateway(std, parsed, date.fromisoformat(today) if today else date.today())
    verdict = "Eligible for gateway" if outcome.eligible else "Not eligible for gateway"
    rows = "".join(
        f"<tr><td>{'✔' if c.passed else '✘'}</td><td>{escape(c.rule)}</td>"
        f"<td>{escape(c.detail)}</td></tr>"
        for c in outcome.checks
    )
    display(HTML(f"<h3>{escape(outcome.standard)}: {verdict}</h3><table>{rows}</table>"))
    print(verdict)
    for line in outcome.missing:
        print(f"  missing: {line}")
    display({GATEWAY_MIME: outcome.model_dump(mode="json"), "text/plain": verdict}, raw=True)
    return outcome
