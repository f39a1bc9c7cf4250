"""The credential factory: secrets from the environment, never echoed; no identity probing."""

from __future__ import annotations

from pathlib import Path

import pytest

from m365gov.auth import StaticTestCredential, credential_for
from m365gov.config import config_from_mapping
from m365gov.errors import InputError


def test_the_test_credential_returns_a_static_token_and_hides_it_in_repr() -> None:
    cred = StaticTestCredential("s3cr3t-token")
    assert cred.get_token("https://graph.microsoft.com/.default").token == "s3cr3t-token"
    assert "s3cr3t" not in repr(cred)


def test_emulator_mode_builds_the_static_credential() -> None:
    config = config_from_mapping(
        {"tenant_id": "t", "graph": {"endpoint": "http://127.0.0.1:1/v1.0"}, "auth": {"mode": "emulator"}}
    )
    assert isinstance(credential_for(config), StaticTestCredential)


def test_a_missing_client_secret_variable_is_named_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("M365GOV_TEST_SECRET", raising=False)
    config = config_from_mapping(
        {
            "tenant_id": "t",
            "auth": {"mode": "client_secret", "client_id": "c", "client_secret_env": "M365GOV_TEST_SECRET"},
        }
    )
    with pytest.raises(InputError, match="M365GOV_TEST_SECRET"):
        credential_for(config)


def test_a_client_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("M365GOV_TEST_SECRET", "canary-secret-value")
    config = config_from_mapping(
        {
            "tenant_id": "t",
            "auth": {"mode": "client_secret", "client_id": "c", "client_secret_env": "M365GOV_TEST_SECRET"},
        }
    )
    cred = credential_for(config)
    assert type(cred).__name__ == "ClientSecretCredential"
    assert "canary-secret-value" not in repr(cred)


def test_a_missing_certificate_file_is_reported(tmp_path: Path) -> None:
    config = config_from_mapping(
        {
            "tenant_id": "t",
            "auth": {"mode": "certificate", "client_id": "c", "certificate_path": str(tmp_path / "no.pem")},
        }
    )
    with pytest.raises(InputError, match="certificate file not found"):
        credential_for(config)


def test_managed_identity_is_constructed_without_asking_for_a_token() -> None:
    # Construction is offline; get_token would probe 169.254.169.254 and is never called here.
    config = config_from_mapping({"tenant_id": "t", "auth": {"mode": "managed_identity"}})
    assert type(credential_for(config)).__name__ == "ManagedIdentityCredential"


def test_workload_identity_needs_a_token_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_FEDERATED_TOKEN_FILE", raising=False)
    config = config_from_mapping({"tenant_id": "t", "auth": {"mode": "workload_identity", "client_id": "c"}})
    with pytest.raises(InputError, match="AZURE_FEDERATED_TOKEN_FILE"):
        credential_for(config)
