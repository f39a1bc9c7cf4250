"""Usage report functions: CSV behind a 302 to a pre-authenticated download URL, and beta JSON.

``GET /v1.0/reports/<function>(period='D30')`` (or ``(date=YYYY-MM-DD)``) answers ``302 Found``
with a ``Location`` on the emulator itself — same scheme, host and port, because msgraph-sdk's
redirect handler refuses a scheme change — at ``/data/download/<token>`` (the path of
``reports.office.com``). The download needs no ``Authorization`` (the token is the credential, as
in Microsoft's pre-authenticated URL), expires after :attr:`EmulatorOptions.report_link_seconds`
(403 afterwards) and serves the CSV as ``application/octet-stream``, UTF-8 with a BOM.

Beta serves the same: CSV behind a redirect by default or with ``$format=text/csv``; with
``$format=application/json`` a ``200 {"value": [...]}`` of at most 2000 rows per page (``$top`` up
to 2000), continued by an absolute ``@odata.nextLink`` carrying ``$skiptoken``.

An unknown period or a date outside the last 30 days is a 400. Names are concealed when
``reportSettings.displayConcealedNames`` is true at the time of the request. Report throttling
(14 requests per 10 minutes in production) is not enforced; inject it with :class:`Faults`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import time
from datetime import date, timedelta
from urllib.parse import quote

from m365gov.emulator.odata import PageCache, check_options
from m365gov.emulator.protocol import GraphError, Response, bad_request, dumps
from m365gov.emulator.reportdata import DATE_RANGE_DAYS, PERIODS, REPORTS, Window, csv_bytes, report_users, rows
from m365gov.emulator.routes import Context, EmulatorState, RouteTable

ROUTES = RouteTable("reports")
DOWNLOAD_PREFIX = "/data/download/"
JSON_PAGE = 2000
_ARGS = re.compile(r"^\s*(?:period\s*=\s*'(?P<period>[^']*)'|date\s*=\s*'?(?P<date>[^')]*)'?)\s*$", re.IGNORECASE)


def _secret(state: EmulatorState) -> bytes:
    """A per-instance key signing download tokens: a link from another emulator run is refused."""
    return state.memo("report-secret", lambda: os.urandom(16))


def parse_window(ctx: Context, args: str) -> Window:
    """The report window from the function's arguments, or a 400 as Graph answers."""
    m = _ARGS.match(args)
    if m is None:
        raise bad_request("Invalid function parameters: expected period='D7|D30|D90|D180' or date=YYYY-MM-DD.",
                          code="BadRequest")
    if m.group("period") is not None:
        period = m.group("period").upper()
        if period not in PERIODS:
            raise bad_request(f"Invalid value '{m.group('period')}' for parameter 'period'. Supported values are "
                              "D7, D30, D90 and D180.", code="BadRequest")
        return Window(period, None)
    try:
        day = date.fromisoformat(m.group("date"))
    except ValueError:
        raise bad_request(f"Invalid value '{m.group('date')}' for parameter 'date': expected YYYY-MM-DD.",
                          code="BadRequest") from None
    refresh = ctx.tenant.usage.refresh
    if not refresh - timedelta(days=DATE_RANGE_DAYS) <= day <= refresh:
        raise bad_request(f"Invalid value '{day.isoformat()}' for parameter 'date': it must be within the last "
                          f"{DATE_RANGE_DAYS} days.", code="BadRequest")
    return Window(None, day)


def _concealed(ctx: Context) -> bool:
    return bool(ctx.tenant.report_settings.get("displayConcealedNames"))


def _token(ctx: Context, report: str, window: Window) -> str:
    expires = int((time.time() + ctx.state.options.report_link_seconds) * 1000)
    what = window.period or (window.day.isoformat() if window.day else "")
    payload = f"{report}|{what}|{int(_concealed(ctx))}|{expires}"
    sig = hmac.new(_secret(ctx.state), payload.encode(), hashlib.sha256).hexdigest()[:24]
    return base64.urlsafe_b64encode(f"{payload}|{sig}".encode()).decode().rstrip("=")


def _redirect(ctx: Context, report: str) -> Response:
    window = parse_window(ctx, ctx.params["args"])
    location = f"{ctx.base_url}{DOWNLOAD_PREFIX}{_token(ctx, report, window)}"
    return Response(302, b"", {"Location": location}, content_type="text/plain")


