"""``/users/{id}/onlineMeetings`` and ``/users/{id}/calendar/calendarView`` (v1.0).

Finding a meeting, as Graph allows it (``shared/reference/graph.md`` §6.2):

* ``GET /users/{organizerId}/onlineMeetings?$filter=JoinWebUrl eq '<joinWebUrl>'`` → a collection
  of one (the property name is matched case-insensitively; the URL is compared as sent and also
  percent-decoded, since clients quote it differently). Under a user who is not the organizer the
  answer is a 400 "Organizer Id mismatch", as reported against the real service. No match → an empty
  collection.
* ``…/onlineMeetings?$filter=joinMeetingIdSettings/joinMeetingId eq '<id>'`` for short links.
* ``GET /users/{userId}/onlineMeetings/{meetingId}`` for the organizer or an invitee (others: 404).
  Any other ``$filter`` or none is a 400: Graph has no "list my meetings".

``Faults(meetings_access_policy=False)`` makes every ``/users/{id}/onlineMeetings…`` call answer 403
with Microsoft's body for a missing application access policy (see :mod:`m365gov.emulator.faults`).

``calendarView`` needs ``startDateTime`` and ``endDateTime`` (400 otherwise) and returns the events
overlapping that window (recurring meetings as occurrences), 10 per page as Outlook does (``$top``
up to 1000), with ``$select`` honoured on top-level properties.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

from m365gov.emulator.odata import check_options
from m365gov.emulator.protocol import GraphError, Response, bad_request, dumps, not_found
from m365gov.emulator.routes import Context, RouteTable
from m365gov.timeutil import parse_datetime

ROUTES = RouteTable("online-meetings")
_JOIN = re.compile(r"^\s*JoinWebUrl\s+eq\s+'(?P<url>(?:[^']|'')*)'\s*$", re.IGNORECASE)
_SHORT = re.compile(r"^\s*joinMeetingIdSettings/joinMeetingId\s+eq\s+'(?P<id>[^']*)'\s*$", re.IGNORECASE)
CALENDAR_PAGE = 10
CALENDAR_MAX = 1000


def _user(ctx: Context) -> dict[str, Any]:
    user = ctx.tenant.user(ctx.params["user_id"])
    if user is None:
        raise not_found(ctx.params["user_id"])
    return user


def _invited(meeting: dict[str, Any], user_id: str) -> bool:
    people = [meeting["participants"]["organizer"], *meeting["participants"]["attendees"]]
    return any(p["identity"]["user"]["id"] == user_id for p in people)


def _organizer_id(meeting: dict[str, Any]) -> str:
    return str(meeting["participants"]["organizer"]["identity"]["user"]["id"])


def _context(ctx: Context, user_id: str, entity: bool = False) -> str:
    return f"{ctx.base_url}/v1.0/$metadata#users('{user_id}')/onlineMeetings" + ("/$entity" if entity else "")


@ROUTES.get("/v1.0/users/{user_id}/onlineMeetings")
def find_meetings(ctx: Context) -> Response:
    check_options(ctx.request, ("filter",))
    user = _user(ctx)
    text = ctx.request.option("filter") or ""
    meetings = ctx.tenant.online_meetings
    join = _JOIN.match(text)
    short = _SHORT.match(text)
    if join:
        wanted = join.group("url").replace("''", "'")
        found = [m for m in meetings if m["joinWebUrl"] in (wanted, unquote(wanted))
                 or unquote(m["joinWebUrl"]) == unquote(wanted)]
    elif short:
        found = [m for m in meetings if m["joinMeetingIdSettings"]["joinMeetingId"] == short.group("id").strip()]
    else:
        raise bad_request("Filter expression expected: JoinWebUrl eq '<joinWebUrl>' or "
                          "joinMeetingIdSettings/joinMeetingId eq '<id>'.", code="BadRequest")
    if found and _organizer_id(found[0]) != user["id"]:
        raise bad_request("Organizer Id mismatch.", code="BadRequest")
    return Response(200, dumps({"@odata.context": _context(ctx, user["id"]), "value": found}))


@ROUTES.get("/v1.0/users/{user_id}/onlineMeetings/{meeting_id}")
def get_meeting(ctx: Context) -> Response:
    check_options(ctx.request, ("select",))
    user = _user(ctx)
    key = ctx.params["meeting_id"]
    meeting = next((m for m in ctx.tenant.online_meetings if m["id"] == key), None)
    if meeting is None or not _invited(meeting, user["id"]):
        raise GraphError(404, "NotFound", f"Online meeting '{key}' was not found for user '{user['id']}'.")
    body = {"@odata.context": _context(ctx, user["id"], entity=True), **meeting}
    return Response(200, dumps(body))


def _window(ctx: Context) -> tuple[datetime, datetime]:
    req = ctx.request
    raw_start, raw_end = req.query.get("startDateTime") or req.query.get("startdatetime"), \
        req.query.get("endDateTime") or req.query.get("enddatetime")
    if not raw_start or not raw_end:
        raise bad_request("This request requires a time window specified by the query string parameters "
                          "StartDateTime and EndDateTime.", code="ErrorInvalidParameter")
    start, end = parse_datetime(raw_start), parse_datetime(raw_end)
    if start is None or end is None:
        raise bad_request("StartDateTime and EndDateTime must be ISO 8601 date-times.", code="ErrorInvalidParameter")
    return start, end


def _event_time(value: dict[str, str]) -> datetime:
    parsed = parse_datetime(value["dateTime"][:19])
    assert parsed is not None  # generated by the emulator itself
    return parsed


def _select(event: dict[str, Any], select: str | None) -> dict[str, Any]:
    if not select:
        return event
    keep = {s.strip().lower() for s in select.split(",") if s.strip()} | {"id"}
    return {k: v for k, v in event.items() if k.lower() in keep}


@ROUTES.get("/v1.0/users/{user_id}/calendar/calendarView")
@ROUTES.get("/v1.0/users/{user_id}/calendarView")
def calendar_view(ctx: Context) -> Response:
    req = ctx.request
    check_options(req, ("select", "top", "skiptoken", "filter"))
    if req.option("filter"):
        raise bad_request("$filter is not supported on calendarView by the m365gov emulator.")
    user = _user(ctx)
    start, end = _window(ctx)
    events = [e for e in ctx.tenant.calendar_events.get(user["id"], [])
              if _event_time(e["start"]) < end and _event_time(e["end"]) > start]
    events.sort(key=lambda e: e["start"]["dateTime"])
    top = CALENDAR_PAGE
    if req.option("top") is not None:
        raw = req.option("top") or ""
        if not raw.isdigit() or not 1 <= int(raw) <= CALENDAR_MAX:
            raise bad_request(f"Invalid $top '{raw}': expected 1 to {CALENDAR_MAX}.")
        top = int(raw)
    offset = 0
    if req.option("skiptoken"):
        try:
            offset = int(base64.urlsafe_b64decode((req.option("skiptoken") or "") + "==").decode())
        except (ValueError, UnicodeDecodeError):
            raise bad_request("The skip token is not valid.") from None
    page = events[offset:offset + top]
    body: dict[str, Any] = {"@odata.context": f"{ctx.base_url}/v1.0/$metadata#users('{user['id']}')/calendarView",
                            "value": [_select(e, req.option("select")) for e in page]}
    if offset + top < len(events):
        token = base64.urlsafe_b64encode(str(offset + top).encode()).decode().rstrip("=")
        parts = [f"{quote(k, safe='$')}={quote(v, safe='$,:')}" for k, v in req.query_pairs
                 if k.lstrip("$").lower() != "skiptoken"]
        body["@odata.nextLink"] = f"{ctx.base_url}{quote(req.path, safe='/')}?{'&'.join(parts)}&$skiptoken={token}"
    return Response(200, dumps(body))
