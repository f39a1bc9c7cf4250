"""Checks on the online meeting itself: found, organised by the mayor, lobby, presenters, options.

Each check reads the ``onlineMeeting`` Graph returned (property names as in ``graph.md`` §6.1) and
compares it with the values in the regime file's item (``rule.params``). When the meeting could not
be read, every one of them is ``unknown`` with the same reason as the lookup — never a pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from m365gov.checklist.facts import Facts
from m365gov.checklist.lookup import NOT_FOUND
from m365gov.checklist.model import (
    COMPUTED,
    DECLARED,
    Msg,
    Outcome,
    failed,
    msg,
    passed,
    term,
    to_do,
    unknown,
)
from m365gov.checklist.regime import ItemRule
from m365gov.statuses import SRC_MISSING_PERMISSION, SRC_NOT_CONFIGURED
from m365gov.timeutil import paris, parse_datetime

REASONS = {SRC_NOT_CONFIGURED: "not_configured", SRC_MISSING_PERMISSION: "missing_permission", NOT_FOUND: "not_found"}
PRESENTING_ROLES = ("presenter", "coorganizer", "producer")


def meeting_or_unknown(f: Facts) -> tuple[Mapping[str, Any] | None, Outcome | None]:
    """The meeting, or the ``unknown`` outcome every meeting check gives when it could not be read."""
    lk = f.lookup
    if lk is None:
        return None, unknown("not_configured", [msg("meeting_not_looked_up")])
    if not lk.ok or lk.meeting is None:
        reason = REASONS.get(lk.status, "source_error")
        return None, unknown(reason, [msg("meeting_unreadable", status=term(lk.status))])
    return lk.meeting, None


def organizer_of(meeting: Mapping[str, Any]) -> dict[str, str]:
    """The organizer's id, display name and user principal name, as far as the meeting says."""
    org = (meeting.get("participants") or {}).get("organizer") or {}
    user = (org.get("identity") or {}).get("user") or {}
    return {"id": str(user.get("id") or ""), "name": str(user.get("displayName") or ""),
            "upn": str(org.get("upn") or "")}


def check_meeting_found(rule: ItemRule, f: Facts) -> Outcome:
    lk = f.lookup
    if lk is None:
        return unknown("not_configured", [msg("meeting_not_looked_up")])
    if lk.status == SRC_NOT_CONFIGURED:
        return unknown("not_configured", [msg("access_policy_missing", organizer=lk.organizer or "?")],
                       [*(msg("command", text=c) for c in lk.commands), msg("access_policy_delay")])
    if lk.status == SRC_MISSING_PERMISSION:
        return unknown("missing_permission", [msg("raw", text=lk.detail or "")],
                       [msg("grant_permission", permission=lk.permission or "")])
    if lk.status == NOT_FOUND:
        return failed([msg("meeting_not_found", detail=lk.detail or "")], [msg("meeting_not_found_fix")])
    if not lk.ok or lk.meeting is None:
        return unknown("source_error", [msg("raw", text=lk.detail or lk.status)])
    m = lk.meeting
    start = parse_datetime(m.get("startDateTime"))
    org = organizer_of(m)
    evidence = [msg("meeting_found", subject=m.get("subject") or "", start=paris(start) if start else "?",
                    organizer=org["name"] or org["upn"] or org["id"], found_by=term(lk.ref.kind))]
    if start is not None and start < f.now:
        return to_do([*evidence, msg("meeting_in_past", now=paris(f.now))], [msg("meeting_in_past_fix")],
                     how="observed")
    return passed(*evidence)


