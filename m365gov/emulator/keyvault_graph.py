"""Graph ``servicePrincipals`` for the Microsoft 365 applications that Customer Key vaults must trust.

Access policies and role assignments name principals by *object* id, which is tenant-specific,
while Customer Key documents the first-party *application* ids (customer-key.md §1.4). A collector
resolves them with ``GET /v1.0/servicePrincipals?$filter=appId in ('…')`` (or ``eq``), or
``GET /v1.0/servicePrincipals(appId='…')``; this module serves those, for the object ids that
:func:`~m365gov.emulator.keyvault_town.generate_keyvault_town` gives the same seed, plus the Azure Key
Vault and Microsoft Graph principals every tenant also has.
"""

from __future__ import annotations

from typing import Any

from m365gov.emulator.filters import EQ, TEXT, FilterField, FilterSchema
from m365gov.emulator.ids import GuidStream
from m365gov.emulator.keyvault_town import generate_keyvault_town
from m365gov.emulator.odata import EntitySet, PageCache, entity, page
from m365gov.emulator.protocol import Response, not_found
from m365gov.emulator.routes import Context, EmulatorState, RouteTable

ROUTES = RouteTable("servicePrincipals")

MICROSOFT_SERVICES_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
OTHER_FIRST_PARTY = {
    "cfa8b339-82a2-471a-a3c9-0fc0be7a4093": "Azure Key Vault",
    "00000003-0000-0000-c000-000000000000": "Microsoft Graph",
}
SERVICE_PRINCIPAL_PROPERTIES = frozenset((
    "id", "accountEnabled", "appDisplayName", "appId", "appOwnerOrganizationId", "displayName",
    "servicePrincipalNames", "servicePrincipalType", "signInAudience", "tags",
))
SERVICE_PRINCIPAL_FILTERS = FilterSchema("ServicePrincipal", fields={
    "id": FilterField("guid", EQ),
    "appId": FilterField("guid", EQ),
    "displayName": FilterField("string", TEXT),
    "servicePrincipalType": FilterField("string", EQ),
    "accountEnabled": FilterField("bool", frozenset(("eq", "ne"))),
})


def service_principals(state: EmulatorState) -> list[dict[str, Any]]:
    def build() -> list[dict[str, Any]]:
        town = generate_keyvault_town(state.tenant)
        found = [(sp["appId"], sp["displayName"], sp["id"]) for sp in town.service_principals.values()]
        extra = GuidStream(state.tenant.seed, "keyvault-other-service-principals")
        found += [(app_id, name, extra.next()) for app_id, name in OTHER_FIRST_PARTY.items()]
        return [{"id": oid, "accountEnabled": True, "appDisplayName": name, "appId": app_id,
                 "appOwnerOrganizationId": MICROSOFT_SERVICES_TENANT, "displayName": name,
                 "servicePrincipalNames": [app_id], "servicePrincipalType": "Application",
                 "signInAudience": "AzureADMultipleOrgs", "tags": []} for app_id, name, oid in found]
    return state.memo("keyvault:service-principals", build)


def _set(state: EmulatorState) -> EntitySet:
    items = service_principals(state)  # outside the next memo: EmulatorState.memo's lock is not reentrant
    return state.memo("set:servicePrincipals", lambda: EntitySet(
        "servicePrincipals", "servicePrincipals", "microsoft.graph.servicePrincipal", items,
        SERVICE_PRINCIPAL_PROPERTIES, None, SERVICE_PRINCIPAL_FILTERS))


@ROUTES.get("/v1.0/servicePrincipals")
def list_service_principals(ctx: Context) -> Response:
    return page(ctx, _set(ctx.state), ctx.state.memo("page-cache", PageCache))


@ROUTES.get("/v1.0/servicePrincipals(appId='{app_id}')")
def service_principal_by_app_id(ctx: Context) -> Response:
    app_id = ctx.params["app_id"].lower()
    found = next((sp for sp in service_principals(ctx.state) if sp["appId"] == app_id), None)
    if found is None:
        raise not_found(app_id)
    return entity(ctx, _set(ctx.state), found)


@ROUTES.get("/v1.0/servicePrincipals/{sp_id}")
def service_principal(ctx: Context) -> Response:
    key = ctx.params["sp_id"].lower()
    found = next((sp for sp in service_principals(ctx.state) if sp["id"] == key), None)
    if found is None:
        raise not_found(key)
    return entity(ctx, _set(ctx.state), found)
