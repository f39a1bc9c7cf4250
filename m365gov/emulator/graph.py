"""Graph directory, SharePoint and Teams endpoints used by the residency and Teams collectors.

Shapes follow Microsoft's documentation (``shared/reference/graph.md``), not any collector: users
without ``$select`` carry only Graph's default property set; ``/organization`` is a collection of
one; beta ``/organization`` adds ``isMultipleDataLocationsForServicesEnabled``; group members are
directory objects stamped with ``@odata.type``.
"""

from __future__ import annotations

from typing import Any

from m365gov.emulator.filters import GROUP_FILTERS, NO_FILTERS, SITE_FILTERS, USER_FILTERS
from m365gov.emulator.odata import EntitySet, PageCache, check_options, entity, page
from m365gov.emulator.protocol import Response, not_found
from m365gov.emulator.routes import Context, EmulatorState, RouteTable

ROUTES = RouteTable("graph")

USER_DEFAULT_SELECT = ("businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
                       "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id")
USER_PROPERTIES = frozenset((
    "aboutMe", "accountEnabled", "ageGroup", "assignedLicenses", "assignedPlans", "birthday", "businessPhones",
    "city", "companyName", "consentProvidedForMinor", "country", "createdDateTime", "creationType",
    "deletedDateTime", "department", "displayName", "employeeHireDate", "employeeId", "employeeLeaveDateTime",
    "employeeType", "externalUserState", "externalUserStateChangeDateTime", "faxNumber", "givenName", "hireDate",
    "id", "identities", "imAddresses", "interests", "isResourceAccount", "jobTitle", "lastPasswordChangeDateTime",
    "legalAgeGroupClassification", "licenseAssignmentStates", "mail", "mailNickname", "mobilePhone", "mySite",
    "officeLocation", "onPremisesDistinguishedName", "onPremisesDomainName", "onPremisesImmutableId",
    "onPremisesLastSyncDateTime", "onPremisesSamAccountName", "onPremisesSecurityIdentifier",
    "onPremisesSyncEnabled", "onPremisesUserPrincipalName", "otherMails", "passwordPolicies", "pastProjects",
    "postalCode", "preferredDataLocation", "preferredLanguage", "preferredName", "provisionedPlans",
    "proxyAddresses", "responsibilities", "schools", "securityIdentifier", "showInAddressList", "signInActivity",
    "signInSessionsValidFromDateTime", "skills", "state", "streetAddress", "surname", "usageLocation",
    "userPrincipalName", "userType",
))
USER_COLLECTIONS = frozenset((
    "assignedLicenses", "assignedPlans", "businessPhones", "identities", "imAddresses", "interests",
    "licenseAssignmentStates", "otherMails", "pastProjects", "provisionedPlans", "proxyAddresses",
    "responsibilities", "schools", "skills",
))
GROUP_PROPERTIES = frozenset((
    "allowExternalSenders", "assignedLabels", "assignedLicenses", "autoSubscribeNewMembers", "classification",
    "createdDateTime", "deletedDateTime", "description", "displayName", "expirationDateTime", "groupTypes",
    "hasMembersWithLicenseErrors", "hideFromAddressLists", "hideFromOutlookClients", "id", "isArchived",
    "isAssignableToRole", "isSubscribedByMail", "licenseProcessingState", "mail", "mailEnabled", "mailNickname",
    "membershipRule", "membershipRuleProcessingState", "onPremisesDomainName", "onPremisesLastSyncDateTime",
    "onPremisesNetBiosName", "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled",
    "preferredDataLocation", "preferredLanguage", "proxyAddresses", "renewedDateTime", "resourceBehaviorOptions",
    "resourceProvisioningOptions", "securityEnabled", "securityIdentifier", "theme", "unseenCount", "visibility",
))
SITE_PROPERTIES = frozenset((
    "createdDateTime", "description", "displayName", "eTag", "id", "isPersonalSite", "lastModifiedDateTime",
    "name", "root", "sharepointIds", "siteCollection", "webUrl",
))
SKU_PROPERTIES = frozenset((
    "accountId", "accountName", "appliesTo", "capabilityStatus", "consumedUnits", "id", "prepaidUnits",
    "servicePlans", "skuId", "skuPartNumber", "subscriptionIds",
))


def _cache(state: EmulatorState) -> PageCache:
    return state.memo("page-cache", PageCache)


def _users(state: EmulatorState) -> EntitySet:
    return state.memo("set:users", lambda: EntitySet(
        "users", "users", "microsoft.graph.user", state.tenant.users, USER_PROPERTIES, USER_DEFAULT_SELECT,
        USER_FILTERS, collections=USER_COLLECTIONS))


def _groups(state: EmulatorState) -> EntitySet:
    return state.memo("set:groups", lambda: EntitySet(
        "groups", "groups", "microsoft.graph.group", state.tenant.groups, GROUP_PROPERTIES, None, GROUP_FILTERS))


def _sites(state: EmulatorState) -> EntitySet:
    return state.memo("set:sites", lambda: EntitySet(
        "sites", "sites", "microsoft.graph.site", state.tenant.sites, SITE_PROPERTIES, None, SITE_FILTERS))


