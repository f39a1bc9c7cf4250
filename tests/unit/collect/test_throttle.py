"""The retry layer's reading of Retry-After and its service buckets."""

from __future__ import annotations

import pytest

from m365gov.collect.throttle import parse_retry_after, service_of


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), ("2.128", 2.128), ("0", 0.0), ("30,120", 30.0), (" 7 ", 7.0)],
)
def test_retry_after_seconds_and_fractions_are_read(header: str, seconds: float) -> None:
    assert parse_retry_after(header) == pytest.approx(seconds)


def test_retry_after_http_date_is_converted_against_now() -> None:
    now = 1_700_000_000.0  # 2023-11-14T22:13:20Z
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:25 GMT", now=now) == pytest.approx(5.0)


def test_retry_after_in_the_past_means_no_wait() -> None:
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:00 GMT", now=1_700_000_000.0) == 0.0


@pytest.mark.parametrize("header", [None, "", "soon", "-3", "nan", "inf"])
def test_retry_after_absent_or_unreadable_gives_none(header: str | None) -> None:
    assert parse_retry_after(header) is None


@pytest.mark.parametrize(
    ("url", "service"),
    [
        ("https://graph.microsoft.com/v1.0/users?$top=999", "identity"),
        ("https://graph.microsoft.com/v1.0/organization", "identity"),
        ("https://graph.microsoft.com/v1.0/sites/getAllSites()", "sharepoint"),
        ("https://graph.microsoft.com/v1.0/reports/getTeamsUserActivityUserDetail(period='D30')", "reports"),
        ("https://reports.office.com/data/download/abc", "reports"),
        ("https://graph.microsoft.com/v1.0/communications/callRecords?$filter=x", "callRecords"),
        ("https://graph.microsoft.com/beta/teamwork/devices", "teamworkDevices"),
        ("https://graph.microsoft.com/v1.0/teamwork", "teams"),
        ("https://graph.microsoft.com/v1.0/users/u1/onlineMeetings", "onlineMeetings"),
        ("https://graph.microsoft.com/v1.0/users/u1/calendar/calendarView", "outlook"),
        ("http://127.0.0.1:9/v1.0/$batch", "batch"),
    ],
)
def test_each_url_belongs_to_its_graph_service(url: str, service: str) -> None:
    assert service_of(url) == service
