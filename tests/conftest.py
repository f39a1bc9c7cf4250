"""Fixtures shared by the integration and end-to-end tests: the demo town behind a live emulator.

Everything runs on 127.0.0.1 with a static test credential: no test may ever make azure-identity
look for a managed identity (it would probe 169.254.169.254).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from m365gov.config import Config, config_from_mapping
from m365gov.emulator import Emulator, Faults, Tenant, generate_tenant


@pytest.fixture(scope="session", autouse=True)
def _no_delete_ever_reaches_a_vault() -> Iterator[None]:
    """The whole suite never sends a DELETE to a vault (customer-key.md §1.9).

    Every Key Vault emulator of this process (the integration tests', and the ones serving the CLI
    subprocesses of the end-to-end tests) logs each DELETE it receives, on either plane; only the
    emulator's own tests send some, on purpose, marked expected. Unit tests have their own guard
    (the mocked vault fails on a DELETE) and a static check (tests/unit/keys/test_never.py).
    """
    yield
    from m365gov.emulator import process_delete_attempts

    unexpected = process_delete_attempts()
    assert not unexpected, f"DELETE requests reached a Key Vault emulator: {[a.to_dict() for a in unexpected]}"


@pytest.fixture(scope="session")
def town() -> Tenant:
    """The demo town (seed 2026, 350 users); read-only."""
    return generate_tenant()


@pytest.fixture(scope="module")
def _running_emulator(town: Tenant) -> Iterator[Emulator]:
    with Emulator(town) as emu:
        yield emu


@pytest.fixture
def live_emulator(_running_emulator: Emulator) -> Iterator[Emulator]:
    """A running emulator with no faults and fresh statistics for each test."""
    _running_emulator.faults = Faults()
    _running_emulator.clear_scripts()
    _running_emulator.reset_stats()
    yield _running_emulator
    _running_emulator.faults = Faults()
    _running_emulator.clear_scripts()


def emulator_config(emu: Emulator, tenant_id: str = "tenant", **collect: object) -> Config:
    """A configuration pointing at the emulator with the static test credential."""
    return config_from_mapping(
        {
            "tenant_id": tenant_id,
            "graph": {"endpoint": emu.graph_url},
            "auth": {"mode": "emulator"},
            "collect": {"max_retry_wait": 5, **collect},
        }
    )
