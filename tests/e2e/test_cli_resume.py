"""``m365gov collect`` killed mid-way, then ``--resume``: nothing finished is fetched twice, and the
snapshot is the one an uninterrupted run gives.

The call-records endpoint is held back (429 with ``Retry-After: 3``, over and over) so that every
other source finishes and is checkpointed while call records wait; the ``collect`` process is then
killed with SIGKILL — no handler, no cleanup — and run again with ``--resume`` once the service
answers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from m365gov.auth import StaticTestCredential
from m365gov.collect.checkpoint import checkpoint_dir
from m365gov.collect.registry import with_dependencies
from m365gov.config import load_config
from m365gov.emulator import Emulator, Tenant
from m365gov.emulator.rooms import CHAMBER_NAME
from m365gov.pipeline import collect_snapshot, collection_plan, compile_policies
from tests.e2e.conftest import run_cli
from tests.support.normalise import normalised

AS_OF = "2026-11-28T08:00:00"
LATE = "callRecords"


def _config(tmp_path: Path, emu: Emulator, town: Tenant) -> Path:
    (tmp_path / "inventaire.csv").write_text(town.inventory_csv(), encoding="utf-8")
    path = tmp_path / "m365gov.toml"
    path.write_text(
        f'tenant_id = "{town.tenant_id}"\n[graph]\nendpoint = "{emu.graph_url}"\n[auth]\nmode = "emulator"\n'
        '[inventory]\ncsv = "inventaire.csv"\n'
        f'[council]\ngroup_id = "{town.council_group_id}"\nchamber_device = "{CHAMBER_NAME}"\n',
        encoding="utf-8",
    )
    return path


def _wait_for(files: set[str], directory: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if directory.is_dir() and files <= {p.name for p in directory.iterdir()}:
            return
        time.sleep(0.05)
    raise AssertionError(f"not checkpointed in {timeout} s: {files - {p.name for p in directory.iterdir()}}")


def test_a_killed_collection_resumes_without_fetching_finished_sources(
    live_emulator: Emulator, town: Tenant, tmp_path: Path
) -> None:
    config_path = _config(tmp_path, live_emulator, town)
    config = load_config(config_path)
    policies = compile_policies(config)
    expected = set(with_dependencies(collection_plan(policies.enabled)[0]))
    output = tmp_path / "out" / "snapshot.json"
    partial = checkpoint_dir(output)

    live_emulator.script("/v1.0/communications/callRecords", status=429, headers={"Retry-After": "3"}, times=None)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    args = [sys.executable, "-m", "m365gov", "collect", "-c", str(config_path), "-o", str(output), "--as-of", AS_OF]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for({f"{n}.json" for n in expected - {LATE}} | {"manifest.json"}, partial, proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not output.exists() and not (partial / f"{LATE}.json").exists()

    live_emulator.clear_scripts()
    live_emulator.reset_stats()
    resumed = run_cli("collect", "-c", config_path, "-o", output, "--as-of", AS_OF, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed: {len(expected) - 1} sources restored from the checkpoint" in resumed.stderr
    fetched = {r.path for r in live_emulator.requests if not r.inner}
    assert fetched and all(p.startswith("/v1.0/communications/callRecords") or p.endswith("$batch") for p in fetched)
    inner = {r.path.split("/")[3] for r in live_emulator.requests if r.inner}
    assert inner == {"callRecords"}  # the batches were call-record details, nothing finished before
    assert not partial.exists()

    live_emulator.reset_stats()
    uninterrupted = collect_snapshot(config, StaticTestCredential(), policies, as_of=town.now)
    snapshot = json.loads(output.read_text(encoding="utf-8"))
    assert normalised(snapshot) == normalised(uninterrupted.snapshot.to_json())


def test_a_resume_with_another_configuration_is_refused(live_emulator: Emulator, town: Tenant, tmp_path: Path) -> None:
    config_path = _config(tmp_path, live_emulator, town)
    output = tmp_path / "snapshot.json"
    partial = checkpoint_dir(output)
    partial.mkdir()
    (partial / "manifest.json").write_text(json.dumps({
        "schema": "m365gov/collect-checkpoint@1", "fingerprint": "another run", "collectedAt": "2026-11-28T08:00:00Z",
        "asOf": "2026-11-28T08:00:00Z"}), encoding="utf-8")
    proc = run_cli("collect", "-c", config_path, "-o", output, "--resume")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {partial / 'manifest.json'} at /fingerprint: this checkpoint was made for")
    assert not live_emulator.requests
