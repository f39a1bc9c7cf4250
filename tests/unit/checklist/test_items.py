"""Each checklist item decided from hand-built facts: states, severities, declarations, exit codes."""

from __future__ import annotations

from typing import Any

from m365gov.checklist.lookup import MeetingLookup, access_policy_commands
from m365gov.checklist.meeting_ref import parse_meeting_ref
from m365gov.checklist.people import Rooms
from m365gov.checklist.proxies import parse_proxies
from tests.unit.checklist.support import (
    JOIN_URL,
    MAYOR_ID,
    chamber,
    declared,
    evaluation,
    found,
    item,
    keys,
    meeting,
    regime,
    roster,
)

ALL_DECLARED = declared(
    convocation={"sentOn": "2026-11-26", "electronic": True, "statesFormat": True, "explanatoryNote": True,
                 "timestamped": True},
    secretary="elu0@ville.fr", broadcast={"url": "https://ville.fr/direct", "checkedOn": "2026-12-02"},
    items={"rehearsal": {"done": True}, "minutes": {"done": True}, "proxies": {"done": True, "note": "aucun"}},
)
EVENT = {"subject": "Conseil municipal", "location": {"displayName": "Salle du conseil"},
         "attendees": [{"type": "resource", "status": {"response": "none"},
                        "emailAddress": {"name": "Salle du conseil", "address": "salle@ville.fr"}}]}


def _states(**kw: Any) -> dict[str, str]:
    return {i.id: i.state for i in evaluation(**kw).items}


def test_a_well_prepared_session_has_nothing_blocking_or_to_do() -> None:
    ev = evaluation(declarations=ALL_DECLARED, lookup=found(event=EVENT), organizer="elu0@ville.fr")
    assert {i.id: i.state for i in ev.items if i.state != "ok"} == {}
    assert ev.exit_code == 0


def test_phone_callers_bypassing_the_lobby_is_blocking() -> None:
    lk = found(meeting(lobbyBypassSettings={"scope": "invited", "isDialInBypassEnabled": True}))
    ev = evaluation(lookup=lk)
    assert item(ev, "lobby-dial-in").state == "blocking" and ev.exit_code == 1
    assert keys(item(ev, "lobby-dial-in")) == ["dial_in_bypass_on"]


def test_a_lobby_open_to_everyone_is_blocking() -> None:
    lk = found(meeting(lobbyBypassSettings={"scope": "everyone", "isDialInBypassEnabled": False}))
    assert item(evaluation(lookup=lk), "lobby-scope").state == "blocking"


def test_recording_not_automatic_is_a_to_do_when_the_council_decided_to_record() -> None:
    assert item(evaluation(lookup=found(meeting(recordAutomatically=False))), "recording").state == "todo"
    allowed = regime(recording="allowed")
    assert item(evaluation(allowed, lookup=found(meeting(recordAutomatically=False))), "recording").state == "ok"
    forbidden = regime(recording="forbidden")
    assert item(evaluation(forbidden, lookup=found(meeting(recordAutomatically=False))), "recording").state == "todo"


def test_a_councillor_presenting_and_a_secretary_who_cannot_present_are_to_dos() -> None:
    m = meeting()
    m["participants"]["attendees"][4]["role"] = "presenter"  # Élu 5
    result = item(evaluation(lookup=found(m)), "presenters")
    assert result.state == "todo" and "presenter_councillor" in keys(result)
    secretary = item(evaluation(declarations=declared(secretary="elu9@ville.fr")), "presenters")
    assert secretary.state == "todo" and keys(secretary)[0] == "presenter_secretary_missing"
    m = meeting()
    m["participants"]["attendees"][8]["role"] = "presenter"  # Élu 9, the secretary
    with_secretary = evaluation(lookup=found(m), declarations=declared(secretary="elu9@ville.fr"))
    assert item(with_secretary, "presenters").state == "ok"


def test_everyone_may_present_is_a_to_do() -> None:
    assert item(evaluation(lookup=found(meeting(allowedPresenters="everyone"))), "presenters").state == "todo"


def test_a_chamber_device_not_ready_is_blocking_and_unread_devices_are_unknown() -> None:
    assert item(evaluation(rooms=chamber(ready=False)), "chamber-room").state == "blocking"
    unread = item(evaluation(rooms=Rooms("beta_unavailable", "withdrawn", ())), "chamber-room")
    assert (unread.state, unread.outcome.reason) == ("unknown", "source_error")
    assert item(evaluation(chamber_device=None), "chamber-room").state == "todo"


