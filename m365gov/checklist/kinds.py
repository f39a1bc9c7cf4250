"""The check kinds a regime file may name, and the settings (``params``) each one takes.

A check kind is a *mechanism* (how to read a meeting option, how to count a quorum); the *values*
it compares against — which lobby scopes are acceptable, how many clear days of notice — are in the
regime files. This table lets the loader refuse a misspelt or mistyped setting with its JSON
pointer when a regime is loaded, instead of a check silently using a default.

Microsoft's enumerations below are vendor facts (``shared/reference/graph.md`` §6.1), not legal ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

LOBBY_SCOPES: Final = (
    "organizer",
    "organization",
    "organizationAndFederated",
    "everyone",
    "invited",
    "organizationExcludingGuests",
)
LOBBY_ADMITTERS: Final = ("organizerAndCoOrganizersAndPresenters", "organizerAndCoOrganizers")
PRESENTER_MODES: Final = ("everyone", "organization", "roleIsPresenter", "organizer")
BROADCAST_AUDIENCES: Final = ("everyone", "organization", "roleIsAttendee")


@dataclass(frozen=True)
class ParamSpec:
    """One setting of a check kind.

    Attributes:
        type: JSON type (``string``, ``integer``, ``boolean``, ``array``).
        required: the regime file must give it.
        allowed: for a string, its allowed values; for an array, its items' allowed values.
        minimum: for an integer, its smallest value.
    """

    type: str
    required: bool = True
    allowed: tuple[str, ...] | None = None
    minimum: int | None = None

    def problem(self, value: Any) -> str | None:
        """Why ``value`` does not fit, or ``None``."""
        if self.type == "boolean" and not isinstance(value, bool):
            return f"expected true or false, got {value!r}"
        if self.type == "integer":
            if type(value) is not int:
                return f"expected an integer, got {value!r}"
            if self.minimum is not None and value < self.minimum:
                return f"expected at least {self.minimum}, got {value}"
        if self.type == "string":
            if not isinstance(value, str):
                return f"expected a string, got {value!r}"
            if self.allowed and value not in self.allowed:
                return f"got {value!r}, expected one of {', '.join(self.allowed)}"
        if self.type == "array":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return f"expected an array of strings, got {value!r}"
            bad = [v for v in value if self.allowed and v not in self.allowed]
            if bad:
                return f"unknown value(s) {', '.join(map(repr, bad))}; expected among {', '.join(self.allowed or ())}"
        return None


CHECK_PARAMS: Final[Mapping[str, Mapping[str, ParamSpec]]] = {
    "regimeInForce": {},
    "meetingFound": {},
    "organizer": {},
    "invitations": {},
    "lobbyScope": {
        "allowedScopes": ParamSpec("array", allowed=LOBBY_SCOPES),
        "allowedAdmitters": ParamSpec("array", required=False, allowed=LOBBY_ADMITTERS),
    },
    "lobbyDialIn": {"bypassAllowed": ParamSpec("boolean")},
    "presenters": {"allowedModes": ParamSpec("array", allowed=PRESENTER_MODES)},
    "attendeeMicCamera": {"microphone": ParamSpec("boolean"), "camera": ParamSpec("boolean")},
    "recording": {
        "recording": ParamSpec("string", allowed=("automatic", "allowed", "forbidden")),
        "transcription": ParamSpec("string", required=False, allowed=("allowed", "forbidden", "any")),
    },
    "entryExitAnnounced": {"announced": ParamSpec("boolean")},
    "meetingSecurity": {
        "passcodeRequired": ParamSpec("boolean", required=False),
        "namesLocked": ParamSpec("boolean", required=False),
    },
    "dialInNumber": {},
    "publicBroadcast": {"audiences": ParamSpec("array", required=False, allowed=BROADCAST_AUDIENCES)},
    "chamberRoom": {},
    "meetingRooms": {"rooms": ParamSpec("array", required=False)},
    "chamberBooked": {},
    "councilGroup": {},
    "memberReadiness": {},
    "memberContacts": {},
    "quorum": {},
    "proxies": {},
    "convocation": {
        "noticeClearDays": ParamSpec("integer", minimum=0),
        "emergencyNoticeClearDays": ParamSpec("integer", required=False, minimum=0),
    },
    "secretary": {},
    "declared": {},
}
"""Check kind → its settings. The regime schema's ``check`` enum lists the same names."""

DECLARED_CHECKS: Final = frozenset({"declared"})
"""Kinds decided only by the declarations file (``items.<id>``)."""
