"""Which KEY-* findings the Key Vault town's seeded defects must fail, derived from ``town.defects``.

The emulator computes its defect records from the vaults it serves, by Customer Key's rules written
independently of m365gov's policies; these tests hold the policies to those records, so a defect
the audit misses, or a failure no defect explains, is caught without hard-coded counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from m365gov.emulator import KeyVaultTown

POLICIES_OF_DEFECT: Mapping[str, tuple[str, ...]] = {
    "missing_key": ("KEY-001",),
    "broad_permission": ("KEY-019",),
    "same_region": ("KEY-013",),
    "standard_sku": ("KEY-017",),
    "purge_protection_off": ("KEY-015",),
    "recovery_level": ("KEY-002",),
    "software_key": ("KEY-003",),
    "key_size": ("KEY-004",),
    "key_expiry": ("KEY-007",),
    "firewall_open": ("KEY-020",),
    "region_not_planned": ("KEY-014",),
    "roll_overdue": ("KEY-008",),
    "missing_backup": ("KEY-010",),
    "key_ops": ("KEY-005",),
    "pinned_not_current": ("KEY-021",),
    "service_principal_access": ("KEY-018",),
    "same_subscription": ("KEY-012",),
    "soft_delete_retention": ("KEY-016",),
    "recoverable_days": ("KEY-002",),
    "rotation_policy_expiry": ("KEY-009",),
    "same_vault": ("KEY-011", "KEY-012", "KEY-013"),  # one vault: one subscription and one region too
    "key_disabled": ("KEY-006",),
}


def resource_id(town: KeyVaultTown, defect: Mapping[str, Any]) -> str:
    """The id of the finding a defect shows in: ``vault/key``, the vault, or the DEP of a pair."""
    if defect["resource"] == "key":
        return f"{defect['vault']}/{defect['key']}"
    if defect["resource"] == "vaultPair":
        return next(d.name for d in town.deps if defect["vault"] in d.vaults)
    return str(defect["vault"])


def expected_failures(town: KeyVaultTown, *, backups_taken: bool = True) -> set[tuple[str, str]]:
    """``(policy, resource id)`` of every KEY-* failure the town's defects explain.

    ``backups_taken`` false: nobody backed anything up (the demo does, the bare emulator does not),
    so every existing key fails KEY-010 whatever ``missing_backup`` says.
    """
    out = {(policy, resource_id(town, d)) for d in town.defects for policy in POLICIES_OF_DEFECT[d["kind"]]
           if backups_taken or d["kind"] != "missing_backup"}
    if not backups_taken:
        out |= {("KEY-010", f"{v.name}/{k.name}") for v in town.vaults for k in v.keys}
    return out