def _json_page(ctx: Context, report: str) -> Response:
    req = ctx.request
    window = parse_window(ctx, ctx.params["args"])
    top_text = req.option("top")
    top = JSON_PAGE
    if top_text is not None:
        if not top_text.isdigit() or not 1 <= int(top_text) <= JSON_PAGE:
            raise bad_request(f"Invalid page size specified: '{top_text}'. Must be between 1 and {JSON_PAGE} "
                              "inclusive.")
        top = int(top_text)
    token = req.option("skiptoken")
    offset = 0
    if token:
        offset = _decode_offset(token)
    concealed = _concealed(ctx)
    indices = ctx.state.memo(f"report-users:{report}:{window}", lambda: _listed(ctx, report, window))
    cache = ctx.state.memo("report-pages", lambda: PageCache(64 * 1024 * 1024))
    end = min(offset + top, len(indices))
    values = cache.get(("json", report, window, concealed, offset, top),
                       lambda: dumps(list(rows(ctx.tenant, report, window, concealed, indices[offset:end]))))
    body = b'{"value":' + values
    if end < len(indices):
        parts = [f"{quote(k, safe='$')}={quote(v, safe='$/()=')}" for k, v in req.query_pairs
                 if k.lstrip("$").lower() != "skiptoken"]
        parts.append(f"$skiptoken={_encode_offset(end)}")
        path = quote(req.path, safe="/()=,'")
        link = f"{ctx.base_url}{path}?{'&'.join(parts)}"
        body += b',"@odata.nextLink":' + dumps(link)
    return Response(200, body + b"}", content_type="application/json; charset=utf-8")


def _listed(ctx: Context, report: str, window: Window) -> list[int]:
    """Users with a row in this report: everyone listed for a period, only the active for one day."""
    users = report_users(ctx.tenant, report)
    if window.period:
        return list(users)
    return [i for i in users if next(rows(ctx.tenant, report, window, False, (i,)), None) is not None]


def _encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"report:{offset}".encode()).decode().rstrip("=")


def _decode_offset(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        tag, offset = text.split(":")
        if tag == "report" and offset.isdigit():
            return int(offset)
    except (ValueError, UnicodeDecodeError):
        pass
    raise bad_request("The specified page token value has expired and can no longer be included in your request.")


def _serve(ctx: Context, report: str) -> Response:
    req = ctx.request
    if ctx.version == "v1.0":
        check_options(req, ())
        return _redirect(ctx, report)
    check_options(req, ("format", "top", "skiptoken"))
    fmt = (req.option("format") or "text/csv").lower()
    if fmt == "application/json":
        return _json_page(ctx, report)
    if fmt != "text/csv":
        raise bad_request(f"Invalid $format '{fmt}': expected text/csv or application/json.")
    return _redirect(ctx, report)


def _register(report: str) -> None:
    def handler(ctx: Context) -> Response:
        return _serve(ctx, report)

    for version in ("v1.0", "beta"):
        ROUTES.get(f"/{version}/reports/{report}({{args}})")(handler)


for _report in REPORTS:
    _register(_report)


@ROUTES.get(DOWNLOAD_PREFIX + "{token}", auth=False)
def download(ctx: Context) -> Response:
    """The pre-authenticated download: no bearer needed, refused once expired or tampered with."""
    token = ctx.params["token"]
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        report, what, concealed, expires, sig = text.split("|")
    except (ValueError, UnicodeDecodeError):
        raise _denied("The download link is not valid.") from None
    payload = f"{report}|{what}|{concealed}|{expires}"
    good = hmac.new(_secret(ctx.state), payload.encode(), hashlib.sha256).hexdigest()[:24]
    if not hmac.compare_digest(sig, good) or report not in REPORTS or not expires.isdigit():
        raise _denied("The download link is not valid.")
    if time.time() * 1000 > int(expires):
        raise _denied("The download link has expired: request the report again.")
    window = Window(what, None) if what in PERIODS else Window(None, date.fromisoformat(what))
    hidden = concealed == "1"
    cache = ctx.state.memo("report-pages", lambda: PageCache(64 * 1024 * 1024))
    body = cache.get(("csv", report, window, hidden), lambda: csv_bytes(ctx.tenant, report, window, hidden))
    return Response(200, body, {"Content-Disposition": f'attachment; filename="{report}.csv"'},
                    content_type="application/octet-stream")


def _denied(message: str) -> GraphError:
    return GraphError(403, "AccessDenied", message)
