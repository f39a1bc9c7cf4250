"""Key backups on file: ``backup_key`` blobs, one file each, and a manifest that proves them.

Only a Key Vault backup can restore a Customer Key key (customer-key.md §1.6), so every create or
rotation is followed by one before it is reported done. Each blob is written atomically to its own
file readable by the owner only (0600, in a 0700 directory); the manifest records the vault, the
key, the version that was current, when, the file name and its SHA-256, so that anyone can check a
backup without Azure (``sha256sum`` of the file equals the manifest's digest). The manifest holds no
key material: the blobs live only in their files. Copy the directory to offline storage as well.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from m365gov.errors import InputError
from m365gov.jsonio import atomic_write_bytes, atomic_write_json, read_json
from m365gov.timeutil import to_iso

MANIFEST = "manifest.json"
SCHEMA_ID = "m365gov/key-backups@1"
_UNSAFE = re.compile(r"[^A-Za-z0-9-]")


@dataclass(frozen=True)
class BackupEntry:
    """One backup file, as the manifest records it.

    Attributes:
        vault / vault_url: the vault's name and URL.
        key: the key's name.
        version: the key's current version when the backup was taken (the blob holds every version).
        taken_at: when, UTC ISO 8601.
        file: the file name inside the backup directory.
        sha256: hex SHA-256 of the file.
        size: the file's length in bytes.
    """

    vault: str
    vault_url: str
    key: str
    version: str
    taken_at: str
    file: str
    sha256: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {
            "vault": self.vault,
            "vaultUrl": self.vault_url,
            "key": self.key,
            "version": self.version,
            "takenAt": self.taken_at,
            "file": self.file,
            "sha256": self.sha256,
            "size": self.size,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BackupEntry:
        return cls(d["vault"], d["vaultUrl"], d["key"], d["version"], d["takenAt"], d["file"], d["sha256"],
                   int(d["size"]))


def read_manifest(backup_dir: Path) -> list[BackupEntry]:
    """The manifest's entries (none when there is no manifest yet); a damaged one is an input error."""
    path = backup_dir / MANIFEST
    if not path.exists():
        return []
    doc = read_json(path, what="backup manifest")
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_ID or not isinstance(doc.get("backups"), list):
        raise InputError(f"not an {SCHEMA_ID} manifest", file=str(path), pointer="/schema")
    entries = []
    for i, d in enumerate(doc["backups"]):
        try:
            entries.append(BackupEntry.from_json(d))
        except (KeyError, TypeError, ValueError):
            raise InputError("damaged backup entry", file=str(path), pointer=f"/backups/{i}") from None
    return entries


def sha256_file(path: Path) -> str | None:
    """Hex SHA-256 of a file, or ``None`` if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def verify(backup_dir: Path, entry: BackupEntry) -> bool:
    """The file is there and its SHA-256 is the manifest's."""
    return sha256_file(backup_dir / entry.file) == entry.sha256


def backup_file_name(vault: str, key: str, version: str, taken: datetime) -> str:
    """``<vault>-<key>-<version>-<yyyymmddThhmmssZ>.backup`` (Microsoft's naming, made unique)."""
    stamp = taken.strftime("%Y%m%dT%H%M%SZ")
    return f"{_UNSAFE.sub('_', vault)}-{_UNSAFE.sub('_', key)}-{_UNSAFE.sub('_', version)}-{stamp}.backup"


def store_backup(
    backup_dir: Path, *, vault: str, vault_url: str, key: str, version: str, blob: bytes, taken: datetime
) -> BackupEntry:
    """Write one blob (0600, atomic) and add it to the manifest (atomic, under a lock)."""
    backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = backup_file_name(vault, key, version, taken)
    path = backup_dir / name
    n = 1
    while path.exists():  # two backups in the same second: never overwrite one
        n += 1
        path = backup_dir / name.replace(".backup", f"-{n}.backup")
    atomic_write_bytes(path, blob, mode=0o600)
    entry = BackupEntry(vault, vault_url, key, version, to_iso(taken), path.name, hashlib.sha256(blob).hexdigest(),
                        len(blob))
    with _locked(backup_dir):
        entries = read_manifest(backup_dir)
        entries.append(entry)
        doc = {"schema": SCHEMA_ID, "backups": [e.to_json() for e in entries]}
        atomic_write_json(backup_dir / MANIFEST, doc)
        os.chmod(backup_dir / MANIFEST, 0o600)
    return entry


@contextlib.contextmanager
def _locked(backup_dir: Path) -> Iterator[None]:
    """One writer of the manifest at a time (two ``keys backup`` runs must not lose an entry).

    POSIX advisory lock; where ``fcntl`` does not exist (Windows) the manifest is still written
    atomically, and concurrent runs are the operator's to avoid.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(backup_dir / ".manifest.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def take_backup(client: Any, backup_dir: Path, *, vault: str, vault_url: str, key: str, version: str,
                taken: datetime) -> BackupEntry:
    """``backup_key`` then :func:`store_backup`; the blob never leaves this function but to its file."""
    blob = client.backup_key(key)
    return store_backup(backup_dir, vault=vault, vault_url=vault_url, key=key, version=version, blob=blob,
                        taken=taken)


def backups_on_file(backup_dir: Path) -> list[dict[str, Any]]:
    """Manifest entries with ``verified`` (file present, digest equal), for the ``keyBackups`` source."""
    return [{**e.to_json(), "verified": verify(backup_dir, e)} for e in read_manifest(backup_dir)]
