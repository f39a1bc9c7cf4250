"""Call records over the retention window: camera and microphone evidence (graph.md §4, §7).

Requests, for N records listed on P pages with S extra session pages:

* the list, filtered on ``startDateTime`` over the 30 days ending at ``ctx.as_of``: P requests
  (the list omits sessions, so it cannot be the evidence itself);
* each record with ``$expand=sessions($expand=segments)``, through ``$batch`` by 20:
  ceil(N / 20) requests — a GET per record is unavoidable, 20 of them per round trip is the least;
* the nested ``sessions@odata.nextLink`` pages, which no page iterator follows: also through
  ``$batch``, 20 at a time, in rounds until none is left (bounded), so at most S requests and
  usually ceil(S / 20).

The list's pages follow one another (each nextLink comes with the page before it): that chain is
the critical path of a large tenant (3,909 pages at 100,000 users). So the window is listed as
:data:`SLICES` consecutive time slices at once (``startDateTime ge a and startDateTime lt b``: every
record falls in exactly one), which divides the chain and costs at most ``SLICES - 1`` extra
pages; and detail batches start while the list is still paging, as soon as 20 new ids are known,
so that they overlap the chain instead of following it.
Each record is compacted (:func:`m365gov.collect.call_records.compact_call`) as soon as its batch
(or its last session page) is in, so memory holds compact calls plus the few batches in flight —
never the full records of the window (15 KB each, 234,000 of them at 100,000 users).
"""

from __future__ import annotations

import asyncio
import itertools
import math
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from m365gov.collect.base import CollectContext, Source, SourceUnavailable
from m365gov.collect.call_records import compact_call
from m365gov.collect.graph import BATCH_LIMIT, BatchResponse
from m365gov.statuses import SRC_ERROR, SRC_MISSING_PERMISSION, SRC_THROTTLED
from m365gov.timeutil import to_iso

RETENTION = timedelta(days=30)
"""Call records stay available 30 days after the call (graph.md §4)."""
SLICES = 4
"""Consecutive slices of the window listed side by side: a quarter of the chain of pages for at most
three more requests (one partial last page per slice), whatever the tenant's size."""
MAX_SESSION_ROUNDS = 200
"""Bound on rounds of nested session pages (60 sessions each: 12,000 sessions for one call)."""
DETAIL = "/communications/callRecords/{id}?$expand=sessions($expand=segments)"
_KEY_SEGMENT = re.compile(r"\('([^'/]*)'\)")


