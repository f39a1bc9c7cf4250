"""The least a collection can cost, computed from the generated tenant's sizes — not from m365gov.

For each collection the shipped policies need (the same sources ``m365gov collect`` runs with the
benchmark's config), the minimum number of HTTP requests is its pages at the largest page size the
endpoint allows, plus the per-item calls no bulk endpoint can replace, 20 to a ``$batch``. The
critical path is the longest chain of requests that must follow one another (a page's nextLink
arrives with the page; a per-item call needs the id from its list page). Page maxima and rules are
Microsoft's (``shared/reference/graph.md`` §2-§7, sdk.md §6), as the emulator serves them.

Every figure here reads the tenant (``generate_tenant``) and the Key Vault town
(``generate_keyvault_town``), never the collectors: a collector that asked for a smaller page, an
unneeded property or a per-item call it could have batched would show up as requests above this.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from m365gov.emulator import Tenant
from m365gov.emulator.callshapes import sessions
from m365gov.emulator.keyvault_town import KeyVaultTown

BATCH = 20
"""Requests in one ``$batch`` (graph.md §8.3)."""
MAX_TOP = 999
"""``$top`` maximum of directory collections: users, groups, members, service principals, sites (graph.md §7)."""
CALL_RECORDS_PAGE = 60
"""Call records per list page, and sessions per nested page (graph.md §4: ``odata.maxpagesize`` at most 60)."""
DEVICES_PAGE = 50
"""Beta Teams devices per page (graph.md §5: ``$top`` max 50)."""
KEY_VAULT_PAGE = 25
"""Key Vault list pages (``maxresults`` 1-25)."""
MULTI_GEO_SKU = "OFFICE365_MULTIGEO"
"""Only a Multi-Geo licensed user can have a Teams region other than the organisation's (graph.md §2.4)."""
ROOM_TYPES = frozenset({"teamsroom", "surfacehub", "collaborationbar"})
"""Teams devices whose peripherals' health tells whether a room can hold a video meeting (graph.md §5)."""


@dataclass
class Collection:
    """One collection: its minimum requests and the longest chain of them that must be sequential."""

    name: str
    requests: int
    chain: int
    how: str


@dataclass
class Minimum:
    """The minimum of a whole run (Graph and Key Vault apart) and its critical path."""

    graph: list[Collection] = field(default_factory=list)
    keyvault: list[Collection] = field(default_factory=list)

    @property
    def graph_requests(self) -> int:
        return sum(c.requests for c in self.graph)

    @property
    def keyvault_requests(self) -> int:
        return sum(c.requests for c in self.keyvault)

    @property
    def critical(self) -> Collection:
        return max([*self.graph, *self.keyvault], key=lambda c: c.chain)

    def critical_seconds(self, latency: float) -> float:
        """The critical-path bound: the longest sequential chain × the latency of one request."""
        return self.critical.chain * latency

    def to_json(self) -> dict[str, Any]:
        return {
            "graphRequests": self.graph_requests,
            "keyVaultRequests": self.keyvault_requests,
            "criticalPath": {"collection": self.critical.name, "chain": self.critical.chain},
            "collections": [c.__dict__ for c in (*self.graph, *self.keyvault)],
        }


def _pages(n: int, size: int) -> int:
    """Pages of a collection of ``n`` items: an empty collection is still one page."""
    return max(1, math.ceil(n / size))


def _batches(n: int) -> int:
    return math.ceil(n / BATCH)


