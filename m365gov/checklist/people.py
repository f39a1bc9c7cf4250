"""The council's members and rooms, read from a snapshot through the existing views (pure).

Members come from the council group (``councilMembers`` source, ``[council] group_id``), each joined
with the readiness view (Teams licence, activity, clients, camera and microphone verdicts with their
evidence, phones) and the rooms view (the chamber's Teams Rooms device). Nothing here judges: the
checks decide what "ready" means under a regime (:func:`readiness`).

A member whose account is disabled or is not a member account has no readiness row (the view leaves
guests and disabled accounts out): they show as such, never as ready.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from m365gov.checklist.model import Msg, msg, term
from m365gov.checklist.regime import ReadyRule
from m365gov.snapshot.model import Snapshot
from m365gov.statuses import SRC_NOT_CONFIGURED, SRC_OK
from m365gov.views import VIEWS

PEOPLE_VIEWS = ("readiness", "rooms")
"""The views the checklist reads; their sources are what ``checklist council`` collects."""


@dataclass(frozen=True)
class Member:
    """One council member as the checklist shows them.

    Attributes:
        id / upn / display_name: from the council group.
        account_ok: an enabled member account (it has a readiness row).
        teams_licensed / last_activity / active / clients: from the readiness view (``None``: unknown).
        camera / microphone: verdicts (observed, declared, faulty, unknown; ``None``: not judged).
        camera_evidence / microphone_evidence: the sentences behind the verdicts.
        mobile_phone / business_phones: the fallback contact.
    """

    id: str
    upn: str
    display_name: str
    account_ok: bool
    teams_licensed: bool | None = None
    last_activity: str | None = None
    active: bool | None = None
    clients: tuple[str, ...] | None = None
    camera: str | None = None
    camera_evidence: tuple[str, ...] = ()
    microphone: str | None = None
    microphone_evidence: tuple[str, ...] = ()
    mobile_phone: str | None = None
    business_phones: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.id.casefold()

    @property
    def phone(self) -> str | None:
        return self.mobile_phone or next(iter(self.business_phones), None)


@dataclass(frozen=True)
class Roster:
    """The council's members, or why they could not be read.

    Attributes:
        status: the ``councilMembers`` source's status (``ok``, ``not_configured``…).
        detail: why not ``ok``.
        members: in the group's order.
        readiness_status: the ``users`` source's status (readiness needs the directory).
        readiness_detail: why readiness is unknown.
    """

    status: str
    detail: str | None
    members: tuple[Member, ...]
    readiness_status: str
    readiness_detail: str | None

    @property
    def ok(self) -> bool:
        return self.status == SRC_OK

    def resolve(self, name: str) -> Member | None:
        """A member by user principal name, object id, or (when unique) display name, case-insensitively."""
        wanted = name.strip().casefold()
        for m in self.members:
            if wanted in (m.upn.casefold(), m.key):
                return m
        named = [m for m in self.members if m.display_name.casefold() == wanted]
        return named[0] if len(named) == 1 else None


@dataclass(frozen=True)
class Rooms:
    """The Teams Rooms devices (rooms view), or why they could not be read."""

    status: str
    detail: str | None
    rooms: tuple[Mapping[str, Any], ...]

    @property
    def chamber(self) -> Mapping[str, Any] | None:
        return next((r for r in self.rooms if r.get("isChamber")), None)

    def find(self, name: str) -> Mapping[str, Any] | None:
        wanted = name.casefold()
        return next((r for r in self.rooms if wanted in (str(r.get("id")).casefold(),
                                                          str(r.get("displayName")).casefold())), None)


def roster(snapshot: Snapshot) -> Roster:
    """The council's members with their readiness."""
    section = snapshot.section("councilMembers")
    users = snapshot.section("users")
    users_status = users.status if users is not None else SRC_NOT_CONFIGURED
    users_detail = (users.detail if users is not None else "the directory (users) was not collected")
    if section is None or not section.ok:
        status = section.status if section is not None else SRC_NOT_CONFIGURED
        detail = (section.detail if section is not None
                  else "no council group configured ([council] group_id in the config file)")
        return Roster(status, detail, (), users_status, users_detail)
    rows: dict[str, Mapping[str, Any]] = {}
    if users is not None and users.ok:
        rows = {str(r.get("id")).casefold(): r for r in VIEWS["readiness"].build(snapshot)}
    members = []
    for m in (section.data or {}).get("members") or ():
        if m.get("@odata.type") not in (None, "#microsoft.graph.user"):
            continue  # a nested group or device: not an elected member (the group check says so)
        members.append(_member(m, rows.get(str(m.get("id")).casefold())))
    return Roster(SRC_OK, None, tuple(members), users_status, None if users_status == SRC_OK else users_detail)


