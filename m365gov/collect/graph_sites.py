"""SharePoint sites and their geo (graph.md §2.3): ``siteCollection.dataLocationCode``."""

from __future__ import annotations

from m365gov.collect.graph_base import GraphCollectionSource


class SitesSource(GraphCollectionSource):
    """All sites across geographies (``GET /sites/getAllSites()``, v1.0).

    ``dataLocationCode`` is only present in Multi-Geo tenants; its absence elsewhere is expected,
    which the residency policies handle with ``applicableIf``.
    """

    name = "sites"
    description = "every site collection with its data location (GET /sites/getAllSites())"
    permissions = ("Sites.Read.All",)
    builder_path = "sites.get_all_sites"
    always_select = ("id", "displayName", "name", "webUrl", "siteCollection", "createdDateTime")
    page_size = 999