def check_organizer(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    org = organizer_of(m)
    who = org["name"] or org["upn"] or org["id"]
    wanted = f.organizer
    if wanted:
        if wanted.casefold() in (org["id"].casefold(), org["upn"].casefold()):
            return passed(msg("organizer_is", name=who, wanted=wanted))
        return failed([msg("organizer_other", name=who, wanted=wanted)], [msg("organizer_fix", wanted=wanted)])
    member = f.roster.resolve(org["id"]) if f.roster.ok else None
    if member is not None:
        return passed(msg("organizer_member", name=who), msg("organizer_not_configured"))
    return to_do([msg("organizer_unconfirmed", name=who), msg("organizer_not_configured")], how="observed")


def check_invitations(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    if not f.roster.ok:
        return unknown("source_error", [msg("members_unknown", detail=f.roster.detail or f.roster.status)])
    people = [(m.get("participants") or {}).get("organizer") or {}, *((m.get("participants") or {}).get("attendees")
                                                                      or ())]
    invited: set[str] = set()
    for p in people:
        user = (p.get("identity") or {}).get("user") or {}
        invited.update(str(x).casefold() for x in (user.get("id"), p.get("upn")) if x)
    missing = [x for x in f.roster.members if x.key not in invited and x.upn.casefold() not in invited]
    if missing:
        return failed([msg("members_not_invited", count=len(missing), names=[x.display_name for x in missing])],
                      [msg("invite_fix")], missing=[x.upn for x in missing])
    return passed(msg("members_all_invited", count=len(f.roster.members)))


def check_lobby_scope(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    scope = (m.get("lobbyBypassSettings") or {}).get("scope")
    admitters = m.get("allowedLobbyAdmitters")
    allowed, who = rule.params["allowedScopes"], rule.params.get("allowedAdmitters")
    problems: list[Msg] = []
    if scope not in allowed:
        problems.append(msg("lobby_scope_bad", scope=scope, allowed=allowed))
    if who is not None and admitters is not None and admitters not in who:
        problems.append(msg("lobby_admitters_bad", admitters=admitters, allowed=who))
    if problems:
        return failed(problems, [msg("lobby_scope_fix", allowed=allowed)], scope=scope, admitters=admitters)
    return passed(msg("lobby_scope_ok", scope=scope, admitters=admitters or "?"), scope=scope, admitters=admitters)


def check_lobby_dial_in(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    bypass = (m.get("lobbyBypassSettings") or {}).get("isDialInBypassEnabled")
    if bypass is None:
        return unknown("source_error", [msg("option_absent", option="lobbyBypassSettings.isDialInBypassEnabled")])
    if bypass and not rule.params["bypassAllowed"]:
        return failed([msg("dial_in_bypass_on")], [msg("dial_in_bypass_fix")], isDialInBypassEnabled=bypass)
    return passed(msg("dial_in_bypass_off" if not bypass else "dial_in_bypass_allowed"), isDialInBypassEnabled=bypass)


def check_presenters(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    mode = m.get("allowedPresenters")
    org = organizer_of(m)
    attendees = (m.get("participants") or {}).get("attendees") or ()
    presenting = [a for a in attendees if a.get("role") in PRESENTING_ROLES]
    names = [org["name"] or org["upn"], *(((a.get("identity") or {}).get("user") or {}).get("displayName")
                                          or a.get("upn") or "?" for a in presenting)]
    problems: list[Msg] = []
    todo: list[Msg] = []
    if mode not in rule.params["allowedModes"]:
        problems.append(msg("presenters_mode_bad", mode=mode, allowed=rule.params["allowedModes"]))
    secretary = f.roster.resolve(f.declarations.secretary) if f.declarations.secretary and f.roster.ok else None
    allowed_members = {org["id"].casefold(), *([secretary.key] if secretary else [])}
    if f.roster.ok and mode == "roleIsPresenter":
        for a in presenting:
            user = (a.get("identity") or {}).get("user") or {}
            member = f.roster.resolve(str(user.get("id") or a.get("upn") or ""))
            if member is not None and member.key not in allowed_members:
                problems.append(msg("presenter_councillor", name=member.display_name))
    if secretary is not None and secretary.key != org["id"].casefold():
        ids = {str(((a.get("identity") or {}).get("user") or {}).get("id") or "").casefold() for a in presenting}
        if mode != "roleIsPresenter" or secretary.key not in ids:
            todo.append(msg("presenter_secretary_missing", name=secretary.display_name))
    evidence = [msg("presenters_are", mode=mode, names=names)]
    if problems:
        return failed([*problems, *evidence], [msg("presenters_fix")], allowedPresenters=mode)
    if todo:
        return to_do([*todo, *evidence], [msg("presenters_fix")], how="observed", allowedPresenters=mode)
    return passed(*evidence, allowedPresenters=mode)


def check_attendee_mic_camera(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    problems = [msg("attendee_option_bad", option=opt, value=m.get(opt), expected=rule.params[param])
                for opt, param in (("allowAttendeeToEnableMic", "microphone"),
                                   ("allowAttendeeToEnableCamera", "camera"))
                if m.get(opt) is not rule.params[param]]
    if problems:
        return failed(problems, [msg("attendee_option_fix")])
    return passed(msg("attendee_options_ok", mic=m.get("allowAttendeeToEnableMic"),
                      camera=m.get("allowAttendeeToEnableCamera")))


def check_recording(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    wanted, transcription = rule.params["recording"], rule.params.get("transcription", "any")
    allow, auto, trans = m.get("allowRecording"), m.get("recordAutomatically"), m.get("allowTranscription")
    problems: list[Msg] = []
    if wanted == "automatic" and auto is not True:
        problems.append(msg("recording_not_automatic" if allow is not False else "recording_not_allowed"))
    elif wanted == "allowed" and allow is False:
        problems.append(msg("recording_not_allowed"))
    elif wanted == "forbidden" and (allow is not False or auto is True):
        problems.append(msg("recording_not_forbidden"))
    if transcription == "allowed" and trans is False:
        problems.append(msg("transcription_not_allowed"))
    elif transcription == "forbidden" and trans is not False:
        problems.append(msg("transcription_not_forbidden"))
    evidence = msg("recording_state", allow=allow, auto=auto, transcription=trans, wanted=term(wanted),
                   wanted_transcription=term(transcription))
    if problems:
        return failed([*problems, evidence], [msg("recording_fix", wanted=term(wanted))])
    return passed(evidence)


def check_entry_exit(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    value = m.get("isEntryExitAnnounced")
    if value is not rule.params["announced"]:
        return failed([msg("entry_exit_bad", value=value)], [msg("entry_exit_fix")])
    return passed(msg("entry_exit_ok", value=value))


def check_security(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    problems = []
    passcode = (m.get("joinMeetingIdSettings") or {}).get("isPasscodeRequired")
    rename = m.get("allowParticipantsToChangeName")
    if rule.params.get("passcodeRequired") and passcode is not True:
        problems.append(msg("passcode_not_required"))
    if rule.params.get("namesLocked") and rename is not False:
        problems.append(msg("names_not_locked"))
    if problems:
        return failed(problems, [msg("security_fix")])
    return passed(msg("security_ok", passcode=passcode, rename=rename))


def check_dial_in_number(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    audio = m.get("audioConferencing") or {}
    numbers = [n for n in (audio.get("tollNumber"), *(audio.get("tollNumbers") or ()), audio.get("tollFreeNumber"),
                           *(audio.get("tollFreeNumbers") or ())) if n]
    if not numbers:
        return failed([msg("dial_in_none")], [msg("dial_in_fix")])
    return passed(msg("dial_in_number", number=numbers[0], conference=audio.get("conferenceId") or "?"))


def check_public_broadcast(rule: ItemRule, f: Facts) -> Outcome:
    lk = f.lookup
    m = lk.meeting if lk is not None and lk.ok else None
    audiences = rule.params.get("audiences", ["everyone"])
    audience = ((m or {}).get("broadcastSettings") or {}).get("allowedAudience")
    if m is not None and m.get("isBroadcast") and audience in audiences:
        return passed(msg("broadcast_meeting", audience=audience))
    url = f.declarations.broadcast_url
    if url:
        checked = f.declarations.broadcast_checked
        declared = msg("broadcast_declared", url=url, checked=checked.isoformat() if checked else None)
        if checked is None:
            return to_do([declared], [msg("broadcast_check_fix")])
        return passed(declared, how=DECLARED)
    seen = [msg("broadcast_not_on_meeting", audience=audience)] if m is not None else []
    return to_do([*seen, msg("broadcast_undeclared")], [msg("broadcast_fix")], how=COMPUTED)
