"""Teams sources one exchange at a time (httpx MockTransport, no socket): the report redirect keeps
the token on Graph, a report is one request, concealed names stop the download, beta that vanished."""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

import httpx

from m365gov.auth import StaticTestCredential
from m365gov.collect.base import CollectContext, Source
from m365gov.collect.graph import GraphSession
from m365gov.collect.graph_callrecords import SLICES
from m365gov.collect.graph_devices import TeamworkDevicesSource
from m365gov.collect.graph_reports import TeamsUserActivitySource
from m365gov.config import config_from_mapping, graph_settings_for
from m365gov.snapshot.model import SourceSection

Handler = Callable[[httpx.Request], httpx.Response]
NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
NOW_ISO = "2026-11-28T08:00:00Z"
CSV = (
    b"\xef\xbb\xbfReport Refresh Date,User Principal Name,Last Activity Date,Report Period\r\n"
    b"2026-11-27,a@ville.fr,2026-11-20,30\r\n"
)


def _run(source: Source, handler: Handler, *, settings: dict[str, Any] | None = None) -> SourceSection:
    config = config_from_mapping({"tenant_id": "t", "auth": {"mode": "client_secret", "client_id": "c"}})
    ctx = CollectContext(config=config, credential=StaticTestCredential(), collected_at=NOW, as_of=NOW)
    ctx._graph = GraphSession(
        graph_settings_for("global"), StaticTestCredential(), transport=httpx.MockTransport(handler)
    )

    async def main() -> SourceSection:
        for dep in source.depends_on:
            ctx._tasks[dep] = asyncio.ensure_future(_done(SourceSection(dep, "ok", data=settings or {})))
        try:
            return await source.collect(ctx)
        finally:
            await ctx.aclose()

    return asyncio.run(main())


async def _done(section: SourceSection) -> SourceSection:
    return section


def test_the_report_download_on_another_host_never_receives_the_token() -> None:
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers.get("Authorization")))
        if request.url.host == "graph.microsoft.com":
            return httpx.Response(302, headers={"Location": "https://reports.office.com/data/download/JDFKdf2"})
        return httpx.Response(200, content=CSV, headers={"Content-Type": "application/octet-stream"})

    section = _run(TeamsUserActivitySource(), handler, settings={"displayConcealedNames": False})
    assert section.ok and section.data["users"] == [
        {"userPrincipalName": "a@ville.fr", "lastActivityDate": "2026-11-20"}
    ]
    assert section.data["reportRefreshDate"] == "2026-11-27" and section.data["reportPeriod"] == 30
    (graph, download) = seen
    assert graph[0] == "graph.microsoft.com" and (graph[1] or "").startswith("Bearer ")
    assert download == ("reports.office.com", None)


def test_the_report_period_comes_from_the_config_and_is_asked_once() -> None:
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, content=CSV)

    _run(TeamsUserActivitySource(), handler)
    assert urls == ["https://graph.microsoft.com/v1.0/reports/getTeamsUserActivityUserDetail(period='D30')"]


def test_concealed_names_stop_the_report_before_any_download() -> None:
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, content=CSV)

    section = _run(TeamsUserActivitySource(), handler, settings={"displayConcealedNames": True})
    assert section.status == "concealed_names" and urls == []
    assert "Settings → Org settings → Reports" in (section.detail or "")


def test_a_beta_endpoint_that_vanished_is_beta_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path.startswith("/beta/teamwork/devices")
        return httpx.Response(404, json={"error": {"code": "UnknownError", "message": "Resource not found"}})

    section = _run(TeamworkDevicesSource(), handler)
    assert section.status == "beta_unavailable" and "inventory" in (section.detail or "")


def test_devices_are_listed_with_top_50_and_room_health_is_batched_on_beta() -> None:
    requests: list[httpx.Request] = []
    device = {"id": "d1", "deviceType": "teamsRoom", "healthStatus": "healthy", "currentUser": {"displayName": "S"}}
    phone = {"id": "p1", "deviceType": "ipPhone", "healthStatus": "healthy"}

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path == "/beta/$batch":
            return httpx.Response(200, json={"responses": [{"id": "0", "status": 200, "body": {"connection": {}}}]})
        return httpx.Response(200, json={"value": [device, phone]})

    section = _run(TeamworkDevicesSource(), handler)
    assert section.ok and [d.get("health") for d in section.data["devices"]] == [{"connection": {}}, None]
    assert str(requests[0].url) == "https://graph.microsoft.com/beta/teamwork/devices?$top=50"
    assert requests[1].url.path == "/beta/$batch" and b"/teamwork/devices/d1/health" in requests[1].content


def test_a_session_page_on_another_host_is_refused_not_followed() -> None:
    from m365gov.collect.graph_callrecords import CallRecordsSource

    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.url.path == "/v1.0/$batch":
            record = {"id": "r1", "sessions": [], "sessions@odata.nextLink": "https://evil.example/v1.0/x?$skiptoken=1"}
            return httpx.Response(200, json={"responses": [{"id": "0", "status": 200, "body": record}]})
        return httpx.Response(200, json={"value": [{"id": "r1"}]})

    section = _run(CallRecordsSource(), handler)
    assert section.status == "error" and "outside" in (section.detail or "")
    assert set(hosts) == {"graph.microsoft.com"}


def test_call_records_are_listed_over_the_30_days_ending_at_as_of() -> None:
    from m365gov.collect.graph_callrecords import CallRecordsSource

    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json={"value": []})

    section = _run(CallRecordsSource(), handler)
    assert section.ok and section.data == {"window": {"start": "2026-10-29T08:00:00Z", "end": NOW_ISO}, "calls": []}
    # Listed as consecutive slices (a shorter chain of pages each) that cover the window exactly.
    filters = sorted(re.findall(r"startDateTime ge (\S+) and startDateTime lt (\S+)", unquote_plus(u))[0] for u in urls)
    assert filters[0][0] == "2026-10-29T08:00:00Z" and filters[-1][1] == "2026-11-28T08:00:00Z"
    assert all(a[1] == b[0] for a, b in itertools.pairwise(filters)) and len(filters) == SLICES
