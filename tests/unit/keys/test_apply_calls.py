"""Every Key Vault call that changes something, against single mocked exchanges: what is sent (never
an expiry), what is journaled, and what a refusal or a conflict looks like."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

from m365gov.config import KeySettings
from m365gov.keys.apply import apply_plan, rotate_key
from m365gov.keys.backup import read_manifest
from m365gov.keys.clients import key_client
from m365gov.keys.desired import KeySpec, VaultSpec
from m365gov.keys.journal import Actor, Journal, read_journal
from m365gov.keys.plan import BACKUP, CREATE_KEY, SET_ROTATION_POLICY, Action
from tests.unit.keys.vault_mock import VAULT, FakeCredential, VaultMock, b64url, key_json

KEY = KeySpec("DEP-EX", "exchange", "primary", VaultSpec("kv-a", VAULT), "k1", tags={"usage": "ck"})
NEW = "9" * 32
BLOB = b"opaque backup blob \x00\x01"
PINNED = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def _journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.jsonl", Actor("tester", "emulator"), run="r1", clock=lambda: PINNED)


def _apply(vault: VaultMock, settings: KeySettings, tmp_path: Path, *actions: Action):  # type: ignore[no-untyped-def]
    client = key_client(vault.url, FakeCredential(), settings)
    return apply_plan(list(actions), client_for=lambda url: client, journal=_journal(tmp_path),
                      backup_dir=tmp_path / "backups", clock=lambda: PINNED)


def test_create_sends_type_size_ops_and_no_expiry_then_backs_up(
        vault: VaultMock, settings: KeySettings, tmp_path: Path) -> None:
    vault.on("POST", "/keys/k1/create", body=key_json("k1", NEW))
    vault.on("POST", "/keys/k1/backup", body={"value": b64url(BLOB)})
    report = _apply(vault, settings, tmp_path, Action(CREATE_KEY, KEY, "missing"))
    assert report.ok and report.outcomes[0].version == NEW
    (create,) = [b for m, p, b in vault.requests if p == "/keys/k1/create"]
    assert create["kty"] == "RSA-HSM" and create["key_size"] == 3072
    assert create["key_ops"] == ["wrapKey", "unwrapKey"] and create["tags"] == {"usage": "ck"}
    assert "exp" not in create.get("attributes", {}) and create["attributes"]["enabled"] is True
    # looked before creating: a create on an existing name would be an unplanned roll
    assert [p for _, p, _ in vault.requests][:2] == ["/keys/k1/", "/keys/k1/create"]
    (entry,) = read_manifest(tmp_path / "backups")
    path = tmp_path / "backups" / entry.file
    assert path.read_bytes() == BLOB and entry.sha256 == hashlib.sha256(BLOB).hexdigest()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and entry.version == NEW
    lines = read_journal(tmp_path / "journal.jsonl")
    assert [(e["action"], e["result"]) for e in lines] == [
        ("createKey", "started"), ("createKey", "done"), ("backup", "started"), ("backup", "done")]
    assert lines[-1]["backupFile"] == entry.file and lines[-1]["backupSha256"] == entry.sha256
    assert all(b64url(BLOB) not in json.dumps(e) for e in lines)  # no key material in the journal


def test_create_is_refused_when_the_key_exists_now(vault: VaultMock, settings: KeySettings, tmp_path: Path) -> None:
    vault.on("GET", "/keys/k1/", body=key_json("k1"))
    report = _apply(vault, settings, tmp_path, Action(CREATE_KEY, KEY, "missing"),
                    Action(BACKUP, KEY, "x", version="0" * 32))
    assert report.outcomes[0].result == "refused" and "unplanned roll" in (report.outcomes[0].detail or "")
    assert [a.kind for a in report.not_attempted] == [BACKUP]
    assert not any(p.endswith("/create") for _, p, _ in vault.requests)
    assert [e["result"] for e in read_journal(tmp_path / "journal.jsonl")] == ["started", "refused"]


def test_a_409_conflict_on_create_is_journaled_failed_with_the_service_reason(
        vault: VaultMock, settings: KeySettings, tmp_path: Path) -> None:
    vault.error("POST", "/keys/k1/create", 409, "Conflict",
                "Key k1 is currently in a deleted but recoverable state, and its name cannot be reused.")
    report = _apply(vault, settings, tmp_path, Action(CREATE_KEY, KEY, "missing"))
    outcome = report.outcomes[0]
    assert outcome.result == "failed" and "409" in (outcome.detail or "") and "deleted but recoverable" in (
        outcome.detail or "")
    last = read_journal(tmp_path / "journal.jsonl")[-1]
    assert (last["action"], last["result"]) == ("createKey", "failed")


def test_a_backup_failing_after_a_create_says_the_version_exists_without_backup(
        vault: VaultMock, settings: KeySettings, tmp_path: Path) -> None:
    vault.on("POST", "/keys/k1/create", body=key_json("k1", NEW))
    vault.error("POST", "/keys/k1/backup", 403, "Forbidden", "does not have keys backup permission", "AccessDenied")
    report = _apply(vault, settings, tmp_path, Action(CREATE_KEY, KEY, "missing"))
    assert not report.ok and report.outcomes[0].result == "failed" and report.outcomes[0].version == NEW
    assert [(e["action"], e["result"]) for e in read_journal(tmp_path / "journal.jsonl")] == [
        ("createKey", "started"), ("createKey", "done"), ("backup", "started"), ("backup", "failed")]
    assert read_manifest(tmp_path / "backups") == []


def test_a_rotation_policy_is_written_without_expiry(vault: VaultMock, settings: KeySettings, tmp_path: Path) -> None:
    vault.on("PUT", "/keys/k1/rotationpolicy", body={
        "id": f"{VAULT}/keys/k1/rotationpolicy",
        "lifetimeActions": [{"trigger": {"timeAfterCreate": "P365D"}, "action": {"type": "Rotate"}},
                            {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}],
        "attributes": {}})
    report = _apply(vault, settings, tmp_path, Action(SET_ROTATION_POLICY, KEY, "plan", rotate_after_days=365))
    assert report.ok
    (body,) = [b for m, p, b in vault.requests if m == "PUT"]
    assert body["lifetimeActions"] == [{"trigger": {"timeAfterCreate": "P365D"}, "action": {"type": "Rotate"}}]
    assert "expiryTime" not in (body.get("attributes") or {})


def test_rotate_backs_up_the_new_version_and_names_the_dep_refresh(
        vault: VaultMock, settings: KeySettings, tmp_path: Path) -> None:
    vault.on("GET", "/keys/k1/rotationpolicy", body={"lifetimeActions": [], "attributes": {}})
    vault.on("POST", "/keys/k1/rotate", body=key_json("k1", NEW))
    vault.on("POST", "/keys/k1/backup", body={"value": b64url(BLOB)})
    client = key_client(vault.url, FakeCredential(), settings)
    outcome = rotate_key(KEY, client=client, journal=_journal(tmp_path), backup_dir=tmp_path / "b",
                         clock=lambda: PINNED)
    assert outcome.result == "done" and outcome.version == NEW and outcome.backup is not None
    assert outcome.follow_up[0] == "Set-DataEncryptionPolicy -Identity DEP-EX -Refresh   # Exchange Online PowerShell"


def test_rotate_is_refused_when_the_rotation_policy_would_give_an_expiry(
        vault: VaultMock, settings: KeySettings, tmp_path: Path) -> None:
    vault.on("GET", "/keys/k1/rotationpolicy", body={"lifetimeActions": [], "attributes": {"expiryTime": "P90D"}})
    client = key_client(vault.url, FakeCredential(), settings)
    outcome = rotate_key(KEY, client=client, journal=_journal(tmp_path), backup_dir=tmp_path / "b")
    assert outcome.result == "refused" and "P90D" in (outcome.detail or "")
    assert not any(p.endswith("/rotate") for _, p, _ in vault.requests)


def test_a_throttled_call_is_reported_with_the_wait_asked(
        vault: VaultMock, settings: KeySettings, tmp_path: Path) -> None:
    vault.error("POST", "/keys/k1/backup", 429, "Throttled", "Too many requests", headers={"Retry-After": "12"})
    vault.on("GET", "/keys/k1/", body=key_json("k1"))
    report = _apply(vault, settings, tmp_path, Action(BACKUP, KEY, "x", version="0" * 32))
    assert report.outcomes[0].result == "failed" and "wait 12 s" in (report.outcomes[0].detail or "")


def test_backup_blob_decoding_matches_what_the_service_sent(
        vault: VaultMock, settings: KeySettings, tmp_path: Path) -> None:
    vault.on("GET", "/keys/k1/", body=key_json("k1"))
    vault.on("POST", "/keys/k1/backup", body={"value": base64.urlsafe_b64encode(BLOB).rstrip(b"=").decode()})
    report = _apply(vault, settings, tmp_path, Action(BACKUP, KEY, "x", version="0" * 32))
    assert report.ok and (tmp_path / "backups" / report.outcomes[0].backup.file).read_bytes() == BLOB  # type: ignore[union-attr]
