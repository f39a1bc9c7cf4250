"""The council checklist through the real msgraph-sdk against the emulator: finding the meeting by each
kind of reference, the missing access policy, the calendar, and the demo town's session end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from m365gov.auth import StaticTestCredential
from m365gov.checklist.run import CouncilRequest, Inputs, build_checklist, collect_people, find_meeting, read_inputs
from m365gov.config import Config, config_from_mapping
from m365gov.emulator import EMULATOR_APP_ID, Emulator, Faults, Tenant, generate_tenant
from m365gov.emulator.rooms import CHAMBER_NAME
from m365gov.snapshot.model import Snapshot

CRED = StaticTestCredential()


def _config(emu: Emulator, town: Tenant, tmp_path: Path, **council: Any) -> Config:
    inventory = tmp_path / "inventaire.csv"
    inventory.write_text(town.inventory_csv(), encoding="utf-8")
    return config_from_mapping({
        "tenant_id": town.tenant_id,
        "graph": {"endpoint": emu.graph_url},
        "auth": {"mode": "emulator"},
        "collect": {"max_retry_wait": 5},
        "inventory": {"csv": str(inventory)},
        "council": {"group_id": town.council_group_id, "chamber_device": CHAMBER_NAME,
                    "members_in_office": len(town.council_member_ids), **council},
    })


@pytest.fixture(scope="module")
def people(_running_emulator: Emulator, town: Tenant, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The council's people collected once (the readiness and rooms views' sources), windows at the town's now."""
    config = _config(_running_emulator, town, tmp_path_factory.mktemp("people"))
    return collect_people(config, CRED, as_of=town.now)


@pytest.fixture
def emu(live_emulator: Emulator) -> Iterator[Emulator]:
    yield live_emulator


def _inputs(emu: Emulator, town: Tenant, tmp_path: Path, meeting: str, **request: Any) -> tuple[Config, Inputs]:
    config = _config(emu, town, tmp_path, organizer=town.council_meeting.organizer_upn)
    return config, read_inputs(config, CouncilRequest(meeting=meeting, **request))


def _meeting_requests(emu: Emulator) -> list[str]:
    return [f"{r.path}?{unquote(r.query)}" for r in emu.requests if "/onlineMeetings" in r.path]


def test_the_meeting_is_found_by_its_join_url_under_the_organizer_in_the_url(emu: Emulator, town: Tenant,
                                                                             tmp_path: Path) -> None:
    m = town.council_meeting
    config, inputs = _inputs(emu, town, tmp_path, m.join_web_url)
    lookup = find_meeting(config, CRED, inputs)
    assert lookup.ok and lookup.meeting is not None and lookup.meeting["id"] == m.meeting_id
    assert lookup.organizer == m.organizer_id  # the Oid of the URL, not the configured UPN
    (request,) = _meeting_requests(emu)
    assert request.startswith(f"/v1.0/users/{m.organizer_id}/onlineMeetings?$filter=JoinWebUrl eq '")
    assert lookup.calendar_status == "ok" and lookup.event is not None
    assert lookup.event["onlineMeeting"]["joinUrl"] == m.join_web_url


def test_the_meeting_is_found_by_its_graph_id(emu: Emulator, town: Tenant, tmp_path: Path) -> None:
    m = town.council_meeting
    config, inputs = _inputs(emu, town, tmp_path, m.meeting_id)
    lookup = find_meeting(config, CRED, inputs)
    assert lookup.ok and lookup.meeting is not None and lookup.meeting["subject"] == m.subject
    assert _meeting_requests(emu) == [f"/v1.0/users/{m.organizer_id}/onlineMeetings/{m.meeting_id}?"]


def test_a_short_link_is_found_under_the_configured_organizer(emu: Emulator, town: Tenant, tmp_path: Path) -> None:
    m = town.council_meeting
    config, inputs = _inputs(emu, town, tmp_path, m.short_url)
    lookup = find_meeting(config, CRED, inputs)
    assert lookup.ok and lookup.meeting is not None and lookup.meeting["id"] == m.meeting_id
    (request,) = _meeting_requests(emu)
    assert f"joinMeetingIdSettings/joinMeetingId eq '{m.join_meeting_id}'" in request
    assert m.passcode not in request


