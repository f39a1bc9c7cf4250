"""Credentials: the one factory every command goes through.

The CLI builds a credential from the config with :func:`credential_for`; the demo and the tests pass
a :class:`StaticTestCredential` instead. Nothing here ever calls ``get_token`` on its own: a managed
identity credential would probe 169.254.169.254, which test and CI machines must never contact
(sdk.md §7), so that call only happens inside a real collection with ``mode = "managed_identity"``.
azure-identity is imported lazily (~340 ms).
"""

from __future__ import annotations

import os
import time
from typing import Any, Protocol

from m365gov.config import LOOPBACK_HOSTS, Config
from m365gov.errors import InputError
from m365gov.redact import register_secret


class TokenCredentialLike(Protocol):
    """What msgraph-sdk and azure-keyvault-keys need from a credential."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any: ...


TEST_TOKEN_ENV = "M365GOV_EMULATOR_TOKEN"
"""Overrides the static test token (the canary test sets one, to prove it is never printed)."""


class StaticTestCredential:
    """A credential that hands out a fixed, meaningless token, for the emulator only.

    It exists so that the demo and the tests exercise the SDKs' real authentication code paths
    (challenge handshakes, bearer headers) without any identity service. The token is registered
    with :mod:`m365gov.redact`: treated as the secret a real token would be.
    """

    def __init__(self, token: str | None = None, lifetime: int = 3600) -> None:
        from m365gov.redact import register_secret

        self._token = token or os.environ.get(TEST_TOKEN_ENV) or "m365gov-emulator-token"
        self._lifetime = lifetime
        register_secret(self._token)

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._token, int(time.time()) + self._lifetime)

    def close(self) -> None:
        """Nothing to release; present because some SDK paths close credentials."""

    def __repr__(self) -> str:  # never show the token
        return "StaticTestCredential(token=***)"


def credential_for(config: Config) -> TokenCredentialLike:
    """Build the credential that ``config.auth.mode`` asks for.

    Secrets are read from the environment or a certificate file at this point, never from the
    TOML; a missing variable is an :class:`InputError` that names the variable, not a value.
    """
    a = config.auth
    file = config.display_path
    authority = a.authority or config.graph.authority
    if a.mode == "emulator":
        return StaticTestCredential()
    from azure import identity

    if a.mode == "certificate":
        assert a.certificate_path is not None and a.client_id is not None  # checked by the loader
        if not a.certificate_path.is_file():
            raise InputError(f"certificate file not found: {a.certificate_path}", file=file, pointer="/auth")
        password = None
        if a.certificate_password_env:
            value = os.environ.get(a.certificate_password_env)
            if value is None:
                raise InputError(
                    f"environment variable {a.certificate_password_env} (certificate password) is not set",
                    file=file,
                    pointer="/auth/certificate_password_env",
                )
            register_secret(value)
            password = value.encode()
        return identity.CertificateCredential(
            config.tenant_id,
            a.client_id,
            certificate_path=str(a.certificate_path),
            password=password,
            authority=authority,
            **_local_authority(authority),
        )
    if a.mode == "client_secret":
        assert a.client_id is not None
        secret = os.environ.get(a.client_secret_env)
        if not secret:
            raise InputError(
                f"environment variable {a.client_secret_env} (client secret) is not set",
                file=file,
                pointer="/auth/client_secret_env",
            )
        register_secret(secret)
        return identity.ClientSecretCredential(
            config.tenant_id, a.client_id, secret, authority=authority, **_local_authority(authority)
        )
    if a.mode == "managed_identity":
        return identity.ManagedIdentityCredential(
            client_id=a.managed_identity_client_id
        )
    if a.mode == "workload_identity":
        assert a.client_id is not None
        token_file = a.token_file or _env_path("AZURE_FEDERATED_TOKEN_FILE")
        if token_file is None:
            raise InputError(
                "workload identity needs token_file or $AZURE_FEDERATED_TOKEN_FILE", file=file, pointer="/auth"
            )
        return identity.WorkloadIdentityCredential(
            tenant_id=config.tenant_id, client_id=a.client_id, token_file_path=str(token_file),
            authority=authority, **_local_authority(authority),
        )
    if a.mode == "device_code":
        assert a.client_id is not None
        return identity.DeviceCodeCredential(
            client_id=a.client_id, tenant_id=config.tenant_id, authority=authority
        )
    raise InputError(f"unknown auth mode {a.mode!r}", file=file, pointer="/auth/mode")


def _local_authority(authority: str) -> dict[str, Any]:
    """For a login stand-in on loopback (tests, sdk.md §7): no instance discovery, which would ask
    login.microsoftonline.com about it. Real authorities keep MSAL's checks."""
    from urllib.parse import urlparse

    host = urlparse(authority if "://" in authority else f"https://{authority}").hostname or ""
    return {"disable_instance_discovery": True} if host in LOOPBACK_HOSTS else {}


def _env_path(name: str) -> str | None:
    return os.environ.get(name) or None
