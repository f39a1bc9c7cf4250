"""What ``--meeting`` names, and what that tells about the organizer (pure; no network).

Graph finds an online meeting only under its organizer (``graph.md`` §6.2), so the first question
is who that is:

* the classic join URL ``https://teams.microsoft.com/l/meetup-join/19%3ameeting_…%40thread.v2/0?context=
  {"Tid":…,"Oid":…}`` carries the organizer's object id (``Oid``);
* a Graph ``onlineMeeting`` id is base64 of ``1*<organizer id>*0**19:meeting_…@thread.v2``;
* a short link ``https://teams.microsoft.com/meet/<id>?p=<passcode>`` and the numeric meeting id of
  an invitation ("ID de réunion : 758 449 161 745 0") carry none: the organizer comes from
  ``--organizer`` or ``[council] organizer``.

The passcode of a short link is never kept: it would otherwise end up in reports.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qs, unquote, urlparse

from m365gov.errors import InputError

JOIN_URL: Final = "joinUrl"
SHORT_LINK: Final = "shortLink"
GRAPH_ID: Final = "meetingId"
JOIN_MEETING_ID: Final = "joinMeetingId"

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_GRAPH_ID = re.compile(r"^1\*(?P<oid>[0-9a-fA-F-]{36})\*0\*\*(?P<thread>19:.+)$")
_DIGITS = re.compile(r"^[0-9][0-9 ]{7,20}[0-9]$")
_SHORT_PATH = re.compile(r"^/meet/(?P<id>[0-9]{8,20})/?$")
EXPECTED: Final = (
    "expected a Teams join URL (https://teams.microsoft.com/l/meetup-join/…), a short link "
    "(https://teams.microsoft.com/meet/<id>?p=…), the numeric meeting id of the invitation, or a Graph "
    "onlineMeeting id"
)


@dataclass(frozen=True)
class MeetingRef:
    """A parsed ``--meeting``.

    Attributes:
        kind: ``joinUrl``, ``shortLink``, ``meetingId`` (Graph's id) or ``joinMeetingId`` (numeric).
        value: what Graph is asked for: the join URL, the Graph id, or the numeric id (no spaces).
        organizer_id: the organizer's object id when the reference carries it.
        tenant_id: the tenant id of a classic join URL.
        display: the reference as shown in reports (a short link without its passcode).
    """

    kind: str
    value: str
    organizer_id: str | None
    tenant_id: str | None
    display: str

    @property
    def needs_organizer(self) -> bool:
        return self.organizer_id is None


def parse_meeting_ref(text: str) -> MeetingRef:
    """Parse ``--meeting``; anything unrecognisable is an :class:`InputError` (exit 2)."""
    raw = text.strip()
    if not raw:
        raise InputError(f"--meeting is empty; {EXPECTED}")
    if raw.lower().startswith(("https://", "http://")):
        return _from_url(raw)
    if _DIGITS.match(raw):
        digits = raw.replace(" ", "")
        return MeetingRef(JOIN_MEETING_ID, digits, None, None, digits)
    graph = _graph_id(raw)
    if graph is not None:
        return graph
    raise InputError(f"--meeting {raw[:60]!r}: {EXPECTED}")


def _from_url(raw: str) -> MeetingRef:
    u = urlparse(raw)
    if u.scheme != "https" or not u.hostname:
        raise InputError(f"--meeting: a Teams link is https, not {u.scheme}; {EXPECTED}")
    if "/l/meetup-join/" in u.path:
        context = parse_qs(u.query).get("context", [""])[0]
        oid = tid = None
        try:
            ctx = json.loads(unquote(context)) if context else {}
        except ValueError:
            ctx = {}
        if isinstance(ctx, dict):
            oid = ctx.get("Oid") if isinstance(ctx.get("Oid"), str) and _GUID.match(ctx["Oid"]) else None
            tid = ctx.get("Tid") if isinstance(ctx.get("Tid"), str) else None
        return MeetingRef(JOIN_URL, raw, oid, tid, raw)
    short = _SHORT_PATH.match(u.path)
    if short:
        shown = f"{u.scheme}://{u.netloc}{u.path}" + ("?p=…" if u.query else "")
        return MeetingRef(SHORT_LINK, short.group("id"), None, None, shown)
    raise InputError(f"--meeting: not a Teams meeting link ({u.netloc}{u.path[:40]}); {EXPECTED}")


def _graph_id(raw: str) -> MeetingRef | None:
    padded = raw + "=" * (-len(raw) % 4)
    try:
        decoded = base64.b64decode(padded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    m = _GRAPH_ID.match(decoded)
    if m is None or not _GUID.match(m.group("oid")):
        return None
    return MeetingRef(GRAPH_ID, raw, m.group("oid"), None, raw)


def is_object_id(value: str) -> bool:
    """A GUID (an Entra object id), as opposed to a user principal name."""
    return bool(_GUID.match(value))
