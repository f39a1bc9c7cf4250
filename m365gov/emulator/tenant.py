"""The fictional town's Microsoft 365 tenant: "Ville de Saint-Aubin-sur-Loire".

:func:`generate_tenant` builds, deterministically from a seed, everything the emulator serves, as
Graph-shaped dicts (camelCase, as Graph returns them). It never reads the clock: ``now`` defaults to
:data:`DEFAULT_NOW`, so a given (seed, users, now, options) always yields the same tenant.

What the demo must reveal is seeded on purpose and listed in :attr:`Tenant.defects` (see
:mod:`m365gov.emulator.defects` for the kinds, counts and record format): users with usage location
"BE" or none, users with PDL "EUR" or none, licensed-but-disabled accounts, a Multi-Geo user whose
Teams region is "Europe and MiddleEast", Microsoft 365 groups and sites located in "EUR". The tenant
is Multi-Geo (it holds ``OFFICE365_MULTIGEO``), so PDLs are meaningful. Guests, service accounts,
unlicensed field staff and people without Teams (EEA "no Teams" suite alone, or Teams disabled in E3)
are part of the normal population, not defects.

Teams families, each in its own module and random stream: usage profiles behind the usage reports
(:mod:`~m365gov.emulator.usage`), call records generated lazily by index
(:mod:`~m365gov.emulator.calls`), Teams devices and their health (:mod:`~m365gov.emulator.rooms`),
the council's online meetings and calendars (:mod:`~m365gov.emulator.meetings`), and the DSI's
declared equipment inventory (:mod:`~m365gov.emulator.inventory`). Their seeded defects follow the
residency ones in :attr:`Tenant.defects`. ``tenant.now`` ends every window (reports, call records).

Variants for drift tests: ``fix=("user_pdl",)`` (or ``"all"``) repairs a kind; ``extra_defects=
("group_pdl",)`` breaks one more resource of a kind. Everything else stays byte-identical.

Extension points: a new family (online meetings, call records, usage reports, Teams devices, Key
Vault keys) is a module with a ``build_<family>(tenant_parts…)`` function drawing from its own
:class:`~m365gov.emulator.ids.GuidStream` / ``random.Random(f"m365gov-emulator:{seed}:<family>")``
stream, plus a field on :class:`Tenant` with a default, filled in :func:`generate_tenant`. Own
streams keep existing ids stable when a family is added.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from m365gov.emulator import names
from m365gov.emulator.calls import CallStore
from m365gov.emulator.defects import apply_defects, check_kinds
from m365gov.emulator.ids import GuidStream
from m365gov.emulator.inventory import Inventory, generate_inventory
from m365gov.emulator.licensing import CATALOGUE, M365_E3_NO_TEAMS, MULTIGEO, TEAMS_EEA, PlanBook, subscribed_skus
from m365gov.emulator.meetings import CouncilMeeting, generate_meetings, join_web_url, thread_token
from m365gov.emulator.people import EEA_UNBUNDLING, MULTIGEO_PURCHASED, TENANT_CREATED, generate_population
from m365gov.emulator.rooms import generate_devices
from m365gov.emulator.specials import special_calls
from m365gov.emulator.usage import UsageData, council_equipment, generate_usage, staff_presenters
from m365gov.emulator.workspaces import COUNCIL_GROUP_ID, generate_workspaces
from m365gov.timeutil import to_iso

DEFAULT_NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
TEAMS_REGION = "France"


@dataclass(frozen=True)
class Tenant:
    """Everything the emulator serves for one generated town. Treat the dicts as read-only.

    Attributes:
        seed: the generation seed.
        now: the tenant's "current" time (the default collection time of a demo run).
        tenant_id: directory (tenant) id, a deterministic GUID; also the organization id.
        organization: the ``GET /v1.0/organization`` object (a collection of one is served).
        organization_beta: extra properties only beta returns (``isMultipleDataLocationsForServicesEnabled``).
        users: ``user`` objects with every stored property; ``null`` properties are omitted and
            served as ``null`` when selected. Sub-lists (licences, plans) are shared between users.
        groups: ``group`` objects.
        group_members: group id → member user ids, in order.
        sites: ``site`` objects; the first one is the root site.
        subscribed_skus: ``subscribedSku`` objects, ``consumedUnits`` = licences assigned.
        teamwork: the ``GET /teamwork`` object.
        user_teamwork: user id → ``GET /users/{id}/teamwork`` object (shared when identical).
        report_settings: the ``GET /admin/reportSettings`` object.
        defects: the seeded defects (see :mod:`m365gov.emulator.defects`), residency then Teams kinds.
        usage: Teams usage profiles behind the usage reports and call records (:mod:`~m365gov.emulator.usage`).
        calls: the call records, generated lazily by index (:mod:`~m365gov.emulator.calls`).
        devices: beta ``teamworkDevice`` objects (:mod:`~m365gov.emulator.rooms`).
        device_health: device id → ``teamworkDeviceHealth``.
        online_meetings: ``onlineMeeting`` objects (:mod:`~m365gov.emulator.meetings`).
        calendar_events: user id → calendar ``event`` objects.
        council_meeting: how to find the council's next session (join URL, ids, organizer).
        inventory: the DSI's declared equipment inventory (:meth:`inventory_csv`).
        council_group_id: id of the "Conseil municipal" group (constant across seeds).
        council_member_ids: the 33 elected members, the mayor first then adjoints in rank order.
        fixed: defect kinds repaired in this variant.
        extra_defects: extra defects added in this variant.
    """

    seed: int
    now: datetime
    tenant_id: str
    organization: dict[str, Any]
    organization_beta: dict[str, Any]
    users: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    group_members: dict[str, list[str]]
    sites: list[dict[str, Any]]
    subscribed_skus: list[dict[str, Any]]
    teamwork: dict[str, Any]
    user_teamwork: dict[str, dict[str, Any]]
    report_settings: dict[str, Any]
    defects: list[dict[str, Any]]
    usage: UsageData
    calls: CallStore
    devices: list[dict[str, Any]]
    device_health: dict[str, dict[str, Any]]
    online_meetings: list[dict[str, Any]]
    calendar_events: dict[str, list[dict[str, Any]]]
    council_meeting: CouncilMeeting
    inventory: Inventory
    council_group_id: str = COUNCIL_GROUP_ID
    council_member_ids: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    extra_defects: tuple[str, ...] = ()
    _user_index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def root_site(self) -> dict[str, Any]:
        return self.sites[0]

    def user(self, key: str) -> dict[str, Any] | None:
        """A user by id or (case-insensitive) userPrincipalName, as ``GET /users/{id|upn}`` finds them."""
        if not self._user_index:
            index = self._user_index
            for pos, u in enumerate(self.users):
                index[u["id"]] = pos
                index[u["userPrincipalName"].lower()] = pos
        found = self._user_index.get(key)
        if found is None:
            found = self._user_index.get(key.lower())
        return None if found is None else self.users[found]

    def group(self, group_id: str) -> dict[str, Any] | None:
        return next((g for g in self.groups if g["id"] == group_id), None)

    def inventory_csv(self, clean: bool = False) -> str:
        """The declared equipment inventory as the DSI's CSV file (columns in :mod:`~m365gov.emulator.inventory`).

        ``clean=True`` leaves out the two deliberately bad rows (a ``camera`` of "peut-être" and an
        unknown user) that the default file carries for the demo.
        """
        return self.inventory.csv(clean)


def generate_tenant(seed: int = 2026, users: int = 350, now: datetime | None = None, *,
                    concealed_names: bool = False, fix: Iterable[str] = (),
                    extra_defects: Iterable[str] = ()) -> Tenant:
    """Generate the town's tenant.

    Args:
        seed: everything random derives from it.
        users: total user accounts (staff, 33 council members, 4 service accounts, ~2 % guests);
            at least 80. 100,000 generates in a few seconds.
        now: the tenant's current time; defaults to :data:`DEFAULT_NOW` (never the clock).
        concealed_names: value of ``displayConcealedNames`` in ``/admin/reportSettings``.
        fix: defect kinds to leave repaired (``"all"`` for every kind).
        extra_defects: kinds to break one more resource of (repeat a kind for more).
    """
    when = now or DEFAULT_NOW
    if when.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    fixed = check_kinds(fix, "fix")
    extra = check_kinds(extra_defects, "extra_defects")
    # Generation allocates millions of small, long-lived objects and frees none: the cyclic garbage
    # collector would scan them over and over for nothing (about a third of the time at 100k users).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(seed, users, when, concealed_names, fixed, extra)
    finally:
        if was_enabled:
            gc.enable()


def _generate(seed: int, users: int, when: datetime, concealed_names: bool, fixed: tuple[str, ...],
              extra: tuple[str, ...]) -> Tenant:
    tenant_id = GuidStream(seed, "tenant").next()
    book = PlanBook()
    pop = generate_population(seed, users, when, book)
    ws = generate_workspaces(seed, pop, when)
    shared = {"id": "userTeamwork", "locale": "fr-FR", "region": TEAMS_REGION}
    user_teamwork = {u["id"]: shared for u in pop.users}
    defects = apply_defects(seed, pop, ws, user_teamwork, fixed, extra)
    teams = _teams_families(seed, when, tenant_id, pop, fixed, extra)
    defects.extend(teams["defects"])

    consumed: dict[str, int] = {}
    for u in pop.users:
        for lic in u["assignedLicenses"]:
            consumed[lic["skuId"]] = consumed.get(lic["skuId"], 0) + 1
    organization = _organization(tenant_id)
    return Tenant(
        seed=seed,
        now=when,
        tenant_id=tenant_id,
        organization=organization,
        organization_beta={"isMultipleDataLocationsForServicesEnabled": True},
        users=pop.users,
        groups=ws.groups,
        group_members=ws.members,
        sites=ws.sites,
        subscribed_skus=subscribed_skus(tenant_id, consumed),
        teamwork={"id": "teamwork", "isTeamsEnabled": True, "region": TEAMS_REGION},
        user_teamwork=user_teamwork,
        report_settings={"id": "reportSettings", "displayConcealedNames": concealed_names},
        defects=defects,
        usage=teams["usage"],
        calls=teams["calls"],
        devices=teams["devices"],
        device_health=teams["health"],
        online_meetings=teams["meetings"],
        calendar_events=teams["events"],
        council_meeting=teams["council_meeting"],
        inventory=teams["inventory"],
        council_member_ids=tuple(pop.users[i]["id"] for i in pop.council),
        fixed=fixed,
        extra_defects=extra,
    )


def _teams_families(seed: int, when: datetime, tenant_id: str, pop: Any, fixed: tuple[str, ...],
                    extra: tuple[str, ...]) -> dict[str, Any]:
    """Usage, inventory, devices, meetings and call records, in the order their defects are listed.

    They run after the residency defects so that a disabled account is inactive in Teams too, but
    draw from their own streams, so fixing a residency kind does not reshuffle them.
    """
    usage = generate_usage(seed, pop, when, fixed, extra)
    plan = council_equipment(seed, pop.council, fixed)
    inventory, inventory_defects = generate_inventory(seed, when, pop, usage, plan, fixed)
    devices, health, device_defects = generate_devices(seed, len(pop.users), when, fixed)
    presenters = [i for i in staff_presenters(pop) if i in usage.profiles]
    meetings, events, council, meeting_defects = generate_meetings(seed, tenant_id, when, pop.users, pop.council,
                                                                   presenters, fixed)
    user_ids = [u["id"] for u in pop.users]

    def join_url(organizer: int, key: str) -> str:
        return join_web_url(tenant_id, user_ids[organizer], thread_token(seed, key))

    previous = next(m for m in meetings if m["subject"].startswith("Conseil") and m["id"] != council.meeting_id)
    specials = special_calls(seed, when, usage, pop.council, plan, presenters,
                             (council.start - timedelta(days=28), previous["joinWebUrl"]), council.join_web_url,
                             "room_camera_disconnected" in fixed, join_url)
    return {"usage": usage, "inventory": inventory, "devices": devices, "health": health, "meetings": meetings,
            "events": events, "council_meeting": council,
            "calls": CallStore(seed, when, usage, specials, join_url),
            "defects": usage.defects + inventory_defects + device_defects + meeting_defects}


def _organization(tenant_id: str) -> dict[str, Any]:
    assigned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for sku in CATALOGUE:
        since = (MULTIGEO_PURCHASED if sku is MULTIGEO
                 else EEA_UNBUNDLING if sku in (TEAMS_EEA, M365_E3_NO_TEAMS) else TENANT_CREATED)
        for plan in sku.plans:
            if plan.id not in seen:
                seen.add(plan.id)
                assigned.append({"assignedDateTime": to_iso(since), "capabilityStatus": "Enabled",
                                 "service": plan.service, "servicePlanId": plan.id})
    services = sorted({p["service"] for p in assigned})
    return {
        "id": tenant_id,
        "assignedPlans": assigned,
        "businessPhones": [names.PHONE],
        "city": names.TOWN,
        "country": None,
        "countryLetterCode": "FR",
        "createdDateTime": to_iso(TENANT_CREATED),
        "defaultUsageLocation": "FR",
        "deletedDateTime": None,
        "displayName": names.ORGANIZATION_NAME,
        "marketingNotificationEmails": [],
        "onPremisesLastSyncDateTime": None,
        "onPremisesSyncEnabled": None,
        "postalCode": names.POSTAL_CODE,
        "preferredLanguage": "fr",
        "privacyProfile": None,
        "provisionedPlans": [{"capabilityStatus": "Enabled", "provisioningStatus": "Success", "service": s}
                             for s in services],
        "securityComplianceNotificationMails": [],
        "securityComplianceNotificationPhones": [],
        "state": None,
        "street": names.STREET,
        "technicalNotificationMails": [f"dsi@{names.DOMAIN}"],
        "tenantType": "AAD",
        "verifiedDomains": [
            {"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": True, "isInitial": False,
             "name": names.DOMAIN, "type": "Managed"},
            {"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": False, "isInitial": True,
             "name": names.INITIAL_DOMAIN, "type": "Managed"},
        ],
    }
