"""Microsoft 365 usage reports as CSV: parsed by header name, never by position.

The v1.0 report functions answer with a CSV whose column set differs between API versions and over
time (graph.md §3.2: the newest device-usage report adds User Id, Chrome OS, Linux, Is Licensed).
Reading by position would silently shift every value the day Microsoft adds a column, so each
header is normalised (case, spaces and punctuation ignored) and looked up in a table of the
columns m365gov uses; unknown columns are ignored, missing ones read as ``None``.

Rows are kept under the property names of the beta JSON form of the same reports
(``userPrincipalName``, ``lastActivityDate``, ``usedWeb``…), Microsoft's own names, so that a snapshot
reads like the documentation whichever form was collected. Pure: no network, no clock.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TEXT, DATE, BOOL, INT, DURATION = "text", "date", "bool", "int", "duration"


@dataclass(frozen=True)
class Column:
    """How one report column is kept.

    Attributes:
        key: the property name in the snapshot (the beta JSON report's name).
        kind: ``text``, ``date`` (YYYY-MM-DD kept as text), ``bool`` (Yes/No, True/False), ``int``
            or ``duration`` (seconds, from ``123`` or ``HH:MM:SS``).
        fallback: a lower-priority column: it only fills ``key`` when the preferred column is absent
            from the file (``Audio Duration`` stands in for ``Audio Duration In Seconds``).
    """

    key: str
    kind: str = TEXT
    fallback: bool = False


class ReportFormatError(ValueError):
    """The body is not the expected report (not UTF-8, not CSV, or no user column)."""


def normalise_header(name: str) -> str:
    """``"User Principal Name"``, ``"user_principal_name"`` and ``"UserPrincipalName"`` are one column."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


_COMMON = {
    "reportrefreshdate": Column("reportRefreshDate", DATE),
    "userid": Column("userId"),
    "userprincipalname": Column("userPrincipalName"),
    "lastactivitydate": Column("lastActivityDate", DATE),
    "isdeleted": Column("isDeleted", BOOL),
    "islicensed": Column("isLicensed", BOOL),
    "reportperiod": Column("reportPeriod", INT),
}

TEAMS_USER_ACTIVITY: Mapping[str, Column] = {
    **_COMMON,
    "teamchatmessagecount": Column("teamChatMessageCount", INT),
    "privatechatmessagecount": Column("privateChatMessageCount", INT),
    "callcount": Column("callCount", INT),
    "meetingcount": Column("meetingCount", INT),
    "meetingsorganizedcount": Column("meetingsOrganizedCount", INT),
    "meetingsattendedcount": Column("meetingsAttendedCount", INT),
    "audiodurationinseconds": Column("audioDurationInSeconds", DURATION),
    "videodurationinseconds": Column("videoDurationInSeconds", DURATION),
    "screensharedurationinseconds": Column("screenShareDurationInSeconds", DURATION),
    "audioduration": Column("audioDurationInSeconds", DURATION, fallback=True),
    "videoduration": Column("videoDurationInSeconds", DURATION, fallback=True),
    "screenshareduration": Column("screenShareDurationInSeconds", DURATION, fallback=True),
}
"""``getTeamsUserActivityUserDetail`` (graph.md §3.2)."""

TEAMS_DEVICE_USAGE: Mapping[str, Column] = {
    **_COMMON,
    "usedweb": Column("usedWeb", BOOL),
    "usedwindowsphone": Column("usedWindowsPhone", BOOL),
    "usedios": Column("usedIOs", BOOL),
    "usedmac": Column("usedMac", BOOL),
    "usedandroidphone": Column("usedAndroidPhone", BOOL),
    "usedwindows": Column("usedWindows", BOOL),
    "usedchromeos": Column("usedChromeOS", BOOL),
    "usedlinux": Column("usedLinux", BOOL),
}
"""``getTeamsDeviceUsageUserDetail`` (graph.md §3.2; older files lack User Id, Chrome OS, Linux)."""

USER_COLUMN = "userPrincipalName"
_TRUE = frozenset({"yes", "true", "1"})
_FALSE = frozenset({"no", "false", "0"})
_HMS = re.compile(r"^(\d+):([0-5]?\d):([0-5]?\d)$")
_ISO_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


def parse_report_csv(body: bytes, columns: Mapping[str, Column]) -> list[dict[str, Any]]:
    """Rows of a usage report, keyed by :attr:`Column.key`; ``[]`` for an empty report.

    A leading byte-order mark (the reports carry one) is dropped. Raises :class:`ReportFormatError`
    when the body is not UTF-8 text or has no User Principal Name column — an HTML error page or a
    JSON body must not read as "nobody used Teams".
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportFormatError(f"the report is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ReportFormatError(f"the report is not CSV: {exc}") from None
    plan = _plan(header, columns)
    if not any(col.key == USER_COLUMN for _, col in plan):
        shown = ", ".join(h.strip() for h in header[:8]) or "(none)"
        raise ReportFormatError(f"the report has no User Principal Name column (columns: {shown})")
    rows: list[dict[str, Any]] = []
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            row: dict[str, Any] = {}
            for index, col in plan:
                raw = cells[index].strip() if index < len(cells) else ""
                try:
                    row[col.key] = _convert(raw, col.kind)
                except ValueError:
                    raise ReportFormatError(
                        f"line {line}: column {header[index].strip()!r}: unexpected value {raw[:40]!r}"
                    ) from None
            rows.append(row)
    except csv.Error as exc:
        raise ReportFormatError(f"line {reader.line_num}: the report is not valid CSV: {exc}") from None
    return rows


def looks_concealed(rows: list[dict[str, Any]]) -> bool:
    """Whether the report's user names are concealed (hashed): no user principal name has an ``@``.

    ``admin/reportSettings`` says so first; this catches the case where that setting could not be
    read (its own permission is missing) so that hashed names never pass for unknown users.
    """
    names = [r.get(USER_COLUMN) for r in rows if r.get(USER_COLUMN)]
    return bool(names) and not any("@" in str(n) for n in names)


def _plan(header: list[str], columns: Mapping[str, Column]) -> list[tuple[int, Column]]:
    """Which cell feeds which key: preferred columns win over their fallbacks, first one wins."""
    found: dict[str, tuple[int, Column]] = {}
    for index, name in enumerate(header):
        col = columns.get(normalise_header(name))
        if col is None:
            continue
        current = found.get(col.key)
        if current is None or (current[1].fallback and not col.fallback):
            found[col.key] = (index, col)
    return sorted(found.values(), key=lambda item: item[0])


def _convert(raw: str, kind: str) -> Any:
    if raw == "":
        return None
    if kind in (TEXT, DATE):
        return raw
    if kind == BOOL:
        low = raw.casefold()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(raw)
    if kind == INT:
        return int(float(raw))
    return _seconds(raw)


def _seconds(raw: str) -> int:
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        return round(float(raw))
    m = _HMS.match(raw)
    if m:
        h, mi, s = (int(g) for g in m.groups())
        return h * 3600 + mi * 60 + s
    m = _ISO_DURATION.match(raw)
    if m and any(m.groups()):
        d, h, mi = (int(g or 0) for g in m.groups()[:3])
        return round(d * 86400 + h * 3600 + mi * 60 + float(m.group(4) or 0))
    raise ValueError(raw)