def test_the_chamber_is_booked_when_the_calendar_event_invites_it() -> None:
    assert item(evaluation(lookup=found(event=EVENT)), "chamber-booked").state == "ok"
    assert item(evaluation(lookup=found(event={**EVENT, "attendees": []})), "chamber-booked").state == "todo"
    assert item(evaluation(), "chamber-booked").state == "unknown"  # no event found


def test_quorum_in_person_counts_members_not_announced_absent() -> None:
    absent = [f"elu{i}@ville.fr" for i in range(1, 17)]  # 16 absent: 17 expected, the threshold
    thin = evaluation(declarations=declared(absent=absent))
    assert item(thin, "quorum").state == "todo" and item(thin, "quorum").outcome.facts["margin"] == 0
    short = evaluation(declarations=declared(absent=[*absent, "elu17@ville.fr"]))
    assert item(short, "quorum").state == "blocking" and item(short, "quorum").outcome.facts["margin"] == -1
    assert item(evaluation(), "quorum").outcome.facts == {"counted": 33, "threshold": 17, "margin": 16}


def test_proxies_do_not_count_in_person_and_their_givers_are_absent() -> None:
    text = "giver,holder,sessions\n" + "".join(f"elu{i}@ville.fr,elu{i + 10}@ville.fr,1\n" for i in range(1, 10))
    ev = evaluation(proxies=parse_proxies(text, file="p.csv"))
    q = ev.facts.quorum
    assert q is not None and (q.present, q.represented, q.counted) == (24, 9, 24)
    assert item(ev, "proxies").state == "ok"


def test_a_declined_invitation_is_an_announced_absence() -> None:
    event = {**EVENT, "attendees": [*EVENT["attendees"], {  # type: ignore[list-item]
        "type": "required", "status": {"response": "declined"},
        "emailAddress": {"name": "Élu 3", "address": "ELU3@ville.fr"}}]}
    ev = evaluation(lookup=found(event=event))
    assert ev.facts.attendance.absent == {"00000000-0000-4000-8000-000000000003": ("declined",)}
    assert ev.facts.quorum is not None and ev.facts.quorum.present == 32


def test_quorum_remote_counts_members_ready_to_connect() -> None:
    # 22 without a working microphone: 11 ready, exactly one third of 33
    broken: dict[int, dict[str, Any]] = {i: {"microphone": "unknown"} for i in range(1, 23)}
    ev = evaluation(regime("emergency-remote"), people=roster(changes=broken))
    q = ev.facts.quorum
    assert q is not None and (q.threshold, q.present, q.margin) == (11, 11, 0)
    assert item(ev, "member-readiness").state == "todo"
    worse = evaluation(regime("emergency-remote"), people=roster(changes={**broken, 23: {"teams_licensed": False}}))
    assert item(worse, "quorum").state == "blocking"


def test_quorum_uses_the_group_size_when_members_in_office_are_not_configured() -> None:
    ev = evaluation(in_office=None, people=roster(35))
    assert ev.facts.quorum is not None and ev.facts.quorum.threshold == 18
    assert item(ev, "council-group").state == "todo"
    assert item(evaluation(in_office=35, people=roster(33)), "council-group").state == "todo"


def test_the_expired_emergency_regime_is_blocking_without_a_declared_emergency_text() -> None:
    emergency = regime("emergency-remote")
    result = item(evaluation(emergency), "regime-in-force")
    assert result.state == "blocking" and keys(result) == ["regime_not_in_force", "regime_needs_text"]
    covered = declared(legalBasis={"text": "Loi n° 2026-xxx", "from": "2026-11-01", "until": "2027-01-31"})
    assert item(evaluation(emergency, declarations=covered), "regime-in-force").state == "ok"
    lapsed = declared(legalBasis={"text": "Loi n° 2026-xxx", "until": "2026-11-30"})
    assert item(evaluation(emergency, declarations=lapsed), "regime-in-force").state == "blocking"


def test_the_convocation_needs_five_clear_days() -> None:
    def state(sent: str, **extra: Any) -> str:
        return item(evaluation(declarations=declared(convocation={"sentOn": sent, "statesFormat": True, **extra})),
                    "convocation").state

    assert state("2026-11-27") == "ok"  # 28, 29, 30 Nov, 1 and 2 Dec: five clear days before 3 Dec
    assert state("2026-11-28") == "blocking"
    assert state("2026-12-01", emergency=True) == "ok"  # one clear day in an emergency
    assert state("2026-12-02", emergency=True) == "blocking"
    assert state("2026-11-20", electronic=False) == "blocking"
    assert item(evaluation(), "convocation").state == "todo"
    assert item(evaluation(declarations=declared(convocation={"sentOn": "2026-11-20"})), "convocation").state == "todo"


