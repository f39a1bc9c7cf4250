"""Run the sources of one collection concurrently and assemble the snapshot.

Sources run as concurrent tasks; a source that depends on another awaits its section. Concurrency
against each Graph service is capped by the retry handler's gates, not here, so that independent
sources overlap while no service receives more than its share.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from m365gov import __version__
from m365gov.collect.base import CollectContext, ProgressHook
from m365gov.collect.registry import SOURCES, with_dependencies
from m365gov.collect.throttle import RequestStats
from m365gov.config import Config
from m365gov.errors import InputError
from m365gov.heap import gc_relaxed
from m365gov.snapshot.model import Snapshot, SourceSection
from m365gov.timeutil import utcnow


@dataclass(frozen=True)
class Collection:
    """The outcome of a run: the snapshot, what it cost, and how long it took."""

    snapshot: Snapshot
    stats: RequestStats
    elapsed: float


def collect(
    config: Config,
    credential: Any,
    *,
    sources: Sequence[str],
    select: Mapping[str, frozenset[str]] | None = None,
    as_of: datetime | None = None,
    progress: ProgressHook | None = None,
) -> Collection:
    """Collect the named sources (and their dependencies) into a snapshot."""
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise InputError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}")
    with gc_relaxed():  # the snapshot grows by millions of acyclic objects (m365gov.heap)
        return asyncio.run(_collect(config, credential, with_dependencies(sources), select or {}, as_of, progress))


async def _collect(
    config: Config,
    credential: Any,
    names: list[str],
    select: Mapping[str, frozenset[str]],
    as_of: datetime | None,
    progress: ProgressHook | None,
) -> Collection:
    started = time.monotonic()
    now = utcnow().replace(microsecond=0)
    ctx = CollectContext(
        config=config, credential=credential, collected_at=now, as_of=as_of or now, select=select, progress=progress
    )
    try:
        for name in names:
            ctx._tasks[name] = asyncio.create_task(SOURCES[name].collect(ctx), name=f"source:{name}")
        sections: dict[str, SourceSection] = {}
        for name in names:
            sections[name] = await ctx._tasks[name]
    finally:
        for task in ctx._tasks.values():
            task.cancel()
        await ctx.aclose()
    snapshot = Snapshot(
        collected_at=now,
        as_of=ctx.as_of,
        tenant_id=config.tenant_id,
        graph_base_url=config.graph.base_url,
        sources=sections,
        generator={"name": "m365gov", "version": __version__},
    )
    return Collection(snapshot, ctx.stats, time.monotonic() - started)
