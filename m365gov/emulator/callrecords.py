"""``/v1.0/communications/callRecords``: list by start time, get with nested session/participant paging.

What Graph does and the emulator reproduces (``shared/reference/graph.md`` §4):

* **List** ``GET /communications/callRecords?$filter=startDateTime ge X and startDateTime lt Y``:
  ``$filter`` accepts only ``startDateTime`` comparisons (``ge``, ``gt``, ``le``, ``lt``, joined by
  ``and``) and ``participants_v2/any(p:p/id eq '<user id>')``; anything else is a 400. Pages hold 60
  records; ``Prefer: odata.maxpagesize=N`` makes them smaller (N is capped at 60, Graph's documented
  maximum; ``Preference-Applied`` echoes what was honoured). The list **omits sessions and
  participants**; only records of the last 30 days (before ``tenant.now``) are listed.
* **Get** ``GET /communications/callRecords/{id}`` with ``$expand=sessions($expand=segments)``,
  ``$expand=sessions`` and/or ``$expand=participants_v2``: at most 60 sessions and 130 participants
  inline, continued by ``sessions@odata.nextLink`` / ``participants_v2@odata.nextLink`` **inside the
  record** (which msgraph-sdk's PageIterator does not follow). The links are absolute and point at
  ``/communications/callRecords('{id}')/sessions`` (or ``/participants_v2``), which serve
  ``{"value": [...], "@odata.nextLink": ...}``. (Microsoft's doc example prints the link with a
  ``$metadata#`` fragment, which would make a client fetch ``$metadata``: the emulator serves a link
  that works.) A record older than 30 days is a 404.
* The participant filter scans the window once and keeps an inverted index (built on first use:
  about 4 s at 100,000 users, instant at 350).
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

from m365gov.emulator.calls import CallStore
from m365gov.emulator.callshapes import participants, record, sessions
from m365gov.emulator.odata import PageCache, check_options
from m365gov.emulator.protocol import GraphError, Response, bad_request, dumps
from m365gov.emulator.routes import Context, EmulatorState, RouteTable
from m365gov.timeutil import parse_datetime

ROUTES = RouteTable("callrecords")
PAGE = 60
SESSION_PAGE = 60
PARTICIPANT_PAGE = 130
_BASE = "/v1.0/communications/callRecords"
_CLAUSE_TIME = re.compile(r"^startDateTime\s+(ge|gt|le|lt)\s+(\S+)$", re.IGNORECASE)
_CLAUSE_USER = re.compile(r"^participants_v2/any\(\s*(\w+)\s*:\s*(\w+)/id\s+eq\s+'([0-9a-fA-F-]{36})'\s*\)$",
                          re.IGNORECASE)
_CONTEXT = "$metadata#communications/callRecords"


def _store(ctx: Context) -> CallStore:
    return ctx.tenant.calls


def _cache(state: EmulatorState) -> PageCache:
    return state.memo("callrecord-pages", lambda: PageCache(128 * 1024 * 1024))


def _page_size(ctx: Context, maximum: int) -> tuple[int, dict[str, str]]:
    prefer = ctx.request.header("prefer") or ""
    m = re.search(r"odata\.maxpagesize\s*=\s*(\d+)", prefer, re.IGNORECASE)
    if not m or int(m.group(1)) < 1:
        return maximum, {}
    size = min(int(m.group(1)), maximum)
    return size, {"Preference-Applied": f"odata.maxpagesize={size}"}


def _bad_filter(text: str) -> GraphError:
    return bad_request(f"Invalid filter clause: '{text}'. Call records support only startDateTime ge/gt/le/lt "
                       "comparisons and participants_v2/any(p:p/id eq '<id>'), joined by 'and'.",
                       code="BadRequest")


def parse_filter(store: CallStore, text: str) -> tuple[int, int, str | None]:
    """``(first index, end index, participant id)`` for a list ``$filter`` (or a 400)."""
    lo, hi = store.index_at(store.retention_start), store.total
    user: str | None = None
    clauses = [c.strip() for c in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE)] if text.strip() else []
    if len(clauses) > 3:
        raise _bad_filter(text)
    for clause in clauses:
        m = _CLAUSE_TIME.match(clause)
        if m:
            when = parse_datetime(m.group(2)) if re.match(r"^\d{4}-\d{2}-\d{2}T", m.group(2)) else None
            if when is None:
                raise _bad_filter(text)
            op = m.group(1).lower()
            index = store.index_at(when) if op in ("ge", "lt") else _after(store, when)
            if op in ("ge", "gt"):
                lo = max(lo, index)
            else:
                hi = min(hi, index)
            continue
        u = _CLAUSE_USER.match(clause)
        if u and u.group(1) == u.group(2) and user is None:
            user = u.group(3).lower()
            continue
        raise _bad_filter(text)
    return lo, max(lo, hi), user


def _after(store: CallStore, when: datetime) -> int:
    """First index starting strictly after ``when`` (for ``gt`` and ``le``)."""
    g = store.index_at(when)
    while g < store.total and store.start_of(g) == when:  # bounded by the records sharing that instant
        g += 1
    return g


def _user_index(state: EmulatorState, store: CallStore) -> dict[str, list[int]]:
    """Participant id → record indices in the retention window, built once."""
    def build() -> dict[str, list[int]]:
        tenant = state.tenant
        from m365gov.emulator.rooms import CHAMBER_ACCOUNT_ID

        out: dict[str, list[int]] = {}
        for g in range(store.index_at(store.retention_start), store.total):
            for u in store.participants(g):
                key = CHAMBER_ACCOUNT_ID if u < 0 else tenant.users[u]["id"]
                out.setdefault(key, []).append(g)
        return out
    return state.memo("callrecord-user-index", build)


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"calls:{offset}".encode()).decode().rstrip("=")


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        tag, value = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().split(":")
    except (ValueError, UnicodeDecodeError):
        tag, value = "", ""
    if tag != "calls" or not value.isdigit():
        raise bad_request("The specified page token value has expired and can no longer be included in your "
                          "request.")
    return int(value)


def _link(ctx: Context, path: str, params: list[tuple[str, str]], offset: int) -> str:
    parts = [f"{quote(k, safe='$')}={quote(v, safe=_SAFE)}" for k, v in params if k.lstrip("$").lower() != "skiptoken"]
    parts.append(f"$skiptoken={_token(offset)}")
    return f"{ctx.base_url}{quote(path, safe=_SAFE + '/')}?{'&'.join(parts)}"


_SAFE = "$,()':*@!=;"


@ROUTES.get(_BASE)
def list_records(ctx: Context) -> Response:
    req = ctx.request
    check_options(req, ("filter", "skiptoken"))
    store = _store(ctx)
    text = req.option("filter") or ""
    lo, hi, user = parse_filter(store, text)
    size, applied = _page_size(ctx, PAGE)
    offset = _offset(req.option("skiptoken"))
    chosen: list[int] | range = range(lo, hi)
    if user is not None:
        chosen = [g for g in _user_index(ctx.state, store).get(user, []) if lo <= g < hi]
    end = min(offset + size, len(chosen))

    def build() -> bytes:
        tenant = ctx.tenant
        return dumps([record(tenant, store.plan(g), store.record_id(g)) for g in chosen[offset:end]])

    values = _cache(ctx.state).get(("list", lo, hi, user, offset, size), build)
    head = b'{"@odata.context":' + dumps(f"{ctx.base_url}/v1.0/{_CONTEXT}")
    if end < len(chosen):
        head += b',"@odata.nextLink":' + dumps(_link(ctx, req.path, list(req.query_pairs), end))
    return Response(200, head + b',"value":' + values + b"}", applied)


def _record_index(ctx: Context) -> int:
    store = _store(ctx)
    rid = ctx.params["record_id"].strip("'")
    g = store.index_of(rid)
    if g is None or not store.in_retention(g):
        raise GraphError(404, "NotFound", f"Call record '{rid}' was not found: call records are kept for 30 days.")
    return g


_EXPAND_PART = re.compile(r"^(sessions)(?:\(\s*\$?expand\s*=\s*segments\s*\))?$|^(participants_v2)$", re.IGNORECASE)


def _expands(text: str | None) -> tuple[bool, bool, bool]:
    """``(sessions, segments, participants)`` requested by ``$expand``."""
    want = [False, False, False]
    if not text:
        return False, False, False
    depth, part, parts = 0, "", []
    for ch in text:  # split on top-level commas (bounded by the text)
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(part.strip())
            part = ""
        else:
            part += ch
    parts.append(part.strip())
    for p in parts:
        m = _EXPAND_PART.match(p)
        if m is None:
            raise bad_request(f"Parsing OData Select and Expand failed: could not expand '{p}' on callRecord "
                              "(supported: sessions, sessions($expand=segments), participants_v2).")
        if m.group(1):
            want[0] = True
            want[1] = want[1] or "segments" in p.lower()
        else:
            want[2] = True
    return want[0], want[1], want[2]


@ROUTES.get(_BASE + "/{record_id}")
@ROUTES.get(_BASE + "('{record_id}')")
def get_record(ctx: Context) -> Response:
    check_options(ctx.request, ("expand", "select"))
    g = _record_index(ctx)
    store, tenant = _store(ctx), ctx.tenant
    with_sessions, segments, with_participants = _expands(ctx.request.option("expand"))
    plan = store.plan(g)
    rid = store.record_id(g)
    body: dict[str, Any] = {"@odata.context": f"{ctx.base_url}/v1.0/{_CONTEXT}/$entity",
                            **record(tenant, plan, rid)}
    select = ctx.request.option("select")
    if select:
        keep = {s.strip() for s in select.split(",")} | {"id"}
        body = {k: v for k, v in body.items() if k in keep or k.startswith("@")}
    base = f"{_BASE}('{rid}')"
    if with_participants:
        people = participants(tenant, plan)
        body["participants_v2"] = people[:PARTICIPANT_PAGE]
        if len(people) > PARTICIPANT_PAGE:
            body["participants_v2@odata.nextLink"] = _nested(ctx, _link(ctx, base + "/participants_v2", [],
                                                                        PARTICIPANT_PAGE))
    if with_sessions:
        size, _ = _page_size(ctx, SESSION_PAGE)
        all_sessions = sessions(tenant, plan, segments)
        body["sessions"] = all_sessions[:size]
        if len(all_sessions) > size:
            params = [("$expand", "segments")] if segments else []
            body["sessions@odata.nextLink"] = _nested(ctx, _link(ctx, base + "/sessions", params, size))
    return Response(200, dumps(body))


def _nested(ctx: Context, link: str) -> str:
    """A nested link in the form the options ask for (see :class:`EmulatorOptions`)."""
    if ctx.state.options.nested_link_form == "documented":
        return link.replace("/v1.0/communications/", "/v1.0/$metadata#communications/", 1)
    return link


@ROUTES.get(_BASE + "/{record_id}/sessions")
@ROUTES.get(_BASE + "('{record_id}')/sessions")
def list_sessions(ctx: Context) -> Response:
    req = ctx.request
    check_options(req, ("expand", "skiptoken", "select"))
    expand = (req.option("expand") or "").strip().lower()
    if expand not in ("", "segments"):
        raise bad_request(f"Could not expand '{expand}' on session (supported: segments).")
    g = _record_index(ctx)
    size, applied = _page_size(ctx, SESSION_PAGE)
    offset = _offset(req.option("skiptoken"))
    store = _store(ctx)
    everything = _cache(ctx.state).get(("sessions", g, expand), lambda: dumps(
        sessions(ctx.tenant, store.plan(g), expand == "segments")))
    return _slice(ctx, everything, offset, size, applied, f"sessions('{store.record_id(g)}')")


@ROUTES.get(_BASE + "/{record_id}/participants_v2")
@ROUTES.get(_BASE + "('{record_id}')/participants_v2")
def list_participants(ctx: Context) -> Response:
    req = ctx.request
    check_options(req, ("skiptoken",))
    g = _record_index(ctx)
    size, applied = _page_size(ctx, PARTICIPANT_PAGE)
    store = _store(ctx)
    everything = _cache(ctx.state).get(("participants", g), lambda: dumps(participants(ctx.tenant, store.plan(g))))
    return _slice(ctx, everything, _offset(req.option("skiptoken")), size, applied, "participants_v2")


def _slice(ctx: Context, encoded: bytes, offset: int, size: int, headers: dict[str, str], what: str) -> Response:
    """One page of an encoded list (decoded again: the lists are small, at most a few hundred items)."""
    import json

    items = json.loads(encoded)
    end = min(offset + size, len(items))
    body: dict[str, Any] = {"@odata.context": f"{ctx.base_url}/v1.0/$metadata#{what}", "value": items[offset:end]}
    if end < len(items):
        body["@odata.nextLink"] = _link(ctx, ctx.request.path, list(ctx.request.query_pairs), end)
    return Response(200, dumps(body), headers)
