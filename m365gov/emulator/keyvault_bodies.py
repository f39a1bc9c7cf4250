"""Key Vault request bodies checked as the service checks them, with its own messages (400 ``BadParameter``).

Kept apart from the store so that what a body may hold reads in one place, and the store only
applies what passed.
"""

from __future__ import annotations

import re
from typing import Any

from m365gov.emulator.keyvault_protocol import bad_parameter

KEY_OPERATIONS = ("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export")
_DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                       r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.IGNORECASE)


def duration_days(text: str) -> float:
    """Days in an ISO 8601 duration (a month is 30 days, a year 365), or ``ValueError``."""
    m = _DURATION.match(text or "")
    if not m:
        raise ValueError(text)
    y, mo, w, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    return y * 365 + mo * 30 + w * 7 + d + h / 24 + mi / 1440 + s / 86400


def checked_key_ops(value: Any, default: tuple[str, ...]) -> list[str]:
    """The operations in their canonical spelling (the service accepts any case and answers in its own)."""
    if value is None:
        return list(default)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_parameter("Property 'key_ops' must be an array of strings.")
    out: list[str] = []
    for op in value:
        canonical = next((k for k in KEY_OPERATIONS if k.lower() == op.lower()), None)
        if canonical is None:
            raise bad_parameter(f"Property 'key_ops' has an invalid value '{op}'.")
        out.append(canonical)
    return out


def checked_attributes(value: Any) -> dict[str, Any]:
    """The settable attributes present in the body (``None`` values are ignored, as the service does)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_parameter("Property 'attributes' must be an object.")
    out: dict[str, Any] = {}
    if value.get("enabled") is not None:
        if not isinstance(value["enabled"], bool):
            raise bad_parameter("Property 'attributes.enabled' must be a boolean.")
        out["enabled"] = value["enabled"]
    for name in ("nbf", "exp"):
        if value.get(name) is not None:
            if not isinstance(value[name], int) or isinstance(value[name], bool):
                raise bad_parameter(f"Property 'attributes.{name}' must be Unix seconds.")
            out[name] = value[name]
    if value.get("exportable") is not None:
        out["exportable"] = bool(value["exportable"])
    return out


def checked_tags(value: Any) -> dict[str, str]:
    """String tags, at most 15 (the service's limit)."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise bad_parameter("Property 'tags' must be an object of strings.")
    if len(value) > 15:
        raise bad_parameter("A key has at most 15 tags.")
    return dict(value)


def checked_lifetime_actions(value: Any) -> list[dict[str, Any]]:
    """A rotation policy's actions: one trigger each, at most one of a kind, no rotation before 7 days."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_parameter("Property 'lifetimeActions' must be an array.")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, dict):
            raise bad_parameter("Each lifetime action must be an object.")
        kind = str((item.get("action") or {}).get("type") or "")
        canonical = {"rotate": "Rotate", "notify": "Notify"}.get(kind.lower())
        if canonical is None:
            raise bad_parameter(f"Lifetime action type '{kind}' is invalid: use Rotate or Notify.")
        if canonical in seen:
            raise bad_parameter(f"A rotation policy has at most one {canonical} action.")
        seen.add(canonical)
        trigger = item.get("trigger") or {}
        given = {k: trigger[k] for k in ("timeAfterCreate", "timeBeforeExpiry") if trigger.get(k)}
        if len(given) != 1:
            raise bad_parameter("Each lifetime action needs exactly one trigger: timeAfterCreate or timeBeforeExpiry.")
        (which, duration), = given.items()
        try:
            days = duration_days(duration)
        except ValueError:
            raise bad_parameter(f"Trigger '{which}' has an invalid ISO 8601 duration '{duration}'.") from None
        if which == "timeAfterCreate" and days < 7:
            raise bad_parameter("A rotation trigger 'timeAfterCreate' must be at least 7 days (P7D).")
        out.append({"trigger": {which: duration}, "action": {"type": canonical}})
    return out
