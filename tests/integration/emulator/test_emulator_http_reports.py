"""Usage reports over HTTP: 302 to a pre-authenticated CSV download, expiry, headers, beta JSON."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from m365gov.emulator import Emulator, generate_tenant
from m365gov.emulator.options import EmulatorOptions
from m365gov.emulator.reportdata import COLUMNS

ACTIVITY = "/reports/getTeamsUserActivityUserDetail(period='D30')"


def _download(client: httpx.Client, path: str) -> httpx.Response:
    first = client.get(path)
    assert first.status_code == 302, first.text
    return httpx.get(first.headers["Location"])  # no Authorization, as the SDK sends it


def _table(resp: httpx.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))


def test_report_redirects_to_the_emulator_itself(client: httpx.Client, emulator: Emulator) -> None:
    resp = client.get(ACTIVITY)
    assert resp.status_code == 302
    location = urlsplit(resp.headers["Location"])
    base = urlsplit(emulator.base_url)
    assert (location.scheme, location.netloc) == (base.scheme, base.netloc)
    assert location.path.startswith("/data/download/")


def test_download_works_without_authorization(client: httpx.Client) -> None:
    resp = _download(client, ACTIVITY)
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/octet-stream"


def test_download_starts_with_a_bom_and_microsofts_exact_headers(client: httpx.Client) -> None:
    for report, columns in COLUMNS.items():
        body = _download(client, f"/reports/{report}(period='D7')").content
        assert body.startswith(b"\xef\xbb\xbf")
        assert body[3:].split(b"\r\n", 1)[0].decode() == ",".join(h for h, _ in columns)


def test_device_usage_carries_the_newest_columns(client: httpx.Client) -> None:
    header = _download(client, "/reports/getTeamsDeviceUsageUserDetail(period='D30')").content[3:].split(b"\r\n")[0]
    assert b"User Id" in header and b"Used Chrome OS" in header and b"Used Linux" in header


def test_report_rows_are_the_teams_users_with_their_period(client: httpx.Client, emulator: Emulator) -> None:
    rows = _table(_download(client, ACTIVITY))
    assert len(rows) == len(emulator.tenant.usage.profiles)
    assert {r["Report Period"] for r in rows} == {"30"} and {r["Is Licensed"] for r in rows} == {"Yes"}


def test_inactive_users_show_no_activity_in_the_csv(client: httpx.Client, emulator: Emulator) -> None:
    rows = {r["User Id"]: r for r in _table(_download(client, ACTIVITY))}
    for d in emulator.tenant.defects:
        if d["kind"] == "teams_inactive":
            assert rows[d["id"]]["Meeting Count"] == "0" and rows[d["id"]]["Last Activity Date"] == (d["value"] or "")


def test_web_only_users_used_only_the_web_client(client: httpx.Client, emulator: Emulator) -> None:
    rows = {r["User Id"]: r for r in _table(_download(client, "/reports/getTeamsDeviceUsageUserDetail(period='D30')"))}
    for d in emulator.tenant.defects:
        if d["kind"] == "teams_web_only":
            used = {k for k, v in rows[d["id"]].items() if k.startswith("Used ") and v == "Yes"}
            assert used == {"Used Web"}


@pytest.mark.parametrize("args", ["period='D14'", "period='d'", "period=D7", "date=2020-01-01", "foo='x'"])
def test_bad_report_arguments_are_a_400(client: httpx.Client, args: str) -> None:
    assert client.get(f"/reports/getTeamsUserActivityUserDetail({args})").status_code == 400


def test_one_day_report_lists_only_that_days_active_users(client: httpx.Client, emulator: Emulator) -> None:
    day = "2026-11-27"
    rows = _table(_download(client, f"/reports/getTeamsUserActivityUserDetail(date={day})"))
    assert rows and {r["Last Activity Date"] for r in rows} == {day} and {r["Report Period"] for r in rows} == {"1"}


def test_a_tampered_download_link_is_refused(client: httpx.Client) -> None:
    location = client.get(ACTIVITY).headers["Location"]
    assert httpx.get(location[:-3] + "AAA").status_code == 403


@pytest.fixture(scope="module")
def short_lived() -> Iterator[Emulator]:
    with Emulator(generate_tenant(), options=EmulatorOptions(report_link_seconds=0.1)) as emu:
        yield emu


def test_the_download_link_expires(short_lived: Emulator) -> None:
    with httpx.Client(base_url=short_lived.graph_url, headers={"Authorization": "Bearer t"}) as c:
        location = c.get(ACTIVITY).headers["Location"]
    assert httpx.get(location).status_code == 200
    time.sleep(0.15)
    expired = httpx.get(location)
    assert expired.status_code == 403 and "expired" in expired.json()["error"]["message"]


def test_concealed_names_are_opaque_hashes() -> None:
    tenant = generate_tenant(concealed_names=True)
    with Emulator(tenant) as emu, httpx.Client(base_url=emu.graph_url, headers={"Authorization": "Bearer t"}) as c:
        rows = _table(_download(c, ACTIVITY))
        office = _table(_download(c, "/reports/getOffice365ActiveUserDetail(period='D7')"))
    upns = {u["userPrincipalName"] for u in tenant.users}
    ids = {u["id"] for u in tenant.users}
    for row in rows:
        assert row["User Principal Name"] not in upns and row["User Id"] not in ids
        assert len(row["User Principal Name"]) == 32 and row["User Principal Name"].isupper()
    assert all(len(r["Display Name"]) == 32 for r in office)


def test_beta_json_pages_cover_every_row_once(client: httpx.Client, emulator: Emulator) -> None:
    url: str | None = f"{emulator.beta_url}{ACTIVITY}?$format=application/json&$top=50"
    seen: list[str] = []
    pages = 0
    while url:
        body = client.get(url).raise_for_status().json()
        seen += [r["userId"] for r in body["value"]]
        url = body.get("@odata.nextLink")
        pages += 1
    assert sorted(seen) == sorted(emulator.tenant.users[i]["id"] for i in emulator.tenant.usage.profiles)
    assert pages == -(-len(seen) // 50)


def test_beta_json_rows_are_camel_case(client: httpx.Client, emulator: Emulator) -> None:
    row = client.get(f"{emulator.beta_url}{ACTIVITY}?$format=application/json").json()["value"][0]
    assert {"userPrincipalName", "isLicensed", "lastActivityDate", "videoDuration", "reportPeriod"} <= set(row)
    assert row["reportPeriod"] == "30" and isinstance(row["isLicensed"], bool)


def test_beta_json_default_page_is_2000_rows() -> None:
    with Emulator(generate_tenant(users=2800)) as emu, \
            httpx.Client(headers={"Authorization": "Bearer t"}) as c:
        body = c.get(f"{emu.beta_url}{ACTIVITY}?$format=application/json").json()
    assert len(body["value"]) == 2000 and "$skiptoken=" in body["@odata.nextLink"]


def test_beta_without_format_redirects_to_csv(client: httpx.Client, emulator: Emulator) -> None:
    assert client.get(f"{emulator.beta_url}{ACTIVITY}").status_code == 302


def test_beta_top_above_2000_is_a_400(client: httpx.Client, emulator: Emulator) -> None:
    assert client.get(f"{emulator.beta_url}{ACTIVITY}?$format=application/json&$top=2001").status_code == 400
