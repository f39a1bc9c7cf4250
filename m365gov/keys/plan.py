"""``keys plan``: the changes that bring Key Vault to the key plan, and the steps left to people.

Pure: the desired state (:class:`KeyPlan`) and what a collection saw (raw section data, possibly
partial) in, a :class:`Plan` out. Terraform-style, and conservative:

* an action is planned only from evidence: a key is "missing" only if its vault was listed
  successfully — creating over a key that merely could not be read would roll it silently;
* m365gov's actions are few: create a missing key (RSA-HSM 3072 by default, wrapKey/unwrapKey, no
  expiry), write the rotation policy the plan asks for (never with an expiry), back up a current
  version that has no verified backup. Every creation is followed by a backup in ``apply``;
* everything else is an :class:`~m365gov.keys.instructions.Instruction` with the real names.

A plan without actions is what a second ``apply`` sees: nothing left for m365gov to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from m365gov.keys import instructions as steps
from m365gov.keys.desired import KeyPlan, KeySpec
from m365gov.keys.instructions import Instruction
from m365gov.keys.rules import REQUIRED_KEY_OPS, REQUIRED_RECOVERABLE_DAYS, accepted_expiry
from m365gov.views.key_join import vault_records
from m365gov.views.key_vaults import build_pairs, build_vaults
from m365gov.views.keys import build_keys

CREATE_KEY, SET_ROTATION_POLICY, BACKUP = "createKey", "setRotationPolicy", "backup"
ROTATE = "rotate"
"""Not planned (a roll needs a person to refresh the DEP): ``keys rotate NAME --yes`` only."""
FRANCE = ("francecentral", "francesouth")


@dataclass(frozen=True)
class Action:
    """One change m365gov makes when the plan is applied.

    Attributes:
        kind: ``createKey``, ``setRotationPolicy`` or ``backup`` (``rotate`` for ``keys rotate``).
        key: the planned key it concerns (its vault, DEP, type, size, tags, rotation settings).
        reason: what was observed, for people.
        version: ``backup``: the current version to back up (the blob holds every version).
        rotate_after_days: ``setRotationPolicy``: days after creation for the Rotate action, or
            ``None`` for a policy without one. Never an expiry.
    """

    kind: str
    key: KeySpec
    reason: str
    version: str | None = None
    rotate_after_days: int | None = None

    def describe(self) -> str:
        k = self.key
        where = f"{k.vault.name}/{k.name}"
        if self.kind == CREATE_KEY:
            return (f"create key {where}: {k.key_type} {k.key_size} bits, wrapKey+unwrapKey, no expiry"
                    f"{', tags ' + ','.join(f'{a}={b}' for a, b in k.tags.items()) if k.tags else ''} "
                    "— then back it up")
        if self.kind == SET_ROTATION_POLICY:
            rule = (f"Rotate {self.rotate_after_days} days after creation" if self.rotate_after_days
                    else "no automatic rotation")
            return f"set the rotation policy of {where}: {rule}, no expiry"
        if self.kind == ROTATE:
            return f"rotate {where}: a new version (the old ones stay enabled) — then back it up"
        return f"back up {where} (current version {self.version})"

    def to_json(self) -> dict[str, Any]:
        k = self.key
        return {
            "action": self.kind,
            "vault": k.vault.name,
            "vaultUrl": k.vault.url,
            "key": k.name,
            "dep": k.dep,
            "depKind": k.dep_kind,
            "role": k.role,
            "reason": self.reason,
            "description": self.describe(),
            "keyType": k.key_type if self.kind == CREATE_KEY else None,
            "keySize": k.key_size if self.kind == CREATE_KEY else None,
            "version": self.version,
            "rotateAfterDays": self.rotate_after_days,
        }


@dataclass(frozen=True)
class Plan:
    """What ``keys apply`` would do, what people must do, and what could not be judged.

    Attributes:
        actions: m365gov's changes, in execution order.
        instructions: steps for people, with real names.
        blocked: vaults nothing could be planned for (unreadable), with why.
    """

    actions: tuple[Action, ...] = ()
    instructions: tuple[Instruction, ...] = ()
    blocked: tuple[str, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        """Every planned vault was read: the plan is based on full evidence."""
        return not self.blocked

    def to_json(self) -> dict[str, Any]:
        return {
            "actions": [a.to_json() for a in self.actions],
            "instructions": [i.to_json() for i in self.instructions],
            "blocked": list(self.blocked),
        }


@dataclass(frozen=True)
class Observed:
    """What a collection saw, as raw section data (``None`` for a section that was not collected).

    ``keys`` and ``arm`` may be partial: the per-vault records carry their own status.
    """

    keys: Mapping[str, Any] | None
    arm: Mapping[str, Any] | None
    backups: Mapping[str, Any] | None
    service_principals: Any
    now: datetime


def make_plan(desired: KeyPlan, seen: Observed, *, allowed_regions: tuple[str, ...] = FRANCE) -> Plan:
    """Compare the desired state with what was seen."""
    plan_json = desired.to_json()
    keys = {r["id"].lower(): r for r in build_keys(plan_json, seen.keys, seen.backups, seen.now)}
    kv = vault_records(seen.keys)
    vaults = {v["id"]: v for v in build_vaults(plan_json, seen.arm, seen.service_principals)} if seen.arm else {}
    actions: list[Action] = []
    todo: _Steps = _Steps()
    blocked: list[str] = []
    for v in desired.vaults:
        rec = kv.get(v.url)
        if rec is None or rec.get("status") != "ok":
            detail = (rec or {}).get("detail") or "its keys were not collected"
            blocked.append(f"{v.name}: {detail}")
            todo.add(steps.unreadable(v, detail))
    for dep in desired.deps:
        created = False
        for k in dep.keys:
            r = keys.get(k.ref.lower())
            if r is None:
                continue  # unreadable vault: blocked above
            vault = vaults.get(k.vault.name, {})
            if not r["exists"]:
                if k.key_type == "RSA-HSM" and vault.get("sku") == "standard":
                    todo.add(steps.premium(k.vault))
                    continue
                actions.append(Action(CREATE_KEY, k, "planned key missing from its vault"))
                if k.auto_rotate is not None:
                    actions.append(Action(SET_ROTATION_POLICY, k, "the plan manages the rotation policy",
                                          rotate_after_days=k.rotation_days if k.auto_rotate else None))
                created = True
                continue
            actions.extend(_existing_key(dep.spo_admin_url, k, r, vault, todo, seen.now))
        if created:
            todo.add(steps.dep_after_create(dep))
    for v in desired.vaults:
        _vault_steps(desired, vaults.get(v.name), todo, allowed_regions)
    _pair_steps(desired, build_pairs(plan_json, seen.keys, seen.arm), todo)
    return Plan(tuple(actions), tuple(todo.items), tuple(blocked))


class _Steps:
    """Instructions in order of first mention, each once."""

    def __init__(self) -> None:
        self.items: list[Instruction] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, step: Instruction) -> None:
        if (step.topic, step.subject) not in self._seen:
            self._seen.add((step.topic, step.subject))
            self.items.append(step)


def _existing_key(spo_admin_url: str | None, k: KeySpec, r: Mapping[str, Any], vault: Mapping[str, Any],
                  todo: _Steps, now: datetime) -> list[Action]:
    actions: list[Action] = []
    wrong = []
    if r["keyType"] != k.key_type:
        wrong.append(f"key type {r['keyType']} (plan: {k.key_type})")
    if (r["keySize"] or 0) < k.key_size:
        wrong.append(f"{r['keySize']} bits (plan: {k.key_size})")
    if not set(REQUIRED_KEY_OPS) <= set(r["keyOps"] or ()):
        wrong.append(f"operations {','.join(r['keyOps'] or ()) or 'none'} (wrapKey and unwrapKey required)")
    if wrong:
        if k.key_type == "RSA-HSM" and vault.get("sku") == "standard":
            todo.add(steps.premium(k.vault))
        todo.add(steps.new_compliant_version(k, "current version: " + "; ".join(wrong), spo_admin_url))
    if r["enabled"] is False:
        todo.add(steps.enable(k))
    for v in r["versions"]:
        if not accepted_expiry(v.get("expires")):
            todo.add(steps.expiry(k, v["version"], v["expires"]))
    level = str(r["recoveryLevel"] or "")
    if level.endswith("Purgeable"):
        todo.add(steps.purge_protection(k.vault))
    elif level and not level.endswith("ProtectedSubscription"):
        sub = vault.get("subscriptionId") or k.vault.subscription_id or f"<subscription of {k.vault.name}>"
        todo.add(steps.mandatory_retention(sub, k.dep_kind))
    if r["recoverableDays"] is not None and r["recoverableDays"] != REQUIRED_RECOVERABLE_DAYS:
        todo.add(steps.soft_delete_retention(k.vault, r["recoverableDays"]))
    if k.auto_rotate is not None:
        want = k.rotation_days if k.auto_rotate else None
        have = r["autoRotateAfterDays"]
        if r["rotationPolicyExpiryTime"] is not None or (round(have) if have is not None else None) != want:
            actions.append(Action(SET_ROTATION_POLICY, k, _policy_reason(r, want), rotate_after_days=want))
    elif r["rotationPolicyExpiryTime"] is not None:
        todo.add(steps.rotation_policy_expiry(k, r["rotationPolicyExpiryTime"]))
    age = r["currentVersionAgeDays"]
    if age is not None and age > k.rotation_days and not wrong:  # a wrong key needs a new one, not a roll
        todo.add(steps.rotation_due(k, age))
    if r["backedUp"] is False:
        actions.append(Action(BACKUP, k, "no verified backup of the current version on file",
                              version=r["currentVersion"]))
    # Never point SharePoint at a version it cannot use: a wrong or disabled current version gets a
    # compliant new version first (the keyMaterial / keyDisabled steps above).
    usable = not wrong and r["enabled"] is not False
    if k.dep_kind == "sharepoint" and k.pinned_version and r["currentVersion"] != k.pinned_version and usable:
        todo.add(steps.sharepoint_pinned(k, r["currentVersion"], spo_admin_url))
    return actions


def _policy_reason(r: Mapping[str, Any], want: int | None) -> str:
    have = r["autoRotateAfterDays"]
    now = "no rotation policy" if r["rotationPolicy"] is None else (
        f"rotates after {have:.0f} days" if have is not None else "no Rotate action")
    if r["rotationPolicyExpiryTime"]:
        now += f", expiryTime {r['rotationPolicyExpiryTime']}"
    return f"{now}; plan: " + (f"rotate after {want} days" if want else "no automatic rotation") + ", no expiry"


def _vault_steps(desired: KeyPlan, v: Mapping[str, Any] | None, todo: _Steps, allowed: tuple[str, ...]) -> None:
    if not v or not v.get("checked"):
        return
    spec = next(x for x in desired.vaults if x.name == v["id"])
    if v["found"] is False:
        todo.add(steps.vault_not_found(spec))
        return
    if v["enablePurgeProtection"] is not True:
        todo.add(steps.purge_protection(spec))
    if v["softDeleteRetentionInDays"] not in (None, REQUIRED_RECOVERABLE_DAYS):
        todo.add(steps.soft_delete_retention(spec, v["softDeleteRetentionInDays"]))
    if v["sku"] == "standard":
        todo.add(steps.premium(spec))
    if v["networkDefaultAction"] != "Deny":
        todo.add(steps.firewall(spec))
    location = v["location"]
    if location and (location not in allowed or (spec.region and location != spec.region)):
        todo.add(steps.region(spec, location, allowed))
    kind = v["depKind"]
    if v["servicePrincipalHasRequired"] is False:
        todo.add(steps.grant(spec, kind, v["enableRbacAuthorization"], v["armId"]))
    if v["servicePrincipalExtraGrants"]:
        todo.add(steps.broader(spec, kind, v["servicePrincipalExtraGrants"], v["enableRbacAuthorization"],
                               v["armId"]))


def _pair_steps(desired: KeyPlan, pairs: list[dict[str, Any]], todo: _Steps) -> None:
    by_name = {d.name: d for d in desired.deps}
    for p in pairs:
        dep = by_name[p["dep"]]
        problems = []
        if not p["distinctVaults"]:
            problems.append("both keys are in the same vault")
        if p["distinctSubscriptions"] is False:
            problems.append("both vaults are in the same subscription")
        if p["distinctRegions"] is False:
            problems.append(f"both vaults are in {p['regions'][0]}")
        if problems:
            todo.add(steps.pair_problem(dep, "; ".join(problems)))