class CallRecordsSource(Source):
    """Every call and meeting of the window, compacted per participant (caller side).

    Section data: ``{"window": {"start", "end", "retainedFrom" (only when the window reaches past
    retention)}, "calls": [compact call…]}``; counts: ``items``
    (calls kept), ``listPages``, ``detailBatches``, ``sessionPages``, ``sessionBatches`` and
    ``expired`` (listed, then gone — past retention — before their details were read).
    """

    name = "callRecords"
    description = (
        "calls and meetings of the last 30 days with device evidence per participant "
        "(GET /communications/callRecords, then each record with sessions and segments in $batch)"
    )
    permissions = ("CallRecords.Read.All",)

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        end = ctx.as_of
        start = end - RETENTION
        ids: list[str] = []
        seen: set[str] = set()
        waiting: list[str] = []
        calls: dict[str, dict[str, Any]] = {}
        partial: dict[str, dict[str, Any]] = {}
        links: dict[str, str] = {}
        problems: list[str] = []
        expired = 0
        batches: list[asyncio.Task[None]] = []

        async def details(chunk: list[str]) -> None:
            nonlocal expired
            answers = await ctx.graph.batch([DETAIL.format(id=i) for i in chunk])
            for rid, answer in zip(chunk, answers, strict=True):
                body = self._body(answer, rid, problems)
                if body is None:
                    expired += answer.status == 404
                    continue
                link = body.pop("sessions@odata.nextLink", None)
                if link:
                    partial[rid] = body
                    links[rid] = self._relative(link, ctx)
                else:
                    calls[rid] = compact_call(body)
            ctx.report(self.name, "items", len(chunk))

        def send(chunk: list[str]) -> None:
            batches.append(asyncio.ensure_future(details(chunk)))

        slices = _slices(start, end, SLICES)
        listed: list[list[str]] = [[] for _ in slices]

        async def list_slice(i: int, lo: datetime, hi: datetime) -> int:
            pages = 0
            window = f"startDateTime ge {to_iso(lo)} and startDateTime lt {to_iso(hi)}"
            async for page in ctx.graph.pages(ctx.graph.client.communications.call_records, filter=window):
                pages += 1
                for r in page.get("value", []):
                    rid = str(r["id"]) if r.get("id") else ""
                    if rid and rid not in seen:
                        seen.add(rid)
                        listed[i].append(rid)
                        waiting.append(rid)
                while len(waiting) >= BATCH_LIMIT:
                    send(waiting[:BATCH_LIMIT])
                    del waiting[:BATCH_LIMIT]
            return pages

        listing = [asyncio.ensure_future(list_slice(i, lo, hi)) for i, (lo, hi) in enumerate(slices)]
        try:
            list_pages = sum(await asyncio.gather(*listing))
            if waiting:
                send(waiting)
            await asyncio.gather(*batches)
        finally:
            for task in (*listing, *batches):
                task.cancel()
            await asyncio.gather(*listing, *batches, return_exceptions=True)
        ids.extend(rid for part in listed for rid in part)

        session_pages = session_batches = 0
        for _ in range(MAX_SESSION_ROUNDS):
            if not links:
                break
            order = list(links)
            answers = await ctx.graph.batch([links[r] for r in order])
            session_batches += math.ceil(len(order) / 20)
            links = {}
            for rid, answer in zip(order, answers, strict=True):
                body = self._body(answer, rid, problems)
                if body is None:
                    partial.pop(rid, None)  # an incomplete record would under-report its participants
                    continue
                session_pages += 1
                record = partial[rid]
                record["sessions"] = [*(record.get("sessions") or ()), *(body.get("value") or ())]
                link = body.get("@odata.nextLink")
                if link:
                    links[rid] = self._relative(link, ctx)
                else:
                    calls[rid] = compact_call(partial.pop(rid))
        if links:
            raise SourceUnavailable(
                SRC_ERROR, f"{len(links)} call record(s) still had session pages after {MAX_SESSION_ROUNDS} rounds"
            )
        if problems:
            raise SourceUnavailable(
                SRC_ERROR,
                f"{len(problems)} of {len(ids)} call records could not be read: {'; '.join(problems[:3])}",
            )
        kept = [calls[r] for r in ids if r in calls]
        window_doc = {"start": to_iso(start), "end": to_iso(end)}
        if start < ctx.collected_at - RETENTION:
            # An --as-of in the past: calls before this instant were already deleted by Microsoft.
            window_doc["retainedFrom"] = to_iso(ctx.collected_at - RETENTION)
        data = {"window": window_doc, "calls": kept}
        counts = {
            "items": len(kept),
            "listPages": list_pages,
            "detailBatches": math.ceil(len(ids) / 20),
            "sessionPages": session_pages,
            "sessionBatches": session_batches,
            "expired": expired,
        }
        return data, counts

    def _body(self, answer: BatchResponse, rid: str, problems: list[str]) -> dict[str, Any] | None:
        """The answer's JSON body, or ``None`` (404: past retention; others noted in ``problems``)."""
        if answer.status == 200 and isinstance(answer.body, dict):
            return answer.body
        if answer.status == 403:
            raise SourceUnavailable(
                SRC_MISSING_PERMISSION,
                "HTTP 403 on /communications/callRecords/{id}: grant the application permission "
                "CallRecords.Read.All (no delegated permission exists) and give admin consent",
                "CallRecords.Read.All",
            )
        if answer.status == 429:
            raise SourceUnavailable(SRC_THROTTLED, f"call record {rid} still throttled after m365gov's retries")
        if answer.status != 404:
            problems.append(f"{rid}: HTTP {answer.status or 'connection failed'}")
        return None

    def _relative(self, link: str, ctx: CollectContext) -> str:
        """A ``sessions@odata.nextLink`` as a path relative to the v1.0 root, for ``$batch``.

        Accepts the documented form ``…/v1.0/$metadata#communications/callRecords('id')/sessions?…``
        as well as a plain one, and refuses any other host: the token is only for Graph.
        """
        root = ctx.graph.settings.base_url
        link = link.replace("/$metadata#", "/", 1)
        u, r = urlparse(link), urlparse(root)
        if (u.scheme, u.netloc) != (r.scheme, r.netloc) or not u.path.startswith(r.path + "/"):
            raise SourceUnavailable(SRC_ERROR, f"a session nextLink points outside {root}: {link[:80]}")
        path = _KEY_SEGMENT.sub(r"/\1", u.path[len(r.path) :])
        return f"{path}?{u.query}" if u.query else path


def _slices(start: datetime, end: datetime, n: int) -> list[tuple[datetime, datetime]]:
    """``n`` consecutive ``[lo, hi)`` slices of ``[start, end)``, on whole seconds (as ``$filter`` writes them)."""
    step = (end - start) / n
    edges = [start, *((start + step * i).replace(microsecond=0) for i in range(1, n)), end]
    return [(lo, hi) for lo, hi in itertools.pairwise(edges) if lo < hi]
