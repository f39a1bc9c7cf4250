"""The demo town's vaults behind a live Key Vault emulator (fresh per test: its state is mutable),
the Graph emulator beside it, and a config pointing m365gov's real clients at both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from m365gov.auth import StaticTestCredential
from m365gov.config import Config, config_from_mapping
from m365gov.demo_keys import demo_keys_config
from m365gov.emulator import Emulator, KeyVaultEmulator, Tenant

MW_A1, MW_A2 = "SAL-CK-MW-FR-VaultA1", "SAL-CK-MW-FR-VaultA2"
EX_A1, EX_A2 = "SAL-CK-EX-FR-VaultA1", "SAL-CK-EX-FR-VaultA2"
SP_A1, SP_A2 = "SAL-CK-SP-FR-VaultA1", "SAL-CK-SP-FR-VaultA2"
TRIAL = "SAL-CK-MW-FR-VaultT1"
CRED = StaticTestCredential()


@pytest.fixture
def kv(town: Tenant) -> Iterator[KeyVaultEmulator]:
    with KeyVaultEmulator(tenant=town) as emulator:
        yield emulator
    assert emulator.delete_attempts == [], "m365gov sent a DELETE to a vault"
    assert emulator.expiry_writes == [], "m365gov wrote an expiry"
    assert emulator.property_updates == [], "m365gov updated key properties (enable/disable/expiry)"


@pytest.fixture
def key_config(kv: KeyVaultEmulator, live_emulator: Emulator, town: Tenant, tmp_path: Path) -> Config:
    return config_from_mapping({
        "tenant_id": town.tenant_id,
        "graph": {"endpoint": live_emulator.graph_url},
        "auth": {"mode": "emulator"},
        "collect": {"max_retry_wait": 5},
        "keys": {**demo_keys_config(kv, tmp_path), "retry_total": 0},
    })
