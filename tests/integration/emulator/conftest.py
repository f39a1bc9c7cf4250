"""One running emulator per test module, reset between tests, and an authenticated httpx client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from m365gov.emulator import Emulator, Faults, generate_tenant


@pytest.fixture(scope="module")
def running() -> Iterator[Emulator]:
    with Emulator(generate_tenant()) as emu:
        yield emu


@pytest.fixture
def emulator(running: Emulator) -> Iterator[Emulator]:
    running.faults = Faults()
    running.clear_scripts()
    running.reset_stats()
    yield running
    running.faults = Faults()
    running.clear_scripts()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.graph_url, headers={"Authorization": "Bearer test-token"},
                      timeout=10) as c:
        yield c