def _by_id(state: EmulatorState, kind: str, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return state.memo(f"index:{kind}", lambda: {i["id"].lower(): i for i in items})


# -- organization ---------------------------------------------------------------------------------
@ROUTES.get("/v1.0/organization")
def organization(ctx: Context) -> Response:
    es = ctx.state.memo("set:organization", lambda: EntitySet(
        "organization", "organization", "microsoft.graph.organization", [ctx.tenant.organization],
        frozenset(ctx.tenant.organization)))
    return page(ctx, es, _cache(ctx.state), supported=("select",))


@ROUTES.get("/beta/organization")
def organization_beta(ctx: Context) -> Response:
    org = {**ctx.tenant.organization, **ctx.tenant.organization_beta}
    es = ctx.state.memo("set:organization-beta", lambda: EntitySet(
        "organization-beta", "organization", "microsoft.graph.organization", [org], frozenset(org)))
    return page(ctx, es, _cache(ctx.state), supported=("select",))


@ROUTES.get("/v1.0/organization/{org_id}")
def organization_item(ctx: Context) -> Response:
    org = ctx.tenant.organization
    if ctx.params["org_id"].lower() != org["id"]:
        raise not_found(ctx.params["org_id"])
    es = EntitySet("organization", "organization", "microsoft.graph.organization", [org], frozenset(org))
    return entity(ctx, es, org)


# -- users ----------------------------------------------------------------------------------------
@ROUTES.get("/v1.0/users")
def users(ctx: Context) -> Response:
    return page(ctx, _users(ctx.state), _cache(ctx.state))


def _user(ctx: Context) -> dict[str, Any]:
    key = ctx.params["user_id"]
    user = ctx.tenant.user(key)
    if user is None:
        raise not_found(key)
    return user


@ROUTES.get("/v1.0/users/{user_id}")
def user(ctx: Context) -> Response:
    return entity(ctx, _users(ctx.state), _user(ctx))


@ROUTES.get("/v1.0/users/{user_id}/teamwork")
def user_teamwork(ctx: Context) -> Response:
    u = _user(ctx)
    item = ctx.tenant.user_teamwork[u["id"]]
    es = EntitySet("userTeamwork", "userTeamwork", "microsoft.graph.userTeamwork", [item],
                   frozenset(("id", "locale", "region")))
    return entity(ctx, es, item, fragment=f"users('{u['id']}')/teamwork")


# -- groups ---------------------------------------------------------------------------------------
@ROUTES.get("/v1.0/groups")
def groups(ctx: Context) -> Response:
    return page(ctx, _groups(ctx.state), _cache(ctx.state))


def _group(ctx: Context) -> dict[str, Any]:
    key = ctx.params["group_id"]
    group = _by_id(ctx.state, "groups", ctx.tenant.groups).get(key.lower())
    if group is None:
        raise not_found(key)
    return group


@ROUTES.get("/v1.0/groups/{group_id}")
def group(ctx: Context) -> Response:
    return entity(ctx, _groups(ctx.state), _group(ctx))


@ROUTES.get("/v1.0/groups/{group_id}/members")
def group_members(ctx: Context) -> Response:
    gid = _group(ctx)["id"]

    def build() -> EntitySet:
        tenant = ctx.tenant
        members = [u for u in (tenant.user(i) for i in tenant.group_members.get(gid, [])) if u is not None]
        return EntitySet(f"members:{gid}", "directoryObjects", "microsoft.graph.directoryObject", members,
                         USER_PROPERTIES, USER_DEFAULT_SELECT, NO_FILTERS, "#microsoft.graph.user",
                         collections=USER_COLLECTIONS)
    return page(ctx, ctx.state.memo(f"set:members:{gid}", build), _cache(ctx.state))


# -- sites ----------------------------------------------------------------------------------------
@ROUTES.get("/v1.0/sites/root")
def site_root(ctx: Context) -> Response:
    return entity(ctx, _sites(ctx.state), ctx.tenant.root_site)


def _site_list(ctx: Context) -> Response:
    search = ctx.request.query.get("search")
    if search is None:
        return page(ctx, _sites(ctx.state), _cache(ctx.state))
    needle = search.strip().strip('"').casefold()

    def matches(site: Any) -> bool:
        if needle in ("", "*"):
            return True
        return any(needle in str(site.get(k) or "").casefold() for k in ("displayName", "name", "webUrl"))
    return page(ctx, _sites(ctx.state), _cache(ctx.state), extra=matches, extra_key=f"search={needle}",
                supported=("select", "top", "filter", "skiptoken", "count", "search"))


@ROUTES.get("/v1.0/sites/getAllSites()")
def sites_all(ctx: Context) -> Response:
    return _site_list(ctx)


@ROUTES.get("/v1.0/sites")
def sites(ctx: Context) -> Response:
    return _site_list(ctx)


@ROUTES.get("/v1.0/sites/{site_id}")
def site(ctx: Context) -> Response:
    key = ctx.params["site_id"]
    found = _by_id(ctx.state, "sites", ctx.tenant.sites).get(key.lower())
    if found is None:
        raise not_found(key)
    return entity(ctx, _sites(ctx.state), found)


# -- licences, Teams, report settings -------------------------------------------------------------
@ROUTES.get("/v1.0/subscribedSkus")
def subscribed_skus(ctx: Context) -> Response:
    es = ctx.state.memo("set:skus", lambda: EntitySet(
        "subscribedSkus", "subscribedSkus", "microsoft.graph.subscribedSku", ctx.tenant.subscribed_skus,
        SKU_PROPERTIES, default_top=999))
    return page(ctx, es, _cache(ctx.state), supported=("select",))


@ROUTES.get("/v1.0/teamwork")
def teamwork(ctx: Context) -> Response:
    item = ctx.tenant.teamwork
    es = EntitySet("teamwork", "teamwork", "microsoft.graph.teamwork", [item], frozenset(item))
    return entity(ctx, es, item)


@ROUTES.get("/v1.0/admin/reportSettings")
def report_settings(ctx: Context) -> Response:
    item = ctx.tenant.report_settings
    es = EntitySet("reportSettings", "admin/reportSettings", "microsoft.graph.adminReportSettings", [item],
                   frozenset(item))
    check_options(ctx.request, ("select",))
    return entity(ctx, es, item)
