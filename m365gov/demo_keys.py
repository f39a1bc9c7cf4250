"""The demo town's Customer Key setup: its key plan and the ``[keys]`` config pointing at the emulator.

Used by ``m365gov demo`` and by the tests. The plan is what the town's DSI *intends* (one vault of
each pair in France Central, the other in France South, RSA-HSM 3072, yearly rolls); the Key Vault
emulator serves what the town *has*: a multi-workload pair that is right and an Exchange pair with
defects (``m365gov.emulator.keyvault_town``). The connection options are the ones any non-Azure
endpoint needs: the emulator's certificate as CA file (TLS stays verified) and no challenge-resource
check (loopback only).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from m365gov.config import Config
from m365gov.jsonio import atomic_write_text, dumps

if TYPE_CHECKING:
    from m365gov.emulator import KeyVaultEmulator

DEMO_REGIONS = {"A1": "francecentral", "A2": "francesouth"}


def demo_key_plan(kv: KeyVaultEmulator) -> dict[str, Any]:
    """The key plan for the emulator's town, with its vault URLs, subscriptions and resource groups."""
    vaults = {v.name: v for v in kv.vaults}

    def key(vault_name: str, key_name: str) -> dict[str, Any]:
        v = vaults[vault_name]
        return {
            "vault": {
                "name": v.name,
                "url": v.url,
                "subscriptionId": v.subscription_id,
                "resourceGroup": v.resource_group,
                "region": DEMO_REGIONS[v.name[-2:]],
            },
            "keyName": key_name,
        }

    deps = []
    for dep in kv.deps():
        primary, secondary = dep["keys"]
        deps.append({
            "name": dep["name"],
            "kind": dep["kind"],
            "primary": key(primary["vault"], primary["key"]),
            "secondary": key(secondary["vault"], secondary["key"]),
        })
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


def take_demo_backups(config: Config, credential: Any) -> None:
    """Back up the multi-workload keys (the right pair), as the town's DSI did; the Exchange ones stay
    without backup. Idempotent: a version already backed up and verified is not backed up again, so
    that every demo run shows the same verdicts."""
    from m365gov.keys.session import backup_actions, backup_keys, observe

    state = observe(config, credential)
    actions = [a for a in backup_actions(state) if a.key.dep_kind == "multiWorkload"]
    if actions:
        backup_keys(config, credential, actions)
