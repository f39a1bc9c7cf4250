"""Politeness under load: never more requests in flight than the cap, and a 429 pauses everyone on
the service (graph.md §7) — what lets collection run at full speed without hammering Graph."""

from __future__ import annotations

import asyncio

from m365gov.auth import StaticTestCredential
from m365gov.collect.runner import collect
from m365gov.collect.throttle import ServiceGate
from m365gov.emulator import Emulator, Faults
from tests.conftest import emulator_config


def test_requests_in_flight_never_exceed_the_cap(live_emulator: Emulator) -> None:
    live_emulator.faults = Faults(latency=0.02)
    collection = collect(emulator_config(live_emulator, concurrency=3), StaticTestCredential(),
                         sources=["callRecords"])
    assert collection.snapshot.sources["callRecords"].ok
    assert collection.stats.max_in_flight["callRecords"] == 3  # the cap is used, and never exceeded
    assert live_emulator.stats()["max_in_flight"] <= 3
    # Detail batches count against the call-records service, not a "batch" bucket of their own.
    assert set(collection.stats.by_service) == {"callRecords"}


def test_a_429_pauses_every_request_of_the_service(live_emulator: Emulator) -> None:
    live_emulator.faults = Faults(latency=0.02)
    live_emulator.script("/v1.0/communications/callRecords/", status=429, headers={"Retry-After": "0.6"},
                         times=1, inner=True)
    collection = collect(emulator_config(live_emulator, concurrency=4), StaticTestCredential(),
                         sources=["callRecords"])
    assert collection.snapshot.sources["callRecords"].ok and collection.stats.throttled == 0
    log = live_emulator.requests
    (refused,) = [r for r in log if r.status == 429]
    batch = max((r for r in log if not r.inner and r.started <= refused.started), key=lambda r: r.started)
    answered = batch.started + batch.duration
    # Between the 429 reaching the client and its Retry-After running out, no new request started
    # (requests already on the wire may finish; a little slack for the client to read the answer).
    quiet = [r for r in log if not r.inner and answered + 0.05 < r.started < answered + 0.55]
    assert quiet == []
    assert collection.stats.retries >= 1


def test_pages_go_before_queued_batches_and_the_cap_holds() -> None:
    async def main() -> list[str]:
        gate = ServiceGate("callRecords", 3)
        order: list[str] = []
        peak = 0

        async def job(name: str, bulk: bool, hold: float) -> None:
            nonlocal peak
            await gate.acquire(bulk)
            peak = max(peak, gate.in_flight)
            order.append(name)
            await asyncio.sleep(hold)
            gate.release(bulk)

        batches = [asyncio.create_task(job(f"batch{i}", True, 0.05)) for i in range(6)]
        await asyncio.sleep(0.01)  # two batches hold their share (cap 3 - 1 kept for pages), four wait
        page = asyncio.create_task(job("page", False, 0.01))
        await asyncio.sleep(0.001)
        assert order[-1] == "page"  # the kept slot: no wait at all
        late = asyncio.create_task(job("page2", False, 0.01))
        cancelled = asyncio.create_task(job("never", True, 0.01))
        await asyncio.sleep(0)
        cancelled.cancel()
        await asyncio.gather(page, late, *batches, return_exceptions=True)
        assert peak <= 3 and gate.in_flight == 0 and gate.bulk_in_flight == 0
        return order

    order = asyncio.run(main())
    assert order.index("page2") < order.index("batch2")  # a page jumps the queue of waiting batches
    assert "never" not in order
