"""The emulator's own endpoints, under ``/_emulator/``: statistics, request log, reset, defects (and
how to find the council meeting).

No authentication (the server listens on loopback only), not counted in the statistics, and never
subject to latency or faults, so that a benchmark or a test in another process can observe the
emulator without disturbing what it measures.
"""

from __future__ import annotations

from m365gov.emulator.protocol import Response, bad_request, json_response
from m365gov.emulator.routes import Context, RouteTable
from m365gov.emulator.stats import Stats

ROUTES = RouteTable("control")
PREFIX = "/_emulator/"


def _stats(ctx: Context) -> Stats:
    stats = ctx.state.stats
    if stats is None:  # pragma: no cover - the Emulator always sets it
        raise bad_request("statistics are not enabled")
    return stats


@ROUTES.get("/_emulator/stats", auth=False, counted=False)
def stats(ctx: Context) -> Response:
    return json_response(_stats(ctx).snapshot())


@ROUTES.get("/_emulator/requests", auth=False, counted=False)
def requests(ctx: Context) -> Response:
    """The request log, most recent last; ``?limit=N`` keeps the last N."""
    log = _stats(ctx).requests
    limit = ctx.request.query.get("limit")
    if limit is not None:
        if not limit.isdigit():
            raise bad_request("limit must be a non-negative integer")
        log = log[-int(limit):] if int(limit) else []
    return json_response({"value": [r.to_dict() for r in log]})


@ROUTES.post("/_emulator/reset", auth=False, counted=False)
def reset(ctx: Context) -> Response:
    _stats(ctx).reset()
    return Response(204, b"", content_type=None)


@ROUTES.get("/_emulator/defects", auth=False, counted=False)
def defects(ctx: Context) -> Response:
    t = ctx.tenant
    m = t.council_meeting
    meeting = {"meetingId": m.meeting_id, "joinWebUrl": m.join_web_url, "joinMeetingId": m.join_meeting_id,
               "shortUrl": m.short_url, "organizerId": m.organizer_id, "organizerUpn": m.organizer_upn,
               "subject": m.subject, "startDateTime": m.start.isoformat(), "endDateTime": m.end.isoformat()}
    return json_response({"seed": t.seed, "tenantId": t.tenant_id, "councilGroupId": t.council_group_id,
                          "councilMeeting": meeting, "fixed": list(t.fixed), "extraDefects": list(t.extra_defects),
                          "value": t.defects})
