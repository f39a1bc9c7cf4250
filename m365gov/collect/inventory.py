"""The declared equipment inventory: a CSV the DSI keeps (``[inventory] csv``). No network.

Columns (header names; case, accents, spaces and punctuation ignored; French names accepted):

==================  ===========================  ===============================================
column              also accepted                value
==================  ===========================  ===============================================
userPrincipalName   upn, utilisateur, login      the user's sign-in name (required)
camera              caméra, webcam               yes/no: oui/non, yes/no, true/false, 1/0
microphone          micro                        yes/no
headset             casque                       yes/no (a headset has a microphone)
device              poste, appareil, matériel    free text (thin client, laptop…)
updatedOn           date, misAJourLe             YYYY-MM-DD or DD/MM/YYYY
note                remarque, commentaire        free text
==================  ===========================  ===============================================

Separator ``,`` or ``;`` (French spreadsheets export ``;``), detected from the header line; UTF-8
with or without BOM, or Windows-1252 as older spreadsheet exports write it. An empty cell means
"not declared".

Bad rows become line-numbered errors kept in the section beside the good rows, which still count:
one typo must not discard everyone else's declaration. Whether a row names a real user is decided
when the views join the inventory to the directory, so that such a row is reported there (the
``inventoryRows`` view and DEV-005), never dropped here.

A file that cannot be read as an inventory at all (missing, not text, no ``userPrincipalName``
header) makes the *section* ``error`` with the file and line, rather than aborting the command with
an input error: collection also spends throttled Graph quota (usage reports: 14 requests per 10
minutes), and a misfiled inventory must not throw that away. The failure still surfaces: the
section's status, and ``not_evaluated: source_error`` with the same message on every policy that
needs the inventory — and exit code 3 for the run.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from m365gov.collect.base import CollectContext, Source, SourceUnavailable
from m365gov.config import Config
from m365gov.statuses import SRC_ERROR

REQUIRED = "userPrincipalName"
YES_NO_COLUMNS = ("camera", "microphone", "headset")
_ALIASES = {
    "userPrincipalName": ("userprincipalname", "upn", "utilisateur", "login"),
    "camera": ("camera", "webcam"),
    "microphone": ("microphone", "micro"),
    "headset": ("headset", "casque"),
    "device": ("device", "poste", "appareil", "materiel"),
    "updatedOn": ("updatedon", "date", "misajourle", "miseajour"),
    "note": ("note", "notes", "remarque", "commentaire"),
}
COLUMNS = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
YES = frozenset({"oui", "yes", "true", "1", "vrai", "o", "y"})
NO = frozenset({"non", "no", "false", "0", "faux", "n"})
YES_NO_HINT = "oui/non, yes/no, true/false or 1/0"


class InventoryFileError(ValueError):
    """The file cannot be read as an inventory at all."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Inventory:
    """A parsed inventory.

    Attributes:
        rows: the valid rows, each with its 1-based ``line`` and the documented columns.
        errors: ``{"line", "message"}`` for each rejected row (with its ``userPrincipalName`` when the
            cell was readable) or ignored column.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def fold(name: str) -> str:
    """Header key: accents, case, spaces and punctuation ignored (``Mis à jour le`` → ``misajourle``)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]", "", plain.casefold())


