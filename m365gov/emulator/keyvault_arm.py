"""The Azure Resource Manager subset for the vaults: read-only, served on its own https listener.

Paths are the ones azure-mgmt-keyvault 14.1.0 builds (``operations/_operations.py``) and the ARM
REST references give, case-insensitive like ARM:

- ``GET /subscriptions`` and ``/subscriptions/{sub}`` (``quotaId`` EnterpriseAgreement);
- ``GET /subscriptions/{sub}/providers/Microsoft.KeyVault/vaults[?$top]``: ``vaults.list_by_subscription``;
- ``GET /subscriptions/{sub}/resources?$filter=resourceType eq 'Microsoft.KeyVault/vaults'``:
  ``vaults.list`` (generic resources, api-version 2015-11-01);
- ``GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults[?$top]``:
  ``vaults.list_by_resource_group``;
- ``GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{vault}``: ``vaults.get``;
- ``GET {scope}/providers/Microsoft.Authorization/roleAssignments[?$filter=…]``: assignments at, above
  and below the scope; ``atScope()`` (at or above), ``principalId eq '…'``, ``assignedTo('…')``;
- ``GET {scope}/providers/Microsoft.Authorization/roleAssignments/{id}`` and ``…/roleDefinitions/{id}``
  (the built-in Key Vault roles of :data:`~m365gov.emulator.keyvault_town.ROLE_DEFINITIONS`);
- ``GET /subscriptions/{sub}/providers/Microsoft.Features/providers/Microsoft.Resources/features/
  mandatoryRetentionPeriodEnabled``: ``properties.state`` ``Registered`` (customer-key.md §1.3).

Every request needs ``api-version`` (400 ``MissingApiVersionParameter``) and a bearer token (401
``AuthenticationFailed`` otherwise, with a ``WWW-Authenticate`` header). Writes are refused by the
dispatcher before they get here. Vault JSON is ARM's: ``properties.sku {family, name}``,
``tenantId``, ``accessPolicies`` (empty for RBAC vaults), ``enableSoftDelete``,
``softDeleteRetentionInDays``, ``enableRbacAuthorization``, ``enablePurgeProtection`` (absent when
never enabled), ``networkAcls``, ``vaultUri`` (the vault's https URL on this emulator, with a
trailing slash) and ``provisioningState``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from m365gov.emulator.keyvault_model import ROLE_DEFINITIONS, RoleAssignmentSpec, SubscriptionSpec
from m365gov.emulator.keyvault_protocol import AzureError, json_response
from m365gov.emulator.keyvault_store import KeyVaultStore, VaultState
from m365gov.emulator.names import DOMAIN
from m365gov.emulator.protocol import Request, Response

AUTHORIZATION = "providers/microsoft.authorization/"
_PRINCIPAL_FILTER = re.compile(r"^\s*principalId\s+eq\s+'([0-9a-fA-F-]+)'\s*$")
_ASSIGNED_TO = re.compile(r"^\s*assignedTo\('([0-9a-fA-F-]+)'\)\s*$")
_RESOURCE_TYPE_FILTER = re.compile(r"^\s*resourceType\s+eq\s+'([^']+)'\s*$", re.IGNORECASE)
ROLE_DATE = "2021-02-09T00:00:00.0000000Z"


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


def serve(store: KeyVaultStore, req: Request, base_url: str) -> tuple[Response, str]:
    """Answer a GET on the management plane; returns the response and the route pattern served."""
    path = req.path.rstrip("/")
    lower = path.lower()
    if AUTHORIZATION in lower:
        return _authorization(store, req, path)
    parts = path.strip("/").split("/")
    low = [p.lower() for p in parts]
    if low == ["subscriptions"]:
        return json_response({"value": [_subscription(store, s) for s in store.town.subscriptions],
                              "count": {"type": "Total", "value": len(store.town.subscriptions)}}), "/subscriptions"
    if not low or low[0] != "subscriptions" or len(low) < 2:
        raise _not_implemented(req)
    sub = _find_subscription(store, parts[1])
    rest = low[2:]
    if not rest:
        return json_response(_subscription(store, sub)), "/subscriptions/{sub}"
    if rest == ["providers", "microsoft.keyvault", "vaults"]:
        vaults = [v for v in _vaults(store) if v.spec.subscription_id == sub.subscription_id]
        pattern = "/subscriptions/{sub}/providers/Microsoft.KeyVault/vaults"
        return _vault_page(req, vaults, base_url, path), pattern
    if rest == ["resources"]:
        return _generic_resources(store, req, sub), "/subscriptions/{sub}/resources"
    if rest == ["providers", "microsoft.features", "providers", "microsoft.resources", "features",
                "mandatoryretentionperiodenabled"]:
        return json_response({
            "properties": {"state": "Registered" if sub.mandatory_retention_period else "NotRegistered"},
            "id": f"/subscriptions/{sub.subscription_id}/providers/Microsoft.Features/providers/Microsoft.Resources/"
                  "features/mandatoryRetentionPeriodEnabled",
            "type": "Microsoft.Features/providers/features",
            "name": "Microsoft.Resources/mandatoryRetentionPeriodEnabled",
        }), "/subscriptions/{sub}/providers/Microsoft.Features/.../mandatoryRetentionPeriodEnabled"
    if len(rest) >= 2 and rest[0] == "resourcegroups":
        rg = parts[3]
        in_rg = [v for v in _vaults(store) if v.spec.subscription_id == sub.subscription_id
                 and v.spec.resource_group.lower() == rg.lower()]
        if not in_rg:
            raise AzureError(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")
        tail = rest[2:]
        if tail == ["providers", "microsoft.keyvault", "vaults"]:
            pattern = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults"
            return _vault_page(req, in_rg, base_url, path), pattern
        if len(tail) == 4 and tail[:3] == ["providers", "microsoft.keyvault", "vaults"]:
            name = parts[-1]
            found = next((v for v in in_rg if v.name.lower() == name.lower()), None)
            if found is None:
                raise AzureError(404, "ResourceNotFound",
                                 f"The Resource 'Microsoft.KeyVault/vaults/{name}' under resource group '{rg}' was "
                                 "not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
            return json_response(vault_resource(found)), \
                "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{vault}"
    raise _not_implemented(req)


def _not_implemented(req: Request) -> AzureError:
    return AzureError(501, "NotImplemented",
                      f"the m365gov emulator does not implement {req.method} {req.path} on the management plane")


def _vaults(store: KeyVaultStore) -> list[VaultState]:
    with store.lock:
        return list(store.vaults.values())


def _find_subscription(store: KeyVaultStore, subscription_id: str) -> SubscriptionSpec:
    try:
        return store.town.subscription(subscription_id)
    except KeyError:
        raise AzureError(404, "SubscriptionNotFound", f"The subscription '{subscription_id}' could not be found.") \
            from None


def _subscription(store: KeyVaultStore, sub: SubscriptionSpec) -> dict[str, Any]:
    return {"id": f"/subscriptions/{sub.subscription_id}", "authorizationSource": "RoleBased",
            "managedByTenants": [], "subscriptionId": sub.subscription_id, "tenantId": store.town.tenant_id,
            "displayName": sub.display_name, "state": "Enabled",
            "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01",
                                     "quotaId": "EnterpriseAgreement_2014-09-01", "spendingLimit": "Off"}}


def vault_resource(vault: VaultState) -> dict[str, Any]:
    """The ``Microsoft.KeyVault/vaults`` resource as ARM returns it (immutable spec data: no lock needed)."""
    spec = vault.spec
    props: dict[str, Any] = {
        "sku": {"family": "A", "name": spec.sku},
        "tenantId": spec.tenant_id,
        "accessPolicies": [
            {"tenantId": spec.tenant_id, "objectId": p.object_id,
             "permissions": {"keys": list(p.keys), "secrets": list(p.secrets), "certificates": list(p.certificates)}}
            for p in spec.access_policies],
        "enabledForDeployment": False,
        "enabledForDiskEncryption": False,
        "enabledForTemplateDeployment": False,
        "enableSoftDelete": spec.enable_soft_delete,
        "softDeleteRetentionInDays": spec.soft_delete_retention_days,
        "enableRbacAuthorization": spec.enable_rbac_authorization,
    }
    if spec.enable_purge_protection is not None:
        props["enablePurgeProtection"] = spec.enable_purge_protection
    props.update({
        "vaultUri": f"{vault.url}/",
        "provisioningState": "Succeeded",
        "publicNetworkAccess": "Enabled",
        "networkAcls": {"bypass": spec.network_bypass, "defaultAction": spec.network_default_action,
                        "ipRules": [], "virtualNetworkRules": []},
    })
    admin = f"admin.cles@{DOMAIN}"
    return {
        "id": spec.resource_id, "name": spec.name, "type": "Microsoft.KeyVault/vaults", "location": spec.location,
        "tags": dict(spec.tags),
        "systemData": {"createdBy": admin, "createdByType": "User", "createdAt": _iso(spec.created),
                       "lastModifiedBy": admin, "lastModifiedByType": "User", "lastModifiedAt": _iso(spec.created)},
        "properties": props,
    }


def _top(req: Request) -> int | None:
    raw = req.query.get("$top")
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise AzureError(400, "InvalidTopParameter", f"The value '{raw}' of $top is invalid: use a positive integer.")
    return int(raw)


def _vault_page(req: Request, vaults: list[VaultState], base_url: str, path: str) -> Response:
    vaults = sorted(vaults, key=lambda v: v.name.lower())
    start = 0
    token = req.query.get("$skiptoken")
    if token:
        if not token.isdigit():
            raise AzureError(400, "InvalidSkipToken", "The $skiptoken is invalid.")
        start = int(token)
    top = _top(req)
    end = len(vaults) if top is None else start + top
    doc: dict[str, Any] = {"value": [vault_resource(v) for v in vaults[start:end]]}
    if end < len(vaults):
        doc["nextLink"] = (f"{base_url}{path}?api-version={quote(req.query['api-version'])}&$top={top}"
                           f"&$skiptoken={end}")
    return json_response(doc)


def _generic_resources(store: KeyVaultStore, req: Request, sub: SubscriptionSpec) -> Response:
    flt = req.query.get("$filter")
    wanted: str | None = None
    if flt:
        m = _RESOURCE_TYPE_FILTER.match(flt)
        if not m:
            raise AzureError(400, "InvalidFilterInQueryString",
                             f"the m365gov emulator supports only \"resourceType eq '…'\" here, not {flt!r}")
        wanted = m.group(1).lower()
    vaults = [] if wanted not in (None, "microsoft.keyvault/vaults") else \
        [v for v in _vaults(store) if v.spec.subscription_id == sub.subscription_id]
    return json_response({"value": [
        {"id": v.spec.resource_id, "name": v.name, "type": "Microsoft.KeyVault/vaults", "location": v.spec.location,
         "tags": dict(v.spec.tags)} for v in sorted(vaults, key=lambda v: v.name.lower())]})


# -- role assignments and definitions --------------------------------------------------------------

def _scope_exists(store: KeyVaultStore, scope: str) -> None:
    parts = [p for p in scope.split("/") if p]
    low = [p.lower() for p in parts]
    if not parts:
        return
    if low[0] != "subscriptions" or len(parts) < 2:
        raise AzureError(400, "InvalidScope", f"The scope '{scope}' is not valid for this emulator.")
    sub = _find_subscription(store, parts[1])
    if len(parts) == 2:
        return
    if low[2] != "resourcegroups" or len(parts) < 4:
        raise AzureError(400, "InvalidScope", f"The scope '{scope}' is not valid for this emulator.")
    rg_vaults = [v for v in _vaults(store) if v.spec.subscription_id == sub.subscription_id
                 and v.spec.resource_group.lower() == low[3]]
    if not rg_vaults:
        raise AzureError(404, "ResourceGroupNotFound", f"Resource group '{parts[3]}' could not be found.")
    if len(parts) == 4:
        return
    if low[4:7] != ["providers", "microsoft.keyvault", "vaults"] or len(parts) != 8 \
            or not any(v.name.lower() == low[7] for v in rg_vaults):
        raise AzureError(404, "ResourceNotFound", f"The Resource '{scope}' was not found.")


def _assignments(store: KeyVaultStore) -> list[RoleAssignmentSpec]:
    out: list[RoleAssignmentSpec] = []
    for v in _vaults(store):
        out.extend(v.spec.role_assignments)
    return out


def assignment_resource(ra: RoleAssignmentSpec) -> dict[str, Any]:
    sub = ra.scope.split("/")[2] if ra.scope.lower().startswith("/subscriptions/") else ""
    when = _iso(ra.created)
    return {
        "properties": {
            "roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/"
                                f"{ra.role_definition}",
            "principalId": ra.principal_id, "principalType": ra.principal_type, "scope": ra.scope,
            "condition": None, "conditionVersion": None, "createdOn": when, "updatedOn": when,
            "createdBy": None, "updatedBy": None, "delegatedManagedIdentityResourceId": None, "description": None,
        },
        "id": f"{ra.scope}/providers/Microsoft.Authorization/roleAssignments/{ra.name}",
        "type": "Microsoft.Authorization/roleAssignments",
        "name": ra.name,
    }


def _authorization(store: KeyVaultStore, req: Request, path: str) -> tuple[Response, str]:
    index = path.lower().rindex("/" + AUTHORIZATION)
    scope = path[:index]
    tail = [p for p in path[index + len(AUTHORIZATION) + 1:].split("/") if p]
    kind = tail[0].lower() if tail else ""
    _scope_exists(store, scope)
    scope_l = scope.lower().rstrip("/")
    if kind == "roleassignments" and len(tail) == 1:
        at_scope = False
        principal: str | None = None
        flt = (req.query.get("$filter") or "").strip()
        if flt:
            if flt.replace(" ", "").lower() == "atscope()":
                at_scope = True
            elif (m := _PRINCIPAL_FILTER.match(flt) or _ASSIGNED_TO.match(flt)) is not None:
                principal = m.group(1).lower()
            else:
                raise AzureError(400, "UnsupportedQuery",
                                 f"the m365gov emulator supports atScope(), principalId eq '…' and assignedTo('…'), "
                                 f"not {flt!r}")
        found = []
        for ra in _assignments(store):
            rs = ra.scope.lower()
            above_or_at = scope_l == rs or scope_l.startswith(rs + "/") or not rs.strip("/")
            below = rs.startswith(scope_l + "/") or not scope_l
            if (above_or_at or (below and not at_scope)) and (principal is None or ra.principal_id == principal):
                found.append(assignment_resource(ra))
        return json_response({"value": found}), "{scope}/providers/Microsoft.Authorization/roleAssignments"
    if kind == "roleassignments" and len(tail) == 2:
        for ra in _assignments(store):
            if ra.name.lower() == tail[1].lower() and ra.scope.lower() == scope_l:
                return json_response(assignment_resource(ra)), \
                    "{scope}/providers/Microsoft.Authorization/roleAssignments/{id}"
        raise AzureError(404, "RoleAssignmentNotFound", f"The role assignment '{tail[1]}' is not found.")
    if kind == "roledefinitions" and len(tail) == 2:
        role = ROLE_DEFINITIONS.get(tail[1].lower())
        if role is None:
            raise AzureError(404, "RoleDefinitionDoesNotExist",
                             f"The specified role definition with ID '{tail[1]}' does not exist.")
        parts = scope.split("/")
        prefix = f"/subscriptions/{parts[2]}" if len(parts) > 2 else ""
        return json_response({
            "id": f"{prefix}/providers/Microsoft.Authorization/roleDefinitions/{tail[1].lower()}",
            "name": tail[1].lower(), "type": "Microsoft.Authorization/roleDefinitions",
            "properties": {"roleName": role["roleName"], "type": "BuiltInRole", "description": role["description"],
                           "assignableScopes": ["/"],
                           "permissions": [{"actions": list(role["actions"]), "notActions": [],
                                            "dataActions": list(role["dataActions"]), "notDataActions": []}],
                           "createdOn": ROLE_DATE, "updatedOn": ROLE_DATE, "createdBy": None, "updatedBy": None},
        }), "{scope}/providers/Microsoft.Authorization/roleDefinitions/{id}"
    raise _not_implemented(req)
