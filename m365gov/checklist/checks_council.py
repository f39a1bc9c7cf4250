"""Checks on the council itself: the regime in force, rooms, members, quorum, proxies, declarations.

Values come from the regime (quorum rule, proxy limits, notice days in ``rule.params``); the checks
only compare. Items the DSI ticks (``declared``) are never guessed: without a declaration they are
"to do", with ``"done": false`` they fail with their severity.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from m365gov.checklist.checks_meeting import meeting_or_unknown
from m365gov.checklist.facts import Facts
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
from m365gov.checklist.people import audio_only
from m365gov.checklist.quorum import REMOTE_READY
from m365gov.checklist.regime import ItemRule
from m365gov.statuses import SRC_MISSING_PERMISSION, SRC_NOT_CONFIGURED, SRC_OK
from m365gov.timeutil import PARIS

_REASON = {SRC_NOT_CONFIGURED: "not_configured", SRC_MISSING_PERMISSION: "missing_permission"}


def _source_unknown(status: str, detail: str | None, key: str) -> Outcome:
    return unknown(_REASON.get(status, "source_error"), [msg(key, status=term(status), detail=detail or "")])


def check_regime_in_force(rule: ItemRule, f: Facts) -> Outcome:
    r = f.regime
    day = f.session_day or f.now.astimezone(PARIS).date()
    covered = r.in_force and (r.valid_from is None or day >= r.valid_from) and (r.valid_until is None
                                                                               or day <= r.valid_until)
    if covered:
        return passed(msg("regime_in_force", regime=r.id, day=day.isoformat()))
    basis = f.declarations.legal_basis
    if basis is not None:
        start, end = basis.get("from"), basis.get("until")
        if (start is None or day >= start) and (end is None or day <= end):
            return passed(msg("regime_declared_basis", text=basis["text"], start=_iso(start), end=_iso(end)),
                          how=DECLARED)
        return failed([msg("regime_declared_basis_outside", text=basis["text"], start=_iso(start), end=_iso(end),
                           day=day.isoformat())], [msg("regime_fix")], how=DECLARED)
    evidence = [msg("regime_not_in_force", regime=r.id, until=_iso(r.valid_until), day=day.isoformat())
                if f.session_day is not None else msg("regime_not_in_force_undated", regime=r.id,
                                                      until=_iso(r.valid_until))]
    if r.requires_emergency_text:
        evidence.append(msg("regime_needs_text"))
    return failed(evidence, [msg("regime_fix")], how=COMPUTED)


def check_chamber(rule: ItemRule, f: Facts) -> Outcome:
    if f.chamber_device is None:
        return to_do([msg("chamber_not_configured")], [msg("chamber_configure")], how=COMPUTED)
    if f.rooms.status != SRC_OK:
        return _source_unknown(f.rooms.status, f.rooms.detail, "rooms_unavailable")
    room = f.rooms.chamber
    return _room_outcome([("chamber", f.chamber_device, room)])


def check_meeting_rooms(rule: ItemRule, f: Facts) -> Outcome:
    if f.rooms.status != SRC_OK:
        return _source_unknown(f.rooms.status, f.rooms.detail, "rooms_unavailable")
    wanted: list[tuple[str, str, Mapping[str, Any] | None]] = []
    if f.chamber_device is not None:
        wanted.append(("chamber", f.chamber_device, f.rooms.chamber))
    wanted.extend(("room", name, f.rooms.find(name)) for name in rule.params.get("rooms", []))
    if not wanted:
        return to_do([msg("rooms_none_named")], [msg("chamber_configure")], how=COMPUTED)
    return _room_outcome(wanted)


def _room_outcome(wanted: list[tuple[str, str, Mapping[str, Any] | None]]) -> Outcome:
    evidence: list[Msg] = []
    bad = undecided = False
    for _, name, room in wanted:
        if room is None:
            evidence.append(msg("room_not_found", name=name))
            bad = True
            continue
        state = room.get("ready")
        evidence.append(msg("room_state", name=room.get("displayName") or name, ready=state,
                            detail=[str(e) for e in room.get("evidence") or ()]))
        bad = bad or state is False
        undecided = undecided or state is None
    if bad:
        return failed(evidence, [msg("room_fix")])
    if undecided:
        return unknown("source_error", evidence)
    return passed(*evidence)


def check_chamber_booked(rule: ItemRule, f: Facts) -> Outcome:
    m, why = meeting_or_unknown(f)
    if m is None:
        return why  # type: ignore[return-value]
    lk = f.lookup
    assert lk is not None
    if lk.calendar_status != SRC_OK or lk.event is None:
        reason = _REASON.get(lk.calendar_status, "not_found" if lk.calendar_status == "not_found" else "source_error")
        return unknown(reason, [msg("calendar_unavailable", detail=lk.calendar_detail or lk.calendar_status)])
    names = {n.casefold() for n in (f.chamber_device, (f.rooms.chamber or {}).get("displayName")) if n}
    if not names:
        return to_do([msg("chamber_not_configured")], [msg("chamber_configure")], how=COMPUTED)
    for a in lk.event.get("attendees") or ():
        address = a.get("emailAddress") or {}
        if a.get("type") == "resource" and names & {str(address.get("name") or "").casefold(),
                                                    str(address.get("address") or "").casefold()}:
            return passed(msg("chamber_invited", name=address.get("name") or address.get("address")))
    location = str((lk.event.get("location") or {}).get("displayName") or "")
    return failed([msg("chamber_not_invited", location=location)], [msg("chamber_invite_fix")])


def check_council_group(rule: ItemRule, f: Facts) -> Outcome:
    if not f.roster.ok:
        return _source_unknown(f.roster.status, f.roster.detail, "members_unavailable")
    count = len(f.roster.members)
    problems: list[Msg] = []
    if f.non_user_members:
        problems.append(msg("group_non_users", names=list(f.non_user_members)))
    if f.members_in_office is None:
        return to_do([msg("group_count", count=count), *problems, msg("in_office_not_configured")],
                     [msg("in_office_fix")], how=COMPUTED)
    if count != f.members_in_office:
        problems.append(msg("group_count_mismatch", count=count, in_office=f.members_in_office))
    if problems:
        return failed(problems, [msg("group_fix")])
    return passed(msg("group_count_ok", count=count, in_office=f.members_in_office))


def check_member_readiness(rule: ItemRule, f: Facts) -> Outcome:
    if not f.roster.ok:
        return _source_unknown(f.roster.status, f.roster.detail, "members_unavailable")
    if f.roster.readiness_status != SRC_OK:
        return _source_unknown(f.roster.readiness_status, f.roster.readiness_detail, "readiness_unavailable")
    not_ready, undecided, audio = [], [], []
    for m in f.roster.members:
        if m.key in f.attendance.absent:
            continue
        ready, reasons = f.readiness.get(m.key, (None, []))
        if ready is False:
            not_ready.append(msg("member_not_ready", name=m.display_name, reasons=reasons))
        elif ready is None:
            undecided.append(m.display_name)
        elif audio_only(m, f.regime.ready):
            audio.append(m.display_name)
    evidence = list(not_ready)
    if undecided:
        evidence.append(msg("members_undecided", names=undecided))
    if audio:
        evidence.append(msg("members_audio_only", names=audio))
    if not_ready:
        return failed(evidence, [msg("readiness_fix")], notReady=len(not_ready), undecided=len(undecided))
    if undecided:
        return unknown("source_error", evidence)
    expected = sum(1 for m in f.roster.members if m.key not in f.attendance.absent)
    return passed(msg("members_all_ready", count=expected), *evidence)


def check_member_contacts(rule: ItemRule, f: Facts) -> Outcome:
    if not f.roster.ok:
        return _source_unknown(f.roster.status, f.roster.detail, "members_unavailable")
    if f.roster.readiness_status != SRC_OK:
        return _source_unknown(f.roster.readiness_status, f.roster.readiness_detail, "readiness_unavailable")
    missing = [m.display_name for m in f.roster.members if not m.phone]
    if missing and len(missing) == len(f.roster.members):
        return to_do([msg("contacts_none", total=len(missing))], [msg("contacts_fix")], how="observed")
    if missing:
        return to_do([msg("contacts_missing", count=len(missing), total=len(f.roster.members), names=missing)],
                     [msg("contacts_fix")], how="observed")
    return passed(msg("contacts_ok", count=len(f.roster.members)))


def check_quorum(rule: ItemRule, f: Facts) -> Outcome:
    q = f.quorum
    if q is None:
        if not f.roster.ok:
            return _source_unknown(f.roster.status, f.roster.detail, "members_unavailable")
        return unknown("not_configured", [msg("in_office_not_configured")], [msg("in_office_fix")])
    reasons: dict[str, int] = {}
    for why in f.attendance.absent.values():
        for w in why:
            reasons[w] = reasons.get(w, 0) + 1
    evidence = [msg("quorum_threshold", formula=q.formula, in_office=q.in_office, source=q.in_office_source,
                    rule=f.regime.quorum.comparison),
                msg("quorum_present_remote" if f.regime.quorum.present == REMOTE_READY else "quorum_present_in_person",
                    present=q.present, absent=len(f.attendance.absent), reasons=reasons)]
    if f.regime.quorum.count_represented:
        evidence.append(msg("quorum_represented", represented=q.represented))
    elif q.represented:
        evidence.append(msg("quorum_represented_not_counted", represented=q.represented))
    evidence.append(msg("quorum_margin", counted=q.counted, threshold=q.threshold, margin=q.margin))
    facts = {"counted": q.counted, "threshold": q.threshold, "margin": q.margin}
    if q.margin < 0:
        if q.undecided and q.margin + q.undecided >= 0:
            return unknown("source_error", [*evidence, msg("quorum_undecided", undecided=q.undecided)])
        return failed(evidence, [msg("quorum_fix")], how=COMPUTED, **facts)
    if q.margin < f.regime.quorum.warn_margin:
        return to_do([*evidence, msg("quorum_thin", margin=q.margin)], [msg("quorum_fix")], how=COMPUTED, **facts)
    return passed(*evidence, how=COMPUTED, **facts)


def check_proxies(rule: ItemRule, f: Facts) -> Outcome:
    pc = f.proxies
    limits = msg("proxies_limits", per_holder=f.regime.proxies.max_per_holder,
                 sessions=f.regime.proxies.max_consecutive_sessions)
    if pc is None:
        return to_do([msg("proxies_no_file"), limits], [msg("proxies_fix_file")])
    issues = [i.message for i in pc.issues]
    count = msg("proxies_count", total=len(pc.proxies), valid=len(pc.valid), file=pc.file or "")
    if pc.errors:
        return failed([*issues, count, limits], [msg("proxies_fix")], errors=len(pc.errors))
    if issues:
        return to_do([*issues, count, limits], [msg("proxies_fix")], how="observed")
    return passed(count, limits, how=DECLARED)


def check_convocation(rule: ItemRule, f: Facts) -> Outcome:
    conv = f.declarations.convocation
    need = rule.params["noticeClearDays"]
    if conv is None:
        return to_do([msg("convocation_undeclared", days=need)], [msg("convocation_declare")])
    day = f.session_day
    sent: date = conv["sentOn"]
    if day is None:
        return unknown("not_found", [msg("convocation_no_session_day", sent=sent.isoformat())])
    emergency = bool(conv.get("emergency"))
    required = rule.params.get("emergencyNoticeClearDays", need) if emergency else need
    clear = (day - sent).days - 1
    evidence = [msg("convocation_sent", sent=sent.isoformat(), day=day.isoformat(), clear=max(clear, 0),
                    required=required)]
    if emergency:
        evidence.append(msg("convocation_emergency"))
    if clear < required:
        return failed(evidence, [msg("convocation_late_fix")], how=DECLARED, clearDays=clear)
    if conv.get("electronic") is False:
        return failed([*evidence, msg("convocation_not_electronic")], [msg("convocation_fix")], how=DECLARED)
    flags = [(key, conv.get(key)) for key in ("statesFormat", "explanatoryNote")]
    if any(v is False for _, v in flags):
        return failed([*evidence, *(msg("convocation_flag_false", flag=k) for k, v in flags if v is False)],
                      [msg("convocation_fix")], how=DECLARED)
    if conv.get("statesFormat") is not True:
        return to_do([*evidence, msg("convocation_confirm_format")], [msg("convocation_declare")])
    if conv.get("timestamped") is not True:
        evidence.append(msg("convocation_no_timestamp"))
    return passed(*evidence, how=DECLARED, clearDays=clear)


def check_secretary(rule: ItemRule, f: Facts) -> Outcome:
    name = f.declarations.secretary
    if not name:
        return to_do([msg("secretary_undeclared")], [msg("secretary_declare")])
    if not f.roster.ok:
        return passed(msg("secretary_named", name=name), how=DECLARED)
    member = f.roster.resolve(name)
    if member is None:
        return failed([msg("secretary_not_member", name=name)], [msg("secretary_declare")], how=DECLARED)
    return passed(msg("secretary_named", name=member.display_name), how=DECLARED)


def check_declared(rule: ItemRule, f: Facts) -> Outcome:
    d = f.declarations.item(rule.id)
    if d is None:
        return to_do([msg("not_declared", item=rule.id)], [msg("declare_fix", item=rule.id)])
    evidence = msg("declared_by", done=d.done, on=_iso(d.on), by=d.by or "", note=d.note or "")
    if not d.done:
        return failed([evidence], [msg("declare_fix", item=rule.id)], how=DECLARED)
    return passed(evidence, how=DECLARED)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
