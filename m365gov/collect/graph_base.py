"""The common shape of a Graph collection source: one collection, every page, raw JSON."""

from __future__ import annotations

from typing import Any, ClassVar

from m365gov.collect.base import CollectContext, Source


class GraphCollectionSource(Source):
    """A source that reads one Graph collection through an msgraph request builder.

    Class attributes:
        builder_path: attribute chain on ``GraphServiceClient`` (``"users"``, ``"sites.get_all_sites"``).
        always_select: properties every view of this source relies on.
        selectable: properties a policy may add through its view (``$select`` is limited to them, so
            that a policy cannot make collection ask for something Graph would reject).
        page_size: ``$top`` (the endpoint's maximum), or ``None`` when the endpoint takes none.
    """

    builder_path: ClassVar[str]
    always_select: ClassVar[tuple[str, ...]] = ()
    selectable: ClassVar[frozenset[str]] = frozenset()
    page_size: ClassVar[int | None] = None

    def builder(self, client: Any) -> Any:
        obj = client
        for part in self.builder_path.split("."):
            obj = getattr(obj, part)
        return obj

    def select_for(self, ctx: CollectContext) -> list[str]:
        wanted = set(self.always_select) | (ctx.select.get(self.name, frozenset()) & self.selectable)
        return sorted(wanted)

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        items: list[dict[str, Any]] = []
        pages = 0
        async for page in ctx.graph.pages(
            self.builder(ctx.graph.client), select=self.select_for(ctx), top=self.page_size
        ):
            pages += 1
            value = [ctx.sharer.share(v) for v in page.get("value", [])]
            items.extend(value)
            await ctx.stream(self.name).publish(value)
            ctx.report(self.name, "items", len(value))
        return items, {"items": len(items), "pages": pages}
