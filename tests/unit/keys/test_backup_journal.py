"""Backups on file and the journal: permissions, digests, atomicity, append-only with one line per event."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from m365gov.errors import InputError
from m365gov.keys.backup import MANIFEST, backups_on_file, read_manifest, store_backup, verify
from m365gov.keys.journal import Actor, Journal, read_journal

T = datetime(2026, 11, 28, 9, 30, 5, tzinfo=UTC)


def _store(d: Path, blob: bytes = b"blob", version: str = "v1", taken: datetime = T):  # type: ignore[no-untyped-def]
    return store_backup(d, vault="kv-a", vault_url="https://kv-a.vault.azure.net", key="k1", version=version,
                        blob=blob, taken=taken)


def test_a_backup_file_is_owner_only_and_its_digest_is_in_the_manifest(tmp_path: Path) -> None:
    d = tmp_path / "backups"
    entry = _store(d, b"\x00secret-ish blob")
    path = d / entry.file
    assert entry.file == "kv-a-k1-v1-20261128T093005Z.backup"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(d.stat().st_mode) == 0o700
    assert stat.S_IMODE((d / MANIFEST).stat().st_mode) == 0o600
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry.sha256 == json.loads(
        (d / MANIFEST).read_text())["backups"][0]["sha256"]
    assert b"secret-ish" not in (d / MANIFEST).read_bytes()  # the manifest holds no key material
    assert not [p for p in d.iterdir() if p.name.endswith(".tmp")]  # atomic writes leave no temporary file


def test_two_backups_in_the_same_second_never_overwrite_each_other(tmp_path: Path) -> None:
    first, second = _store(tmp_path, b"one"), _store(tmp_path, b"two")
    assert first.file != second.file
    assert [e.sha256 for e in read_manifest(tmp_path)] == [hashlib.sha256(b).hexdigest() for b in (b"one", b"two")]


def test_a_tampered_or_missing_file_is_not_verified(tmp_path: Path) -> None:
    a, b = _store(tmp_path, b"one", "v1"), _store(tmp_path, b"two", "v2")
    (tmp_path / a.file).write_bytes(b"changed")
    (tmp_path / b.file).unlink()
    assert not verify(tmp_path, a) and not verify(tmp_path, b)
    assert [e["verified"] for e in backups_on_file(tmp_path)] == [False, False]


def test_a_damaged_manifest_is_an_input_error_with_its_pointer(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_text('{"schema": "m365gov/key-backups@1", "backups": [{"vault": "x"}]}')
    with pytest.raises(InputError) as err:
        read_manifest(tmp_path)
    assert err.value.pointer == "/backups/0"


def test_the_journal_appends_one_durable_line_per_event(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "journal.jsonl"
    j = Journal(path, Actor("dsi", "certificate", "app-id"), run="r1", clock=lambda: T)
    j.record("createKey", "started", vault="kv-a", key="k1")
    j.record("createKey", "done", vault="kv-a", key="k1", version="v1")
    Journal(path, Actor("dsi", "certificate"), run="r2", clock=lambda: T).record(
        "backup", "done", vault="kv-a", key="k1", version="v1", backup_file="f", backup_sha256="ab")
    lines = read_journal(path)
    assert [(e["run"], e["action"], e["result"]) for e in lines] == [
        ("r1", "createKey", "started"), ("r1", "createKey", "done"), ("r2", "backup", "done")]
    assert lines[0]["time"] == "2026-11-28T09:30:05Z" and lines[0]["actor"] == {
        "osUser": "dsi", "authMode": "certificate", "clientId": "app-id"}
    assert lines[2]["backupFile"] == "f" and lines[2]["backupSha256"] == "ab"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(ValueError):
        j.record("createKey", "maybe")