def minimum(tenant: Tenant, town: KeyVaultTown | None) -> Minimum:
    """The minimum requests and critical path of collecting what the shipped policies need."""
    m = Minimum()
    g = m.graph.append
    n_users = len(tenant.users)
    user_pages = _pages(n_users, MAX_TOP)
    g(Collection("organization", 1, 1, "GET /organization: one page"))
    g(Collection("subscribedSkus", 1, 1, "GET /subscribedSkus: one page"))
    g(Collection("users", user_pages, user_pages, f"{n_users} users / {MAX_TOP} a page"))
    g(Collection("groups", _pages(len(tenant.groups), MAX_TOP), _pages(len(tenant.groups), MAX_TOP),
                 f"{len(tenant.groups)} groups / {MAX_TOP} a page"))
    g(Collection("sites", _pages(len(tenant.sites), MAX_TOP), _pages(len(tenant.sites), MAX_TOP),
                 f"{len(tenant.sites)} sites / {MAX_TOP} a page"))
    g(Collection("teamwork", 1, 1, "GET /teamwork"))
    multi_geo = _multi_geo_users(tenant)
    g(Collection("userTeamwork", _batches(multi_geo), user_pages + (1 if multi_geo else 0),
                 f"{multi_geo} Multi-Geo users' /teamwork, {BATCH} a $batch, after the users page naming them"))
    g(Collection("reportSettings", 1, 1, "GET /admin/reportSettings"))
    for report in ("teamsUserActivity", "teamsDeviceUsage"):
        # The report function answers 302 and the CSV is a second request; it waits for reportSettings.
        g(Collection(report, 2, 3, "report function (302) + download, after reportSettings"))
    g(_call_records(tenant))
    devices = tenant.devices
    rooms = sum(1 for d in devices if str(d.get("deviceType") or "").casefold() in ROOM_TYPES)
    device_pages = _pages(len(devices), DEVICES_PAGE)
    g(Collection("teamworkDevices", device_pages + _batches(rooms), device_pages + (1 if rooms else 0),
                 f"{len(devices)} devices / {DEVICES_PAGE} a page (beta) + health of {rooms} rooms in $batch"))
    members = len(tenant.group_members.get(tenant.council_group_id, []))
    g(Collection("councilMembers", _pages(members, MAX_TOP), _pages(members, MAX_TOP),
                 f"{members} members of the council group"))
    if town is not None:
        # The key plan names no service principal object ids: one filtered list resolves them.
        g(Collection("m365ServicePrincipals", 1, 1, "GET /servicePrincipals?$filter=appId in (…)"))
        m.keyvault.extend(_key_vault(town))
    return m


def _multi_geo_users(tenant: Tenant) -> int:
    sku_ids = {s["skuId"] for s in tenant.subscribed_skus if s.get("skuPartNumber") == MULTI_GEO_SKU}
    return sum(1 for u in tenant.users if any(lic["skuId"] in sku_ids for lic in u.get("assignedLicenses") or ()))


def _call_records(tenant: Tenant) -> Collection:
    """List pages of the 30-day window, one GET per record (20 a batch), nested session pages.

    The record ids come with their list page, so the last detail batch follows the last list page;
    a record's nested session pages follow its detail, one after another. Nested pages of several
    records share batches when they are at the same depth.
    """
    store = tenant.calls
    first, end = store.index_at(store.retention_start), store.total
    records = end - first
    list_pages = _pages(records, CALL_RECORDS_PAGE)
    depth_counts: dict[int, int] = {}
    chain = list_pages + (1 if records else 0)
    for g in _long_calls(tenant, first, end):
        extra = _pages(len(sessions(tenant, store.plan(g), False)), CALL_RECORDS_PAGE) - 1
        for depth in range(1, extra + 1):
            depth_counts[depth] = depth_counts.get(depth, 0) + 1
        page = (g - first) // CALL_RECORDS_PAGE + 1
        chain = max(chain, page + 1 + extra)
    nested = sum(_batches(n) for n in depth_counts.values())
    return Collection(
        "callRecords", list_pages + _batches(records) + nested, chain,
        f"{records} records: {list_pages} list pages of {CALL_RECORDS_PAGE}, {_batches(records)} detail batches, "
        f"{nested} batches of nested session pages",
    )


def _long_calls(tenant: Tenant, first: int, end: int) -> Iterable[int]:
    """Records that may have more than one page of sessions (a participant per session at least)."""
    store = tenant.calls
    for g in range(first, end):
        plan = store.plan(g)
        if sum(leg.sessions for leg in plan.legs) > CALL_RECORDS_PAGE:
            yield g


def _key_vault(town: KeyVaultTown) -> list[Collection]:
    """Per vault: the challenge (Key Vault's first request carries no token, sdk.md §6), the key list,
    and per key its current version, its version list and its rotation policy; per vault its ARM
    document and, in RBAC mode, its role assignments. Keys of one vault can be read in parallel."""
    out = []
    for v in town.vaults:
        per_key = sum(2 + _pages(len(k.versions), KEY_VAULT_PAGE) for k in v.keys)
        requests = 1 + _pages(len(v.keys), KEY_VAULT_PAGE) + per_key
        chain = 1 + _pages(len(v.keys), KEY_VAULT_PAGE) + max(
            (_pages(len(k.versions), KEY_VAULT_PAGE) for k in v.keys), default=0)
        out.append(Collection(f"keyVault {v.name}", requests, chain,
                              f"challenge + {len(v.keys)} keys listed, each read with versions and rotation policy"))
        arm = 1 + (1 if v.enable_rbac_authorization else 0)
        out.append(Collection(f"arm {v.name}", arm, arm, "vault document" + (" + role assignments" if arm > 1 else "")))
    return out
