"""Seeded defects (residency here, Teams in their families) and the "fixed" and "extra" variants.

The generator first builds a compliant town, then this module breaks a few chosen resources. Each
kind picks its targets from its own pool, in its own seeded order, so that:

* ``fix=("user_pdl",)`` repairs exactly the ``user_pdl`` resources and changes nothing else;
* ``extra_defects=("user_pdl",)`` breaks exactly one more resource, the next in that kind's order;
* the same seed always breaks the same resources.

Kinds (all counts grow with the tenant, minimums shown for 350 users):

====================  ==============  ===================================  ============================
kind                  resource        property → value                     targets
====================  ==============  ===================================  ============================
user_usage_location   user            usageLocation → "BE", "BE", null…    ≥ 3 licensed staff
user_pdl              user            preferredDataLocation → "EUR", null  ≥ 4 licensed staff
disabled_licensed     user            accountEnabled → false               ≥ 3 licensed staff
user_teams_region     userTeamwork    region → "Europe and MiddleEast"     ≥ 1 Multi-Geo user
group_pdl             group           preferredDataLocation → "EUR"        ≥ 2 Microsoft 365 groups
site_location         site            siteCollection.dataLocationCode →    ≥ 2 team sites
                                      "EUR"
====================  ==============  ===================================  ============================

Department heads, the council, the council, bureau and management groups and their sites are never
targeted by these residency kinds, so the council checklist starts clean on residency.

The Teams families seed kinds of their own (:data:`TEAMS_KINDS`), recorded in the same format after
the residency ones; ``resource`` names where the evidence is (a report row, a call record, the
inventory file, a device's health, an online meeting) and ``property`` the field that shows it.
Counts at 350 users (seed 2026):

========================  ============================  =====================================  =====
kind                      resource                      property → value                       count
========================  ============================  =====================================  =====
teams_inactive            teamsUserActivityUserDetail   lastActivityDate → null or > 30 days   34
teams_web_only            teamsDeviceUsageUserDetail    usedPlatforms → ["Web"]                19
camera_never_seen         teamsUserActivityUserDetail   videoDurationInSeconds → 0             76
mic_failing               callRecord                    media.callerDevice.captureNot…Ratio    1
council_no_equipment      inventory                     camera → "no" or null (absent)         12
inventory_bad_value       inventory                     camera → "peut-être"                   1
inventory_unknown_user    inventory                     userPrincipalName → an unknown UPN     1
room_camera_disconnected  teamworkDeviceHealth          peripheralsHealth.roomCameraHealth…    1
meeting_dial_in_bypass    onlineMeeting                 lobbyBypassSettings.isDialInBypass…    1
meeting_not_recorded      onlineMeeting                 recordAutomatically → false            1
========================  ============================  =====================================  =====

(``teams_inactive`` includes 3 council members; every Teams kind can be fixed, the first four can
also be given an extra target.) In a real tenant a Multi-Geo user's Teams region follows their PDL; here the kinds are
independent so that each policy can be exercised alone.

Each defect is recorded as ``{"kind", "resource", "id", "name", "property", "value", "expected"}``
where ``property`` is a dotted path into the Graph object and ``expected`` the compliant value.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from m365gov.emulator.ids import fraction
from m365gov.emulator.people import Population
from m365gov.emulator.workspaces import COUNCIL_GROUP_ID, Workspaces


@dataclass(frozen=True)
class DefectKind:
    """How one kind of defect is seeded.

    Attributes:
        name: the kind, as used in ``fix`` / ``extra_defects`` and in ``Tenant.defects``.
        resource: Graph resource type of the targets.
        property: dotted path of the property that is wrong.
        values: the wrong values, used in turn by target rank.
        expected: the compliant value.
        share: targets as a fraction of the candidate pool.
        minimum: fewest targets at any scale.
    """

    name: str
    resource: str
    property: str
    values: tuple[Any, ...]
    expected: Any
    share: float
    minimum: int


KINDS: tuple[DefectKind, ...] = (
    DefectKind("user_usage_location", "user", "usageLocation", ("BE", "BE", None), "FR", 0.01, 3),
    DefectKind("user_pdl", "user", "preferredDataLocation", ("EUR", None), "FRA", 0.012, 4),
    DefectKind("disabled_licensed", "user", "accountEnabled", (False,), True, 0.01, 3),
    DefectKind("user_teams_region", "userTeamwork", "region", ("Europe and MiddleEast",), "France", 0.02, 1),
    DefectKind("group_pdl", "group", "preferredDataLocation", ("EUR",), "FRA", 0.02, 2),
    DefectKind("site_location", "site", "siteCollection.dataLocationCode", ("EUR",), "FRA", 0.02, 2),
)
RESIDENCY_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS)
#: Kinds seeded by the Teams families (usage, inventory, devices, meetings); see their modules.
TEAMS_KINDS: tuple[str, ...] = (
    "teams_inactive", "teams_web_only", "camera_never_seen", "mic_failing",  # usage.py
    "council_no_equipment", "inventory_bad_value", "inventory_unknown_user",  # inventory.py
    "room_camera_disconnected",  # rooms.py
    "meeting_dial_in_bypass", "meeting_not_recorded",  # meetings.py
)
#: Kinds of which ``extra_defects`` can break one more resource (the others exist once).
SCALABLE_KINDS: tuple[str, ...] = (*RESIDENCY_KINDS, "teams_inactive", "teams_web_only", "camera_never_seen",
                                   "mic_failing")
DEFECT_KINDS: tuple[str, ...] = RESIDENCY_KINDS + TEAMS_KINDS
_USER_LANES = ("user_usage_location", "user_pdl", "disabled_licensed")


def check_kinds(kinds: Iterable[str], what: str) -> tuple[str, ...]:
    """Validate kind names; ``"all"`` stands for every kind (in ``extra_defects``: every scalable one)."""
    out: list[str] = []
    for k in kinds:
        if k == "all":
            out.extend(DEFECT_KINDS if what == "fix" else SCALABLE_KINDS)
        elif what != "fix" and k in DEFECT_KINDS and k not in SCALABLE_KINDS:
            raise ValueError(f"{what}: there is only one {k!r} in the town; it cannot be broken once more")
        elif k in DEFECT_KINDS:
            out.append(k)
        else:
            raise ValueError(f"unknown defect kind in {what}: {k!r} (known: {', '.join(DEFECT_KINDS)}, or 'all')")
    return tuple(out)


def apply_defects(seed: int, pop: Population, ws: Workspaces, user_teamwork: dict[str, dict[str, Any]],
                  fix: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Break the chosen resources in place and return the defect list."""
    users = pop.users
    staff = set(pop.staff)
    heads = set(pop.heads)
    multigeo = set(pop.multigeo)
    plain = [i for i in pop.licensed if i in staff and i not in heads and i not in multigeo]
    lanes: dict[str, list[int]] = {name: [] for name in _USER_LANES}
    for i in plain:  # disjoint pools: one resource never carries two user defects
        lane = int(fraction(seed, "lane", users[i]["id"]) * len(_USER_LANES))
        lanes[_USER_LANES[lane]].append(i)

    # The council, its bureau and the management committee (the first three groups) stay compliant.
    leaders = {g["id"] for g in ws.groups[:3]} | {COUNCIL_GROUP_ID}
    groups = [i for i in ws.unified if ws.groups[i]["id"] not in leaders]
    leader_sites = {ws.site_of_group[g] for g in leaders if g in ws.site_of_group}
    sites = [i for i in ws.team_sites if i not in leader_sites]
    pools: dict[str, tuple[list[int], list[dict[str, Any]]]] = {
        "user_usage_location": (lanes["user_usage_location"], users),
        "user_pdl": (lanes["user_pdl"], users),
        "disabled_licensed": (lanes["disabled_licensed"], users),
        "user_teams_region": (sorted(multigeo), users),
        "group_pdl": (groups, ws.groups),
        "site_location": (sites, ws.sites),
    }
    setters: dict[str, Callable[[dict[str, Any], Any], None]] = {
        "user_usage_location": lambda o, v: o.__setitem__("usageLocation", v),
        "user_pdl": lambda o, v: o.__setitem__("preferredDataLocation", v),
        "disabled_licensed": lambda o, v: o.__setitem__("accountEnabled", v),
        "group_pdl": lambda o, v: o.__setitem__("preferredDataLocation", v),
        "site_location": lambda o, v: o.__setitem__("siteCollection", {**o["siteCollection"], "dataLocationCode": v}),
        "user_teams_region": lambda o, v: user_teamwork.__setitem__(o["id"], {**user_teamwork[o["id"]], "region": v}),
    }
    defects: list[dict[str, Any]] = []
    for kind in KINDS:
        if kind.name in fix:
            continue
        pool, objects = pools[kind.name]
        order = list(pool)
        random.Random(f"m365gov-emulator:{seed}:defect:{kind.name}").shuffle(order)
        count = min(len(order), max(kind.minimum, round(len(pool) * kind.share)) + extra.count(kind.name))
        for rank, i in enumerate(order[:count]):
            obj = objects[i]
            value = kind.values[rank % len(kind.values)]
            setters[kind.name](obj, value)
            defects.append({
                "kind": kind.name,
                "resource": kind.resource,
                "id": obj["id"],
                "name": obj.get("userPrincipalName") or obj.get("displayName"),
                "property": kind.property,
                "value": value,
                "expected": kind.expected,
            })
    return defects
