"""Online meetings and calendars over HTTP: lookups by join URL and ids, the access-policy 403."""

from __future__ import annotations

import httpx

from m365gov.emulator import Emulator, Faults
from m365gov.emulator.options import EMULATOR_APP_ID


def _meetings(client: httpx.Client, user: str, flt: str) -> httpx.Response:
    return client.get(f"/users/{user}/onlineMeetings", params={"$filter": flt})


def test_the_council_meeting_is_found_by_its_join_url(client: httpx.Client, emulator: Emulator) -> None:
    m = emulator.tenant.council_meeting
    value = _meetings(client, m.organizer_id, f"JoinWebUrl eq '{m.join_web_url}'").json()["value"]
    assert [x["id"] for x in value] == [m.meeting_id]


def test_the_join_url_carries_the_organizer_and_tenant(emulator: Emulator) -> None:
    m = emulator.tenant.council_meeting
    assert f"%22Oid%22%3a%22{m.organizer_id}%22" in m.join_web_url
    assert f"%22Tid%22%3a%22{emulator.tenant.tenant_id}%22" in m.join_web_url


def test_the_meeting_is_found_by_its_short_link_id(client: httpx.Client, emulator: Emulator) -> None:
    m = emulator.tenant.council_meeting
    value = _meetings(client, m.organizer_upn, f"joinMeetingIdSettings/joinMeetingId eq '{m.join_meeting_id}'")
    assert value.json()["value"][0]["joinWebUrl"] == m.join_web_url
    assert m.short_url == f"https://teams.microsoft.com/meet/{m.join_meeting_id}?p={m.passcode}"


def test_a_join_url_under_another_user_is_an_organizer_mismatch(client: httpx.Client, emulator: Emulator) -> None:
    m = emulator.tenant.council_meeting
    other = emulator.tenant.council_member_ids[5]
    resp = _meetings(client, other, f"JoinWebUrl eq '{m.join_web_url}'")
    assert resp.status_code == 400 and "Organizer Id mismatch" in resp.json()["error"]["message"]


def test_listing_meetings_without_a_filter_is_a_400(client: httpx.Client, emulator: Emulator) -> None:
    assert client.get(f"/users/{emulator.tenant.council_meeting.organizer_id}/onlineMeetings").status_code == 400


def test_the_meeting_is_read_by_id_by_organizer_and_invitee(client: httpx.Client, emulator: Emulator) -> None:
    m = emulator.tenant.council_meeting
    for user in (m.organizer_id, emulator.tenant.council_member_ids[3]):
        body = client.get(f"/users/{user}/onlineMeetings/{m.meeting_id}").json()
        assert body["subject"] == m.subject


def test_the_meeting_has_the_checklist_options(client: httpx.Client, emulator: Emulator) -> None:
    m = emulator.tenant.council_meeting
    body = client.get(f"/users/{m.organizer_id}/onlineMeetings/{m.meeting_id}").json()
    assert body["lobbyBypassSettings"] == {"scope": "invited", "isDialInBypassEnabled": True}
    assert body["recordAutomatically"] is False and body["allowedPresenters"] == "roleIsPresenter"
    assert body["audioConferencing"]["tollNumber"] and body["audioConferencing"]["conferenceId"]
    roles = {a["role"] for a in body["participants"]["attendees"]}
    assert roles == {"attendee", "presenter"} and len(body["participants"]["attendees"]) == 32 + 3


def test_a_stranger_cannot_read_the_meeting(client: httpx.Client, emulator: Emulator) -> None:
    m = emulator.tenant.council_meeting
    guest = next(u["id"] for u in emulator.tenant.users if u["userType"] == "Guest")
    assert client.get(f"/users/{guest}/onlineMeetings/{m.meeting_id}").status_code == 404


def test_a_missing_access_policy_is_microsofts_403(client: httpx.Client, emulator: Emulator) -> None:
    emulator.faults = Faults(meetings_access_policy=False)
    m = emulator.tenant.council_meeting
    for resp in (_meetings(client, m.organizer_id, f"JoinWebUrl eq '{m.join_web_url}'"),
                 client.get(f"/users/{m.organizer_id}/onlineMeetings/{m.meeting_id}")):
        assert resp.status_code == 403
        error = resp.json()["error"]
        assert error["code"] == "Unauthorized"
        assert error["message"] == f"App {EMULATOR_APP_ID} is not authorized to Get meeting on behalf of user " \
                                   f"{m.organizer_id}"


def test_the_access_policy_does_not_touch_calendars(client: httpx.Client, emulator: Emulator) -> None:
    emulator.faults = Faults(meetings_access_policy=False)
    m = emulator.tenant.council_meeting
    resp = client.get(f"/users/{m.organizer_id}/calendar/calendarView",
                      params={"startDateTime": "2026-11-28T00:00:00Z", "endDateTime": "2026-12-31T00:00:00Z"})
    assert resp.status_code == 200


def test_calendar_view_shows_the_council_session_with_its_join_url(client: httpx.Client, emulator: Emulator) -> None:
    m = emulator.tenant.council_meeting
    member = emulator.tenant.council_member_ids[7]
    events = client.get(f"/users/{member}/calendar/calendarView",
                        params={"startDateTime": "2026-11-28T00:00:00Z", "endDateTime": "2026-12-31T00:00:00Z"}
                        ).json()["value"]
    council = next(e for e in events if e["subject"] == m.subject)
    assert council["isOnlineMeeting"] and council["onlineMeetingProvider"] == "teamsForBusiness"
    assert council["onlineMeeting"]["joinUrl"] == m.join_web_url


def test_calendar_view_needs_a_time_window(client: httpx.Client, emulator: Emulator) -> None:
    resp = client.get(f"/users/{emulator.tenant.council_meeting.organizer_id}/calendar/calendarView")
    assert resp.status_code == 400


def test_calendar_view_pages_by_ten(client: httpx.Client, emulator: Emulator) -> None:
    mayor = emulator.tenant.council_meeting.organizer_id
    params = {"startDateTime": "2026-11-01T00:00:00Z", "endDateTime": "2027-01-31T00:00:00Z", "$top": "2"}
    body = client.get(f"/users/{mayor}/calendarView", params=params).json()
    assert len(body["value"]) == 2 and body["@odata.nextLink"]
    rest = client.get(body["@odata.nextLink"]).json()
    assert rest["value"] and rest["value"][0]["id"] not in {e["id"] for e in body["value"]}
