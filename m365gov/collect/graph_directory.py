"""Directory sources: the organisation, its subscriptions, users and groups (graph.md §2.1–2.3, §2.6)."""

from __future__ import annotations

from m365gov.collect.graph_base import GraphCollectionSource

USER_PROPERTIES = frozenset(
    {
        "id", "userPrincipalName", "displayName", "givenName", "surname", "mail", "accountEnabled",
        "userType", "usageLocation", "preferredDataLocation", "preferredLanguage", "department",
        "jobTitle", "officeLocation", "companyName", "employeeType", "createdDateTime", "mobilePhone", "businessPhones",
        "assignedLicenses", "assignedPlans", "licenseAssignmentStates", "onPremisesSyncEnabled",
    }
)


class OrganizationSource(GraphCollectionSource):
    name = "organization"
    description = "tenant profile: country, language, verified domains (GET /organization)"
    permissions = ("Organization.Read.All",)
    builder_path = "organization"
    always_select = (
        "id", "displayName", "countryLetterCode", "preferredLanguage", "tenantType", "verifiedDomains",
        "city", "postalCode", "createdDateTime",
    )


class SubscribedSkusSource(GraphCollectionSource):
    name = "subscribedSkus"
    description = "the tenant's subscriptions and their service plans (GET /subscribedSkus)"
    permissions = ("Organization.Read.All",)
    builder_path = "subscribed_skus"
    always_select = (
        "skuId", "skuPartNumber", "capabilityStatus", "consumedUnits", "prepaidUnits", "servicePlans",
        "appliesTo",
    )


class UsersSource(GraphCollectionSource):
    name = "users"
    description = "every user with the properties the enabled policies read (GET /users, $top=999)"
    permissions = ("User.Read.All",)
    builder_path = "users"
    always_select = ("id", "userPrincipalName", "displayName", "accountEnabled", "userType", "assignedLicenses")
    selectable = USER_PROPERTIES
    page_size = 999


class GroupsSource(GraphCollectionSource):
    name = "groups"
    description = "every group with its preferred data location (GET /groups, $top=999)"
    permissions = ("Group.Read.All",)
    builder_path = "groups"
    always_select = ("id", "displayName", "groupTypes", "mailEnabled", "securityEnabled", "preferredDataLocation")
    selectable = frozenset(
        {*always_select, "visibility", "createdDateTime", "resourceProvisioningOptions", "mail", "description"}
    )
    page_size = 999
