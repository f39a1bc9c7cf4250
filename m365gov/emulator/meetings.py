"""Online meetings and calendar events: the upcoming council session and the mayor's other meetings.

The council's next session is an ``onlineMeeting`` organised by the mayor, starting on the first
Thursday at least three days after ``tenant.now`` at 17:30 UTC (18:30 in Paris), three hours long;
its attendees are the other council members (role ``attendee``) and three staff presenters (the
director general of services, the communication and the IT directors, role ``presenter``). Shapes
follow ``shared/reference/graph.md`` §6.1.

Identifiers are built the way Teams builds them, so that a checklist can be pointed at any form:

* ``joinWebUrl`` — the classic form, ``https://teams.microsoft.com/l/meetup-join/19%3ameeting_<b64>%40thread.v2/0?context=%7b%22Tid%22%3a%22<tenant>%22%2c%22Oid%22%3a%22<organizer>%22%7d``,
  whose ``Oid`` is the organizer's object id;
* ``id`` — base64 of ``1*<organizer id>*0**19:meeting_<b64>@thread.v2``;
* short link — ``https://teams.microsoft.com/meet/<joinMeetingId>?p=<passcode>`` (no organizer in it).

Imperfections the checklist must catch (defect kinds, each repairable with ``fix``):
``meeting_dial_in_bypass`` (``lobbyBypassSettings.isDialInBypassEnabled`` true: phone callers skip
the lobby) and ``meeting_not_recorded`` (``recordAutomatically`` false although the council decided
to record its sessions). The rest is as the council's rules want: lobby scope ``invited``, presenters
by role, attendees may use camera and microphone, entry/exit announced, transcription allowed.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from m365gov.emulator.ids import GuidStream, stable_guid
from m365gov.emulator.rooms import CHAMBER_ACCOUNT_ID, CHAMBER_NAME
from m365gov.timeutil import to_iso

MEETING_KINDS = ("meeting_dial_in_bypass", "meeting_not_recorded")
TOLL_NUMBER = "+33 1 99 00 41 00"  # ARCEP's range reserved for fiction
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")


@dataclass(frozen=True)
class CouncilMeeting:
    """How to find the council's next session, for tests, the demo and the checklist command.

    Attributes:
        meeting_id: the ``onlineMeeting`` id.
        join_web_url: the classic join URL (carries the organizer's object id).
        join_meeting_id: the numeric meeting id of the short link.
        passcode: the meeting passcode.
        short_url: ``https://teams.microsoft.com/meet/<id>?p=<passcode>``.
        organizer_id: the mayor's user id (who organises it).
        organizer_upn: the mayor's user principal name.
        subject: the meeting's subject.
        start: start time (UTC).
        end: end time (UTC).
    """

    meeting_id: str
    join_web_url: str
    join_meeting_id: str
    passcode: str
    short_url: str
    organizer_id: str
    organizer_upn: str
    subject: str
    start: datetime
    end: datetime


def thread_token(seed: int, key: str) -> str:
    """The base64 part of ``19:meeting_<…>@thread.v2``: a GUID's text, base64-encoded, as Teams does.

    (A keyed hash rather than ``uuid5``: it is computed for every group call listed.)
    """
    h = hashlib.blake2b(f"meeting:{seed}:{key}".encode(), digest_size=16).hexdigest()
    guid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:]}"
    return base64.b64encode(guid.encode()).decode()


def join_web_url(tenant_id: str, organizer_id: str, token: str) -> str:
    context = f"%7b%22Tid%22%3a%22{tenant_id}%22%2c%22Oid%22%3a%22{organizer_id}%22%7d"
    return f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{token}%40thread.v2/0?context={context}"


def meeting_id(organizer_id: str, token: str) -> str:
    return base64.b64encode(f"1*{organizer_id}*0**19:meeting_{token}@thread.v2".encode()).decode()


def _person(tenant_id: str, user: dict[str, Any], role: str) -> dict[str, Any]:
    return {"upn": user["userPrincipalName"], "role": role,
            "identity": {"user": {"id": user["id"], "displayName": user["displayName"], "tenantId": tenant_id,
                                  "identityProvider": "AAD"}}}


def _french_date(when: datetime) -> str:
    days = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    return f"{days[when.weekday()]} {when.day} {_MONTHS[when.month - 1]} {when.year}"


def council_start(now: datetime) -> datetime:
    """17:30 UTC on the first Thursday at least three days after ``now``."""
    day = (now + timedelta(days=3)).date()
    day += timedelta(days=(3 - day.weekday()) % 7)
    return datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo) + timedelta(hours=17, minutes=30)


def previous_council_start(now: datetime) -> datetime:
    """The last session, four weeks before the next one (inside the 30-day call-record window)."""
    return council_start(now) - timedelta(days=28)


@dataclass
class MeetingsBuilder:
    """Builds online meetings and calendar events for one tenant."""

    seed: int
    tenant_id: str
    now: datetime
    users: list[dict[str, Any]]
    fix: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.rng = random.Random(f"m365gov-emulator:{self.seed}:meetings")
        self.guids = GuidStream(self.seed, "meetings")
        self.meetings: list[dict[str, Any]] = []
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.defects: list[dict[str, Any]] = []

    def meeting(self, key: str, organizer: dict[str, Any], attendees: list[tuple[dict[str, Any], str]],
                subject: str, start: datetime, end: datetime, meeting_type: str = "scheduled",
                settings: dict[str, Any] | None = None) -> dict[str, Any]:
        token = thread_token(self.seed, key)
        mid = meeting_id(organizer["id"], token)
        join_id = str(self.rng.randrange(10**12, 10**13))
        passcode = "".join(self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
                           for _ in range(6))
        conference = str(self.rng.randrange(10**8, 10**9))
        bridge = self.guids.next()
        out: dict[str, Any] = {
            "id": mid, "creationDateTime": to_iso(start - timedelta(days=21)), "startDateTime": to_iso(start),
            "endDateTime": to_iso(end), "subject": subject, "meetingType": meeting_type,
            "joinWebUrl": join_web_url(self.tenant_id, organizer["id"], token),
            "joinMeetingIdSettings": {"isPasscodeRequired": True, "joinMeetingId": join_id, "passcode": passcode},
            "videoTeleconferenceId": str(self.rng.randrange(10**9, 10**10)), "externalId": None,
            "isBroadcast": False, "broadcastSettings": None,
            "chatInfo": {"threadId": f"19:meeting_{token}@thread.v2", "messageId": "0", "replyChainMessageId": None},
            "audioConferencing": {"conferenceId": conference, "tollNumber": TOLL_NUMBER, "tollNumbers": [TOLL_NUMBER],
                                  "tollFreeNumber": None, "tollFreeNumbers": [],
                                  "dialinUrl": f"https://dialin.teams.microsoft.com/{bridge}?id={conference}"},
            "lobbyBypassSettings": {"scope": "organization", "isDialInBypassEnabled": False},
            "allowedPresenters": "roleIsPresenter", "allowedLobbyAdmitters": "organizerAndCoOrganizersAndPresenters",
            "allowAttendeeToEnableCamera": True, "allowAttendeeToEnableMic": True, "allowMeetingChat": "enabled",
            "allowParticipantsToChangeName": False, "allowTeamworkReactions": True, "allowRecording": True,
            "allowTranscription": True, "recordAutomatically": False, "isEntryExitAnnounced": False,
            "isEndToEndEncryptionEnabled": False, "allowBreakoutRooms": False, "allowWhiteboard": True,
            "allowPowerPointSharing": True, "allowLiveShare": "enabled", "shareMeetingChatHistoryDefault": "none",
            "watermarkProtection": None,
            "participants": {"organizer": _person(self.tenant_id, organizer, "presenter"),
                             "attendees": [_person(self.tenant_id, u, role) for u, role in attendees]},
        }
        out.update(settings or {})
        self.meetings.append(out)
        return out

    def event(self, owner: dict[str, Any], key: str, subject: str, start: datetime, end: datetime,
              organizer: dict[str, Any], attendees: list[dict[str, Any]], meeting: dict[str, Any] | None,
              location: str, kind: str = "singleInstance") -> None:
        digest = stable_guid(f"event:{self.seed}:{owner['id']}:{key}").replace("-", "")
        event_id = "AAMkAG" + base64.urlsafe_b64encode(bytes.fromhex(digest)).decode().rstrip("=")
        people = [{"type": "resource" if a.get("resource") else "required",
                   "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
                   "emailAddress": {"name": a["displayName"], "address": a.get("mail") or a["userPrincipalName"]}}
                  for a in attendees]
        self.events.setdefault(owner["id"], []).append({
            "id": event_id, "subject": subject, "type": kind, "isCancelled": False,
            "start": {"dateTime": f"{start:%Y-%m-%dT%H:%M:%S}.0000000", "timeZone": "UTC"},
            "end": {"dateTime": f"{end:%Y-%m-%dT%H:%M:%S}.0000000", "timeZone": "UTC"},
            "location": {"displayName": location},
            "organizer": {"emailAddress": {"name": organizer["displayName"],
                                           "address": organizer.get("mail") or organizer["userPrincipalName"]}},
            "attendees": people, "isOnlineMeeting": meeting is not None,
            "onlineMeetingProvider": "teamsForBusiness" if meeting is not None else "unknown",
            "onlineMeeting": {"joinUrl": meeting["joinWebUrl"], "conferenceId": meeting["audioConferencing"][
                "conferenceId"], "tollNumber": TOLL_NUMBER} if meeting is not None else None,
        })


def generate_meetings(seed: int, tenant_id: str, now: datetime, users: list[dict[str, Any]], council: list[int],
                      presenters: list[int], fix: tuple[str, ...] = ()) -> tuple[
                          list[dict[str, Any]], dict[str, list[dict[str, Any]]], CouncilMeeting, list[dict[str, Any]]]:
    """The meetings, calendar events by user id, the council session handle and the meeting defects."""
    b = MeetingsBuilder(seed, tenant_id, now, users, fix)
    mayor = users[council[0]]
    members = [users[i] for i in council[1:]]
    staff = [users[i] for i in presenters]
    room = {"id": CHAMBER_ACCOUNT_ID, "displayName": CHAMBER_NAME, "resource": True,
            "userPrincipalName": f"salle.conseil@{mayor['userPrincipalName'].split('@')[1]}"}
    start = council_start(now)
    subject = f"Conseil municipal – séance publique du {_french_date(start)}"
    dial_in = "meeting_dial_in_bypass" not in fix
    recorded = "meeting_not_recorded" in fix
    session = b.meeting("council-next", mayor, [(m, "attendee") for m in members] + [(s, "presenter") for s in staff],
                        subject, start, start + timedelta(hours=3), settings={
                            "lobbyBypassSettings": {"scope": "invited", "isDialInBypassEnabled": dial_in},
                            "recordAutomatically": recorded, "isEntryExitAnnounced": True})
    for person in [mayor, *members, *staff]:
        b.event(person, "council-next", subject, start, start + timedelta(hours=3), mayor, [*members, *staff, room],
                session, CHAMBER_NAME)
    before = previous_council_start(now)
    past_subject = f"Conseil municipal – séance publique du {_french_date(before)}"
    b.meeting("council-previous", mayor, [(m, "attendee") for m in members] + [(s, "presenter") for s in staff],
              past_subject, before, before + timedelta(hours=3), settings={
                  "lobbyBypassSettings": {"scope": "invited", "isDialInBypassEnabled": False},
                  "recordAutomatically": True, "isEntryExitAnnounced": True})
    bureau = members[:9]
    monday = (now - timedelta(days=now.weekday() + 7)).replace(hour=16, minute=0, second=0, microsecond=0)
    weekly = b.meeting("bureau", mayor, [(m, "attendee") for m in bureau], "Bureau municipal", monday,
                       monday + timedelta(hours=1, minutes=30), meeting_type="recurring")
    for week in range(6):
        when = monday + timedelta(days=7 * week)
        for person in [mayor, *bureau]:
            b.event(person, f"bureau-{week}", "Bureau municipal", when, when + timedelta(hours=1, minutes=30), mayor,
                    bureau, weekly, "Bureau du maire", kind="occurrence")
    office = (now + timedelta(days=(5 - now.weekday()) % 7 or 7)).replace(hour=8, minute=0, second=0, microsecond=0)
    b.event(mayor, "permanence", "Permanence du maire", office, office + timedelta(hours=3), mayor, [], None,
            "Hôtel de ville")

    handle = CouncilMeeting(
        meeting_id=session["id"], join_web_url=session["joinWebUrl"],
        join_meeting_id=session["joinMeetingIdSettings"]["joinMeetingId"],
        passcode=session["joinMeetingIdSettings"]["passcode"],
        short_url=(f"https://teams.microsoft.com/meet/{session['joinMeetingIdSettings']['joinMeetingId']}"
                   f"?p={session['joinMeetingIdSettings']['passcode']}"),
        organizer_id=mayor["id"], organizer_upn=mayor["userPrincipalName"], subject=subject, start=start,
        end=start + timedelta(hours=3))
    if dial_in:
        b.defects.append({"kind": "meeting_dial_in_bypass", "resource": "onlineMeeting", "id": session["id"],
                          "name": subject, "property": "lobbyBypassSettings.isDialInBypassEnabled", "value": True,
                          "expected": False})
    if not recorded:
        b.defects.append({"kind": "meeting_not_recorded", "resource": "onlineMeeting", "id": session["id"],
                          "name": subject, "property": "recordAutomatically", "value": False, "expected": True})
    return b.meetings, b.events, handle, b.defects
