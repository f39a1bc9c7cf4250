"""The journal: one JSON line per step of every change and every refusal, append-only, fsynced.

A step is written ``started`` before the call to Azure and ``done``, ``failed`` or ``refused``
after it, each line flushed and fsynced before the next call, so that after a crash or a failure
mid-apply the journal tells exactly what was done, what was attempted with an unknown outcome (a
``started`` without its end), and what was never tried. The file is only ever opened for
appending; nothing in m365gov rewrites or truncates it.
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from m365gov.errors import InputError
from m365gov.redact import redact
from m365gov.timeutil import to_iso, utcnow

STARTED, DONE, FAILED, REFUSED = "started", "done", "failed", "refused"
RESULTS = (STARTED, DONE, FAILED, REFUSED)


@dataclass(frozen=True)
class Actor:
    """Who acted, as far as m365gov can tell without a token: the OS user and the app identity.

    Attributes:
        os_user: the local account running m365gov.
        auth_mode: how it authenticated (certificate, managed_identity, emulator…).
        client_id: the app registration's client id, when the config names one.
    """

    os_user: str | None
    auth_mode: str
    client_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"osUser": self.os_user, "authMode": self.auth_mode, "clientId": self.client_id}

    @classmethod
    def current(cls, auth_mode: str, client_id: str | None) -> Actor:
        try:
            user: str | None = getpass.getuser()
        except (KeyError, OSError):
            user = None
        return cls(user, auth_mode, client_id)


@dataclass
class Journal:
    """Appends entries to a JSON-lines file. One instance per command run (``run`` groups its lines).

    Attributes:
        path: the journal file (created 0600 with its directory if absent).
        actor: who acts.
        run: a random id shared by the lines of one run.
        clock: the time source (tests pin it).
    """

    path: Path
    actor: Actor
    run: str = field(default_factory=lambda: secrets.token_hex(6))
    clock: Callable[[], datetime] = utcnow

    def record(
        self,
        action: str,
        result: str,
        *,
        vault: str | None = None,
        key: str | None = None,
        version: str | None = None,
        detail: str | None = None,
        backup_file: str | None = None,
        backup_sha256: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Append one entry and make it durable before returning it."""
        if result not in RESULTS:
            raise ValueError(f"unknown journal result {result!r}")
        entry: dict[str, Any] = {
            "time": to_iso(self.clock()),
            "run": self.run,
            "actor": self.actor.to_json(),
            "action": action,
            "result": result,
            "vault": vault,
            "key": key,
            "version": version,
            "detail": redact(detail) if detail else detail,
            "backupFile": backup_file,
            "backupSha256": backup_sha256,
        }
        if extra:
            entry.update(extra)
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        created = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_dir(self.path.parent)
        return entry


def read_journal(path: Path) -> list[dict[str, Any]]:
    """Every entry, in order (none when the file does not exist)."""
    if not path.exists():
        return []
    entries = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"damaged journal line: {exc.msg}", file=str(path), line=n) from None
    return entries


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
