"""Everything the checks read, gathered once: the regime, the meeting, the people, the declarations.

Building the facts is where the pieces meet (who is announced absent, which proxies are valid, the
projected quorum); each check then only compares facts with its regime values. Pure: "now" is the
snapshot's as-of time, never the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from m365gov.checklist.declarations import Declarations
from m365gov.checklist.lookup import MeetingLookup
from m365gov.checklist.people import Member, Rooms, Roster, readiness
from m365gov.checklist.proxies import ProxiesFile, ProxyCheck, check_proxies
from m365gov.checklist.quorum import REMOTE_READY, QuorumProjection, project
from m365gov.checklist.regime import Regime
from m365gov.timeutil import PARIS, parse_datetime

DECLARED_ABSENT = "declared"
DECLINED = "declined"
PROXY = "proxy"


@dataclass(frozen=True)
class Attendance:
    """Who is expected, as far as anyone knows before the session.

    Attributes:
        absent: member key → why (``declared``, ``declined`` the invitation, gave a ``proxy``).
        present: member keys confirmed present (declarations).
        responses: member key → their answer to the calendar invitation (``accepted``, ``none``…).
        unknown_names: names in the declarations that are not council members.
    """

    absent: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    present: frozenset[str] = frozenset()
    responses: Mapping[str, str] = field(default_factory=dict)
    unknown_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    """The inputs of every check.

    Attributes:
        regime: the compiled regime.
        now: the snapshot's as-of time (its collection time, or the demo town's "now"); never the clock.
        session_day: the session's date in Europe/Paris (the meeting's start, else the declarations').
        lookup: the meeting lookup (``None`` when it was not attempted).
        roster / rooms: the council's members and the Teams Rooms devices.
        declarations: what the DSI declared.
        proxies: the proxies file checked against the regime (``None`` without a file).
        attendance: who is announced absent or present.
        quorum: the projection (``None`` when the members in office are unknown).
        readiness: member key → (ready, reasons) under the regime's participation rule.
        members_in_office: ``[council] members_in_office`` (``None`` when not configured).
        organizer: the configured organizer (``--organizer`` or ``[council] organizer``).
        chamber_device: ``[council] chamber_device``.
        non_user_members: names of group members that are not users.
    """

    regime: Regime
    now: datetime
    session_day: date | None
    lookup: MeetingLookup | None
    roster: Roster
    rooms: Rooms
    declarations: Declarations
    proxies: ProxyCheck | None
    attendance: Attendance
    quorum: QuorumProjection | None
    readiness: Mapping[str, tuple[bool | None, list[Any]]]
    members_in_office: int | None
    organizer: str | None
    chamber_device: str | None
    non_user_members: tuple[str, ...] = ()

    def member(self, key: str) -> Member | None:
        return next((m for m in self.roster.members if m.key == key), None)


def session_day(lookup: MeetingLookup | None, declarations: Declarations) -> date | None:
    """The session's date in Europe/Paris: from the meeting, else from the declarations file."""
    start = parse_datetime((lookup.meeting or {}).get("startDateTime")) if lookup is not None and lookup.ok else None
    if start is not None:
        return start.astimezone(PARIS).date()
    return declarations.session


def build_facts(regime: Regime, now: datetime, lookup: MeetingLookup | None, roster: Roster, rooms: Rooms,
                declarations: Declarations, proxies_file: ProxiesFile | None, *, members_in_office: int | None,
                organizer: str | None, chamber_device: str | None, non_user_members: tuple[str, ...] = ()) -> Facts:
    """Join the inputs: attendance, proxies against the regime, readiness, quorum projection."""
    ready = {m.key: readiness(m, regime.ready) for m in roster.members} if roster.ok else {}
    attendance = _attendance(roster, declarations, lookup, proxies_file)
    proxies = None
    if proxies_file is not None:
        resolve = (lambda name: (found.key if (found := roster.resolve(name)) else None)) if roster.ok else None
        not_ready = {k for k, (r, _) in ready.items() if r is False} if regime.mode == "remote" else set()
        proxies = check_proxies(proxies_file, regime.proxies, resolve,
                                absent={k for k, why in attendance.absent.items() if PROXY not in why or len(why) > 1},
                                present=attendance.present, not_ready=not_ready)
    quorum = _quorum(regime, roster, attendance, proxies, ready, members_in_office)
    return Facts(regime, now, session_day(lookup, declarations), lookup, roster, rooms, declarations, proxies,
                 attendance, quorum, ready, members_in_office, organizer, chamber_device, non_user_members)


def _attendance(roster: Roster, declarations: Declarations, lookup: MeetingLookup | None,
                proxies_file: ProxiesFile | None) -> Attendance:
    if not roster.ok:
        return Attendance()
    absent: dict[str, list[str]] = {}
    unknown: list[str] = []

    def mark(name: str, why: str) -> None:
        member = roster.resolve(name)
        if member is None:
            unknown.append(name)
        elif why not in absent.setdefault(member.key, []):
            absent[member.key].append(why)

    for name in sorted(declarations.absent):
        mark(name, DECLARED_ABSENT)
    responses: dict[str, str] = {}
    event = lookup.event if lookup is not None else None
    for a in (event or {}).get("attendees") or ():
        address = str(((a.get("emailAddress") or {}).get("address")) or "")
        member = roster.resolve(address) if address else None
        if member is None:
            continue
        answer = str(((a.get("status") or {}).get("response")) or "none")
        responses[member.key] = answer
        if answer == "declined":
            mark(member.upn, DECLINED)
    for p in proxies_file.proxies if proxies_file is not None else ():
        if roster.resolve(p.giver) is not None:
            mark(p.giver, PROXY)
    present = set()
    for name in sorted(declarations.present):
        member = roster.resolve(name)
        if member is None:
            unknown.append(name)
        else:
            present.add(member.key)
    return Attendance({k: tuple(v) for k, v in absent.items()}, frozenset(present), responses, tuple(unknown))


def _quorum(regime: Regime, roster: Roster, attendance: Attendance, proxies: ProxyCheck | None,
            ready: Mapping[str, tuple[bool | None, list[Any]]],
            members_in_office: int | None) -> QuorumProjection | None:
    if members_in_office is not None:
        in_office, source = members_in_office, "config"
    elif roster.ok:
        in_office, source = len(roster.members), "group"
    else:
        return None
    if not roster.ok:
        return None
    expected = [m for m in roster.members if m.key not in attendance.absent]
    undecided = 0
    if regime.quorum.present == REMOTE_READY:
        present = sum(1 for m in expected if ready.get(m.key, (False, []))[0] is True)
        undecided = sum(1 for m in expected if ready.get(m.key, (False, []))[0] is None)
    else:
        present = len(expected)
    represented = 0
    if proxies is not None:
        givers = {roster.resolve(p.giver) for p in proxies.valid}
        represented = sum(1 for g in givers if g is not None)
    return project(regime.quorum, in_office, source, present, represented, undecided)
