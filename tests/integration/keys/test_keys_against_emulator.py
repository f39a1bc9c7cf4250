"""Customer Key end to end through the real azure-keyvault-keys and azure-mgmt-keyvault clients, against
the Key Vault emulator's demo town: one pair right; an Exchange pair, a SharePoint pair and a trial DEP
with the defects ``town.defects`` lists (expectations derive from it, not from counts)."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from m365gov.config import Config
from m365gov.emulator import KeyVaultEmulator
from m365gov.keys.backup import read_manifest
from m365gov.keys.journal import read_journal
from m365gov.keys.plan import BACKUP, CREATE_KEY, SET_ROTATION_POLICY
from m365gov.keys.session import (
    apply_changes,
    backup_actions,
    backup_keys,
    find_key,
    observe,
    plan_changes,
    require_plan,
    rotate,
)
from m365gov.pipeline import PolicySelection, audit_snapshot, compile_policies
from tests.integration.keys.conftest import CRED, EX_A1, EX_A2, MW_A1, MW_A2, SP_A1, SP_A2, TRIAL
from tests.support.key_defects import expected_failures

EX_A1_KEY, EX_A2_KEY, MW_A1_KEY = f"{EX_A1}-Key001", f"{EX_A2}-Key001", f"{MW_A1}-Key001"
SP_A1_KEY, SP_A2_KEY = f"{SP_A1}-Key001", f"{SP_A2}-Key001"


def _key_policies() -> PolicySelection:
    s = compile_policies(None)
    return PolicySelection(tuple(p for p in s.enabled if p.area == "keys"), s.known_ids)


def _verdicts(config: Config) -> dict[str, dict[str, str]]:
    state = observe(config, CRED)
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for f in audit_snapshot(state.snapshot, _key_policies()).to_json()["findings"]:
        out[f["policy"]][f["resource"]["name"] or f["resource"]["id"]] = f["status"]
    return out


def _failures(config: Config) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    """(policy, resource id) of every failing finding, and the statuses of each policy."""
    findings = audit_snapshot(observe(config, CRED).snapshot, _key_policies()).to_json()["findings"]
    statuses: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        statuses[f["policy"]].add(f["status"])
    return {(f["policy"], f["resource"]["id"]) for f in findings if f["status"] == "fail"}, statuses


def test_every_key_source_is_collected_through_the_real_clients(key_config: Config, kv: KeyVaultEmulator) -> None:
    state = observe(key_config, CRED)
    assert {n: s.status for n, s in state.snapshot.sources.items()} == dict.fromkeys(
        ("keyPlan", "keyVaultKeys", "keyVaults", "keyBackups", "m365ServicePrincipals"), "ok")
    town = kv.town
    assert state.snapshot.sources["keyVaultKeys"].counts == {
        "items": sum(len(v.keys) for v in town.vaults), "vaults": len(town.vaults),
        "missing": sum(1 for d in town.defects if d["kind"] == "missing_key")}
    methods = {r.method for r in kv.requests}
    assert methods == {"GET"}  # observing never writes


def test_the_audit_fails_exactly_where_the_town_has_defects(key_config: Config, kv: KeyVaultEmulator) -> None:
    failures, statuses = _failures(key_config)
    assert failures == expected_failures(kv.town, backups_taken=False)
    # every key policy shows both outcomes; KEY-010 only fails here: nothing is backed up yet
    assert {p for p, s in statuses.items() if s != {"pass", "fail"}} == {"KEY-010"}
    assert statuses["KEY-010"] == {"fail"}


def test_plan_lists_the_fixes_for_the_defective_pair(key_config: Config) -> None:
    plan = plan_changes(key_config, observe(key_config, CRED))
    assert plan.complete
    actions = [(a.kind, a.key.name) for a in plan.actions]
    assert (CREATE_KEY, EX_A1_KEY) in actions and (SET_ROTATION_POLICY, EX_A1_KEY) in actions
    assert actions.index((CREATE_KEY, EX_A1_KEY)) < actions.index((SET_ROTATION_POLICY, EX_A1_KEY))
    assert {(BACKUP, MW_A1_KEY), (BACKUP, f"{MW_A2}-Key001"), (BACKUP, EX_A2_KEY)} <= set(actions)
    assert (SET_ROTATION_POLICY, SP_A2_KEY) in actions and (BACKUP, SP_A1_KEY) in actions
    topics = {(i.topic, i.subject.split("/")[0]) for i in plan.instructions}
    assert {("purgeProtection", EX_A2), ("premiumVault", EX_A2), ("keyMaterial", EX_A2), ("keyExpiry", EX_A2),
            ("reviewBroaderAccess", EX_A1), ("firewall", EX_A2), ("pairLayout", "SAL-DEP-EX-01"),
            ("depAfterCreate", "SAL-DEP-EX-01"), ("vaultRegion", EX_A2)} <= topics
    assert {("keyMaterial", SP_A1), ("grantServicePrincipal", SP_A1), ("softDeleteRetention", SP_A2),
            ("pairLayout", "SAL-DEP-SP-01"), ("keyDisabled", TRIAL), ("pairLayout", "SAL-DEP-MW-T1")} <= topics
    # SharePoint's DEP is not pointed at the newer version: it lacks unwrapKey (a compliant one comes first)
    assert not any(i.topic == "sharepointVersion" for i in plan.instructions)
    material = next(i for i in plan.instructions if i.topic == "keyMaterial" and i.subject.startswith(SP_A1))
    assert any(c.startswith("Update-SPODataEncryptionPolicy https://saintaubinsurloire-admin.sharepoint.com "
                            f"-KeyVaultName {SP_A1} -KeyName {SP_A1_KEY} -KeyVersion <new version> -KeyType Primary")
               for c in material.commands)
    assert not any(s.endswith(("MW-FR-VaultA1", "MW-FR-VaultA2")) for _, s in topics)  # the right pair needs nothing


def test_apply_makes_the_fixes_and_a_second_plan_is_empty(key_config: Config, kv: KeyVaultEmulator) -> None:
    plan = plan_changes(key_config, observe(key_config, CRED))
    report = apply_changes(key_config, CRED, plan)
    assert report.ok, [(o.action.describe(), o.detail) for o in report.outcomes]
    created = next(o for o in report.outcomes if o.action.kind == CREATE_KEY)
    # the new key in the vault: what the plan asked for, and no expiry
    from azure.keyvault.keys import KeyClient

    with KeyClient(kv.vault_url(EX_A1), CRED, **kv.key_client_kwargs(), retry_total=0) as client:
        key = client.get_key(EX_A1_KEY)
    assert key.key_type == "RSA-HSM" and len(key.key.n) * 8 == 3072
    assert sorted(key.key_operations) == ["unwrapKey", "wrapKey"] and key.properties.expires_on is None
    assert key.properties.version == created.version
    again = plan_changes(key_config, observe(key_config, CRED))
    assert again.actions == ()
    assert {i.topic for i in again.instructions} >= {"purgeProtection", "keyExpiry", "premiumVault"}
    # and the KEY policies m365gov can fix now pass
    v = _verdicts(key_config)
    assert set(v["KEY-001"].values()) == {"pass"} and set(v["KEY-010"].values()) == {"pass"}
    assert set(v["KEY-009"].values()) == {"pass"}  # the rotation policy with an expiryTime was rewritten


def test_backups_are_verifiable_and_journaled(key_config: Config) -> None:
    apply_changes(key_config, CRED, plan_changes(key_config, observe(key_config, CRED)))
    d = key_config.keys.backup_dir
    entries = read_manifest(d)
    assert {e.key for e in entries} == {k.name for k in require_plan(key_config).keys}  # the created one too
    for e in entries:
        assert hashlib.sha256((d / e.file).read_bytes()).hexdigest() == e.sha256
        assert (d / e.file).stat().st_mode & 0o777 == 0o600
    journal = read_journal(key_config.keys.journal)
    done = [(e["action"], e["key"]) for e in journal if e["result"] == "done"]
    assert ("createKey", EX_A1_KEY) in done and ("backup", EX_A1_KEY) in done
    assert done.index(("createKey", EX_A1_KEY)) < done.index(("backup", EX_A1_KEY))
    by_file = {e["backupFile"]: e["backupSha256"] for e in journal if e["backupFile"]}
    assert by_file == {e.file: e.sha256 for e in entries}
    assert all(e["actor"]["authMode"] == "emulator" for e in journal)


def test_a_failure_mid_apply_leaves_the_journal_telling_exactly_what_was_done(
        key_config: Config, kv: KeyVaultEmulator) -> None:
    kv.forbid(EX_A1, ["backup"])
    plan = plan_changes(key_config, observe(key_config, CRED))
    report = apply_changes(key_config, CRED, plan)
    assert not report.ok
    failed = report.outcomes[-1]
    assert failed.action.kind == CREATE_KEY and failed.result == "failed" and failed.version
    assert "backup failed" in (failed.detail or "") and "403" in (failed.detail or "")
    assert report.not_attempted  # the rest waits for the next run
    journal = read_journal(key_config.keys.journal)
    tail = [(e["action"], e["result"], e["key"]) for e in journal][-4:]
    assert tail == [("createKey", "started", EX_A1_KEY), ("createKey", "done", EX_A1_KEY),
                    ("backup", "started", EX_A1_KEY), ("backup", "failed", EX_A1_KEY)]
    assert journal[-3]["version"] == failed.version
    kv.allow(EX_A1)
    plan = plan_changes(key_config, observe(key_config, CRED))
    kinds = [(a.kind, a.key.name) for a in plan.actions]
    assert (CREATE_KEY, EX_A1_KEY) not in kinds and (BACKUP, EX_A1_KEY) in kinds  # nothing created twice


def test_an_unreadable_vault_blocks_its_own_actions_only(key_config: Config, kv: KeyVaultEmulator) -> None:
    kv.forbid(EX_A1, ["list"])
    state = observe(key_config, CRED)
    sec = state.snapshot.sources["keyVaultKeys"]
    assert sec.status == "missing_permission" and "Key Vault Reader" in (sec.permission or "")
    assert EX_A1 in (sec.detail or "") or kv.vault_url(EX_A1) in (sec.detail or "")
    plan = plan_changes(key_config, state)
    assert not plan.complete and len(plan.blocked) == 1 and plan.blocked[0].startswith(EX_A1)
    assert all(a.key.vault.name != EX_A1 for a in plan.actions)
    assert any(a.key.vault.name == MW_A1 for a in plan.actions)
    results = audit_snapshot(state.snapshot, _key_policies()).to_json()
    key001 = [f for f in results["findings"] if f["policy"] == "KEY-001"]
    assert [(f["status"], f["reason"]) for f in key001] == [("not_evaluated", "missing_permission")]


def test_management_plane_errors_leave_vault_policies_not_evaluated(key_config: Config, kv: KeyVaultEmulator) -> None:
    kv.script("management", "/subscriptions", status=403, times=None)
    state = observe(key_config, CRED)
    sec = state.snapshot.sources["keyVaults"]
    assert sec.status == "missing_permission"
    assert sec.permission == "Reader on the vault's subscription or resource group"
    results = audit_snapshot(state.snapshot, _key_policies()).to_json()
    reasons = {f["reason"] for f in results["findings"] if f["policy"] == "KEY-015"}
    assert reasons == {"missing_permission"}


def test_throttling_that_outlasts_the_retries_is_reported_as_such(key_config: Config, kv: KeyVaultEmulator) -> None:
    kv.script(MW_A2, "/keys", status=429, headers={"Retry-After": "0"}, times=None)
    sec = observe(key_config, CRED).snapshot.sources["keyVaultKeys"]
    assert sec.status == "throttled" and "429" in (sec.detail or "")


def test_backup_all_then_nothing_left_to_back_up(key_config: Config, kv: KeyVaultEmulator) -> None:
    existing = sum(len(v.keys) for v in kv.town.vaults)
    state = observe(key_config, CRED)
    report = backup_keys(key_config, CRED, backup_actions(state))
    assert report.ok and len(report.outcomes) == existing
    assert backup_actions(observe(key_config, CRED)) == []
    assert len(backup_actions(observe(key_config, CRED), force=True)) == existing


def test_rotate_adds_a_version_backs_it_up_and_names_the_dep_refresh(key_config: Config, kv: KeyVaultEmulator) -> None:
    key = find_key(require_plan(key_config), MW_A1_KEY)
    outcome = rotate(key_config, CRED, key)
    assert outcome.result == "done" and outcome.backup is not None
    assert outcome.follow_up == ("Set-M365DataAtRestEncryptionPolicy -Identity SAL-DEP-MW-01 -Refresh   "
                                 "# Exchange Online PowerShell",)
    state = observe(key_config, CRED)
    (rec,) = [k for v in state.observed.keys["vaults"] for k in v["keys"] if k["name"] == MW_A1_KEY]  # type: ignore[index]
    assert rec["currentVersion"] == outcome.version and len(rec["versions"]) == 3 and rec["expires"] is None


def test_rotate_is_refused_when_the_rotation_policy_would_date_the_new_version(
        key_config: Config, kv: KeyVaultEmulator) -> None:
    from azure.keyvault.keys import KeyClient, KeyRotationPolicy

    with KeyClient(kv.vault_url(MW_A1), CRED, **kv.key_client_kwargs(), retry_total=0) as client:
        client.update_key_rotation_policy(MW_A1_KEY, KeyRotationPolicy(), expires_in="P90D")  # the test, not m365gov
    kv.store.expiry_writes.clear()
    outcome = rotate(key_config, CRED, find_key(require_plan(key_config), MW_A1_KEY))
    assert outcome.result == "refused" and "P90D" in (outcome.detail or "")
    assert read_journal(key_config.keys.journal)[-1]["result"] == "refused"
    assert not any(r.path.endswith("/rotate") for r in kv.requests)
