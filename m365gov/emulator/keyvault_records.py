"""What the Key Vault stand-in records, for tests proving what m365gov never does.

Every DELETE received (any plane; also kept process-wide, :func:`process_delete_attempts`, for a
whole-suite guard), every refused management-plane write, every property update, and every write
that sets an expiry (create or update with ``exp``, a rotation policy with ``expiryTime``, a
rotation that inherits one). No header or token is ever recorded.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class DeleteAttempt:
    """A DELETE that reached the emulator (it was refused). No header or token is recorded.

    ``expected`` is true when the emulator was told a test sends it on purpose
    (``KeyVaultEmulator.deletes_expected``), so that a suite-wide guard can tell them apart.
    """

    method: str
    path: str
    listener: str  # a vault name, or "management"
    authenticated: bool
    at: float
    expected: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_PROCESS_LOCK = threading.Lock()
_PROCESS_DELETE_ATTEMPTS: list[DeleteAttempt] = []


def remember_delete(attempt: DeleteAttempt) -> None:
    """Keep a DELETE for the whole process, beyond the emulator that received it."""
    with _PROCESS_LOCK:
        _PROCESS_DELETE_ATTEMPTS.append(attempt)


def process_delete_attempts(*, include_expected: bool = False) -> list[DeleteAttempt]:
    """Every DELETE any Key Vault emulator of this process received (a whole-suite guard reads it at the end)."""
    with _PROCESS_LOCK:
        return [a for a in _PROCESS_DELETE_ATTEMPTS if include_expected or not a.expected]


@dataclass(frozen=True)
class RefusedWrite:
    """A management-plane write (PUT, PATCH, POST, DELETE) that was refused."""

    method: str
    path: str
    at: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PropertyUpdate:
    """A ``PATCH /keys/{name}[/{version}]``: the fields sent, with their new values."""

    vault: str
    key: str
    version: str
    changes: Mapping[str, Any]
    at: float

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changes": dict(self.changes)}


@dataclass(frozen=True)
class ExpiryWrite:
    """A write that gave (or will give) a key an expiry: m365gov must never cause one.

    ``operation``: ``create``, ``update``, ``rotate`` (inherited from a rotation policy) or
    ``rotation_policy`` (``value`` is then the ``expiryTime`` duration, else Unix seconds).
    """

    vault: str
    key: str
    version: str | None
    operation: str
    value: Any
    at: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
