"""The fixed facts of Microsoft 365 Customer Key that plans, views and instructions share.

From ``customer-key.md`` §1: which service principal each DEP kind's vaults must trust, the one
recovery level Microsoft accepts, the only expiry date it tolerates, the built-in role that grants
exactly wrap/unwrap/get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

REQUIRED_RECOVERY_LEVEL: Final = "Recoverable+ProtectedSubscription"
REQUIRED_RECOVERABLE_DAYS: Final = 90
ACCEPTED_EXPIRY_DAY: Final = "9999-12-31"
"""Microsoft 365 validation accepts no expiry, or exactly 12/31/9999 (an expiry cannot be removed)."""

REQUIRED_KEY_OPS: Final = ("wrapKey", "unwrapKey")
SERVICE_KEY_PERMISSIONS: Final = frozenset({"get", "wrapkey", "unwrapkey"})
"""Access-policy key permissions the M365 service principal needs (compared lower-case)."""

CRYPTO_SERVICE_ENCRYPTION_USER: Final = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
"""Built-in role "Key Vault Crypto Service Encryption User": get, wrapKey, unwrapKey, nothing else."""

DEP_KINDS: Final = ("exchange", "sharepoint", "multiWorkload")


@dataclass(frozen=True)
class ServicePrincipal:
    """The Microsoft 365 service principal a DEP kind's vaults must grant wrap/unwrap/get.

    Attributes:
        app_id: the first-party application id (the same in every tenant).
        display_name: its name in Entra ID.
        workloads: what the DEP kind encrypts, for people.
    """

    app_id: str
    display_name: str
    workloads: str


SERVICE_PRINCIPALS: Final = {
    "exchange": ServicePrincipal(
        "00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online", "Exchange mailboxes"
    ),
    "sharepoint": ServicePrincipal(
        "00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online", "SharePoint, OneDrive, Teams files"
    ),
    "multiWorkload": ServicePrincipal(
        "c066d759-24ae-40e7-a56f-027002b5d3e4",
        "M365DataAtRestEncryption",
        "Teams chats and media, Exchange data outside mailboxes, Purview",
    ),
}

KNOWN_ROLES: Final = {
    CRYPTO_SERVICE_ENCRYPTION_USER: "Key Vault Crypto Service Encryption User",
    "12338af0-0e69-4776-bea7-57ae8d297424": "Key Vault Crypto User",
    "14b46e9e-c2b7-41b4-b07b-48a6ebf60603": "Key Vault Crypto Officer",
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
    "21090545-7ca7-4776-b22c-e363652d74d2": "Key Vault Reader",
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
}
"""Role definition GUIDs worth naming in messages (any other role is shown by its GUID)."""

_DURATION = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$",
    re.IGNORECASE,
)


def duration_days(text: object) -> float | None:
    """An ISO 8601 duration (``P1Y``, ``P330D``, ``P2M``) in days, as Key Vault counts them (Y=365, M=30)."""
    if not isinstance(text, str):
        return None
    m = _DURATION.match(text.strip())
    if m is None:
        return None
    y, mo, w, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    return y * 365 + mo * 30 + w * 7 + d + h / 24 + mi / 1440 + s / 86400


def role_guid(role_definition_id: object) -> str:
    """The GUID at the end of an ARM ``roleDefinitionId`` (lower case)."""
    return str(role_definition_id or "").rstrip("/").rsplit("/", 1)[-1].lower()


def accepted_expiry(expires: object) -> bool:
    """No expiry, or exactly 9999-12-31 (customer-key.md §1.2)."""
    return expires is None or (isinstance(expires, str) and expires.startswith(ACCEPTED_EXPIRY_DAY))
