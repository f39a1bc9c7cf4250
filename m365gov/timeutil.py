"""Time handling shared by every stage.

All times in data are timezone-aware UTC; people see Europe/Paris. Graph and Key Vault write ISO 8601
with ``Z``, Key Vault attributes use Unix seconds, usage reports use bare dates: one parser accepts
them all so that no module grows its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def parse_datetime(value: Any) -> datetime | None:
    """Parse an ISO 8601 date or date-time (or Unix seconds) to an aware UTC datetime.

    Returns ``None`` for anything that is not a recognisable time, so that callers decide whether a
    bad value is an error or missing evidence. Naive values are taken as UTC (Graph's convention).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time(0), tzinfo=UTC)
    elif isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def to_iso(dt: datetime) -> str:
    """Format an aware datetime as UTC ISO 8601 with ``Z`` (seconds precision)."""
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def utcnow() -> datetime:
    """The clock — read only by collection and commands that act, never by evaluation."""
    return datetime.now(UTC)


def paris(dt: datetime) -> str:
    """Show a time to a person, in Europe/Paris."""
    return dt.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
