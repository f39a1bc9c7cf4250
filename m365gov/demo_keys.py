"""The demo town's Customer Key setup: its key plan and the ``[keys]`` config pointing at the emulator.

Used by ``m365gov demo`` and by the tests. The plan is what the town's DSI *intends*: each DEP's
primary vault in France Central and its secondary in France South (the region the town records for
each vault, :attr:`~m365gov.emulator.keyvault_model.VaultSpec.planned_location`), RSA-HSM 3072, yearly
rolls through a rotation policy — except for SharePoint, whose DEP pins key versions, so its keys are
rolled by hand and the plan records the pinned versions. The Key Vault emulator serves what the town
*has* (``m365gov.emulator.keyvault_town``): a multi-workload pair that is right, and an Exchange
pair, a SharePoint pair and a trial DEP with defects. The plan tells the truth about where each
vault's subscription and resource group are; it is the vaults that stray from it. The connection
options are the ones any non-Azure endpoint needs: the emulator's certificate as CA file (TLS stays
verified) and no challenge-resource check (loopback only).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from m365gov.config import Config
from m365gov.emulator.names import SHAREPOINT_HOST
from m365gov.jsonio import atomic_write_text, dumps

if TYPE_CHECKING:
    from m365gov.emulator import KeyVaultEmulator, KeyVaultTown

SPO_ADMIN_URL = "https://" + SHAREPOINT_HOST.replace(".sharepoint.com", "-admin.sharepoint.com")
"""The demo tenant's SharePoint admin centre, for the ``Update-SPODataEncryptionPolicy`` instructions."""
SHAREPOINT_COMMENT = ("SharePoint pins key versions: an automatic rotation would only make a version the DEP does "
                      "not use, so these keys are rolled by hand (m365gov keys rotate), then "
                      "Update-SPODataEncryptionPolicy, one key at a time.")


def demo_key_plan(kv: KeyVaultEmulator) -> dict[str, Any]:
    """The key plan for the emulator's town, with its vault URLs, subscriptions and resource groups."""
    vaults = {v.name: v for v in kv.vaults}

    def key(planned: dict[str, Any], manual_rolls: bool) -> dict[str, Any]:
        v = vaults[planned["vault"]]
        out: dict[str, Any] = {
            "vault": {
                "name": v.name,
                "url": v.url,
                "subscriptionId": v.subscription_id,
                "resourceGroup": v.resource_group,
                "region": v.planned_location,
            },
            "keyName": planned["key"],
        }
        if planned.get("pinnedVersion"):
            out["pinnedVersion"] = planned["pinnedVersion"]
        if manual_rolls:
            out["autoRotate"] = False
        return out

    deps = []
    for dep in kv.deps():
        sharepoint = dep["kind"] == "sharepoint"
        primary, secondary = (key(k, sharepoint) for k in dep["keys"])
        entry: dict[str, Any] = {"name": dep["name"], "kind": dep["kind"]}
        if sharepoint:
            entry.update({"$comment": SHAREPOINT_COMMENT, "spoAdminUrl": SPO_ADMIN_URL})
        deps.append({**entry, "primary": primary, "secondary": secondary})
    return {
        "$comment": "Demo town key plan, written by m365gov demo for the local Key Vault emulator.",
        "defaults": {"keyType": "RSA-HSM", "keySize": 3072, "rotationDays": 365, "autoRotate": True,
                     "tags": {"usage": "customer-key", "owner": "dsi"}},
        "dataEncryptionPolicies": deps,
    }


def demo_keys_config(kv: KeyVaultEmulator, out_dir: Path) -> dict[str, Any]:
    """Write the demo key plan under ``out_dir`` and return the ``[keys]`` config section for it."""
    plan_path = out_dir / "key-plan.json"
    atomic_write_text(plan_path, dumps(demo_key_plan(kv)))
    return {
        "plan": str(plan_path),
        "backup_dir": str(out_dir / "keys" / "backups"),
        "journal": str(out_dir / "keys" / "journal.jsonl"),
        "ca_file": str(kv.cert_path),
        "verify_challenge_resource": False,
        "retry_total": 1,
        "management": {"endpoint": kv.management_url},
    }


def demo_config_toml(tenant_id: str, graph_url: str, keys: dict[str, Any]) -> str:
    """A whole ``m365gov.toml`` for the emulators (tests run the CLI with it)."""
    mgmt = keys["management"]["endpoint"]
    lines = [
        f'tenant_id = "{tenant_id}"',
        "[graph]", f'endpoint = "{graph_url}"',
        "[auth]", 'mode = "emulator"',
        "[keys]",
        *(f'{k} = "{v}"' for k, v in keys.items() if isinstance(v, str)),
        f"verify_challenge_resource = {str(keys['verify_challenge_resource']).lower()}",
        f"retry_total = {keys['retry_total']}",
        "[keys.management]", f'endpoint = "{mgmt}"',
    ]
    return "\n".join(lines) + "\n"


def take_demo_backups(config: Config, credential: Any, town: KeyVaultTown) -> None:
    """Back up the keys the town's DSI backed up: every existing planned key but the ones the town's
    ``missing_backup`` defects name (the Exchange keys, and the SharePoint version rolled by hand).
    Idempotent: a version already backed up and verified is not backed up again, so that every demo
    run shows the same verdicts."""
    from m365gov.keys.session import backup_actions, backup_keys, observe

    skipped = {(str(d["vault"]).lower(), str(d["key"]).lower()) for d in town.defects if d["kind"] == "missing_backup"}
    state = observe(config, credential)
    actions = [a for a in backup_actions(state) if (a.key.vault.name.lower(), a.key.name.lower()) not in skipped]
    if actions:
        backup_keys(config, credential, actions)
