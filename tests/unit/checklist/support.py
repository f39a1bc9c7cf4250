"""Hand-built council facts for the checklist's unit tests: a regime, members, a meeting, declarations."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from m365gov.checklist.declarations import NONE, Declarations, parse_declarations
from m365gov.checklist.evaluate import Evaluation, evaluate
from m365gov.checklist.facts import build_facts
from m365gov.checklist.lookup import MeetingLookup
from m365gov.checklist.meeting_ref import parse_meeting_ref
from m365gov.checklist.model import ItemResult
from m365gov.checklist.people import Member, Rooms, Roster
from m365gov.checklist.proxies import ProxiesFile
from m365gov.checklist.regime import Regime, load_regime
from m365gov.checklist.run import shipped_regime_dir
from m365gov.jsonio import read_json

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
START = "2026-12-03T17:30:00Z"
SESSION = "2026-12-03"
MAYOR_ID = "00000000-0000-4000-8000-000000000000"
JOIN_URL = ("https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%22"
            "11111111-1111-4111-8111-111111111111%22%2c%22Oid%22%3a%22" + MAYOR_ID + "%22%7d")


def regime_path(regime_id: str) -> Path:
    return shipped_regime_dir() / f"{regime_id}.regime.json"


def regime(regime_id: str = "in-person-broadcast", **overrides: Any) -> Regime:
    return load_regime(regime_path(regime_id), overrides, config_file="m365gov.toml")


def regime_doc(regime_id: str = "in-person-broadcast") -> dict[str, Any]:
    doc: dict[str, Any] = copy.deepcopy(read_json(regime_path(regime_id)))
    return doc


def member_id(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def member(i: int, **kw: Any) -> Member:
    base: dict[str, Any] = {
        "id": member_id(i), "upn": f"elu{i}@ville.fr", "display_name": f"Élu {i}", "account_ok": True,
        "teams_licensed": True, "last_activity": "2026-11-27", "active": True, "clients": ("windows",),
        "camera": "observed", "camera_evidence": ("call on 2026-11-20",), "microphone": "observed",
        "microphone_evidence": ("call on 2026-11-20",), "mobile_phone": f"+33 6 00 00 00 {i:02d}",
    }
    base.update(kw)
    return Member(**base)


def roster(n: int = 33, changes: Mapping[int, Mapping[str, Any]] | None = None) -> Roster:
    """``n`` members, ``elu0`` being the mayor; ``changes={5: {...}}`` overrides member 5's fields."""
    members = tuple(member(i, **(changes or {}).get(i, {})) for i in range(n))
    return Roster("ok", None, members, "ok", None)


def meeting(n: int = 33, **options: Any) -> dict[str, Any]:
    """The online meeting as Graph returns it: the mayor organises, every member invited, options as asked."""
    people = [{"upn": f"elu{i}@ville.fr", "role": "attendee",
               "identity": {"user": {"id": member_id(i), "displayName": f"Élu {i}"}}} for i in range(1, n)]
    people.append({"upn": "dgs@ville.fr", "role": "presenter",
                   "identity": {"user": {"id": "99999999-0000-4000-8000-000000000001", "displayName": "DGS"}}})
    m: dict[str, Any] = {
        "id": "meeting-1", "subject": "Conseil municipal", "startDateTime": START,
        "endDateTime": "2026-12-03T20:30:00Z",
        "joinWebUrl": JOIN_URL, "meetingType": "scheduled",
        "joinMeetingIdSettings": {"isPasscodeRequired": True, "joinMeetingId": "123456789012", "passcode": "s3cret"},
        "audioConferencing": {"conferenceId": "123", "tollNumber": "+33 1 99 00 41 00"},
        "lobbyBypassSettings": {"scope": "invited", "isDialInBypassEnabled": False},
        "allowedPresenters": "roleIsPresenter", "allowedLobbyAdmitters": "organizerAndCoOrganizers",
        "allowAttendeeToEnableCamera": True, "allowAttendeeToEnableMic": True, "allowRecording": True,
        "recordAutomatically": True, "allowTranscription": True, "isEntryExitAnnounced": True,
        "allowParticipantsToChangeName": False, "isBroadcast": False, "broadcastSettings": None,
        "participants": {"organizer": {"upn": "elu0@ville.fr", "role": "presenter",
                                       "identity": {"user": {"id": MAYOR_ID, "displayName": "Élu 0"}}},
                         "attendees": people},
    }
    m.update(options)
    return m


def found(m: Mapping[str, Any] | None = None, event: Mapping[str, Any] | None = None) -> MeetingLookup:
    return MeetingLookup("ok", parse_meeting_ref(JOIN_URL), MAYOR_ID, meeting=m if m is not None else meeting(),
                         event=event, calendar_status="ok" if event is not None else "not_found",
                         calendar_detail=None if event is not None else "no event")


def chamber(ready: bool | None = True) -> Rooms:
    room = {"id": "dev-1", "displayName": "Salle du conseil", "isChamber": True, "ready": ready,
            "evidence": ["device, Teams sign-in, camera, microphone, speaker and displays connected"]}
    return Rooms("ok", None, (room,))


def declared(**doc: Any) -> dict[str, Any]:
    return {"schema": "m365gov/council-declarations@1", "session": SESSION, **doc}


def evaluation(reg: Regime | None = None, *, lookup: MeetingLookup | None = None, people: Roster | None = None,
               rooms: Rooms | None = None, declarations: Mapping[str, Any] | Declarations | None = None,
               proxies: ProxiesFile | None = None, in_office: int | None = 33, organizer: str | None = None,
               chamber_device: str | None = "Salle du conseil") -> Evaluation:
    r = reg or regime()
    decl = (declarations if isinstance(declarations, Declarations)
            else parse_declarations(declarations, r, file="d.json") if declarations is not None else NONE)
    facts = build_facts(r, NOW, lookup if lookup is not None else found(), people or roster(), rooms or chamber(),
                        decl, proxies, members_in_office=in_office, organizer=organizer,
                        chamber_device=chamber_device)
    return evaluate(facts)


def item(ev: Evaluation, item_id: str) -> ItemResult:
    return next(i for i in ev.items if i.id == item_id)


def keys(result: ItemResult) -> list[str]:
    """The message keys of an item's evidence (wording-independent assertions)."""
    return [m.key for m in result.outcome.evidence]
