"""Requests, responses and Graph-shaped errors, independent of the socket layer.

Handlers see a :class:`Request` and return a :class:`Response` (or raise :class:`GraphError`), so that
an inner ``$batch`` request goes through exactly the same code as a top-level one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

JSON_TYPE = "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8"
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as Graph sends it (one shared encoder: no per-call set-up cost)."""
    return _ENCODER.encode(obj).encode("utf-8")


@dataclass(frozen=True)
class Request:
    """One request, top-level or inside ``$batch``.

    Attributes:
        method: upper-case HTTP method.
        path: percent-decoded path without the query, e.g. ``/v1.0/users``.
        query: decoded query parameters (last value wins) keyed as sent, e.g. ``$select``.
        raw_query: the query string as sent, for echoing into ``@odata.nextLink``.
        headers: header names lower-cased.
        body: the request body.
        inner: true for a request unpacked from ``$batch``.
        query_pairs: every (name, value) pair in order, for duplicate detection.
    """

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    raw_query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    inner: bool = False
    query_pairs: tuple[tuple[str, str], ...] = ()

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def option(self, name: str) -> str | None:
        """A system query option, with or without its ``$`` (Graph accepts both), case-insensitively."""
        bare = name.lstrip("$").lower()
        for key, value in self.query.items():
            if key.lstrip("$").lower() == bare:
                return value
        return None


@dataclass
class Response:
    """What a handler answers. ``fault`` names the injected fault that produced it, if any.

    ``drop`` asks the socket layer to send the status line, headers and part of the body, then close.
    """

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = JSON_TYPE
    fault: str | None = None
    drop: bool = False

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class GraphError(Exception):
    """Raised by handlers; rendered as Graph's ``{"error": {code, message, innerError}}`` body."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def make_request(method: str, target: str, headers: Mapping[str, str] | None = None, body: bytes = b"",
                 *, inner: bool = False) -> Request:
    """Build a :class:`Request` from a request target (``/v1.0/users?$top=5``), decoding the query."""
    split = urlsplit(target)
    pairs = tuple(parse_qsl(split.query, keep_blank_values=True))
    return Request(method=method.upper(), path=unquote(split.path) or "/", query=dict(pairs),
                   raw_query=split.query, headers={k.lower(): v for k, v in (headers or {}).items()},
                   body=body, inner=inner, query_pairs=pairs)


def error_body(code: str, message: str, request_id: str) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat()
    return {"error": {"code": code, "message": message,
                      "innerError": {"date": now, "request-id": request_id, "client-request-id": request_id}}}


def error_response(status: int, code: str, message: str, request_id: str,
                   headers: Mapping[str, str] | None = None) -> Response:
    return Response(status, dumps(error_body(code, message, request_id)), dict(headers or {}))


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(status, dumps(obj))


def not_implemented(method: str, path: str) -> GraphError:
    return GraphError(501, "NotImplemented",
                      f"the m365gov emulator does not implement {method} {path}: add a route for it "
                      "(m365gov/emulator/registry.py) rather than expecting a fake success")


def not_found(what: str) -> GraphError:
    return GraphError(404, "Request_ResourceNotFound",
                      f"Resource '{what}' does not exist or one of its queried reference-property objects "
                      "are not present.")


def bad_request(message: str, code: str = "Request_BadRequest") -> GraphError:
    return GraphError(400, code, message)
