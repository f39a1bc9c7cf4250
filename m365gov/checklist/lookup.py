"""Finding the session's online meeting, and its calendar event, through msgraph-sdk.

Requests (``shared/reference/graph.md`` §6.2), all read-only, under the organizer:

* join URL: ``GET /users/{organizer}/onlineMeetings?$filter=JoinWebUrl eq '<url>'``;
* short link or numeric id: ``…/onlineMeetings?$filter=joinMeetingIdSettings/joinMeetingId eq '<id>'``;
* Graph id: ``GET /users/{organizer}/onlineMeetings/{id}``;
* then ``GET /users/{organizer}/calendar/calendarView`` over the meeting's time, for the event that
  carries its join URL (who is invited as a room, who declined).

Permissions: OnlineMeetings.Read.All **and** an application access policy granted by a Teams
administrator (§6.3); Calendars.ReadBasic for the event. Microsoft answers a missing access policy
with a 403 "App <id> is not authorized to … on behalf of user <id>", which reads like a missing
permission or a meeting that does not exist; it is reported as ``not_configured`` with the two
PowerShell commands that fix it, filled in with the app id and the organizer's object id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote

from m365gov.checklist.meeting_ref import GRAPH_ID, JOIN_URL, MeetingRef, is_object_id
from m365gov.statuses import SRC_ERROR, SRC_MISSING_PERMISSION, SRC_NOT_CONFIGURED, SRC_OK
from m365gov.timeutil import parse_datetime, to_iso

if TYPE_CHECKING:
    from m365gov.collect.graph import GraphError, GraphSession

NOT_FOUND: Final = "not_found"
MEETINGS_PERMISSION: Final = "OnlineMeetings.Read.All"
CALENDAR_PERMISSION: Final = "Calendars.ReadBasic"
POLICY_NAME: Final = "m365gov-policy"
_NOT_AUTHORIZED = re.compile(r"App (?P<app>[^\s]+) is not authorized to .* on behalf of user (?P<user>[^\s]+)",
                             re.IGNORECASE)
EVENT_SELECT: Final = ("subject", "start", "end", "organizer", "attendees", "isOnlineMeeting", "onlineMeetingProvider",
                       "onlineMeeting", "location", "isCancelled")


@dataclass(frozen=True)
class MeetingLookup:
    """What Graph said about the meeting.

    Attributes:
        status: ``ok``, ``not_configured`` (no application access policy), ``missing_permission``,
            ``not_found`` or ``error``.
        ref: the parsed ``--meeting``.
        organizer: the user the meeting was looked up under (object id or user principal name).
        meeting: the ``onlineMeeting`` (Graph's property names), when found.
        detail: why not ``ok``, in one sentence.
        commands: for ``not_configured``, the PowerShell commands that grant the access policy.
        permission: for ``missing_permission``, the permission to grant.
        event: the organizer's calendar event for the meeting, when found.
        calendar_status: ``ok``, ``missing_permission``, ``not_found``, ``error`` or ``skipped``.
        calendar_detail: why the event is missing.
    """

    status: str
    ref: MeetingRef
    organizer: str | None
    meeting: Mapping[str, Any] | None = field(default=None, repr=False)
    detail: str | None = None
    commands: tuple[str, ...] = ()
    permission: str | None = None
    event: Mapping[str, Any] | None = field(default=None, repr=False)
    calendar_status: str = "skipped"
    calendar_detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == SRC_OK


def access_policy_commands(app_id: str, organizer_object_id: str) -> tuple[str, ...]:
    """The two commands of ``graph.md`` §6.3, filled in (Teams PowerShell, a Teams administrator)."""
    return (
        f'New-CsApplicationAccessPolicy -Identity {POLICY_NAME} -AppIds "{app_id}" '
        '-Description "m365gov: read the council meetings"',
        f'Grant-CsApplicationAccessPolicy -PolicyName {POLICY_NAME} -Identity "{organizer_object_id}"',
    )


async def lookup_meeting(graph: GraphSession, ref: MeetingRef, organizer: str, *,
                         app_id: str | None = None) -> MeetingLookup:
    """Find the meeting under ``organizer`` (object id or UPN), then its calendar event."""
    from m365gov.collect.graph import GraphError

    try:
        meeting = await _find(graph, ref, organizer)
    except GraphError as exc:
        return await _failed(graph, ref, organizer, exc, app_id)
    if meeting is None:
        return MeetingLookup(NOT_FOUND, ref, organizer, detail=_not_found_text(ref, organizer))
    event, status, detail = await _event(graph, meeting, organizer)
    return MeetingLookup(SRC_OK, ref, organizer, meeting=meeting, event=event, calendar_status=status,
                         calendar_detail=detail)


async def _find(graph: GraphSession, ref: MeetingRef, organizer: str) -> Mapping[str, Any] | None:
    from m365gov.collect.graph import request_info

    meetings = graph.client.users.by_user_id(organizer).online_meetings
    if ref.kind == GRAPH_ID:
        doc = await graph.get_json(meetings.by_online_meeting_id(ref.value).to_get_request_information())
        return doc if isinstance(doc, dict) and doc.get("id") else None
    quoted = ref.value.replace("'", "''")
    flt = (f"JoinWebUrl eq '{quoted}'" if ref.kind == JOIN_URL
           else f"joinMeetingIdSettings/joinMeetingId eq '{quoted}'")
    doc = await graph.get_json(request_info(meetings, filter=flt))
    found = (doc or {}).get("value") or []
    return found[0] if found and isinstance(found[0], dict) else None


async def _failed(graph: GraphSession, ref: MeetingRef, organizer: str, exc: GraphError,
                  app_id: str | None) -> MeetingLookup:
    denied = _NOT_AUTHORIZED.search(exc.message or "")
    if exc.status in (401, 403) and denied:
        app = denied.group("app") or app_id or "<application (client) id of m365gov>"
        oid = ref.organizer_id or (organizer if is_object_id(organizer) else await _object_id(graph, organizer))
        commands = access_policy_commands(app, oid or f"<object id of {organizer}>")
        detail = (f"{exc}: no application access policy lets this app read the online meetings of {organizer}. "
                  "A Teams administrator runs the commands below (MicrosoftTeams module, Connect-MicrosoftTeams); "
                  "they take up to 30 minutes to apply.")
        return MeetingLookup(SRC_NOT_CONFIGURED, ref, organizer, detail=detail, commands=commands)
    if exc.status == 403:
        return MeetingLookup(SRC_MISSING_PERMISSION, ref, organizer, permission=MEETINGS_PERMISSION,
                             detail=f"{exc}. Grant the application permission {MEETINGS_PERMISSION} to the app "
                             "registration and give admin consent.")
    if exc.status == 404 or (exc.status == 400 and "organizer id mismatch" in (exc.message or "").lower()):
        text = _not_found_text(ref, organizer)
        return MeetingLookup(NOT_FOUND, ref, organizer, detail=f"{text} ({exc})")
    return MeetingLookup(SRC_ERROR, ref, organizer, detail=str(exc))


def _not_found_text(ref: MeetingRef, organizer: str) -> str:
    return (f"no online meeting matches {ref.display} under the organizer {organizer}: check the link, and that "
            "the organizer (--organizer or [council] organizer) is who created the meeting")


async def _object_id(graph: GraphSession, upn: str) -> str | None:
    """The object id of a user principal name, for the Grant command (None if it cannot be read)."""
    from m365gov.collect.graph import GraphError, request_info

    try:
        doc = await graph.get_json(request_info(graph.client.users.by_user_id(upn), select=["id"]))
    except GraphError:
        return None
    value = (doc or {}).get("id")
    return value if isinstance(value, str) and is_object_id(value) else None


async def _event(graph: GraphSession, meeting: Mapping[str, Any],
                 organizer: str) -> tuple[Mapping[str, Any] | None, str, str | None]:
    """The organizer's calendar event whose online meeting is this one (Calendars.ReadBasic)."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    from m365gov.collect.graph import GraphError

    start, end = parse_datetime(meeting.get("startDateTime")), parse_datetime(meeting.get("endDateTime"))
    if start is None or end is None:
        return None, "skipped", "the meeting has no start or end time"
    builder = graph.client.users.by_user_id(organizer).calendar.calendar_view
    params = builder.CalendarViewRequestBuilderGetQueryParameters(
        start_date_time=to_iso(start - timedelta(minutes=1)), end_date_time=to_iso(end + timedelta(minutes=1)),
        select=list(EVENT_SELECT), top=100)
    config: RequestConfiguration[Any] = RequestConfiguration(query_parameters=params)
    try:
        events = await graph.list_all(_Prepared(builder, config))
    except GraphError as exc:
        if exc.status == 403:
            return None, SRC_MISSING_PERMISSION, (f"{exc}. Grant the application permission {CALENDAR_PERMISSION} "
                                                  "to read who is invited and who declined.")
        return None, SRC_ERROR, str(exc)
    url = unquote(str(meeting.get("joinWebUrl") or ""))
    for e in events:
        join = unquote(str(((e.get("onlineMeeting") or {}).get("joinUrl")) or ""))
        if url and join == url and not e.get("isCancelled"):
            return e, SRC_OK, None
    for e in events:  # onlineMeeting may come back null (graph.md §6.2): fall back on subject and start
        same_start = parse_datetime(str((e.get("start") or {}).get("dateTime") or "")) == start
        if e.get("subject") == meeting.get("subject") and same_start and not e.get("isCancelled"):
            return e, SRC_OK, None
    return None, NOT_FOUND, "no event in the organizer's calendar carries this meeting"


class _Prepared:
    """A request builder whose GET carries a fixed configuration, for :meth:`GraphSession.pages`.

    ``pages`` calls ``request_info(builder)`` for the first page and ``builder.with_url`` for the next;
    calendarView needs query parameters that helper does not know (``startDateTime``…).
    """

    def __init__(self, builder: Any, config: Any) -> None:
        self._builder = builder
        self._config = config

    def to_get_request_information(self, request_configuration: Any = None) -> Any:
        return self._builder.to_get_request_information(request_configuration=self._config)

    def with_url(self, url: str) -> Any:
        return self._builder.with_url(url)
