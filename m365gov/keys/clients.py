"""Building the Azure SDK clients for Customer Key, from the config, in one place.

The SDKs are imported here, lazily (azure.keyvault.keys costs ~240 ms): ``m365gov --help`` and the
offline commands never pay for them. Every client gets the config's connection options — a CA file
for a private CA or the emulator's self-signed certificate (TLS verification is never turned off),
the challenge-resource check (off only for loopback vaults, checked when the plan is loaded), the
retry count — and the credential from :func:`m365gov.auth.credential_for` (or the test one).
"""

from __future__ import annotations

from typing import Any

from m365gov.config import KeySettings


def _connection(settings: KeySettings) -> dict[str, Any]:
    options: dict[str, Any] = {"retry_total": settings.retry_total}
    if settings.ca_file is not None:
        options["connection_verify"] = str(settings.ca_file)
    return options


def key_client(vault_url: str, credential: Any, settings: KeySettings, **extra: Any) -> Any:
    """A sync ``KeyClient`` for one vault (run it in a thread from async code: sdk.md §6)."""
    from azure.keyvault.keys import KeyClient

    options = _connection(settings)
    if settings.api_version:
        options["api_version"] = settings.api_version
    options.update(extra)
    return KeyClient(
        vault_url, credential, verify_challenge_resource=settings.verify_challenge_resource, **options
    )


def management_client(subscription_id: str, credential: Any, settings: KeySettings, **extra: Any) -> Any:
    """A ``KeyVaultManagementClient`` for one subscription, on the configured ARM endpoint."""
    from azure.mgmt.keyvault import KeyVaultManagementClient

    options = _connection(settings)
    options.update(extra)
    return KeyVaultManagementClient(
        credential,
        subscription_id,
        base_url=settings.management_endpoint,
        credential_scopes=[settings.management_scope],
        **options,
    )
