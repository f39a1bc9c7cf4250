"""The checklist as a JSON document (``m365gov/checklist@1``): what every output format renders.

Like the audit's results file, the document is the one place where an evaluation becomes data:
sentences are localised here (``lang``), the Markdown and HTML renderers only lay it out, and a
script reads the same JSON (``--format json``). It carries the meeting's options as Graph named
them, never its passcode.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from m365gov import __version__
from m365gov.checklist.evaluate import Evaluation
from m365gov.checklist.facts import Facts
from m365gov.checklist.labels import labels
from m365gov.checklist.messages import render_msg, show
from m365gov.checklist.model import STATES, pick
from m365gov.timeutil import paris, parse_datetime, to_iso

SCHEMA_ID: Final = "m365gov/checklist@1"
MEETING_OPTIONS: Final = (
    "meetingType", "lobbyBypassSettings", "allowedLobbyAdmitters", "allowedPresenters", "allowAttendeeToEnableMic",
    "allowAttendeeToEnableCamera", "allowRecording", "recordAutomatically", "allowTranscription",
    "isEntryExitAnnounced", "allowParticipantsToChangeName", "allowMeetingChat", "isBroadcast",
)


def checklist_document(ev: Evaluation, *, lang: str, tenant_id: str, sources: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the outputs show, sentences in ``lang``. ``sources``: source name → status and detail."""
    f = ev.facts
    counts = {s: ev.count(s) for s in STATES}
    return {
        "schema": SCHEMA_ID,
        "kind": "council",
        "lang": lang,
        "generator": {"name": "m365gov", "version": __version__},
        "generatedAt": to_iso(f.now),
        "generatedAtParis": paris(f.now),
        "tenantId": tenant_id,
        "exitCode": ev.exit_code,
        "summary": counts,
        "regime": _regime(f, lang),
        "meeting": _meeting(f),
        "quorum": _quorum(f),
        "proxies": _proxies(f, lang),
        "members": _members(f, lang),
        "rooms": [{"displayName": r.get("displayName"), "isChamber": r.get("isChamber"), "ready": r.get("ready"),
                   "evidence": list(r.get("evidence") or ())} for r in f.rooms.rooms
                  if r.get("isChamber") or r.get("displayName") in _named_rooms(f)],
        "items": [_item(i, lang) for i in ev.items],
        "declarations": ({"file": f.declarations.file, "session": f.declarations.session.isoformat()
                          if f.declarations.session else None} if f.declarations.file else None),
        "sources": dict(sources),
    }


def _regime(f: Facts, lang: str) -> dict[str, Any]:
    r = f.regime
    t = labels(lang)
    warning = None
    if not r.in_force or r.requires_emergency_text:
        until = f" ({show(r.valid_until.isoformat(), lang)})" if r.valid_until else ""
        warning = t["warning_expired"].format(until=until)
    return {
        "id": r.id,
        "title": pick(r.title, lang),
        "description": pick(r.description, lang),
        "inForce": r.in_force,
        "validity": {"from": r.valid_from.isoformat() if r.valid_from else None,
                     "until": r.valid_until.isoformat() if r.valid_until else None,
                     "note": pick(r.validity_note, lang) or None},
        "requiresEmergencyText": r.requires_emergency_text,
        "warning": warning,
        "legalBasis": [{"ref": b.ref, "summary": pick(b.summary, lang), "confidence": b.confidence, "url": b.url}
                       for b in r.legal_basis],
        "mode": r.mode,
        "participation": pick(r.participation_note, lang) or None,
        "quorumRule": {"fraction": [r.quorum.numerator, r.quorum.denominator], "comparison": r.quorum.comparison,
                       "present": r.quorum.present, "countRepresented": r.quorum.count_represented,
                       "description": pick(r.quorum.description, lang), "source": list(r.quorum.source)},
        "proxyRule": {"maxPerHolder": r.proxies.max_per_holder,
                      "maxConsecutiveSessions": r.proxies.max_consecutive_sessions,
                      "illnessExtends": r.proxies.illness_extends, "description": pick(r.proxies.description, lang),
                      "source": list(r.proxies.source)},
        "votes": {"secretBallot": r.secret_ballot, "description": pick(r.votes, lang), "source": list(r.votes_source)},
        "parameters": {k: v.value for k, v in r.parameters.items()},
        "file": r.file,
    }


