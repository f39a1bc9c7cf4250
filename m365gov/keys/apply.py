"""``keys apply --yes`` and ``keys rotate --yes``: the only code that changes Key Vault.

What it can do is closed: create a key (no expiry, ever), roll a key to a new version
(``rotate_key``), write a rotation policy (never with an expiry), and back up. There is no delete,
purge, disable, recover, permission or expiry call anywhere in m365gov (customer-key.md §1.9; the
static test ``tests/unit/keys/test_never.py`` greps for them).

Every step is journaled ``started`` before the call and ``done``/``failed``/``refused`` after it;
a creation or a rotation is reported done only once its backup is written. The first failure stops
the run: later actions depend on the state the failed one should have produced, and the journal then
tells exactly what was done. Before creating, the key is read again: if it exists now (created by
someone since the plan, or the plan was made from stale evidence), creating would silently roll it,
so the action is refused instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from m365gov.keys.azure_errors import WRITE_PERMISSION, classify, is_not_found
from m365gov.keys.backup import BackupEntry, take_backup
from m365gov.keys.desired import KeySpec
from m365gov.keys.instructions import dep_refresh_commands
from m365gov.keys.journal import DONE, FAILED, REFUSED, STARTED, Journal
from m365gov.keys.plan import BACKUP, CREATE_KEY, ROTATE, SET_ROTATION_POLICY, Action
from m365gov.keys.rules import REQUIRED_KEY_OPS
from m365gov.timeutil import utcnow

ClientFor = Callable[[str], Any]
"""Returns the ``KeyClient`` of a vault URL (the CLI builds real ones; tests may pass their own)."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one action.

    Attributes:
        action: the planned action.
        result: ``done``, ``failed`` or ``refused``.
        detail: why, for anything but ``done``.
        version: the key's version after the action (a new version for create/rotate).
        backup: the backup written, if any.
        follow_up: commands a person must run next (DEP refresh after a new version).
    """

    action: Action
    result: str
    detail: str | None = None
    version: str | None = None
    backup: BackupEntry | None = None
    follow_up: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApplyReport:
    """Every outcome, in order; actions after a failure are listed as not attempted."""

    outcomes: tuple[Outcome, ...] = ()
    not_attempted: tuple[Action, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(o.result == DONE for o in self.outcomes) and not self.not_attempted


class StepFailed(Exception):
    """Raised inside an action to end it ``failed``/``refused`` with a sentence.

    ``journaled`` marks a failure already written by the step that failed (a backup after a
    creation), so that the journal keeps one line per event.
    """

    def __init__(self, result: str, detail: str, *, version: str | None = None, journaled: bool = False) -> None:
        super().__init__(detail)
        self.result = result
        self.detail = detail
        self.version = version
        self.journaled = journaled


def apply_plan(
    actions: Sequence[Action],
    *,
    client_for: ClientFor,
    journal: Journal,
    backup_dir: Path,
    clock: Callable[[], datetime] = utcnow,
) -> ApplyReport:
    """Execute ``actions`` in order, stopping at the first that does not end ``done``."""
    outcomes: list[Outcome] = []
    for i, action in enumerate(actions):
        outcome = _run(action, client_for(action.key.vault.url), journal, backup_dir, clock)
        outcomes.append(outcome)
        if outcome.result != DONE:
            return ApplyReport(tuple(outcomes), tuple(actions[i + 1:]))
    return ApplyReport(tuple(outcomes))


def _run(action: Action, client: Any, journal: Journal, backup_dir: Path,
         clock: Callable[[], datetime]) -> Outcome:
    k = action.key
    journal.record(action.kind, STARTED, vault=k.vault.name, key=k.name, version=action.version,
                   detail=action.describe())
    try:
        if action.kind == CREATE_KEY:
            version = _create(client, k)
            journal.record(CREATE_KEY, DONE, vault=k.vault.name, key=k.name, version=version,
                           detail=f"{k.key_type} {k.key_size} bits, wrapKey+unwrapKey, no expiry")
            backup = _backup(client, k, version, journal, backup_dir, clock)
            return Outcome(action, DONE, version=version, backup=backup)
        if action.kind == SET_ROTATION_POLICY:
            _set_rotation_policy(client, k, action.rotate_after_days)
            journal.record(SET_ROTATION_POLICY, DONE, vault=k.vault.name, key=k.name,
                           detail=action.describe())
            return Outcome(action, DONE)
        if action.kind == BACKUP:
            version = client.get_key(k.name).properties.version
            backup = _backup(client, k, version, journal, backup_dir, clock, started=True)
            return Outcome(action, DONE, version=version, backup=backup)
        raise StepFailed(REFUSED, f"unknown action {action.kind!r}")
    except StepFailed as exc:
        if not exc.journaled:
            journal.record(action.kind, exc.result, vault=k.vault.name, key=k.name, version=exc.version,
                           detail=exc.detail)
        return Outcome(action, exc.result, exc.detail, version=exc.version)
    except Exception as exc:
        detail = classify(exc, where=f"{k.vault.name}/{k.name}", permission=WRITE_PERMISSION).detail
        journal.record(action.kind, FAILED, vault=k.vault.name, key=k.name, detail=detail)
        return Outcome(action, FAILED, detail)


def _create(client: Any, k: KeySpec) -> str:
    """Create the key if, and only if, it still does not exist. No expiry: the SDK call is given none."""
    try:
        client.get_key(k.name)
    except Exception as exc:
        if not is_not_found(exc):
            raise
    else:
        raise StepFailed(REFUSED, f"{k.vault.name}/{k.name} exists now: creating it would add a version (an "
                         "unplanned roll); run `m365gov keys plan` again")
    key = client.create_rsa_key(
        k.name,
        size=k.key_size,
        hardware_protected=k.key_type == "RSA-HSM",
        key_operations=list(REQUIRED_KEY_OPS),
        enabled=True,
        tags=dict(k.tags) or None,
    )
    return str(key.properties.version)


def _set_rotation_policy(client: Any, k: KeySpec, rotate_after_days: int | None) -> None:
    """A rotation policy with (or without) a Rotate action, and never an ``expiryTime``."""
    from azure.keyvault.keys import KeyRotationLifetimeAction, KeyRotationPolicy, KeyRotationPolicyAction

    actions = (
        [KeyRotationLifetimeAction(KeyRotationPolicyAction.rotate, time_after_create=f"P{rotate_after_days}D")]
        if rotate_after_days else []
    )
    result = client.update_key_rotation_policy(k.name, KeyRotationPolicy(lifetime_actions=actions))
    if getattr(result, "expires_in", None):
        raise StepFailed(FAILED, f"the service kept an expiryTime ({result.expires_in}) on the rotation policy of "
                         f"{k.vault.name}/{k.name}: new versions would expire; fix it by hand")


def _backup(client: Any, k: KeySpec, version: str, journal: Journal, backup_dir: Path,
            clock: Callable[[], datetime], *, started: bool = False) -> BackupEntry:
    """``backup_key`` into the backup directory; journaled with the file and its digest."""
    if not started:
        journal.record(BACKUP, STARTED, vault=k.vault.name, key=k.name, version=version)
    try:
        entry = take_backup(client, backup_dir, vault=k.vault.name, vault_url=k.vault.url, key=k.name,
                            version=version, taken=clock())
    except Exception as exc:
        problem = classify(exc, where=f"{k.vault.name}/{k.name}", permission=WRITE_PERMISSION)
        detail = f"version {version} is in the vault, but its backup failed: {problem.detail}"
        journal.record(BACKUP, FAILED, vault=k.vault.name, key=k.name, version=version, detail=detail)
        raise StepFailed(FAILED, detail, version=version, journaled=True) from exc
    journal.record(BACKUP, DONE, vault=k.vault.name, key=k.name, version=version, backup_file=entry.file,
                   backup_sha256=entry.sha256)
    return entry


def rotate_key(k: KeySpec, *, client: Any, journal: Journal, backup_dir: Path,
               clock: Callable[[], datetime] = utcnow, spo_admin_url: str | None = None) -> Outcome:
    """Roll ``k`` to a new version, back it up, and return the DEP refresh commands.

    Refused when the key's rotation policy has an ``expiryTime`` (the new version would expire) or
    when the new version comes back with an expiry (journaled ``failed``: fix it by hand).
    """
    action = Action(ROTATE, k, "rotation requested")
    journal.record(ROTATE, STARTED, vault=k.vault.name, key=k.name, detail="rotate_key")
    try:
        try:
            policy = client.get_key_rotation_policy(k.name)
        except Exception as exc:
            if not is_not_found(exc):
                raise
            policy = None
        if policy is not None and getattr(policy, "expires_in", None):
            raise StepFailed(REFUSED, f"the rotation policy of {k.vault.name}/{k.name} gives new versions an expiry "
                             f"({policy.expires_in}), which Microsoft 365 refuses: remove it first")
        key = client.rotate_key(k.name)
        version = str(key.properties.version)
        if key.properties.expires_on is not None:
            raise StepFailed(FAILED, f"the new version {version} has an expiry ({key.properties.expires_on:%Y-%m-%d}): "
                             "set it to 9999-12-31 with Update-AzKeyVaultKey before refreshing the DEP",
                             version=version)
        journal.record(ROTATE, DONE, vault=k.vault.name, key=k.name, version=version)
        backup = _backup(client, k, version, journal, backup_dir, clock)
    except StepFailed as exc:
        if not exc.journaled:
            journal.record(ROTATE, exc.result, vault=k.vault.name, key=k.name, version=exc.version,
                           detail=exc.detail)
        return Outcome(action, exc.result, exc.detail, version=exc.version)
    except Exception as exc:
        detail = classify(exc, where=f"{k.vault.name}/{k.name}", permission=WRITE_PERMISSION).detail
        journal.record(ROTATE, FAILED, vault=k.vault.name, key=k.name, detail=detail)
        return Outcome(action, FAILED, detail)
    return Outcome(action, DONE, version=version, backup=backup,
                   follow_up=dep_refresh_commands(k, version, spo_admin_url))