def parse_inventory(data: bytes) -> Inventory:
    """Parse the file's bytes; row problems are errors in the result, file problems raise."""
    text = _decode(data)
    if not text.strip():
        raise InventoryFileError(f"the file is empty: expected a header line with {REQUIRED}", 1)
    first = text.lstrip("\ufeff").splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        keys = [COLUMNS.get(fold(h)) for h in header]
        inv = Inventory()
        if REQUIRED not in keys:
            found = ", ".join(h.strip() for h in header if h.strip()) or "(none)"
            raise InventoryFileError(f"missing the required column {REQUIRED} (columns found: {found})", 1)
        for h, k in zip(header, keys, strict=True):
            if k is None and h.strip():
                known = ", ".join(_ALIASES)
                inv.errors.append({"line": 1, "message": f"unknown column {h.strip()!r} ignored (columns: {known})"})
        seen: dict[str, int] = {}
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            row, problems = _row(cells, keys, line)
            upn = (row.get(REQUIRED) or "").casefold()
            if not problems and upn in seen:
                problems.append(f"{REQUIRED} {row[REQUIRED]!r} is already declared on line {seen[upn]}")
            if problems:
                error = {"line": line, "message": "; ".join(problems)}
                if row.get(REQUIRED):
                    error[REQUIRED] = row[REQUIRED]  # whose declaration was lost, for the reader
                inv.errors.append(error)
                continue
            seen[upn] = line
            inv.rows.append(row)
    except csv.Error as exc:
        raise InventoryFileError(f"not valid CSV: {exc}", reader.line_num or 1) from None
    return inv


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise InventoryFileError("not a text file (it contains NUL bytes): expected a CSV", 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # older spreadsheet exports


def _row(cells: list[str], keys: list[str | None], line: int) -> tuple[dict[str, Any], list[str]]:
    row: dict[str, Any] = {"line": line}
    problems: list[str] = []
    if len(cells) > len(keys) and any(c.strip() for c in cells[len(keys) :]):
        problems.append(f"{len(cells)} cells for {len(keys)} columns (a separator inside a value? quote it)")
    for key, raw in zip(keys, cells, strict=False):
        if key is None:
            continue
        value = raw.strip()
        if key in YES_NO_COLUMNS:
            low = value.casefold()
            if low in YES:
                row[key] = True
            elif low in NO:
                row[key] = False
            elif value:
                problems.append(f"{key}: expected {YES_NO_HINT}, got {value[:30]!r}")
        elif key == "updatedOn":
            if value:
                parsed = _date(value)
                if parsed is None:
                    problems.append(f"updatedOn: expected YYYY-MM-DD or DD/MM/YYYY, got {value[:30]!r}")
                else:
                    row[key] = parsed
        elif value:
            row[key] = value
    upn = row.get(REQUIRED)
    if not upn:
        problems.insert(0, f"{REQUIRED} is empty")
    elif "@" not in upn:
        problems.insert(0, f"{REQUIRED} {upn[:60]!r} is not a sign-in name (name@domain)")
    return row, problems


def _date(text: str) -> str | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


class InventorySource(Source):
    """The inventory file named in the config; ``not_configured`` without ``[inventory] csv``.

    Section data: ``{"file": <name>, "rows": [...], "errors": [{"line", "message"}]}``.
    """

    name = "inventory"
    description = "the declared equipment inventory (the CSV file named by [inventory] csv; no network)"
    permissions = ()

    def not_configured(self, config: Config) -> str | None:
        if config.teams.inventory_csv is None:
            return "no equipment inventory configured ([inventory] csv in the config file)"
        return None

    async def fetch(self, ctx: CollectContext) -> tuple[Any, dict[str, int]]:
        path = ctx.config.teams.inventory_csv
        assert path is not None
        inv = read_inventory(path)
        data = {"file": path.name, "rows": [ctx.sharer.share(r) for r in inv.rows], "errors": inv.errors}
        return data, {"items": len(inv.rows), "errors": len(inv.errors)}


def read_inventory(path: Path) -> Inventory:
    """Read and parse the file; any reason it cannot be used becomes ``SourceUnavailable(error)``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceUnavailable(SRC_ERROR, f"{path}: inventory file not found ([inventory] csv)") from None
    except OSError as exc:
        raise SourceUnavailable(SRC_ERROR, f"{path}: cannot read the inventory: {exc.strerror}") from None
    try:
        return parse_inventory(data)
    except InventoryFileError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise SourceUnavailable(SRC_ERROR, f"{where}: {exc}") from None
