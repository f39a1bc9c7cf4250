"""The endpoint families the emulator serves, in matching order.

Adding a family (usage reports, call records, Teams devices, online meetings, Key Vault…) is one
module with a :class:`~m365gov.emulator.routes.RouteTable` and one line here.
"""

from __future__ import annotations

from m365gov.emulator.routes import RouteTable


def default_tables() -> tuple[RouteTable, ...]:
    """Route tables of every implemented family (imported here, lazily, to keep imports acyclic)."""
    from m365gov.emulator import (
        batch,
        callrecords,
        control,
        devices,
        graph,
        keyvault_graph,
        online_meetings,
        reports,
    )

    return (
        control.ROUTES,
        graph.ROUTES,
        reports.ROUTES,
        callrecords.ROUTES,
        devices.ROUTES,
        online_meetings.ROUTES,
        keyvault_graph.ROUTES,
        batch.ROUTES,
    )
