"""The checklist's sentences in English: one entry a message key (see :mod:`m365gov.checklist.messages`).

An entry is a ``str.format`` template over the shown arguments, or a function ``(shown, raw)`` for a
sentence whose parts depend on which arguments are set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

Entry = str | Callable[[Mapping[str, str], Mapping[str, Any]], str]

TERMS_EN: Final[dict[str, str]] = {
    "observed": "observed", "declared": "declared", "faulty": "faulty", "unknown": "unknown",
    "not_configured": "not configured", "missing_permission": "missing permission", "not_found": "not found",
    "error": "error", "throttled": "throttled (429)", "joinUrl": "join URL", "shortLink": "short link",
    "meetingId": "Graph id", "joinMeetingId": "meeting id", "automatic": "automatic", "allowed": "allowed",
    "forbidden": "forbidden", "any": "no decision",
}
"""Closed vocabularies (verdicts, statuses, reference kinds, decisions), shown through the ``term`` entry."""

EN: Final[dict[str, Entry]] = {
    "term": lambda a, r: TERMS_EN.get(str(r.get("w")), str(r.get("w"))),
    "raw": "{text}",
    "command": "{text}",
    "meeting_not_looked_up": "the meeting was not looked up",
    "meeting_unreadable": "the meeting could not be read ({status}): see the meeting item",
    "access_policy_missing": "no application access policy lets m365gov read the online meetings of the organizer "
    "{organizer}: Microsoft answers 403 'App … is not authorized', which is neither a missing meeting nor a missing "
    "Graph permission",
    "access_policy_delay": "the policy takes up to 30 minutes to apply; run the checklist again then",
    "grant_permission": "grant the application permission {permission} to the m365gov app and give admin consent",
    "meeting_not_found": "meeting not found: {detail}",
    "meeting_not_found_fix": "check the link or id, and the organizer (--organizer or [council] organizer)",
    "meeting_found": "'{subject}', on {start} (Paris time), organised by {organizer} (found by {found_by})",
    "meeting_in_past": "the meeting starts before this checklist ({now}): it is past or under way",
    "meeting_in_past_fix": "check that the link is the next session's",
    "organizer_is": "organised by {name}, the configured organizer ({wanted})",
    "organizer_other": "organised by {name}, not by the configured organizer {wanted}",
    "organizer_fix": "have {wanted} create the meeting, or correct [council] organizer",
    "organizer_member": "organised by {name}, a council member",
    "organizer_not_configured": "no organizer configured ([council] organizer or --organizer)",
    "organizer_unconfirmed": "organised by {name}, who is not in the council group",
    "members_unknown": "council members unknown: {detail}",
    "members_not_invited": "{count} member(s) not invited to the meeting: {names}",
    "invite_fix": "add the missing members to the meeting's attendees (they would otherwise wait in the lobby)",
    "members_all_invited": "all {count} members of the council group are invited",
    "lobby_scope_bad": "who bypasses the lobby: {scope} (expected: {allowed})",
    "lobby_admitters_bad": "who admits from the lobby: {admitters} (expected: {allowed})",
    "lobby_scope_fix": "Meeting options → 'Who can bypass the lobby': {allowed}",
    "lobby_scope_ok": "who bypasses the lobby: {scope}; who admits: {admitters}",
    "option_absent": "Graph does not give the option {option}",
    "dial_in_bypass_on": "phone callers bypass the lobby (lobbyBypassSettings.isDialInBypassEnabled = yes)",
    "dial_in_bypass_fix": "Meeting options → turn off 'People dialing in can bypass the lobby' (or the Teams policy "
    "AllowPSTNUsersToBypassLobby)",
    "dial_in_bypass_off": "phone callers wait in the lobby",
    "dial_in_bypass_allowed": "phone callers bypass the lobby (allowed by this regime)",
    "presenters_mode_bad": "who can present: {mode} (expected: {allowed})",
    "presenter_councillor": "{name}, a councillor, has the presenter role",
    "presenter_secretary_missing": "the session secretary {name} is not a presenter",
    "presenters_are": "presenters ({mode}): {names}",
    "presenters_fix": "Meeting options → 'Who can present': specific people; presenters: the mayor, the session "
    "secretary and the staff sharing documents",
    "attendee_option_bad": "{option} = {value} (expected: {expected})",
    "attendee_option_fix": "Meeting options → allow microphone and camera for attendees",
    "attendee_options_ok": "attendees can turn on their microphone ({mic}) and camera ({camera})",
    "recording_not_automatic": "recording does not start automatically: someone must start it by hand",
    "recording_not_allowed": "recording is not allowed on this meeting",
    "recording_not_forbidden": "recording is possible although the council ruled it out",
    "transcription_not_allowed": "transcription is not allowed",
    "transcription_not_forbidden": "transcription is possible although the council ruled it out",
    "recording_state": "recording allowed: {allow}, automatic: {auto}, transcription: {transcription} (the council's "
    "decision: recording {wanted}, transcription {wanted_transcription})",
    "recording_fix": "Meeting options → 'Record automatically' as the council decided ({wanted})",
    "entry_exit_bad": "arrivals and departures announced: {value}",
    "entry_exit_fix": "Meeting options → turn on 'Announce when callers join or leave'",
    "entry_exit_ok": "arrivals and departures announced: {value}",
    "passcode_not_required": "no passcode is required to join by meeting id",
    "names_not_locked": "participants can change their display name",
    "security_fix": "require the passcode; prevent name changes (meeting options or policy)",
    "security_ok": "passcode required: {passcode}; name changes allowed: {rename}",
    "dial_in_none": "no audio-conferencing number on the meeting",
    "dial_in_fix": "give the organizer an audio-conferencing licence and send the invitation again",
    "dial_in_number": "fallback number {number}, conference {conference}",
    "broadcast_meeting": "the meeting is broadcast (audience: {audience})",
    "broadcast_declared": lambda a, r: f"broadcast declared: {a['url']}"
    + (f", checked on {a['checked']}" if r.get("checked") else ", not checked yet"),
    "broadcast_not_on_meeting": "the meeting is not a public broadcast (broadcastSettings.allowedAudience: {audience})",
    "broadcast_undeclared": "the broadcast's address is not declared",
    "broadcast_check_fix": "check the stream before the opening, then declare when (broadcast.checkedOn)",
    "broadcast_fix": "declare the public address (website, YouTube, town hall) and when the stream was checked "
    "(broadcast.url, broadcast.checkedOn)",
    "rooms_unavailable": "Teams Rooms devices could not be read ({status}): {detail}",
    "members_unavailable": "council members could not be read ({status}): {detail}",
    "readiness_unavailable": "the directory could not be read ({status}): {detail}",
    "regime_in_force": "regime {regime} in force on {day}",
    "regime_declared_basis": lambda a, r: f"emergency text declared: {a['text']}"
    + (f", from {a['start']}" if r.get("start") else "") + (f" to {a['end']}" if r.get("end") else ""),
    "regime_declared_basis_outside": "the declared text ({text}, {start} to {end}) does not cover {day}",
    "regime_fix": "choose the applicable regime ([council] regime, --regime) or declare the emergency text in force "
    "(legalBasis in the declarations file)",
    "regime_not_in_force": "regime {regime} is no longer in force (ended {until}); session on {day}",
    "regime_not_in_force_undated": "regime {regime} is no longer in force (ended {until}); the session's date is "
    "unknown",
    "regime_needs_text": "a remote municipal council session needs an emergency text in force",
    "chamber_not_configured": "no council chamber configured ([council] chamber_device)",
    "chamber_configure": "set [council] chamber_device (id, room account name or asset tag)",
    "rooms_none_named": "no room named",
    "room_not_found": "no Teams Rooms device matches {name}",
    "room_state": lambda a, r: f"{a['name']}: " + ("ready" if r.get("ready") is True else "not ready"
                                                  if r.get("ready") is False else "state unknown")
    + (f" ({a['detail']})" if r.get("detail") else ""),
    "room_fix": "reconnect or replace the peripheral, then check the device in the Teams admin centre",
    "calendar_unavailable": "calendar event unavailable: {detail}",
    "chamber_invited": "the room {name} is invited",
    "chamber_not_invited": "the council chamber is not invited as a resource (location given: '{location}')",
    "chamber_invite_fix": "add the council chamber's room account to the meeting's attendees",
    "group_non_users": "the group has members that are not people: {names}",
    "group_count": "the council group has {count} members",
    "in_office_not_configured": "members in office not configured ([council] members_in_office): quorum uses the "
    "group's size",
    "in_office_fix": "set [council] members_in_office from the latest minutes ('conseillers en exercice')",
    "group_count_mismatch": "the group has {count} members for {in_office} councillors in office",
    "group_fix": "update the council group (or [council] members_in_office after a resignation)",
    "group_count_ok": "{count} members in the group, {in_office} councillors in office",
    "member_no_account": "account disabled or not in the directory",
    "member_no_licence": "no Teams licence",
    "member_microphone": "microphone {verdict}",
    "member_camera": "camera {verdict}",
    "member_undecided": "equipment not judged (call records unavailable)",
    "member_not_ready": "{name}: {reasons}",
    "members_undecided": "equipment not judged for: {names}",
    "members_audio_only": "audio only (camera not observed): {names}",
    "readiness_fix": "have these members test camera and microphone (rehearsal), or equip them and update the "
    "inventory",
    "members_all_ready": "all {count} expected members are ready",
    "contacts_missing": "{count} of {total} member(s) without a phone number in the directory: {names}",
    "contacts_none": "none of the {total} members has a phone number in the directory (mobilePhone, businessPhones)",
    "contacts_fix": "add the mobile number in the directory, or declare the list the secretariat keeps "
    "(items.member-contacts)",
    "contacts_ok": "all {count} members have a phone number",
    "quorum_threshold": lambda a, r: f"threshold: {a['formula']} of {a['in_office']} members in office "
    + ("(configuration)" if r.get("source") == "config" else "(the group's size)")
    + (" — at least the threshold" if r.get("rule") == "atLeast" else " — more than half"),
    "quorum_present_remote": "ready to connect: {present} ({absent} announced absence(s): {reasons})",
    "quorum_present_in_person": "expected in the session: {present} ({absent} announced absence(s): {reasons})",
    "quorum_represented": "represented by a valid proxy, counted: {represented}",
    "quorum_represented_not_counted": "represented by a valid proxy, not counted towards quorum: {represented}",
    "quorum_margin": "counted {counted} for a threshold of {threshold}: margin {margin}",
    "quorum_undecided": "{undecided} member(s) whose equipment was not judged could make the difference",
    "quorum_fix": "chase the absent members, collect attendance; without quorum, a new convocation at least three days "
    "later",
    "quorum_thin": "thin margin ({margin}): one departure may lose quorum",
    "proxies_limits": "the regime's limits: {per_holder} proxy(ies) per holder, at most {sessions} consecutive "
    "sessions",
    "proxies_no_file": "no proxies file given",
    "proxies_fix_file": "give the proxies received (--proxies, [council] proxies), or declare that none was received "
    "(items.proxies)",
    "proxies_count": "{total} proxy(ies) in {file}, {valid} valid",
    "proxies_fix": "correct the proxies file with the secretariat; an irregular proxy is not counted",
    "proxy_members_unknown": "council members unknown: membership of givers and holders not checked",
    "proxy_giver_not_member": "line {line}: the giver {name} is not a council member",
    "proxy_holder_not_member": "line {line}: the holder {name} is not a council member",
    "proxy_same_person": "line {line}: {name} gives a proxy to themselves",
    "proxy_too_many_sessions": "line {line}: {name}'s proxy covers {sessions} consecutive sessions, at most {limit} "
    "unless illness is duly certified",
    "proxy_giver_present": "line {line}: the giver {name} is declared present",
    "proxy_holder_absent": "line {line}: the holder {name} is announced absent",
    "proxy_holder_not_ready": "line {line}: the holder {name} is not ready to connect",
    "proxy_duplicate_giver": "line {line}: {name} gives a second proxy (lines {lines})",
    "proxy_too_many_for_holder": "line {line}: {name} holds {count} proxies (lines {lines}), at most {limit}",
    "proxy_giver_also_holder": "line {line}: the holder {name} gave a proxy themselves (line {other})",
    "convocation_undeclared": "when the convocation was sent is not declared ({days} clear days required)",
    "convocation_declare": "declare the sending (convocation.sentOn, statesFormat, electronic) in the declarations "
    "file",
    "convocation_no_session_day": "sent on {sent}; the session's date is unknown",
    "convocation_sent": "sent on {sent} for the session of {day}: {clear} clear day(s), {required} required",
    "convocation_emergency": "notice shortened for an emergency: to be explained at the opening",
    "convocation_late_fix": "postpone the session or, in an emergency, shorten the notice (one clear day at least) and "
    "explain it at the opening",
    "convocation_not_electronic": "the convocation was not sent electronically",
    "convocation_fix": "complete the convocation and send it again",
    "convocation_flag_false": "declared missing from the convocation: {flag}",
    "convocation_confirm_format": "confirm that the convocation states what the regime requires (statesFormat)",
    "convocation_no_timestamp": "sent without a certified timestamp (recommended)",
    "secretary_undeclared": "session secretary not declared",
    "secretary_declare": "declare the session secretary (secretary) and make them a presenter of the meeting",
    "secretary_named": "session secretary: {name}",
    "secretary_not_member": "the declared secretary {name} is not a council member",
    "not_declared": "not declared",
    "declare_fix": "declare the item '{item}' (items.{item}) in the declarations file once done",
    "declared_by": lambda a, r: ("declared done" if r.get("done") else "declared NOT done")
    + (f" on {a['on']}" if r.get("on") else "") + (f" by {a['by']}" if r.get("by") else "")
    + (f" — {a['note']}" if r.get("note") else ""),
}
