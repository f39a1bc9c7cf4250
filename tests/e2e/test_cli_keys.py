"""``m365gov keys …`` as a user runs it: a config file, the CLI in a subprocess, the emulators serving
the demo town's Graph tenant and Customer Key vaults from this process."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from m365gov.demo_keys import demo_config_toml, demo_keys_config
from m365gov.emulator import Emulator, KeyVaultEmulator, Tenant
from tests.e2e.conftest import run_cli

EX_A1_KEY = "SAL-CK-EX-FR-VaultA1-Key001"


@pytest.fixture
def setup(town: Tenant, live_emulator: Emulator, tmp_path: Path) -> Iterator[tuple[Path, KeyVaultEmulator]]:
    with KeyVaultEmulator(tenant=town) as kv:
        keys = demo_keys_config(kv, tmp_path)
        config = tmp_path / "m365gov.toml"
        config.write_text(demo_config_toml(town.tenant_id, live_emulator.graph_url, keys), encoding="utf-8")
        yield config, kv
    assert kv.delete_attempts == [] and kv.expiry_writes == [] and kv.property_updates == []


def test_plan_apply_and_backup_from_the_command_line(setup: tuple[Path, KeyVaultEmulator]) -> None:
    config, kv = setup
    plan = run_cli("keys", "plan", "-c", config)
    assert plan.returncode == 0, plan.stderr
    assert "m365gov will make" in plan.stdout and f"create key SAL-CK-EX-FR-VaultA1/{EX_A1_KEY}" in plan.stdout
    assert "Update-AzKeyVault -VaultName SAL-CK-EX-FR-VaultA2 -ResourceGroupName rg-sal-customerkey-2 " \
           "-EnablePurgeProtection" in plan.stdout
    assert "New-DataEncryptionPolicy -Name SAL-DEP-EX-01 -AzureKeyIDs https://127.0.0.1:" in plan.stdout
    assert ("Update-SPODataEncryptionPolicy https://saintaubinsurloire-admin.sharepoint.com -KeyVaultName "
            "SAL-CK-SP-FR-VaultA1 -KeyName SAL-CK-SP-FR-VaultA1-Key001 -KeyVersion <new version>") in plan.stdout

    dry = run_cli("keys", "apply", "-c", config)
    assert dry.returncode == 0 and "Nothing was changed: run again with --yes" in dry.stdout
    assert {r.method for r in kv.requests} == {"GET"}  # without --yes nothing is written
    assert not (config.parent / "keys" / "journal.jsonl").exists()

    done = run_cli("keys", "apply", "-c", config, "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"✓ done: create key SAL-CK-EX-FR-VaultA1/{EX_A1_KEY}" in done.stdout and "sha256" in done.stdout

    second = run_cli("keys", "apply", "-c", config, "--yes")
    assert second.returncode == 0 and second.stdout.startswith("Nothing for m365gov to do")
    assert "Applying:" not in second.stdout

    again = run_cli("keys", "plan", "-c", config, "--json")
    assert again.returncode == 0
    doc = json.loads(again.stdout)
    assert doc["actions"] == [] and doc["blocked"] == []
    assert {"purgeProtection", "keyExpiry", "premiumVault"} <= {i["topic"] for i in doc["instructions"]}
    # what only people can fix stays listed, with the names filled in
    left = {(i["topic"], i["subject"]) for i in doc["instructions"]}
    assert {("grantServicePrincipal", "SAL-CK-SP-FR-VaultA1"), ("softDeleteRetention", "SAL-CK-SP-FR-VaultA2"),
            ("keyDisabled", "SAL-CK-MW-FR-VaultT1/SAL-CK-MW-FR-VaultT1-Key002"),
            ("pairLayout", "SAL-DEP-MW-T1"), ("pairLayout", "SAL-DEP-SP-01")} <= left
    assert "rotationPolicyExpiry" not in {t for t, _ in left}  # m365gov rewrote that policy itself

    backup = run_cli("keys", "backup", "-c", config, "--force")
    assert backup.returncode == 0, backup.stdout + backup.stderr
    manifest = json.loads((config.parent / "keys" / "backups" / "manifest.json").read_text())
    for entry in manifest["backups"]:
        blob = (config.parent / "keys" / "backups" / entry["file"]).read_bytes()
        assert hashlib.sha256(blob).hexdigest() == entry["sha256"]
    journal = [json.loads(line) for line in (config.parent / "keys" / "journal.jsonl").read_text().splitlines()]
    assert {(e["action"], e["result"]) for e in journal} >= {("createKey", "done"), ("backup", "done")}
    for out in (plan.stdout, done.stdout, backup.stdout, again.stdout):
        assert "m365gov-emulator-token" not in out and "BEGIN" not in out  # no token, no key material


def test_status_shows_the_verdicts_and_fails_on_the_defects(setup: tuple[Path, KeyVaultEmulator]) -> None:
    config, _ = setup
    proc = run_cli("keys", "status", "-c", config)
    assert proc.returncode == 1, proc.stderr
    assert "SAL-DEP-MW-01" in proc.stdout and "✗ KEY-001" in proc.stdout and "✓ ok" in proc.stdout
    assert "Failing policies: KEY-001" in proc.stdout


def test_rotate_needs_yes_then_prints_the_dep_refresh(setup: tuple[Path, KeyVaultEmulator]) -> None:
    config, kv = setup
    dry = run_cli("keys", "rotate", "SAL-CK-MW-FR-VaultA2/SAL-CK-MW-FR-VaultA2-Key001", "-c", config)
    assert dry.returncode == 0 and "Nothing was changed" in dry.stdout
    assert not any(r.path.endswith("/rotate") for r in kv.requests)
    done = run_cli("keys", "rotate", "SAL-CK-MW-FR-VaultA2-Key001", "-c", config, "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "next: Set-M365DataAtRestEncryptionPolicy -Identity SAL-DEP-MW-01 -Refresh" in done.stdout
    unknown = run_cli("keys", "rotate", "nope", "-c", config, "--yes")
    assert unknown.returncode == 2 and "no key 'nope' in the key plan" in unknown.stderr


def test_a_bad_key_plan_is_one_precise_line_and_exit_2(setup: tuple[Path, KeyVaultEmulator]) -> None:
    config, _ = setup
    plan_path = config.parent / "key-plan.json"
    doc = json.loads(plan_path.read_text())
    doc["dataEncryptionPolicies"][1]["primary"]["keySize"] = 1024
    plan_path.write_text(json.dumps(doc))
    proc = run_cli("keys", "plan", "-c", config)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {plan_path} at /dataEncryptionPolicies/1/primary/keySize:")
    audit = run_cli("audit", "-c", config)
    assert audit.returncode == 2 and "/dataEncryptionPolicies/1/primary/keySize" in audit.stderr


def test_keys_commands_need_a_key_plan(tmp_path: Path) -> None:
    config = tmp_path / "m365gov.toml"
    config.write_text('tenant_id = "t"\n[graph]\nendpoint = "http://127.0.0.1:9/v1.0"\n[auth]\nmode = "emulator"\n')
    proc = run_cli("keys", "plan", "-c", config)
    assert proc.returncode == 2 and "no key plan configured" in proc.stderr and "at /keys" in proc.stderr
