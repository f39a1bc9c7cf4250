"""Shared fixtures for the emulator's unit tests: one default tenant, treated as read-only."""

from __future__ import annotations

import pytest

from m365gov.emulator import Tenant, generate_tenant


@pytest.fixture(scope="session")
def tenant() -> Tenant:
    return generate_tenant()


@pytest.fixture(scope="session")
def big_tenant() -> Tenant:
    """A town of 20,000 accounts, for scaling properties."""
    return generate_tenant(users=20_000)
