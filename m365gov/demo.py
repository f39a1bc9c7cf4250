"""``m365gov demo``: the whole pipeline on a generated town, with nothing to configure.

The demo starts the emulator on a free loopback port and points the *real* msgraph-sdk at it with
a static test credential, so the code that runs is the code a real tenant gets. The town has
defects on purpose; the demo is a showcase, not a CI gate, and always exits 0.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from m365gov.auth import StaticTestCredential
from m365gov.config import config_from_mapping
from m365gov.pipeline import audit_snapshot, collect_snapshot, compile_policies
from m365gov.progress import collection_progress
from m365gov.render import RENDERERS, REPORT_FORMATS, RenderOptions
from m365gov.render.write import write_reports
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
    fix: Sequence[str] = (),
    extra_defects: Sequence[str] = (),
) -> DemoOutcome:
    """Generate the town, serve it, collect, evaluate, print the report and write every format.

    ``fix`` (defect kinds repaired) and ``extra_defects`` (kinds with one more broken resource) make
    the variants of the same town that drift is shown and tested on: everything else is identical
    (see :mod:`m365gov.emulator.defects`). Unknown kinds raise :class:`ValueError`.
    """
    from m365gov.emulator import Emulator, generate_tenant

    stream = out or sys.stdout
    started = time.monotonic()
    tenant = generate_tenant(seed=seed, users=users, fix=tuple(fix), extra_defects=tuple(extra_defects))
    policies = compile_policies(None)
    with Emulator(tenant) as emu:
        config = config_from_mapping(
            {"tenant_id": tenant.tenant_id, "graph": {"endpoint": emu.graph_url}, "auth": {"mode": "emulator"}}
        )
        with collection_progress() as hook:
            collection = collect_snapshot(config, StaticTestCredential(), policies, progress=hook)
    results = audit_snapshot(collection.snapshot, policies)
    doc = results.to_json()
    output_dir.mkdir(parents=True, exist_ok=True)
    snapshot_path = output_dir / "snapshot.json"
    write_snapshot(collection.snapshot, snapshot_path)
    reports = write_reports(doc, REPORT_FORMATS, output_dir, RenderOptions(lang=lang))
    results_path = output_dir / RENDERERS["json"].filename
    stream.write(RENDERERS["terminal"].render(doc, RenderOptions(lang=lang, color=color)))
    stream.write(
        "\n"
        f"Demo town: {users} users (seed {seed}), collected through msgraph-sdk from the local emulator "
        f"in {collection.elapsed:.1f} s ({collection.stats.requests} requests); whole demo "
        f"{time.monotonic() - started:.1f} s.\n"
        "The failures above are seeded on purpose: the demo always exits 0 and is not a CI gate.\n"
        f"Written under {output_dir}: {snapshot_path.name}, " + ", ".join(p.name for p in reports) + "\n"
        f"Open the report: {output_dir / RENDERERS['html'].filename}\n"
        f"Re-evaluate offline: m365gov audit --snapshot {snapshot_path} --format json\n"
        f"Compare two runs: m365gov drift OLD/results.json {results_path}\n"
    )
    return DemoOutcome(results, (snapshot_path, *reports), collection.stats.requests, collection.elapsed)
