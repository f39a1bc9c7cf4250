"""``POST /$batch``: JSON batching, each inner request routed like a top-level one.

Inner requests go through the same auth, fault injection, handlers and stats (counted as inner), so
an inner request can come back 429 inside a 200 batch response, which the SDK does not retry
(``shared/reference/sdk.md`` §4). At most 20 requests; ``dependsOn`` on a failed request gives 424.
Inner requests run in order; Graph may run them in any order, and clients must match by ``id``.

An inner JSON body is spliced into the batch response as the bytes its handler encoded, not decoded
and encoded again: a batch of 20 call records is 300 KB, and re-encoding it twice doubled the
emulator's cost per record (the benchmark needs the stand-in to keep up with 100,000 users).
"""

from __future__ import annotations

import json
from typing import Any

from m365gov.emulator.protocol import GraphError, Response, bad_request, dumps, make_request
from m365gov.emulator.routes import Context, RouteTable

ROUTES = RouteTable("batch")
MAX_REQUESTS = 20


@ROUTES.post("/v1.0/$batch")
@ROUTES.post("/beta/$batch")
def batch(ctx: Context) -> Response:
    try:
        payload = json.loads(ctx.request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise bad_request("Invalid batch payload format: the body is not JSON.", code="BadRequest") from None
    items = payload.get("requests") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        raise bad_request("Invalid batch payload format: expected a non-empty 'requests' array.", code="BadRequest")
    if len(items) > MAX_REQUESTS:
        raise bad_request(f"The number of requests in the batch ({len(items)}) exceeds the limit of {MAX_REQUESTS}.",
                          code="BadRequest")
    ids: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("id", "method", "url")):
            raise bad_request("Each batch request needs string 'id', 'method' and 'url'.", code="BadRequest")
        if item["id"] in ids:
            raise bad_request(f"Batch request id '{item['id']}' is used more than once.", code="BadRequest")
        ids.add(item["id"])

    statuses: dict[str, int] = {}
    parts = []
    for item in items:
        response = _one(ctx, item, statuses)
        statuses[item["id"]] = response["status"]
        parts.append(_encode(response))
    return Response(200, b'{"responses":[' + b",".join(parts) + b"]}")


def _encode(response: dict[str, Any]) -> bytes:
    """One inner response as JSON; a body already encoded (``_Encoded``) is spliced as it is."""
    body = response.pop("body")
    head = dumps(response)
    encoded = body.raw if isinstance(body, _Encoded) else dumps(body)
    return head[:-1] + b',"body":' + encoded + b"}"


class _Encoded:
    """A handler's JSON body, kept as the bytes it encoded."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        self.raw = raw


def _one(ctx: Context, item: dict[str, Any], statuses: dict[str, int]) -> dict[str, Any]:
    rid = item["id"]
    depends = item.get("dependsOn") or []
    if any(statuses.get(d, 424) >= 400 for d in depends):
        return _error(rid, 424, "FailedDependency", "A request this one depends on failed.")
    url: str = item["url"]
    if url.lower().startswith(("http://", "https://")):
        return _error(rid, 400, "BadRequest", "Batch request URLs must be relative to the service root.")
    path = "/" + url.lstrip("/")
    if path.split("?", 1)[0].rstrip("/").lower().endswith("/$batch") or path.lower().startswith("/$batch"):
        return _error(rid, 400, "BadRequest", "Nested batch requests are not supported.")
    headers = {str(k): str(v) for k, v in (item.get("headers") or {}).items()}
    auth = ctx.request.header("authorization")
    if auth is not None:
        headers["Authorization"] = auth  # inner requests carry the batch's credentials
    body = item.get("body")
    raw = b"" if body is None else body.encode() if isinstance(body, str) else dumps(body)
    inner = make_request(item["method"], f"/{ctx.version}{path}", headers, raw, inner=True)
    try:
        resp = ctx.dispatch(inner)
    except GraphError as err:  # dispatch renders errors itself; this is a safety net
        return _error(rid, err.status, err.code, err.message)
    out_headers = {"Content-Type": resp.content_type or "application/json", **resp.headers}
    parsed: Any
    if not resp.body:
        parsed = None
    elif "json" in (resp.content_type or "") and resp.body[:1] in (b"{", b"["):
        parsed = _Encoded(resp.body)  # encoded by protocol.dumps: valid JSON, spliced as it is
    else:
        try:
            parsed = json.loads(resp.body)
        except ValueError:
            parsed = resp.body.decode("utf-8", "replace")
    return {"id": rid, "status": resp.status, "headers": out_headers, "body": parsed}


def _error(rid: str, status: int, code: str, message: str) -> dict[str, Any]:
    return {"id": rid, "status": status, "headers": {"Content-Type": "application/json"},
            "body": {"error": {"code": code, "message": message}}}