def _meeting(f: Facts) -> dict[str, Any]:
    lk = f.lookup
    if lk is None:
        return {"status": "not_looked_up"}
    out: dict[str, Any] = {"reference": lk.ref.display, "referenceKind": lk.ref.kind, "status": lk.status,
                           "lookedUpUnder": lk.organizer, "detail": lk.detail, "commands": list(lk.commands),
                           "permission": lk.permission}
    m = lk.meeting
    if m is not None:
        start = parse_datetime(m.get("startDateTime"))
        org = (m.get("participants") or {}).get("organizer") or {}
        user = (org.get("identity") or {}).get("user") or {}
        audio = m.get("audioConferencing") or {}
        out.update({
            "id": m.get("id"),
            "subject": m.get("subject"),
            "start": m.get("startDateTime"),
            "end": m.get("endDateTime"),
            "startParis": paris(start) if start else None,
            "joinWebUrl": m.get("joinWebUrl"),
            "organizer": {"id": user.get("id"), "displayName": user.get("displayName"), "upn": org.get("upn")},
            "options": {
                **{k: m.get(k) for k in MEETING_OPTIONS if k in m},
                "isPasscodeRequired": (m.get("joinMeetingIdSettings") or {}).get("isPasscodeRequired"),
                "broadcastAudience": (m.get("broadcastSettings") or {}).get("allowedAudience"),
                "tollNumber": audio.get("tollNumber"),
                "conferenceId": audio.get("conferenceId"),
            },
        })
    out["calendar"] = {"status": lk.calendar_status, "detail": lk.calendar_detail,
                       "location": ((lk.event or {}).get("location") or {}).get("displayName")}
    return out


def _quorum(f: Facts) -> dict[str, Any] | None:
    q = f.quorum
    if q is None:
        return None
    return {"inOffice": q.in_office, "inOfficeSource": q.in_office_source, "threshold": q.threshold,
            "formula": q.formula, "present": q.present, "represented": q.represented, "undecided": q.undecided,
            "counted": q.counted, "margin": q.margin, "reached": q.reached,
            "absent": {k: list(v) for k, v in f.attendance.absent.items()}}


def _proxies(f: Facts, lang: str) -> dict[str, Any] | None:
    pc = f.proxies
    if pc is None:
        return None
    valid = {p.line for p in pc.valid}
    return {
        "file": pc.file,
        "entries": [{"line": p.line, "giver": p.giver, "holder": p.holder, "sessions": p.sessions,
                     "illness": p.illness, "received": p.received.isoformat() if p.received else None,
                     "note": p.note, "valid": p.line in valid} for p in pc.proxies],
        "issues": [{"line": i.lines[0], "lines": list(i.lines), "code": i.code, "severity": i.severity,
                    "text": render_msg(i.message, lang)} for i in pc.issues],
    }


def _members(f: Facts, lang: str) -> list[dict[str, Any]]:
    invited = _invited(f)
    gave: dict[str, str] = {}
    holds: dict[str, list[str]] = {}
    if f.proxies is not None:
        for p in f.proxies.valid:
            g, h = f.roster.resolve(p.giver), f.roster.resolve(p.holder)
            if g is not None and h is not None:
                gave[g.key] = h.display_name
                holds.setdefault(h.key, []).append(g.display_name)
    out = []
    for m in f.roster.members:
        ready, reasons = f.readiness.get(m.key, (None, []))
        out.append({
            "id": m.id, "displayName": m.display_name, "userPrincipalName": m.upn, "accountOk": m.account_ok,
            "teamsLicensed": m.teams_licensed, "lastActivityDate": m.last_activity, "activeInPeriod": m.active,
            "clients": list(m.clients) if m.clients is not None else None,
            "camera": m.camera, "cameraEvidence": list(m.camera_evidence),
            "microphone": m.microphone, "microphoneEvidence": list(m.microphone_evidence),
            "phone": m.phone,
            "invited": (m.key in invited or m.upn.casefold() in invited) if invited is not None else None,
            "response": f.attendance.responses.get(m.key),
            "absent": list(f.attendance.absent.get(m.key, ())),
            "proxyTo": gave.get(m.key), "proxiesHeld": holds.get(m.key, []),
            "ready": ready, "notReady": [render_msg(r, lang) for r in reasons],
        })
    return out


def _invited(f: Facts) -> set[str] | None:
    lk = f.lookup
    if lk is None or lk.meeting is None:
        return None
    p = lk.meeting.get("participants") or {}
    keys: set[str] = set()
    for person in [p.get("organizer") or {}, *(p.get("attendees") or ())]:
        user = (person.get("identity") or {}).get("user") or {}
        keys.update(str(x).casefold() for x in (user.get("id"), person.get("upn")) if x)
    return keys


def _named_rooms(f: Facts) -> set[str]:
    names: set[str] = set()
    for rule in f.regime.items:
        names.update(rule.params.get("rooms", []) if rule.check == "meetingRooms" else [])
    return names


def _item(i: Any, lang: str) -> dict[str, Any]:
    o = i.outcome
    return {
        "id": i.id,
        "title": pick(i.title, lang),
        "description": pick(i.description, lang) or None,
        "state": i.state,
        "severity": i.severity,
        "check": i.check,
        "how": o.how,
        "evidence": [render_msg(m, lang) for m in o.evidence],
        "remediation": [render_msg(m, lang) for m in o.remediation],
        "commands": [m.args["text"] for m in o.remediation if m.key == "command"],
        "source": list(i.source),
        "reason": o.reason,
        "facts": dict(o.facts),
    }
