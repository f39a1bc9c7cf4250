"""The collect-source interface.

A *source* is one Graph endpoint family, one vault, or one CSV: it writes exactly one section of the
snapshot with its own status. Sources never raise out of :meth:`Source.collect`: a failing source is
a section saying why (``missing_permission`` naming the permission, ``throttled``, ``error``…), and
the others carry on.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from m365gov.collect.stream import ItemStream, StreamFailed
from m365gov.collect.throttle import RequestStats, RetryBudgetExceeded, RetryPolicy
from m365gov.config import Config
from m365gov.heap import Sharer
from m365gov.redact import redact
from m365gov.snapshot.model import SourceSection
from m365gov.statuses import (
    SRC_ERROR,
    SRC_MISSING_PERMISSION,
    SRC_NOT_CONFIGURED,
    SRC_OK,
    SRC_THROTTLED,
)

if TYPE_CHECKING:
    from m365gov.collect.graph import GraphError, GraphSession

log = logging.getLogger(__name__)

ProgressHook = Callable[[str, str, int], None]
"""Called as ``hook(source, event, items)`` with event ``start``, ``items`` or a final status."""


@dataclass
class CollectContext:
    """What a source may use while collecting. Mutable: it carries the run's shared state.

    Attributes:
        config: the tenant configuration.
        credential: the token credential (from :func:`m365gov.auth.credential_for` or a test one).
        collected_at: when the run started (UTC); becomes the snapshot's "now".
        as_of: end of collection windows (call records, reports).
        select: raw properties each source must fetch (``{"users": {"usageLocation", …}}``).
        stats: request counters shared by every HTTP client of the run.
        progress: hook for the progress display.
        sharer: keeps one copy of equal strings and small values across the records sources keep
            (:class:`m365gov.heap.Sharer`): 100,000 users' identical service plans, say.
    """

    config: Config
    credential: Any = field(repr=False)
    collected_at: datetime
    as_of: datetime
    select: Mapping[str, frozenset[str]] = field(default_factory=dict)
    stats: RequestStats = field(default_factory=RequestStats)
    progress: ProgressHook | None = None
    sharer: Sharer = field(default_factory=Sharer, repr=False)
    _graph: GraphSession | None = field(default=None, repr=False)
    _tasks: dict[str, asyncio.Task[SourceSection]] = field(default_factory=dict, repr=False)
    _streams: dict[str, ItemStream] = field(default_factory=dict, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def graph(self) -> GraphSession:
        """The run's one Graph client, created on first use (importing msgraph costs ~1 s)."""
        if self._graph is None:
            from m365gov.collect.graph import GraphSession

            c = self.config.collect
            self._graph = GraphSession(
                self.config.graph,
                self.credential,
                policy=RetryPolicy(
                    max_attempts=c.max_attempts,
                    max_retry_wait=c.max_retry_wait,
                    retry_budget=c.retry_budget,
                    concurrency=c.concurrency,
                ),
                stats=self.stats,
                timeout=c.timeout,
            )
        return self._graph

    async def section(self, name: str) -> SourceSection | None:
        """Wait for another source of this run (a dependency) and return its section."""
        task = self._tasks.get(name)
        return await task if task is not None else None

    def stream(self, name: str) -> ItemStream:
        """The items of source ``name`` as they are collected (see :mod:`m365gov.collect.stream`)."""
        if name not in self._streams:
            self._streams[name] = ItemStream(name)
        return self._streams[name]

    def report(self, source: str, event: str, items: int = 0) -> None:
        if self.progress is not None:
            self.progress(source, event, items)

    async def aclose(self) -> None:
        if self._graph is not None:
            await self._graph.close()


class SourceUnavailable(Exception):
    """Raised inside :meth:`Source.fetch` when the source cannot be read for a known reason.

    ``data`` keeps what was read before the failure (one vault of several, say). The section stays
    not ``ok``, so no policy judges it (``Snapshot.data`` ignores it), but a command that can act on
    partial evidence safely — ``keys plan`` for the vaults it could read — finds it there.
    """

    def __init__(self, status: str, detail: str, permission: str | None = None, data: Any = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.permission = permission
        self.data = data


class Source(ABC):
    """One section of the snapshot.

    Class attributes:
        name: the section's key in the snapshot.
        description: one line for ``m365gov permissions`` and the docs.
        permissions: least-privileged application permissions (graph.md §1), read-only.
        depends_on: sources whose sections this one reads (awaited through the context).
    """

    name: ClassVar[str]
    description: ClassVar[str]
    permissions: ClassVar[tuple[str, ...]]
    depends_on: ClassVar[tuple[str, ...]] = ()

    def not_configured(self, config: Config) -> str | None:
        """Why this source cannot run with this config (``None`` when it can)."""
        return None

    @abstractmethod
    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        """Fetch the raw data; return ``(data, counts)``. Raise on failure."""

    def classify(self, error: GraphError) -> SourceUnavailable:
        """Map a final Graph error to a source status. Subclasses refine (beta 404 → beta_unavailable)."""
        if error.status == 403:
            needed = " and ".join(self.permissions)
            return SourceUnavailable(
                SRC_MISSING_PERMISSION,
                f"{error}. Grant the application permission {needed} to the app registration "
                "and give admin consent.",
                needed,
            )
        if error.status in (429, 503, 504):
            return SourceUnavailable(SRC_THROTTLED, f"{error} (still refused after m365gov's retries)")
        if error.status == 401:
            return SourceUnavailable(SRC_ERROR, f"{error} (authentication failed: check the credential)")
        return SourceUnavailable(SRC_ERROR, str(error))

    async def collect(self, ctx: CollectContext) -> SourceSection:
        """Run :meth:`fetch` and turn every outcome into a section; never raises (but cancellation)."""
        from m365gov.collect.graph import GraphError

        reason = self.not_configured(ctx.config)
        if reason is not None:
            ctx.report(self.name, SRC_NOT_CONFIGURED)
            await ctx.stream(self.name).close(ok=False, detail=reason)
            return SourceSection(self.name, SRC_NOT_CONFIGURED, detail=reason)
        ctx.report(self.name, "start")
        try:
            data, counts = await self.fetch(ctx)
        except SourceUnavailable as exc:
            section = SourceSection(
                self.name, exc.status, data=exc.data, detail=exc.detail, permission=exc.permission
            )
        except GraphError as exc:
            u = self.classify(exc)
            section = SourceSection(self.name, u.status, detail=u.detail, permission=u.permission)
        except RetryBudgetExceeded as exc:
            section = SourceSection(self.name, SRC_THROTTLED, detail=str(exc))
        except StreamFailed as exc:
            section = SourceSection(self.name, SRC_ERROR, detail=f"needs the {exc.name} source: {exc}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a failing source must never stop the others
            log.debug("source %s failed", self.name, exc_info=True)
            section = SourceSection(self.name, SRC_ERROR, detail=f"{type(exc).__name__}: {exc}")
        else:
            section = SourceSection(self.name, SRC_OK, data=data, counts=counts)
        if section.detail:  # quoted from a service's error: it might echo a header or a token
            section = replace(section, detail=redact(section.detail))
        await ctx.stream(self.name).close(ok=section.ok, detail=section.detail or section.status)
        ctx.report(self.name, section.status, int(section.counts.get("items", 0)))
        return section
