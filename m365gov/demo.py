"""``m365gov demo``: the whole pipeline on a generated town, with nothing to configure.

The demo starts the emulators on free loopback ports — Graph over http, the Key Vault data plane and
Azure Resource Manager over https with a certificate made for the run — and points the *real*
msgraph-sdk, azure-keyvault-keys and azure-mgmt-keyvault at them with a static test credential, so
the code that runs is the code a real tenant gets. It writes the town's key plan into the output
directory and configures ``[keys]`` with the emulator's certificate as CA file (TLS stays verified).
Before collecting, it backs up the multi-workload keys as the town's DSI would have, so that the
backup policy shows both outcomes. The town has defects on purpose; the demo is a showcase, not a
CI gate, and always exits 0.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from m365gov.auth import StaticTestCredential
from m365gov.config import config_from_mapping
from m365gov.jsonio import atomic_write_text
from m365gov.pipeline import audit_snapshot, collect_snapshot, compile_policies
from m365gov.progress import collection_progress
from m365gov.render import RENDERERS, RenderOptions
from m365gov.results import Results
from m365gov.snapshot import write_snapshot


@dataclass(frozen=True)
class DemoOutcome:
    """What the demo did: its results, the files written, and what collection cost."""

    results: Results
    files: tuple[Path, ...]
    requests: int
    collect_seconds: float


def run_demo(
    output_dir: Path,
    *,
    users: int = 350,
    seed: int = 2026,
    lang: str = "en",
    color: bool = False,
    out: TextIO | None = None,
) -> DemoOutcome:
    """Generate the town, serve it, collect, evaluate, print the report and write the files."""
    from m365gov.demo_keys import demo_keys_config, take_demo_backups
    from m365gov.emulator import Emulator, KeyVaultEmulator, generate_tenant

    stream = out or sys.stdout
    started = time.monotonic()
    tenant = generate_tenant(seed=seed, users=users)
    policies = compile_policies(None)
    output_dir.mkdir(parents=True, exist_ok=True)
    with Emulator(tenant) as emu, KeyVaultEmulator(tenant=tenant) as kv:
        config = config_from_mapping(
            {
                "tenant_id": tenant.tenant_id,
                "graph": {"endpoint": emu.graph_url},
                "auth": {"mode": "emulator"},
                "keys": demo_keys_config(kv, output_dir),
            }
        )
        take_demo_backups(config, StaticTestCredential())
        with collection_progress() as hook:
            collection = collect_snapshot(config, StaticTestCredential(), policies, progress=hook)
        never = (len(kv.delete_attempts), len(kv.expiry_writes), len(kv.property_updates))
    results = audit_snapshot(collection.snapshot, policies)
    doc = results.to_json()
    snapshot_path = output_dir / "snapshot.json"
    results_path = output_dir / "results.json"
    write_snapshot(collection.snapshot, snapshot_path)
    atomic_write_text(results_path, RENDERERS["json"].render(doc, RenderOptions(lang=lang)))
    stream.write(RENDERERS["terminal"].render(doc, RenderOptions(lang=lang, color=color)))
    stream.write(
        "\n"
        f"Demo town: {users} users (seed {seed}), collected through msgraph-sdk from the local emulator "
        f"in {collection.elapsed:.1f} s ({collection.stats.requests} requests); whole demo "
        f"{time.monotonic() - started:.1f} s.\n"
        "The failures above are seeded on purpose: the demo always exits 0 and is not a CI gate.\n"
        f"Customer Key: the town's key plan is {config.keys.plan}; its vaults were read through "
        "azure-keyvault-keys and azure-mgmt-keyvault from the local Key Vault stand-in, which recorded "
        f"{never[0]} DELETE, {never[1]} expiry and {never[2]} key-property writes from m365gov.\n"
        f"Written: {snapshot_path}, {results_path}\n"
        f"Re-evaluate offline: m365gov audit --snapshot {snapshot_path} --format json\n"
    )
    return DemoOutcome(results, (snapshot_path, results_path), collection.stats.requests, collection.elapsed)
