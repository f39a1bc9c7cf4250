"""Every collect source, by name. Adding a source is adding a module and a line here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from m365gov.collect.base import Source
from m365gov.collect.graph_callrecords import CallRecordsSource
from m365gov.collect.graph_council import CouncilMembersSource
from m365gov.collect.graph_devices import TeamworkDevicesSource
from m365gov.collect.graph_directory import (
    GroupsSource,
    OrganizationSource,
    SubscribedSkusSource,
    UsersSource,
)
from m365gov.collect.graph_reports import ReportSettingsSource, TeamsDeviceUsageSource, TeamsUserActivitySource
from m365gov.collect.graph_service_principals import ServicePrincipalsSource
from m365gov.collect.graph_sites import SitesSource
from m365gov.collect.graph_teamwork import TeamworkSource, UserTeamworkSource
from m365gov.collect.inventory import InventorySource
from m365gov.collect.key_files import KeyBackupsSource, KeyPlanSource
from m365gov.collect.keyvault import KeyVaultKeysSource
from m365gov.collect.keyvault_arm import KeyVaultPropertiesSource

SOURCES: Mapping[str, Source] = {
    s.name: s
    for s in (
        OrganizationSource(),
        SubscribedSkusSource(),
        UsersSource(),
        GroupsSource(),
        SitesSource(),
        TeamworkSource(),
        UserTeamworkSource(),
        ReportSettingsSource(),
        TeamsUserActivitySource(),
        TeamsDeviceUsageSource(),
        CallRecordsSource(),
        TeamworkDevicesSource(),
        CouncilMembersSource(),
        InventorySource(),
        KeyPlanSource(),
        KeyVaultKeysSource(),
        KeyVaultPropertiesSource(),
        KeyBackupsSource(),
        ServicePrincipalsSource(),
    )
}


def with_dependencies(names: Iterable[str]) -> list[str]:
    """The named sources plus everything they depend on, in a stable order."""
    wanted: set[str] = set()
    stack = [n for n in names if n in SOURCES]
    while stack:
        name = stack.pop()
        if name in wanted:
            continue
        wanted.add(name)
        stack.extend(SOURCES[name].depends_on)
    return [n for n in SOURCES if n in wanted]
