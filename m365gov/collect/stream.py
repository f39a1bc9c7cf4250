"""Items of a source, handed to the sources that depend on them while it is still paging.

A source that needs one call per item of another (each Multi-Geo user's Teams region, say) would
otherwise wait for the whole collection before its first request, adding its own duration to the
critical path. With a stream, its ``$batch`` calls overlap the paging they depend on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any


class ItemStream:
    """Chunks of items published by one source, readable by any number of consumers.

    Chunks are kept (the source keeps them anyway for its section), so a consumer that starts late
    still sees everything. ``close(ok=False)`` makes consumers raise :class:`StreamFailed`.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._chunks: list[list[Any]] = []
        self._changed = asyncio.Condition()
        self._closed = False
        self._ok = True
        self._detail = ""

    async def publish(self, items: list[Any]) -> None:
        async with self._changed:
            self._chunks.append(items)
            self._changed.notify_all()

    async def close(self, *, ok: bool, detail: str = "") -> None:
        async with self._changed:
            self._closed, self._ok, self._detail = True, ok, detail
            self._changed.notify_all()

    async def chunks(self) -> AsyncIterator[list[Any]]:
        index = 0
        while True:
            async with self._changed:
                seen = index
                await self._changed.wait_for(lambda: seen < len(self._chunks) or self._closed)  # noqa: B023
                ready = self._chunks[index:]
                closed, ok, detail = self._closed, self._ok, self._detail
            for chunk in ready:
                yield chunk
            index += len(ready)
            if closed and index >= len(self._chunks):
                if not ok:
                    raise StreamFailed(self.name, detail)
                return


class StreamFailed(Exception):
    """The source behind a stream ended without being ``ok``."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"the {name} source failed: {detail}")
        self.name = name
