"""Data-location vocabularies (graph.md §2.4, §2.5).

Teams reports regions by display name (``"France"``) while Multi-Geo uses three-letter codes
(``"FRA"``): views map one to the other so that one policy parameter covers both.
"""

from __future__ import annotations

from typing import Final

TEAMS_REGION_CODES: Final = {
    "Americas": "NAM",
    "Europe and MiddleEast": "EUR",
    "Asia Pacific": "APC",
    "UAE": "ARE",
    "Australia": "AUS",
    "Brazil": "BRA",
    "Canada": "CAN",
    "Switzerland": "CHE",
    "Germany": "DEU",
    "France": "FRA",
    "India": "IND",
    "Japan": "JPN",
    "South Korea": "KOR",
    "Norway": "NOR",
    "Singapore": "SGP",
    "United Kingdom": "GBR",
    "South Africa": "ZAF",
    "Sweden": "SWE",
    "Qatar": "QAT",
    "Poland": "POL",
    "Italy": "ITA",
    "Israel": "ISR",
    "Spain": "ESP",
    "Mexico": "MEX",
}
"""Teams region display names → data-location codes. ``Europe and MiddleEast`` is the EUR macro
region, *not* France. Unknown names map to ``None`` rather than a guess."""


def region_code(name: str | None) -> str | None:
    return TEAMS_REGION_CODES.get(name) if name else None
