"""Item streams between sources: every chunk reaches every consumer, failures propagate."""

from __future__ import annotations

import asyncio

import pytest

from m365gov.collect.stream import ItemStream, StreamFailed


async def _drain(stream: ItemStream) -> list[int]:
    return [item async for chunk in stream.chunks() for item in chunk]


def test_a_consumer_that_starts_late_still_sees_every_chunk() -> None:
    async def main() -> list[int]:
        stream = ItemStream("users")
        await stream.publish([1, 2])
        await stream.publish([3])
        await stream.close(ok=True)
        return await _drain(stream)

    assert asyncio.run(main()) == [1, 2, 3]


def test_consumers_receive_chunks_while_the_source_is_still_publishing() -> None:
    async def main() -> tuple[list[int], list[int]]:
        stream = ItemStream("users")
        first, second = asyncio.ensure_future(_drain(stream)), asyncio.ensure_future(_drain(stream))
        for i in range(5):
            await stream.publish([i])
            await asyncio.sleep(0)
        await stream.close(ok=True)
        return await first, await second

    assert asyncio.run(main()) == ([0, 1, 2, 3, 4], [0, 1, 2, 3, 4])


def test_a_failed_source_makes_its_consumers_fail_after_the_items_it_gave() -> None:
    async def main() -> list[int]:
        stream = ItemStream("users")
        await stream.publish([1])
        await stream.close(ok=False, detail="HTTP 403")
        seen: list[int] = []
        with pytest.raises(StreamFailed, match="HTTP 403"):
            async for chunk in stream.chunks():
                seen.extend(chunk)
        return seen

    assert asyncio.run(main()) == [1]
