"""Call records over HTTP: the list by start time, nested sessions and participants paging, retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from m365gov.emulator import Emulator, generate_tenant
from m365gov.emulator.calls import Plan
from m365gov.emulator.options import EmulatorOptions
from m365gov.timeutil import to_iso

WINDOW = "startDateTime ge 2026-10-29T08:00:00Z and startDateTime lt 2026-11-28T08:00:00Z"


def _list(client: httpx.Client, params: dict[str, str], headers: dict[str, str] | None = None) -> tuple[
        list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    url: str | None = "/communications/callRecords"
    pages = 0
    while url:
        body = client.get(url, params=params if pages == 0 else None, headers=headers).raise_for_status().json()
        items += body["value"]
        url = body.get("@odata.nextLink")
        pages += 1
    return items, pages


def _special(emulator: Emulator, label: str) -> tuple[str, Plan]:
    store = emulator.tenant.calls
    g = next(g for g in range(store.total) if store.plan(g).label == label)
    return store.record_id(g), store.plan(g)


def test_listing_the_window_returns_every_retained_record_once(client: httpx.Client, emulator: Emulator) -> None:
    store = emulator.tenant.calls
    items, pages = _list(client, {"$filter": WINDOW})
    expected = [store.record_id(g) for g in range(store.index_at(store.retention_start), store.total)]
    assert [i["id"] for i in items] == expected
    assert pages == -(-len(expected) // 60)


def test_the_list_omits_sessions_and_participants(client: httpx.Client) -> None:
    item = client.get("/communications/callRecords", params={"$filter": WINDOW}).json()["value"][0]
    assert "sessions" not in item and "participants_v2" not in item and "organizer_v2" in item


def test_a_narrower_window_returns_only_its_records(client: httpx.Client, emulator: Emulator) -> None:
    lo, hi = emulator.tenant.now - timedelta(days=3), emulator.tenant.now - timedelta(days=1)
    items, _ = _list(client, {"$filter": f"startDateTime ge {to_iso(lo)} and startDateTime lt {to_iso(hi)}"})
    assert items and all(to_iso(lo) <= i["startDateTime"] < to_iso(hi) for i in items)


def test_maxpagesize_makes_pages_smaller_and_is_acknowledged(client: httpx.Client) -> None:
    resp = client.get("/communications/callRecords", params={"$filter": WINDOW},
                      headers={"Prefer": "odata.maxpagesize=7"})
    assert len(resp.json()["value"]) == 7 and resp.headers["Preference-Applied"] == "odata.maxpagesize=7"


def test_maxpagesize_is_capped_at_60(client: httpx.Client) -> None:
    resp = client.get("/communications/callRecords", params={"$filter": WINDOW},
                      headers={"Prefer": "odata.maxpagesize=500"})
    assert len(resp.json()["value"]) == 60


@pytest.mark.parametrize("text", ["type eq 'groupCall'", "startDateTime ge '2026-11-01'",
                                  "startDateTime ge 2026-11-01T00:00:00Z or startDateTime lt 2026-11-02T00:00:00Z",
                                  "endDateTime ge 2026-11-01T00:00:00Z"])
def test_other_filters_are_a_400(client: httpx.Client, text: str) -> None:
    assert client.get("/communications/callRecords", params={"$filter": text}).status_code == 400


def test_the_participant_filter_returns_only_their_records(client: httpx.Client, emulator: Emulator) -> None:
    (failing,) = [d["id"] for d in emulator.tenant.defects if d["kind"] == "mic_failing"]
    items, _ = _list(client, {"$filter": f"participants_v2/any(p:p/id eq '{failing}') and {WINDOW}"})
    assert len(items) >= 3
    for item in items:
        full = client.get(f"/communications/callRecords/{item['id']}", params={"$expand": "participants_v2"}).json()
        assert failing in {p["id"] for p in full["participants_v2"]}


def test_nested_session_paging_covers_every_session_exactly_once(client: httpx.Client, emulator: Emulator) -> None:
    rid, _ = _special(emulator, "council-session")
    body = client.get(f"/communications/callRecords/{rid}", params={"$expand": "sessions($expand=segments)"}).json()
    sessions = list(body["sessions"])
    assert len(sessions) == 60
    link = body["sessions@odata.nextLink"]
    assert link.startswith(emulator.graph_url + "/communications/callRecords(")
    pages = 1
    while link:
        page = client.get(link).raise_for_status().json()
        sessions += page["value"]
        link = page.get("@odata.nextLink")
        pages += 1
    ids = [s["id"] for s in sessions]
    assert len(ids) == len(set(ids)) > 60 and pages >= 2
    assert all(s["segments"] for s in sessions)


def test_sessions_without_segments_when_not_asked(client: httpx.Client, emulator: Emulator) -> None:
    rid, _ = _special(emulator, "council-session")
    body = client.get(f"/communications/callRecords/{rid}", params={"$expand": "sessions"}).json()
    assert "segments" not in body["sessions"][0]
    assert "expand" not in body["sessions@odata.nextLink"].lower()


def test_nested_participants_paging_goes_by_130(client: httpx.Client, emulator: Emulator) -> None:
    rid, plan = _special(emulator, "all-staff")
    body = client.get(f"/communications/callRecords/{rid}", params={"$expand": "participants_v2"}).json()
    assert len(body["participants_v2"]) == 130
    rest = client.get(body["participants_v2@odata.nextLink"]).json()
    everyone = [p["id"] for p in body["participants_v2"] + rest["value"]]
    assert len(everyone) == len(set(everyone)) == len(plan.legs)


def test_a_record_beyond_retention_is_404(client: httpx.Client, emulator: Emulator) -> None:
    old = emulator.tenant.calls.record_id(0)
    resp = client.get(f"/communications/callRecords/{old}")
    assert resp.status_code == 404


def test_an_unknown_record_is_404(client: httpx.Client) -> None:
    assert client.get("/communications/callRecords/e523d2ed-2966-4b6b-925b-754a88034cc5").status_code == 404


def test_an_unsupported_expand_is_a_400(client: httpx.Client, emulator: Emulator) -> None:
    rid, _ = _special(emulator, "rehearsal")
    assert client.get(f"/communications/callRecords/{rid}", params={"$expand": "organizer"}).status_code == 400


def test_records_are_reachable_inside_batch(client: httpx.Client, emulator: Emulator) -> None:
    rid, _ = _special(emulator, "rehearsal")
    resp = client.post("/$batch", json={"requests": [
        {"id": "1", "method": "GET", "url": f"/communications/callRecords/{rid}?$expand=sessions($expand=segments)"}]})
    inner = resp.json()["responses"][0]
    assert inner["status"] == 200 and inner["body"]["joinWebUrl"] == emulator.tenant.council_meeting.join_web_url


def test_the_documented_link_form_can_be_asked_for() -> None:
    with Emulator(generate_tenant(), options=EmulatorOptions(nested_link_form="documented")) as emu, \
            httpx.Client(base_url=emu.graph_url, headers={"Authorization": "Bearer t"}) as c:
        rid, _ = _special(emu, "council-session")
        body = c.get(f"/communications/callRecords/{rid}", params={"$expand": "sessions"}).json()
    assert "/v1.0/$metadata#communications/callRecords('" in body["sessions@odata.nextLink"]