def test_the_numeric_meeting_id_is_found_under_the_organizer_given_on_the_command_line(
        emu: Emulator, town: Tenant, tmp_path: Path) -> None:
    m = town.council_meeting
    config, inputs = _inputs(emu, town, tmp_path, " ".join([m.join_meeting_id[:3], m.join_meeting_id[3:]]),
                             organizer=m.organizer_id)
    lookup = find_meeting(config, CRED, inputs)
    assert lookup.ok and lookup.organizer == m.organizer_id


def test_the_wrong_organizer_is_not_found_not_a_crash(emu: Emulator, town: Tenant, tmp_path: Path) -> None:
    other = town.user(town.council_member_ids[4])
    assert other is not None
    config, inputs = _inputs(emu, town, tmp_path, town.council_meeting.short_url,
                             organizer=other["userPrincipalName"])
    lookup = find_meeting(config, CRED, inputs)
    assert lookup.status == "not_found" and "Organizer Id mismatch" in (lookup.detail or "")


def test_a_missing_access_policy_is_not_configured_with_the_commands(emu: Emulator, town: Tenant,
                                                                     tmp_path: Path) -> None:
    emu.faults = Faults(meetings_access_policy=False)
    m = town.council_meeting
    config, inputs = _inputs(emu, town, tmp_path, m.join_web_url)
    lookup = find_meeting(config, CRED, inputs)
    assert lookup.status == "not_configured" and lookup.meeting is None
    assert lookup.commands == (
        f'New-CsApplicationAccessPolicy -Identity m365gov-policy -AppIds "{EMULATOR_APP_ID}" '
        '-Description "m365gov: read the council meetings"',
        f'Grant-CsApplicationAccessPolicy -PolicyName m365gov-policy -Identity "{m.organizer_id}"',
    )


def test_with_a_short_link_the_grant_command_names_the_organizer_s_object_id(emu: Emulator, town: Tenant,
                                                                            tmp_path: Path) -> None:
    emu.faults = Faults(meetings_access_policy=False)
    m = town.council_meeting
    config, inputs = _inputs(emu, town, tmp_path, m.short_url)
    lookup = find_meeting(config, CRED, inputs)
    assert lookup.status == "not_configured" and inputs.lookup_under == m.organizer_upn
    assert lookup.commands[1].endswith(f'-Identity "{m.organizer_id}"')  # resolved from the UPN


def test_a_403_without_the_access_policy_message_is_a_missing_permission(emu: Emulator, town: Tenant,
                                                                        tmp_path: Path) -> None:
    m = town.council_meeting
    emu.faults = Faults(forbidden=frozenset({f"/v1.0/users/{m.organizer_id}/onlineMeetings"}))
    config, inputs = _inputs(emu, town, tmp_path, m.join_web_url)
    lookup = find_meeting(config, CRED, inputs)
    assert (lookup.status, lookup.permission) == ("missing_permission", "OnlineMeetings.Read.All")


def test_a_calendar_that_cannot_be_read_leaves_the_meeting_readable(emu: Emulator, town: Tenant, people: Snapshot,
                                                                   tmp_path: Path) -> None:
    m = town.council_meeting
    emu.faults = Faults(forbidden=frozenset({f"/v1.0/users/{m.organizer_id}/calendar"}))
    config, inputs = _inputs(emu, town, tmp_path, m.join_web_url)
    lookup = find_meeting(config, CRED, inputs)
    assert lookup.ok and lookup.calendar_status == "missing_permission"
    booked = next(i for i in build_checklist(config, inputs, people, lookup).document["items"]
                  if i["id"] == "chamber-booked")
    assert (booked["state"], booked["reason"]) == ("unknown", "missing_permission")