def test_the_notice_period_is_a_regime_parameter() -> None:
    three = regime(noticeClearDays=3)
    ev = evaluation(three, declarations=declared(convocation={"sentOn": "2026-11-29", "statesFormat": True}))
    assert item(ev, "convocation").state == "ok"


def test_declared_items_are_to_do_until_declared_and_fail_when_declared_not_done() -> None:
    emergency = regime("emergency-remote")
    assert item(evaluation(emergency), "founding-deliberation").state == "todo"
    done = declared(items={"founding-deliberation": {"done": True, "on": "2020-05-04", "by": "Conseil"}})
    result = item(evaluation(emergency, declarations=done), "founding-deliberation")
    assert (result.state, result.outcome.how) == ("ok", "declared")
    not_done = declared(items={"founding-deliberation": {"done": False}})
    assert item(evaluation(emergency, declarations=not_done), "founding-deliberation").state == "blocking"


def test_a_declaration_ticks_a_to_do_but_never_an_observed_failure() -> None:
    no_phones = roster(changes={i: {"mobile_phone": None} for i in range(33)})
    assert item(evaluation(people=no_phones), "member-contacts").state == "todo"
    ticked = declared(items={"member-contacts": {"done": True, "note": "liste du secrétariat"}})
    assert item(evaluation(people=no_phones, declarations=ticked), "member-contacts").state == "ok"
    bad = "giver,holder,sessions\nelu1@ville.fr,voisin@ville.fr,1\n"
    proxies = item(evaluation(proxies=parse_proxies(bad), declarations=declared(items={"proxies": {"done": True}})),
                   "proxies")
    assert proxies.state == "blocking"


def test_a_member_not_invited_is_blocking_for_a_remote_session() -> None:
    m = meeting()
    del m["participants"]["attendees"][2]
    result = item(evaluation(regime("emergency-remote"), lookup=found(m)), "invitations")
    assert result.state == "blocking" and result.outcome.facts["missing"] == ["elu3@ville.fr"]


def test_the_broadcast_is_a_to_do_until_declared_and_checked() -> None:
    assert item(evaluation(), "public-broadcast").state == "todo"
    unchecked = declared(broadcast={"url": "https://ville.fr/direct"})
    assert item(evaluation(declarations=unchecked), "public-broadcast").state == "todo"
    assert item(evaluation(declarations=ALL_DECLARED), "public-broadcast").state == "ok"
    public = found(meeting(isBroadcast=True, broadcastSettings={"allowedAudience": "everyone"}))
    assert item(evaluation(lookup=public), "public-broadcast").outcome.how == "observed"


def test_a_missing_access_policy_is_not_configured_with_the_commands_never_not_found() -> None:
    ref = parse_meeting_ref(JOIN_URL)
    lk = MeetingLookup("not_configured", ref, MAYOR_ID, detail="403", commands=access_policy_commands("app", MAYOR_ID))
    ev = evaluation(lookup=lk)
    result = item(ev, "meeting")
    assert (result.state, result.outcome.reason) == ("unknown", "not_configured")
    commands = [m.args["text"] for m in result.outcome.remediation if m.key == "command"]
    assert commands[0].startswith("New-CsApplicationAccessPolicy") and MAYOR_ID in commands[1]
    assert all(i.state == "unknown" for i in ev.items if i.check in ("lobbyScope", "lobbyDialIn", "recording"))
    assert ev.exit_code == 3  # nothing blocking observed, but blocking items could not be checked


def test_a_meeting_that_does_not_exist_is_blocking() -> None:
    lk = MeetingLookup("not_found", parse_meeting_ref(JOIN_URL), MAYOR_ID, detail="no such meeting")
    assert item(evaluation(lookup=lk), "meeting").state == "blocking"


def test_a_meeting_in_the_past_is_a_to_do() -> None:
    result = item(evaluation(lookup=found(meeting(startDateTime="2026-11-01T17:30:00Z"))), "meeting")
    assert result.state == "todo" and "meeting_in_past" in keys(result)


def test_the_organizer_is_checked_against_the_configured_one() -> None:
    assert item(evaluation(organizer="elu0@ville.fr"), "organizer").state == "ok"
    assert item(evaluation(organizer="dgs@ville.fr"), "organizer").state == "todo"
