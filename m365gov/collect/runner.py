"""Run the sources of one collection concurrently and assemble the snapshot.

Sources run as concurrent tasks; a source that depends on another awaits its section. Concurrency
against each Graph service is capped by the retry handler's gates, not here, so that independent
sources overlap while no service receives more than its share. With a :class:`Checkpoint`, each
section is kept as soon as its source finishes, and the sections of an interrupted run are restored
instead of collected again (``m365gov collect --resume``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from m365gov import __version__
from m365gov.collect.base import CollectContext, ProgressHook
from m365gov.collect.registry import SOURCES, with_dependencies
from m365gov.collect.throttle import RequestStats
from m365gov.config import Config
from m365gov.errors import InputError
from m365gov.heap import gc_relaxed
from m365gov.snapshot.model import Snapshot, SourceSection
from m365gov.timeutil import utcnow

if TYPE_CHECKING:
    from m365gov.collect.checkpoint import Checkpoint


@dataclass(frozen=True)
class Collection:
    """The outcome of a run: the snapshot, what it cost, how long it took, and which sections were
    restored from a checkpoint rather than collected."""

    snapshot: Snapshot
    stats: RequestStats
    elapsed: float
    restored: tuple[str, ...] = ()


def collect(
    config: Config,
    credential: Any,
    *,
    sources: Sequence[str],
    select: Mapping[str, frozenset[str]] | None = None,
    as_of: datetime | None = None,
    progress: ProgressHook | None = None,
    checkpoint: Checkpoint | None = None,
) -> Collection:
    """Collect the named sources (and their dependencies) into a snapshot.

    ``checkpoint`` keeps each finished section, and supplies the sections (and the collection time)
    of the run it resumes.
    """
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise InputError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}")
    names = with_dependencies(sources)
    with gc_relaxed():  # the snapshot grows by millions of acyclic objects (m365gov.heap)
        return asyncio.run(_collect(config, credential, names, select or {}, as_of, progress, checkpoint))


async def _collect(
    config: Config,
    credential: Any,
    names: list[str],
    select: Mapping[str, frozenset[str]],
    as_of: datetime | None,
    progress: ProgressHook | None,
    checkpoint: Checkpoint | None = None,
) -> Collection:
    started = time.monotonic()
    now = utcnow().replace(microsecond=0)
    restored: dict[str, SourceSection] = {}
    if checkpoint is not None:
        if checkpoint.collected_at is not None and checkpoint.as_of is not None:
            now, as_of = checkpoint.collected_at, checkpoint.as_of
        checkpoint.begin(now, as_of or now)
        restored = {n: s for n, s in checkpoint.done.items() if n in names}
    ctx = CollectContext(
        config=config, credential=credential, collected_at=now, as_of=as_of or now, select=select, progress=progress
    )
    try:
        for name in names:
            job: Coroutine[Any, Any, SourceSection]
            if name in restored:
                job = _restore(ctx, restored[name])
            elif checkpoint is not None:
                job = _collect_and_keep(ctx, name, checkpoint)
            else:
                job = SOURCES[name].collect(ctx)
            ctx._tasks[name] = asyncio.create_task(job, name=f"source:{name}")
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
    return Collection(snapshot, ctx.stats, time.monotonic() - started, tuple(sorted(restored)))


async def _collect_and_keep(ctx: CollectContext, name: str, checkpoint: Checkpoint) -> SourceSection:
    section = await SOURCES[name].collect(ctx)
    await asyncio.to_thread(checkpoint.save, section)
    return section


async def _restore(ctx: CollectContext, section: SourceSection) -> SourceSection:
    """A section from the checkpoint, handed to dependent sources as if it had just been collected."""
    stream = ctx.stream(section.name)
    if section.ok and isinstance(section.data, list):
        await stream.publish(section.data)
    await stream.close(ok=section.ok, detail=section.detail or section.status)
    ctx.report(section.name, "restored", int(section.counts.get("items", 0)))
    return section