def test_the_demo_session_shows_its_seeded_defects(emu: Emulator, town: Tenant, people: Snapshot,
                                                  tmp_path: Path) -> None:
    config, inputs = _inputs(emu, town, tmp_path, town.council_meeting.join_web_url)
    result = build_checklist(config, inputs, people, find_meeting(config, CRED, inputs))
    states = {i["id"]: i["state"] for i in result.document["items"]}
    assert states["lobby-dial-in"] == "blocking"  # meeting_dial_in_bypass
    assert states["chamber-room"] == "blocking"  # room_camera_disconnected
    assert states["recording"] == "todo"  # meeting_not_recorded
    assert {states[k] for k in ("meeting", "organizer", "lobby-scope", "presenters", "chamber-booked",
                                "meeting-security", "council-group", "quorum")} == {"ok"}
    assert result.exit_code == 1
    members = result.document["members"]
    assert len(members) == 33 and all(m["invited"] for m in members)
    assert {m["camera"] for m in members} >= {"observed", "unknown"}


def test_a_proxies_rule_violation_is_a_blocking_item_with_its_line(emu: Emulator, town: Tenant, people: Snapshot,
                                                                  tmp_path: Path) -> None:
    upn = [str((town.user(i) or {})["userPrincipalName"]) for i in town.council_member_ids]
    proxies = tmp_path / "procurations.csv"
    proxies.write_text(f"giver,holder,sessions\n{upn[5]},{upn[6]},1\n{upn[7]},{upn[6]},1\n{upn[8]},{upn[9]},5\n",
                       encoding="utf-8")
    config, inputs = _inputs(emu, town, tmp_path, town.council_meeting.join_web_url, proxies=proxies)
    doc = build_checklist(config, inputs, people, find_meeting(config, CRED, inputs)).document
    assert next(i for i in doc["items"] if i["id"] == "proxies")["state"] == "blocking"
    assert [(i["code"], i["line"]) for i in doc["proxies"]["issues"]] == [("too_many_for_holder", 3),
                                                                         ("too_many_sessions", 4)]
    q = doc["quorum"]
    assert (q["present"], q["represented"], q["counted"]) == (30, 1, 30)  # three givers absent, one valid proxy


def test_declarations_tick_items_on_a_re_run(emu: Emulator, town: Tenant, people: Snapshot, tmp_path: Path) -> None:
    declared = tmp_path / "declarations.json"
    declared.write_text(json.dumps({"schema": "m365gov/council-declarations@1",
                                    "session": town.council_meeting.start.date().isoformat(),
                                    "items": {"rehearsal": {"done": True, "by": "DSI"}}}), encoding="utf-8")

    def states(**request: Any) -> dict[str, str]:
        config, inputs = _inputs(emu, town, tmp_path, town.council_meeting.join_web_url, **request)
        doc = build_checklist(config, inputs, people, find_meeting(config, CRED, inputs)).document
        return {i["id"]: i["state"] for i in doc["items"]}

    assert (states()["rehearsal"], states(declarations=declared)["rehearsal"]) == ("todo", "ok")


def test_the_remote_regime_judges_each_member_s_equipment(emu: Emulator, town: Tenant, people: Snapshot,
                                                         tmp_path: Path) -> None:
    config, inputs = _inputs(emu, town, tmp_path, town.council_meeting.join_web_url, regime="emergency-remote")
    doc = build_checklist(config, inputs, people, find_meeting(config, CRED, inputs)).document
    states = {i["id"]: i["state"] for i in doc["items"]}
    assert states["regime-in-force"] == "blocking" and doc["regime"]["warning"]
    assert states["member-readiness"] == "todo" and states["invitations"] == "ok"
    not_ready = [m for m in doc["members"] if m["ready"] is False]
    assert 0 < len(not_ready) < 33 and doc["quorum"]["threshold"] == 11


def test_fixing_the_seeded_defects_clears_the_blocking_items(tmp_path: Path) -> None:
    fixed = generate_tenant(users=80, fix=("meeting_dial_in_bypass", "meeting_not_recorded",
                                           "room_camera_disconnected"))
    with Emulator(fixed) as emu:
        config, inputs = _inputs(emu, fixed, tmp_path, fixed.council_meeting.join_web_url)
        snapshot = collect_people(config, CRED, as_of=fixed.now)
        result = build_checklist(config, inputs, snapshot, find_meeting(config, CRED, inputs))
    states = {i["id"]: i["state"] for i in result.document["items"]}
    assert (states["lobby-dial-in"], states["chamber-room"], states["recording"]) == ("ok", "ok", "ok")
    assert result.exit_code == 0 and "blocking" not in states.values()
