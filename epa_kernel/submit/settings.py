"""Where the service is and how to reach it: the ``[service]`` table of the organisation's settings.

One function reads it, :func:`service_settings`, from the organisation's settings file (the one
:mod:`epa_kernel.settings` finds: ``--config``, ``EPA_CONFIG`` or ``./epa.toml``) and the
environment:

.. code-block:: toml

    [service]
    base_url = "..."            # the live External API (or EPA_SERVICE_URL)
    sandbox_url = "..."         # used with --sandbox (or EPA_SERVICE_SANDBOX_URL)
    submit_certificates = true  # false: certificates are left as drafts to check in the service
    [service.approved_versions] # the standard versions the EPAO is approved for
    ST0072 = ["1.0"]
    [service.postal_contact]    # where certificates go (organisation: else the employer)
    contact_name = "..."
    organisation = "..."
    address_line1 = "..."
    city = "..."
    postcode = "..."

The subscription key comes from ``EPA_SERVICE_KEY`` (or ``key`` in the file, which the kit
never writes); it is sent as the ``Ocp-Apim-Subscription-Key`` header, as the service's
published API client does (das-assessor-service-external-apiclient,
``src/SFA.DAS.AssessorService.ExternalApi.Client/Controls/*/CreateWindow.xaml.cs``), and is
never printed, logged or written. The sandbox's base address is the one that client's
``App.config`` (``ApiBaseAddress``) names; give it as ``sandbox_url``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from epa_kernel.errors import InputError

CONTACT_FIELDS = (
    "contact_name",
    "department",
    "organisation",
    "address_line1",
    "address_line2",
    "address_line3",
    "city",
    "postcode",
)


@dataclass(frozen=True)
class ServiceSettings:
    base_url: str | None = None
    sandbox_url: str | None = None
    key: str | None = field(default=None, repr=False)
    approved_versions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    postal_contact: dict[str, str] = field(default_factory=dict)
    submit_certificates: bool = True
    timeout_seconds: float = 30.0

    def url(self, sandbox: bool) -> str:
        """The base URL to send to; InputError naming the setting when it is missing."""
        url = self.sandbox_url if sandbox else self.base_url
        if not url:
            name = "service.sandbox_url" if sandbox else "service.base_url or EPA_SERVICE_URL"
            raise InputError(f"no {name} in the organisation's config", field=name)
        return url if url.endswith("/") else url + "/"


def service_settings(config_path: Path | None, env: Mapping[str, str]) -> ServiceSettings:
    """The ``[service]`` settings of the organisation's settings file (``config_path``, else as
    :func:`epa_kernel.settings.settings_path` finds it; none: the environment only), with
    ``EPA_SERVICE_URL``, ``EPA_SERVICE_SANDBOX_URL`` and ``EPA_SERVICE_KEY`` from ``env`` taking
    precedence."""
    from epa_kernel.settings import settings_tables

    config_path, tables = settings_tables(config_path)
    section = tables.get("service", {})
    if not isinstance(section, dict):
        raise InputError(
            "the service section must be a table", file=str(config_path), field="service"
        )
    unknown = set(section) - {
        "base_url",
        "sandbox_url",
        "key",
        "approved_versions",
        "postal_contact",
        "submit_certificates",
        "timeout_seconds",
    }
    if unknown:
        raise InputError(
            f"unknown setting {sorted(unknown)[0]!r}", file=str(config_path), field="service"
        )
    contact = {k: str(v) for k, v in (section.get("postal_contact") or {}).items()}
    bad = set(contact) - set(CONTACT_FIELDS)
    if bad:
        raise InputError(
            f"unknown postal contact field {sorted(bad)[0]!r} "
            f"(fields: {', '.join(CONTACT_FIELDS)})",
            file=str(config_path),
            field="service.postal_contact",
        )
    approved = {
        str(k).upper(): tuple(str(v) for v in vs)
        for k, vs in (section.get("approved_versions") or {}).items()
    }
    return ServiceSettings(
        base_url=env.get("EPA_SERVICE_URL") or section.get("base_url"),
        sandbox_url=env.get("EPA_SERVICE_SANDBOX_URL") or section.get("sandbox_url"),
        key=env.get("EPA_SERVICE_KEY") or section.get("key"),
        approved_versions=approved,
        postal_contact=contact,
        submit_certificates=bool(section.get("submit_certificates", True)),
        timeout_seconds=float(section.get("timeout_seconds", 30.0)),
    )
