"""OData collection serving: ``$select``, ``$top``, ``$filter``, ``$count``, ``$skiptoken`` paging.

Graph's behaviours that clients trip over are reproduced: without ``$select`` users come back with
only the default property set; ``$top`` outside 1..999 is a 400; ``@odata.nextLink`` is absolute and
keeps the other query options; unsupported query options are refused, not ignored.

Paging is cheap at 100,000 users: a filter is evaluated once per distinct filter text, and each
serialised page is kept in a byte-bounded LRU cache, so repeated runs (benchmarks, drift tests)
cost the server almost nothing and the first run costs one JSON encoding per page.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from m365gov.emulator.filters import NO_FILTERS, FilterSchema, Predicate, compile_filter
from m365gov.emulator.protocol import _ENCODER, Request, Response, bad_request, dumps, not_implemented
from m365gov.emulator.routes import Context

UNIMPLEMENTED_OPTIONS = ("expand", "orderby", "search", "format", "apply", "compute", "levels", "deltatoken")
SYSTEM_OPTIONS = ("select", "top", "filter", "skiptoken", "count", "skip", *UNIMPLEMENTED_OPTIONS)


@dataclass(frozen=True)
class EntitySet:
    """A servable collection.

    Attributes:
        key: unique cache key (``users``, ``members:<group id>``).
        context: the ``@odata.context`` fragment (``users``, ``directoryObjects``).
        type_name: OData type for error messages (``microsoft.graph.user``).
        items: the objects, in service order.
        properties: names accepted in ``$select``.
        default_select: what Graph returns without ``$select`` (``None``: every stored property).
        filters: what ``$filter`` supports.
        odata_type: ``@odata.type`` to stamp on each item (members of a group are directoryObjects).
        max_top: largest ``$top``.
        default_top: page size without ``$top``.
        collections: collection-valued properties, served as ``[]`` (not ``null``) when unset.
    """

    key: str
    context: str
    type_name: str
    items: Sequence[Mapping[str, Any]]
    properties: frozenset[str]
    default_select: tuple[str, ...] | None = None
    filters: FilterSchema = NO_FILTERS
    odata_type: str | None = None
    max_top: int = 999
    default_top: int = 100
    collections: frozenset[str] = frozenset()
    _filtered: dict[tuple[str, bool], list[int]] = field(default_factory=dict, compare=False, repr=False)
    _fragments: dict[int, str] = field(default_factory=dict, compare=False, repr=False)


class PageCache:
    """Serialised pages, least recently used evicted first once ``max_bytes`` is exceeded."""

    def __init__(self, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], build: Callable[[], bytes]) -> bytes:
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
                return found
        data = build()
        with self._lock:
            if key not in self._pages:
                self._pages[key] = data
                self._size += len(data)
                while self._size > self.max_bytes and self._pages:
                    _, old = self._pages.popitem(last=False)
                    self._size -= len(old)
        return data


def check_options(req: Request, supported: Sequence[str]) -> None:
    """Refuse duplicated, unsupported (400) or unimplemented (501) system query options."""
    seen: set[str] = set()
    for key, _ in req.query_pairs:
        bare = key.lstrip("$").lower()
        if bare not in SYSTEM_OPTIONS:
            continue  # Graph ignores custom parameters
        if bare in seen:
            raise bad_request(f"Query option '${bare}' was specified more than once, but it must be specified "
                              "at most once.")
        seen.add(bare)
        if bare in supported:
            continue
        if bare == "skip":
            raise bad_request("'$skip' is not supported by the service.")
        raise not_implemented(req.method, f"{req.path} with ${bare}")


def parse_select(req: Request, es: EntitySet) -> tuple[str, ...] | None:
    raw = req.option("select")
    if raw is None:
        return es.default_select
    chosen: list[str] = []
    lowered = {p.lower(): p for p in es.properties}
    for part in raw.split(","):
        name = part.strip()
        if not name:
            continue
        if name == "*":
            return None
        canonical = lowered.get(name.lower())
        if canonical is None:
            raise bad_request(f"Could not find a property named '{name}' on type '{es.type_name}'.")
        if canonical not in chosen:
            chosen.append(canonical)
    return tuple(chosen) if chosen else es.default_select


def project(item: Mapping[str, Any], select: tuple[str, ...] | None, es: EntitySet) -> Mapping[str, Any]:
    """The item as Graph shows it: selected properties (``null`` or ``[]`` when unset), type stamp first."""
    if select is None:
        return {"@odata.type": es.odata_type, **item} if es.odata_type else item
    out: dict[str, Any] = {"@odata.type": es.odata_type} if es.odata_type else {}
    collections = es.collections
    for name in select:
        value = item.get(name)
        if value is None and name in collections:
            value = []
        out[name] = value
    return out


def encode_items(es: EntitySet, items: Iterable[Mapping[str, Any]], select: tuple[str, ...] | None) -> bytes:
    """``dumps([project(i, select, es) for i in items])``, about twice as fast for selected properties.

    Licence and plan lists are shared between users (see ``licensing.PlanBook``), so each distinct
    list is encoded once and its JSON reused; the tenant keeps those lists alive, so their ids are
    stable keys.
    """
    if select is None:
        return dumps([project(i, select, es) for i in items])
    encode = _ENCODER.encode
    cache = es._fragments
    collections = es.collections
    prefix = "{" + (f'"@odata.type":{encode(es.odata_type)},' if es.odata_type else "")
    keys = [(name, encode(name) + ":", name in collections) for name in select]
    parts = []
    for item in items:
        fields = []
        for name, key, is_collection in keys:
            value = item.get(name)
            if value is None:
                fields.append(key + ("[]" if is_collection else "null"))
            elif isinstance(value, list) and len(value) > 1:
                text = cache.get(id(value))
                if text is None:
                    text = cache[id(value)] = encode(value)
                fields.append(key + text)
            else:
                fields.append(key + encode(value))
        parts.append(prefix + ",".join(fields) + "}")
    return ("[" + ",".join(parts) + "]").encode("utf-8")


def context_url(ctx: Context, fragment: str, select: tuple[str, ...] | None, entity: bool = False) -> str:
    base = f"{ctx.base_url}/{ctx.version}/$metadata#{fragment}"
    if select is not None and ctx.request.option("select") is not None:
        base += f"({','.join(select)})"
    return base + ("/$entity" if entity else "")


def entity(ctx: Context, es: EntitySet, item: Mapping[str, Any], fragment: str | None = None) -> Response:
    """One object of ``es`` (``GET /users/{id}``), honouring ``$select``."""
    check_options(ctx.request, ("select",))
    select = parse_select(ctx.request, es)
    body = {"@odata.context": context_url(ctx, fragment or es.context, select, entity=True),
            **project(item, select, es)}
    return Response(200, dumps(body))


def _token(es: EntitySet, filter_text: str, offset: int) -> str:
    digest = hashlib.blake2b(f"{es.key}|{filter_text}".encode(), digest_size=6).hexdigest()
    return base64.urlsafe_b64encode(f"m365gov:{offset}:{digest}".encode()).decode().rstrip("=")


def _offset(es: EntitySet, filter_text: str, token: str) -> int:
    expired = bad_request("The specified page token value has expired and can no longer be included in your "
                          "request.", code="Directory_ExpiredPageToken")
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        tag, offset, _digest = text.split(":")
    except (ValueError, UnicodeDecodeError):
        raise expired from None
    if tag != "m365gov" or not offset.isdigit() or _token(es, filter_text, int(offset)) != token:
        raise expired
    return int(offset)


def _top(req: Request, es: EntitySet) -> int:
    raw = req.option("top")
    if raw is None:
        return es.default_top
    try:
        top = int(raw)
    except ValueError:
        raise bad_request(f"Invalid page size specified: '{raw}'. Must be between 1 and {es.max_top} "
                          "inclusive.") from None
    if not 1 <= top <= es.max_top:
        raise bad_request(f"Invalid page size specified: '{raw}'. Must be between 1 and {es.max_top} inclusive.")
    return top


def _advanced(req: Request) -> bool:
    return (req.header("consistencylevel") or "").lower() == "eventual" and (req.option("count") or "") == "true"


def _indices(es: EntitySet, filter_text: str, advanced: bool,
             extra: Predicate | None = None) -> Sequence[int]:
    if not filter_text and extra is None:
        return range(len(es.items))
    key = (filter_text, advanced)
    found = es._filtered.get(key)
    if found is None or extra is not None:
        preds = [compile_filter(filter_text, es.filters, advanced=advanced)] if filter_text else []
        if extra is not None:
            preds.append(extra)
        found = [i for i, item in enumerate(es.items) if all(p(item) for p in preds)]
        if extra is None:
            es._filtered[key] = found
    return found


def next_link(ctx: Context, token: str) -> str:
    req = ctx.request
    parts = [f"{quote(k, safe='$')}={quote(v, safe=_SAFE)}" for k, v in req.query_pairs
             if k.lstrip("$").lower() != "skiptoken"]
    parts.append(f"$skiptoken={token}")
    return f"{ctx.base_url}{quote(req.path, safe=_SAFE + '/')}?{'&'.join(parts)}"


_SAFE = "$,()':*@!"


def page(ctx: Context, es: EntitySet, cache: PageCache, *, extra: Predicate | None = None,
         extra_key: str = "", supported: Sequence[str] = ("select", "top", "filter", "skiptoken", "count")) -> Response:
    """Serve one page of ``es`` for the request in ``ctx``.

    ``extra`` is a handler-side predicate (e.g. ``?search=`` on sites), cached under ``extra_key``.
    """
    req = ctx.request
    check_options(req, supported)
    select = parse_select(req, es)
    top = _top(req, es)
    filter_text = (req.option("filter") or "").strip()
    count = req.option("count")
    if count is not None and count not in ("true", "false"):
        raise bad_request(f"Invalid value '{count}' for $count: expected true or false.")
    if count == "true" and es.filters.directory and (req.header("consistencylevel") or "").lower() != "eventual":
        raise bad_request("$count is not currently supported without the ConsistencyLevel: eventual header.",
                          code="Request_UnsupportedQuery")
    advanced = _advanced(req)
    scope = f"{filter_text}|{extra_key}"
    token = req.option("skiptoken")
    offset = _offset(es, scope, token) if token else 0
    indices = _indices(es, filter_text, advanced, extra)
    end = min(offset + top, len(indices))

    def build() -> bytes:
        items = es.items
        return encode_items(es, (items[i] for i in indices[offset:end]), select)

    values = cache.get((es.key, select, scope, offset, top), build)
    head = b'{"@odata.context":' + dumps(context_url(ctx, es.context, select))
    if count == "true":
        head += b',"@odata.count":' + str(len(indices)).encode()
    if end < len(indices):
        head += b',"@odata.nextLink":' + dumps(next_link(ctx, _token(es, scope, end)))
    return Response(200, head + b',"value":' + values + b"}")
