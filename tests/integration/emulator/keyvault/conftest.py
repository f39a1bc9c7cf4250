"""A fresh Key Vault emulator per test (state is mutable; start-up incl. the certificate is ~20 ms),
and the real azure-keyvault-keys / azure-mgmt-keyvault clients pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from azure.keyvault.keys import KeyClient
from azure.mgmt.keyvault import KeyVaultManagementClient

from m365gov.auth import StaticTestCredential
from m365gov.emulator import KeyVaultEmulator, generate_keyvault_town

MW_A1 = "SAL-CK-MW-FR-VaultA1"
MW_A2 = "SAL-CK-MW-FR-VaultA2"
EX_A1 = "SAL-CK-EX-FR-VaultA1"
EX_A2 = "SAL-CK-EX-FR-VaultA2"


@pytest.fixture
def kv() -> Iterator[KeyVaultEmulator]:
    with KeyVaultEmulator(generate_keyvault_town()) as emulator:
        yield emulator


@pytest.fixture
def key_client(kv: KeyVaultEmulator) -> Callable[[str], KeyClient]:
    """``key_client(vault_name)``: the sync KeyClient exactly as m365gov must construct it here."""

    def make(vault: str) -> KeyClient:
        return KeyClient(kv.vault_url(vault), StaticTestCredential(), retry_total=0,
                         verify_challenge_resource=False, connection_verify=str(kv.cert_path))

    return make


@pytest.fixture
def mgmt_client(kv: KeyVaultEmulator) -> Callable[[str], KeyVaultManagementClient]:
    """``mgmt_client(subscription_id)``: azure-mgmt-keyvault against the emulator's ARM listener."""

    def make(subscription_id: str) -> KeyVaultManagementClient:
        return KeyVaultManagementClient(StaticTestCredential(), subscription_id, base_url=kv.management_url,
                                        connection_verify=str(kv.cert_path), retry_total=0)

    return make
