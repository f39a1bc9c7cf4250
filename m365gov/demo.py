"""``m365gov demo``: the whole pipeline on a generated town, with nothing to configure.

The demo starts the emulators on free loopback ports — Graph over http, the Key Vault data plane and
Azure Resource Manager over https with a certificate made for the run — and points the *real*
msgraph-sdk, azure-keyvault-keys and azure-mgmt-keyvault at them with a static test credential, so
the code that runs is the code a real tenant gets. It writes the town's key plan into the output
directory and configures ``[keys]`` with the emulator's certificate as CA file (TLS stays verified).
Before collecting, it backs up the keys the town's DSI backed up (all but those its ``missing_backup``
defects name), so that the backup policy shows both outcomes. The town has defects on purpose; the
demo is a showcase, not a CI gate, and always exits 0.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from m365gov.auth import StaticTestCredential
from m365gov.config import config_from_mapping
from m365gov.jsonio import atomic_write_text
from m365gov.pipeline import audit_snapshot, collect_snapshot, compile_policies, record_history
from m365gov.progress import collection_progress
from m365gov.render import RENDERERS, REPORT_FORMATS, RenderOptions
from m365gov.render.write import write_reports
from m365gov.results import Results
from m365gov.snapshot import write_snapshot

INVENTORY_FILE = "inventaire-equipements.csv"
"""The demo town's declared equipment inventory, written beside the reports and configured."""


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
    as_of: datetime | None = None,
    history_dir: Path | None = None,
    lang: str = "en",
    color: bool = False,
    out: TextIO | None = None,
    fix: Sequence[str] = (),
    extra_defects: Sequence[str] = (),
) -> DemoOutcome:
    """Generate the town, serve it, collect, evaluate, print the report and write every format.

    ``as_of`` moves the town's "now" (and so its calls and usage reports) and the end of the
    collection windows together: two demos at different dates make a trend. ``history_dir`` keeps
    each run's adoption and readiness for ``m365gov trend``. ``fix`` (defect kinds repaired) and
    ``extra_defects`` (kinds with one more broken resource) make the variants of the same town that
    drift is shown and tested on: everything else is identical (see :mod:`m365gov.emulator.defects`).
    Unknown kinds raise :class:`ValueError`. The Customer Key vaults are served beside Graph.
    """
    from m365gov.demo_council import demo_council_config, run_demo_checklist, write_demo_council_files
    from m365gov.demo_keys import demo_keys_config, take_demo_backups
    from m365gov.emulator import Emulator, KeyVaultEmulator, generate_tenant

    stream = out or sys.stdout
    started = time.monotonic()
    tenant = generate_tenant(seed=seed, users=users, now=as_of, fix=tuple(fix), extra_defects=tuple(extra_defects))
    policies = compile_policies(None)
    output_dir.mkdir(parents=True, exist_ok=True)
    inventory_path = output_dir / INVENTORY_FILE
    atomic_write_text(inventory_path, tenant.inventory_csv())
    proxies_path, declarations_path = write_demo_council_files(tenant, output_dir)
    with Emulator(tenant) as emu, KeyVaultEmulator(tenant=tenant) as kv:
        config = config_from_mapping(
            {
                "tenant_id": tenant.tenant_id,
                "graph": {"endpoint": emu.graph_url},
                "auth": {"mode": "emulator"},
                "reports": {"period": "D30"},
                "inventory": {"csv": str(inventory_path.resolve())},
                "council": demo_council_config(tenant, proxies_path, declarations_path),
                **({"history": {"dir": str(history_dir.resolve())}} if history_dir is not None else {}),
                "keys": demo_keys_config(kv, output_dir),
            }
        )
        take_demo_backups(config, StaticTestCredential(), kv.town)
        with collection_progress() as hook:
            collection = collect_snapshot(config, StaticTestCredential(), policies, as_of=tenant.now, progress=hook)
        never = (len(kv.delete_attempts), len(kv.expiry_writes), len(kv.property_updates))
        council, council_files = run_demo_checklist(config, StaticTestCredential(), tenant, collection.snapshot,
                                                    output_dir)
    results = audit_snapshot(collection.snapshot, policies, history_dir=config.history_dir)
    doc = results.to_json()
    snapshot_path = output_dir / "snapshot.json"
    write_snapshot(collection.snapshot, snapshot_path)
    reports = write_reports(doc, REPORT_FORMATS, output_dir, RenderOptions(lang=lang))
    results_path = output_dir / RENDERERS["json"].filename
    files = [inventory_path, snapshot_path, *reports, proxies_path, declarations_path, *council_files]
    if config.history_dir is not None:
        files.append(record_history(config.history_dir, results))
    stream.write(RENDERERS["terminal"].render(doc, RenderOptions(lang=lang, color=color)))
    calls = collection.snapshot.sources.get("callRecords")
    cost = ""
    if calls is not None and calls.ok:
        c = calls.counts
        cost = (
            f" Call records: {c.get('items', 0)} calls in {c.get('listPages', 0)} list pages, "
            f"{c.get('detailBatches', 0)} detail batches and {c.get('sessionBatches', 0)} batches for "
            f"{c.get('sessionPages', 0)} nested session pages."
        )
    stream.write(
        "\n"
        f"Demo town: {users} users (seed {seed}, as of {tenant.now:%Y-%m-%d %H:%M} UTC), collected through "
        f"msgraph-sdk from the local emulator in {collection.elapsed:.1f} s ({collection.stats.requests} "
        f"requests); whole demo {time.monotonic() - started:.1f} s.{cost}\n"
        "The failures above are seeded on purpose: the demo always exits 0 and is not a CI gate.\n"
        f"Customer Key: the town's key plan is {config.keys.plan}; its vaults were read through "
        "azure-keyvault-keys and azure-mgmt-keyvault from the local Key Vault stand-in, which recorded "
        f"{never[0]} DELETE, {never[1]} expiry and {never[2]} key-property writes from m365gov.\n"
        f"Written under {output_dir}: " + ", ".join(p.name for p in files) + "\n"
        f"Open the report: {output_dir / RENDERERS['html'].filename}\n"
        f"Council session checklist ({tenant.council_meeting.subject}): {_summary(council.document)}; "
        f"written to {', '.join(str(p) for p in council_files)} (from {proxies_path.name} and "
        f"{declarations_path.name}; m365gov checklist council --meeting JOIN_URL -c CONFIG)\n"
        f"Re-evaluate offline: m365gov audit --snapshot {snapshot_path} --format json\n"
        f"Compare two runs: m365gov drift OLD/results.json {results_path}\n"
        + (f"Trend over runs: m365gov trend --history {config.history_dir}\n" if config.history_dir else "")
    )
    return DemoOutcome(results, tuple(files), collection.stats.requests, collection.elapsed)


def _summary(doc: dict[str, Any]) -> str:
    s = doc["summary"]
    return f"{s['blocking']} blocking, {s['todo']} to do, {s['unknown']} unknown, {s['ok']} done"
