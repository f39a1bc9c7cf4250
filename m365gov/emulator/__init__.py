"""A local stand-in for Microsoft Graph serving a generated fictional town, for tests and the demo.

There is no Microsoft 365 tenant on a developer's machine or in CI, so :class:`Emulator` serves the
subset of Graph the collectors call (``$select``, ``$top``, absolute ``@odata.nextLink`` paging,
``$filter``, ``$batch``) for a tenant built by :func:`generate_tenant`, and injects the faults real
services produce (:class:`Faults`: latency, 429 with every ``Retry-After`` form, 503, dropped
connections, 403, a withdrawn beta API, a missing meetings access policy). Besides the directory
it serves usage reports (CSV behind a 302, beta JSON), call records (generated lazily, with nested
session and participant paging), beta Teams devices and their health, online meetings and
calendars; :meth:`Tenant.inventory_csv` gives the DSI's declared equipment file. It imports
nothing from ``collect``, ``policy`` or ``views``: a stand-in sharing code with what it tests would
mirror its bugs.

Typical use::

    with Emulator(generate_tenant(seed=2026, users=350)) as emu:
        ...  # point the client at emu.graph_url with any bearer token
        emu.stats()

The Customer Key vaults are served apart, over https (Key Vault's client refuses http), by
:class:`KeyVaultEmulator` for a :class:`KeyVaultTown` from :func:`generate_keyvault_town`; see
:mod:`m365gov.emulator.keyvault_server`.
"""

from m365gov.emulator.defects import DEFECT_KINDS, RESIDENCY_KINDS, TEAMS_KINDS
from m365gov.emulator.faults import Faults, ScriptedFault
from m365gov.emulator.keyvault_records import DeleteAttempt, process_delete_attempts
from m365gov.emulator.keyvault_server import KeyVaultEmulator, VaultEndpoint
from m365gov.emulator.keyvault_town import KV_DEFECT_KINDS, KeyVaultTown, empty_vault, generate_keyvault_town
from m365gov.emulator.meetings import CouncilMeeting
from m365gov.emulator.options import EMULATOR_APP_ID, EmulatorOptions
from m365gov.emulator.protocol import Request, Response
from m365gov.emulator.routes import Context, RouteTable
from m365gov.emulator.server import Emulator, serve
from m365gov.emulator.stats import RequestRecord
from m365gov.emulator.tenant import DEFAULT_NOW, Tenant, generate_tenant
from m365gov.emulator.workspaces import COUNCIL_GROUP_ID

__all__ = [
    "COUNCIL_GROUP_ID",
    "DEFAULT_NOW",
    "DEFECT_KINDS",
    "EMULATOR_APP_ID",
    "KV_DEFECT_KINDS",
    "RESIDENCY_KINDS",
    "TEAMS_KINDS",
    "Context",
    "CouncilMeeting",
    "DeleteAttempt",
    "Emulator",
    "EmulatorOptions",
    "Faults",
    "KeyVaultEmulator",
    "KeyVaultTown",
    "Request",
    "RequestRecord",
    "Response",
    "RouteTable",
    "ScriptedFault",
    "Tenant",
    "VaultEndpoint",
    "empty_vault",
    "generate_keyvault_town",
    "generate_tenant",
    "process_delete_attempts",
    "serve",
]
