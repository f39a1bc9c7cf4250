"""Key sources that read local files, not the network: the key plan and the backups on file.

The plan goes into the snapshot so that views can join keys to their DEP and pair, and so that an
old snapshot re-evaluates offline exactly as it did. The backup manifest is checked file by file
(present, SHA-256 equal) so that a policy can ask for "a verified backup of the current version".
"""

from __future__ import annotations

from typing import Any

from m365gov.collect.base import CollectContext, Source
from m365gov.collect.keyvault import key_plan
from m365gov.config import Config
from m365gov.keys.backup import MANIFEST, backups_on_file

_NO_PLAN = "no key plan configured ([keys] plan in the config file)"


class KeyPlanSource(Source):
    name = "keyPlan"
    description = "the desired state of the Customer Key keys (the key plan file; no network)"
    permissions = ()

    def not_configured(self, config: Config) -> str | None:
        return _NO_PLAN if config.keys.plan is None else None

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        plan = key_plan(ctx)
        return plan.to_json(), {"items": len(plan.deps), "keys": len(plan.keys)}


class KeyBackupsSource(Source):
    name = "keyBackups"
    description = "key backups on file: the manifest, each file's presence and SHA-256 (no network)"
    permissions = ()

    def not_configured(self, config: Config) -> str | None:
        return _NO_PLAN if config.keys.plan is None else None

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        directory = ctx.config.keys.backup_dir
        entries = backups_on_file(directory)
        data = {"manifest": str(directory / MANIFEST), "backups": entries}
        return data, {"items": len(entries), "unverified": sum(1 for e in entries if not e["verified"])}
