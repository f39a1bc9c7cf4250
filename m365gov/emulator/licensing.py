"""The licence catalogue of the fictional town and the Graph shapes derived from it.

SKU and service-plan ids are Microsoft's (the "Product names and service plan identifiers for
licensing" reference), so that a policy written against real ids works on the emulator. Each SKU
lists a realistic subset of its service plans, enough for the properties m365gov reads (Teams,
Exchange, SharePoint, Multi-Geo) without copying the whole catalogue. Ids marked ``[unverified]``
were not confirmed against Microsoft's list.

``assignedPlans`` follow from ``assignedLicenses``: a plan of an assigned SKU is ``Enabled`` unless it
is in ``disabledPlans``, in which case it is listed ``Deleted`` (what Entra shows for a plan switched
off after assignment). Because many users share the same licences and assignment date, the plan
lists are built once per (licences, date) and *shared*: treat tenant data as read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from m365gov.emulator.ids import stable_guid


@dataclass(frozen=True)
class ServicePlan:
    """A service plan inside a SKU: its id, its name and the ``service`` Graph reports for it."""

    id: str
    name: str
    service: str


@dataclass(frozen=True)
class Sku:
    """A purchasable product (``subscribedSku``) and the plans it grants."""

    id: str
    part_number: str
    plans: tuple[ServicePlan, ...]

    @property
    def has_teams(self) -> bool:
        return any(p.id == TEAMS1.id for p in self.plans)


TEAMS1 = ServicePlan("57ff2da0-773e-42df-b2af-ffb7a2317929", "TEAMS1", "TeamspaceAPI")
MCOSTANDARD = ServicePlan("0feaeb32-d00e-4d66-bd5a-43b5b83db82c", "MCOSTANDARD", "MicrosoftCommunicationsOnline")
EXCHANGE_S_ENTERPRISE = ServicePlan("efb87545-963c-4e0d-99df-69c6916d9eb0", "EXCHANGE_S_ENTERPRISE", "exchange")
EXCHANGE_S_STANDARD = ServicePlan("9aaf7827-d63c-4b61-89c3-182f06f82e5c", "EXCHANGE_S_STANDARD", "exchange")
EXCHANGE_S_FOUNDATION = ServicePlan("113feb6c-3fe4-4440-bddc-54d774bf0318", "EXCHANGE_S_FOUNDATION", "exchange")
SHAREPOINTENTERPRISE = ServicePlan("5dbe027f-2339-4123-9542-606e4d348a72", "SHAREPOINTENTERPRISE", "SharePoint")
SHAREPOINTSTANDARD = ServicePlan("c7699d2e-19aa-44de-8edf-1736da088ca1", "SHAREPOINTSTANDARD", "SharePoint")
SHAREPOINTWAC = ServicePlan("e95bec33-7c88-4a70-8e19-b10bd9d0c014", "SHAREPOINTWAC", "SharePoint")
OFFICESUBSCRIPTION = ServicePlan("43de0ff5-c92c-492b-9116-175376d08c38", "OFFICESUBSCRIPTION", "MicrosoftOffice")
FORMS_PLAN_E3 = ServicePlan("2789c901-c14e-48ab-a76a-be334d9d793a", "FORMS_PLAN_E3", "OfficeForms")
FORMS_PLAN_E1 = ServicePlan("159f4cd6-e380-449f-a816-af1a9ef76344", "FORMS_PLAN_E1", "OfficeForms")
PLANNER = ServicePlan("b737dad2-2f6c-4c65-90e3-ca563267e8b9", "PROJECTWORKMANAGEMENT", "ProjectWorkManagement")
STREAM_O365_E3 = ServicePlan("9e700747-8b1d-45e5-ab8d-ef187ceec156", "STREAM_O365_E3", "MicrosoftStream")
SWAY = ServicePlan("a23b959c-7ce8-4e57-9140-b90eb88a9e97", "SWAY", "Sway")
YAMMER_ENTERPRISE = ServicePlan("7547a3fe-08ee-4ccb-b430-5077c5041653", "YAMMER_ENTERPRISE", "YammerEnterprise")
RMS_S_ENTERPRISE = ServicePlan("bea4c11e-220a-4e6d-8eb8-8ea15d019f90", "RMS_S_ENTERPRISE", "RMSOnline")
INTUNE_A = ServicePlan("c1ec4a95-1f05-45b3-a911-aa3fa01094f5", "INTUNE_A", "SCO")
AAD_PREMIUM = ServicePlan("41781fb2-bc02-4b7c-bd55-b576c07bb09d", "AAD_PREMIUM", "AADPremiumService")
MFA_PREMIUM = ServicePlan("8a256a2b-b617-496d-b51b-e76466e88db0", "MFA_PREMIUM", "MultiFactorService")
# Multi-Geo plans [unverified ids].
EXCHANGEONLINE_MULTIGEO = ServicePlan("897d51f1-2cfa-4848-9b30-469149f5e68e", "EXCHANGEONLINE_MULTIGEO", "exchange")
SHAREPOINTONLINE_MULTIGEO = ServicePlan("735c1d98-dd3f-4818-b4ed-c8052e18e62d", "SHAREPOINTONLINE_MULTIGEO",
                                        "SharePoint")
TEAMSMULTIGEO = ServicePlan("41eda15d-6b52-453b-906f-bc4a5b25a26b", "TEAMSMULTIGEO", "TeamspaceAPI")

ENTERPRISEPACK = Sku(
    "6fd2c87f-b296-42f0-b197-1e91e994b900", "ENTERPRISEPACK",
    (EXCHANGE_S_ENTERPRISE, SHAREPOINTENTERPRISE, SHAREPOINTWAC, OFFICESUBSCRIPTION, TEAMS1, MCOSTANDARD,
     FORMS_PLAN_E3, PLANNER, STREAM_O365_E3, SWAY, YAMMER_ENTERPRISE, RMS_S_ENTERPRISE),
)
STANDARDPACK = Sku(
    "18181a46-0d4e-45cd-891e-60aabd171b4e", "STANDARDPACK",
    (EXCHANGE_S_STANDARD, SHAREPOINTSTANDARD, SHAREPOINTWAC, TEAMS1, MCOSTANDARD, FORMS_PLAN_E1, PLANNER, SWAY,
     YAMMER_ENTERPRISE),
)
# "Microsoft 365 E3 EEA (no Teams)": Microsoft spells the part number with a space.
M365_E3_NO_TEAMS = Sku(
    "c2fe850d-fbbb-4858-b67d-bd0c6e746da3", "O365_w/o Teams Bundle_M3",
    (EXCHANGE_S_ENTERPRISE, SHAREPOINTENTERPRISE, SHAREPOINTWAC, OFFICESUBSCRIPTION, MCOSTANDARD, FORMS_PLAN_E3,
     PLANNER, SWAY, RMS_S_ENTERPRISE, INTUNE_A, AAD_PREMIUM, MFA_PREMIUM),
)
TEAMS_EEA = Sku(
    "7e74bd05-2c47-404e-829a-ba95c66fe8e5", "Microsoft_Teams_EEA_New", (TEAMS1, EXCHANGE_S_FOUNDATION),
)
MULTIGEO = Sku(
    "84951599-62b7-46f3-9c9d-30551b2ad607", "OFFICE365_MULTIGEO",
    (EXCHANGEONLINE_MULTIGEO, SHAREPOINTONLINE_MULTIGEO, TEAMSMULTIGEO),
)

CATALOGUE: tuple[Sku, ...] = (ENTERPRISEPACK, STANDARDPACK, M365_E3_NO_TEAMS, TEAMS_EEA, MULTIGEO)
SKUS_BY_ID = {s.id: s for s in CATALOGUE}


_Key = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Assignment:
    """One licence given to a user: the SKU and the plans switched off in it."""

    sku: Sku
    disabled: tuple[str, ...] = ()


class PlanBook:
    """Builds ``assignedLicenses`` and ``assignedPlans`` values, sharing identical ones.

    At 100,000 users, one list of a dozen plan dicts per user would cost hundreds of megabytes;
    users hired the same week with the same licences get the very same list object instead.
    """

    def __init__(self) -> None:
        self._licences: dict[_Key, list[dict[str, Any]]] = {}
        self._plans: dict[_Key, dict[tuple[str, ...], list[dict[str, Any]]]] = {}
        self._states: dict[tuple[Any, ...], list[dict[str, Any]]] = {}

    def assign(self, assignments: Sequence[Assignment], dates: Sequence[str]) -> tuple[
            list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """``assignedLicenses``, ``assignedPlans`` and ``licenseAssignmentStates`` in one go."""
        key = _key(assignments)
        return self.licences(assignments, key), self.plans(assignments, dates, key), \
            self.states(assignments, dates, key)

    def licences(self, assignments: Sequence[Assignment], key: _Key | None = None) -> list[dict[str, Any]]:
        key = key or _key(assignments)
        found = self._licences.get(key)
        if found is None:
            found = [{"disabledPlans": list(a.disabled), "skuId": a.sku.id} for a in assignments]
            self._licences[key] = found
        return found

    def plans(self, assignments: Sequence[Assignment], dates: Sequence[str],
              key: _Key | None = None) -> list[dict[str, Any]]:
        """``assignedPlans`` for ``assignments``, the i-th licence having been assigned on ``dates[i]``."""
        key = key or _key(assignments)
        by_date = self._plans.setdefault(key, {})
        dkey = tuple(dates)
        found = by_date.get(dkey)
        if found is None:
            found = []
            for a, when in zip(assignments, dates, strict=True):
                for plan in a.sku.plans:
                    status = "Deleted" if plan.id in a.disabled else "Enabled"
                    found.append({"assignedDateTime": when, "capabilityStatus": status,
                                  "service": plan.service, "servicePlanId": plan.id})
            by_date[dkey] = found
        return found


    def states(self, assignments: Sequence[Assignment], dates: Sequence[str],
               key: _Key | None = None) -> list[dict[str, Any]]:
        """``licenseAssignmentStates``: every licence assigned directly and active."""
        skey = (key or _key(assignments), tuple(dates))
        found = self._states.get(skey)
        if found is None:
            found = [{"assignedByGroup": None, "disabledPlans": list(a.disabled), "error": "None",
                      "lastUpdatedDateTime": when, "skuId": a.sku.id, "state": "Active"}
                     for a, when in zip(assignments, dates, strict=True)]
            self._states[skey] = found
        return found


def _key(assignments: Iterable[Assignment]) -> _Key:
    return tuple((a.sku.id, a.disabled) for a in assignments)


def subscribed_skus(tenant_id: str, consumed: dict[str, int], prepaid_margin: float = 0.05) -> list[dict[str, Any]]:
    """The ``GET /subscribedSkus`` collection: every SKU of the catalogue with its consumption.

    ``prepaidUnits.enabled`` is the consumption plus a small stock of unassigned licences, as a
    town buys a few spares.
    """
    out = []
    for sku in CATALOGUE:
        used = consumed.get(sku.id, 0)
        enabled = used + max(2, int(used * prepaid_margin))
        out.append({
            "accountId": tenant_id,
            "accountName": "saintaubinsurloire",
            "appliesTo": "User",
            "capabilityStatus": "Enabled",
            "consumedUnits": used,
            "id": f"{tenant_id}_{sku.id}",
            "prepaidUnits": {"enabled": enabled, "lockedOut": 0, "suspended": 0, "warning": 0},
            "servicePlans": [
                {"appliesTo": "User", "provisioningStatus": "Success", "servicePlanId": p.id,
                 "servicePlanName": p.name}
                for p in sku.plans
            ],
            "skuId": sku.id,
            "skuPartNumber": sku.part_number,
            "subscriptionIds": [stable_guid(f"subscription:{tenant_id}:{sku.part_number}")],
        })
    return out
