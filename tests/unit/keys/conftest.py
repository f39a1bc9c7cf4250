"""Unit-test fixtures for Customer Key: a responses-backed vault that refuses any DELETE."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from m365gov.config import KeySettings
from tests.unit.keys.vault_mock import VaultMock, mock_vaults


@pytest.fixture
def vault() -> Iterator[VaultMock]:
    """One mocked vault at https://kv-a.vault.azure.net; the test fails if anything sent a DELETE."""
    v = VaultMock()
    gen = mock_vaults(v)
    next(gen)
    try:
        yield v
    finally:
        gen.close()
    assert v.deletes == [], f"DELETE sent to Key Vault: {v.deletes}"


@pytest.fixture
def settings() -> KeySettings:
    """Key settings for unit tests: no SDK retries (sdk.md: retry_total=0)."""
    return KeySettings(retry_total=0)