def _member(m: Mapping[str, Any], r: Mapping[str, Any] | None) -> Member:
    uid, upn = str(m.get("id") or ""), str(m.get("userPrincipalName") or "")
    name = str(m.get("displayName") or upn)
    if r is None:
        return Member(uid, upn, name, account_ok=False)
    return Member(
        uid, upn, name,
        account_ok=True,
        teams_licensed=r.get("teamsLicensed"),
        last_activity=r.get("lastActivityDate"),
        active=r.get("activeInPeriod"),
        clients=tuple(r["clients"]) if r.get("clients") is not None else None,
        camera=r.get("camera"),
        camera_evidence=tuple(r.get("cameraEvidence") or ()),
        microphone=r.get("microphone"),
        microphone_evidence=tuple(r.get("microphoneEvidence") or ()),
        mobile_phone=r.get("mobilePhone"),
        business_phones=tuple(r.get("businessPhones") or ()),
    )


def non_user_members(snapshot: Snapshot) -> list[str]:
    """Names of group members that are not users (nested groups, devices)."""
    data = snapshot.data("councilMembers") or {}
    return [str(m.get("displayName") or m.get("id")) for m in data.get("members") or ()
            if m.get("@odata.type") not in (None, "#microsoft.graph.user")]


def rooms(snapshot: Snapshot) -> Rooms:
    """The rooms view's devices (the chamber flagged by ``[council] chamber_device``)."""
    section = snapshot.section("teamworkDevices")
    if section is None or not section.ok:
        status = section.status if section is not None else SRC_NOT_CONFIGURED
        detail = section.detail if section is not None else "Teams devices were not collected"
        return Rooms(status, detail, ())
    return Rooms(SRC_OK, None, tuple(VIEWS["rooms"].build(snapshot)))


def readiness(member: Member, rule: ReadyRule) -> tuple[bool | None, list[Msg]]:
    """Whether ``member`` is ready to take part remotely under ``rule``, and why not.

    ``None`` when a verdict the rule needs could not be judged (call records unavailable).
    """
    if not member.account_ok:
        return False, [msg("member_no_account")]
    reasons: list[Msg] = []
    undecided = False
    if rule.teams_licence:
        if member.teams_licensed is None:
            undecided = True
        elif not member.teams_licensed:
            reasons.append(msg("member_no_licence"))
    if member.microphone is None:
        undecided = True
    elif member.microphone not in rule.microphone:
        reasons.append(msg("member_microphone", verdict=term(member.microphone)))
    if rule.camera_required:
        if member.camera is None:
            undecided = True
        elif member.camera not in rule.camera:
            reasons.append(msg("member_camera", verdict=term(member.camera)))
    if reasons:
        return False, reasons
    return (None, [msg("member_undecided")]) if undecided else (True, [])


def audio_only(member: Member, rule: ReadyRule) -> bool:
    """Ready by audio alone: the camera is not among the working verdicts (the rule allows it)."""
    return member.camera is not None and member.camera not in rule.camera


def select_for_views(names: Sequence[str] = PEOPLE_VIEWS) -> tuple[list[str], dict[str, frozenset[str]]]:
    """The sources the views need (required and optional) and the raw properties to ``$select``."""
    sources: dict[str, None] = {"councilMembers": None}
    select: dict[str, set[str]] = {}
    for name in names:
        view = VIEWS[name]
        sources.update(dict.fromkeys((*view.sources, *view.optional_sources)))
        qualified = [*view.always_fields, *(q for f in view.fields.values() for q in f.source_fields)]
        for q in qualified:
            source, _, prop = q.partition(".")
            select.setdefault(source, set()).add(prop)
    return list(sources), {k: frozenset(v) for k, v in select.items()}
