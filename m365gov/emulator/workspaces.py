"""Groups (with their members) and SharePoint sites of the fictional town.

Every Microsoft 365 group gets a team site, as in a real tenant; a few communication sites and the
root site complete ``/sites``. Microsoft 365 groups carry ``preferredDataLocation`` "FRA" (the tenant
is Multi-Geo); security groups carry none, as in Graph. The council group has a fixed id,
:data:`COUNCIL_GROUP_ID`, whatever the seed, so that a configuration file can name it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from m365gov.emulator import names
from m365gov.emulator.ids import GuidStream, stable_guid
from m365gov.emulator.people import COUNCIL_INSTALLED, TENANT_CREATED, Population
from m365gov.timeutil import to_iso

COUNCIL_GROUP_ID = stable_guid("group:conseil-municipal")
"""Id of the "Conseil municipal" group, identical for every seed and scale."""

SUBTEAM_SIZE = 40  # departments larger than this get one extra group per service of ~40 people


@dataclass
class Workspaces:
    """Groups, their member ids, and sites; ``unified``/``team_sites`` index the defect candidates."""

    groups: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, list[str]] = field(default_factory=dict)
    sites: list[dict[str, Any]] = field(default_factory=list)
    unified: list[int] = field(default_factory=list)
    team_sites: list[int] = field(default_factory=list)
    site_of_group: dict[str, int] = field(default_factory=dict)


class _Builder:
    def __init__(self, seed: int, pop: Population, now: datetime) -> None:
        self.rng = random.Random(f"m365gov-emulator:{seed}:workspaces")
        self.gids = GuidStream(seed, "groups")
        self.sids = GuidStream(seed, "sites")
        self.pop = pop
        self.now = now
        self.out = Workspaces()

    def ids(self, indexes: list[int]) -> list[str]:
        users = self.pop.users
        return [users[i]["id"] for i in indexes]

    def when(self, earliest: datetime = TENANT_CREATED) -> datetime:
        span = int((self.now - timedelta(days=30) - earliest).total_seconds())
        return earliest + timedelta(seconds=self.rng.randrange(max(span, 1)))

    def group(self, name: str, nickname: str, description: str, members: list[str], *, unified: bool = True,
              team: bool = True, visibility: str = "Private", created: datetime | None = None,
              gid: str | None = None, mail_enabled: bool | None = None) -> dict[str, Any]:
        created = created or self.when()
        mail_enabled = unified if mail_enabled is None else mail_enabled
        mail = f"{nickname}@{names.DOMAIN}" if mail_enabled else None
        group_id = gid or self.gids.next()
        group: dict[str, Any] = {
            "id": group_id,
            "classification": None,
            "createdDateTime": to_iso(created),
            "deletedDateTime": None,
            "description": description,
            "displayName": name,
            "expirationDateTime": None,
            "groupTypes": ["Unified"] if unified else [],
            "mail": mail,
            "mailEnabled": mail_enabled,
            "mailNickname": nickname,
            "membershipRule": None,
            "membershipRuleProcessingState": None,
            "onPremisesSyncEnabled": None,
            "preferredDataLocation": "FRA" if unified else None,
            "preferredLanguage": None,
            "proxyAddresses": [f"SMTP:{mail}"] if mail else [],
            "renewedDateTime": to_iso(created),
            "resourceBehaviorOptions": [],
            "resourceProvisioningOptions": ["Team"] if team else [],
            "securityEnabled": not unified,
            "theme": None,
            "visibility": visibility if unified else None,
        }
        idx = len(self.out.groups)
        self.out.groups.append(group)
        self.out.members[group_id] = members
        if unified:
            self.out.unified.append(idx)
            self.out.site_of_group[group_id] = len(self.out.sites)
            self.site(name, nickname, description, created)
        return group

    def site(self, name: str, path: str | None, description: str, created: datetime) -> dict[str, Any]:
        host = names.SHAREPOINT_HOST
        collection: dict[str, Any] = {"dataLocationCode": "FRA", "hostname": host}
        if path is None:
            collection["root"] = {}
        modified = self.now - timedelta(minutes=self.rng.randrange(60, 60 * 24 * 90))
        site = {
            "id": f"{host},{self.sids.next()},{self.sids.next()}",
            "createdDateTime": to_iso(created),
            "description": description,
            "displayName": name,
            "lastModifiedDateTime": to_iso(max(modified, created)),
            "name": path or "Intranet",
            "siteCollection": collection,
            "webUrl": f"https://{host}" + (f"/sites/{path}" if path else ""),
        }
        if path is not None:
            self.out.team_sites.append(len(self.out.sites))
        self.out.sites.append(site)
        return site


def generate_workspaces(seed: int, pop: Population, now: datetime) -> Workspaces:
    """Build the groups and sites for ``pop``; deterministic from ``seed``."""
    b = _Builder(seed, pop, now)
    b.site(f"Intranet – {names.ORGANIZATION_NAME}", None, "Site racine de l'intranet municipal", TENANT_CREATED)
    council = b.ids(pop.council)
    b.group("Conseil municipal", "conseil-municipal", "Les 33 élus du conseil municipal", council,
            gid=COUNCIL_GROUP_ID, created=datetime(2020, 7, 3, 17, 0, tzinfo=UTC))
    b.group("Bureau municipal", "bureau-municipal", "Le maire et ses adjoints",
            council[: names.COUNCIL_ADJOINTS + 1], created=COUNCIL_INSTALLED + timedelta(days=2))
    b.group("Comité de direction", "codir", "Directeurs et responsables de service", b.ids(pop.heads))
    for dept in names.DEPARTMENTS:
        members = pop.by_department.get(dept.name, [])
        b.group(f"Équipe – {dept.name}", f"equipe-{dept.nickname}", f"Espace d'équipe : {dept.name}",
                b.ids(members))
        if len(members) > SUBTEAM_SIZE * 1.5:
            for k, start in enumerate(range(0, len(members), SUBTEAM_SIZE), start=1):
                chunk = members[start:start + SUBTEAM_SIZE]
                b.group(f"{dept.name} – service {k}", f"{dept.nickname}-service-{k}",
                        f"Service {k} de la direction {dept.name}", b.ids(chunk), team=k % 2 == 1)
    b.group("Tous les agents", "tous-les-agents", "Liste de diffusion de tous les agents", b.ids(pop.staff),
            unified=False, team=False, mail_enabled=True)
    urbanisme = pop.by_department.get("Urbanisme", [])
    b.group("Projet Cœur de ville 2030", "projet-coeur-de-ville", "Revitalisation du centre-ville avec nos partenaires",
            b.ids(urbanisme + pop.heads[:2] + pop.guests[:3] + pop.council[:2]), visibility="Public")
    finances = pop.by_department.get("Finances", [])
    b.group("Commission finances", "commission-finances", "Préparation des budgets avec les élus",
            b.ids(finances[:6] + pop.council[1:6]))
    ccas = pop.by_department.get("CCAS", [])
    b.group("CCAS – Conseil d'administration", "ccas-ca", "Conseil d'administration du CCAS",
            b.ids(ccas[:1] + pop.council[6:10]), team=False)
    dsi = pop.by_department.get("DSI", [])
    b.group("SG-Administrateurs-DSI", "sg-admins-dsi", "Comptes d'administration de la DSI", b.ids(dsi),
            unified=False, team=False)
    staff = set(pop.staff)
    b.group("SG-Licences-Teams", "sg-licences-teams", "Attribution des licences Teams EEA",
            b.ids([i for i in pop.licensed if i in staff][:50]), unified=False, team=False)
    for title, path, text in (("Portail des élus", "portail-elus", "Documents des séances du conseil"),
                              ("Intranet RH", "intranet-rh", "Informations RH pour les agents"),
                              ("Archives municipales", "archives", "Fonds numérisés des archives"),
                              ("Actualités de la ville", "actualites", "Actualités internes")):
        b.site(title, path, text, b.when())
    return b.out
