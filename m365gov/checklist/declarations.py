"""The declarations file: what the DSI ticks for the items m365gov cannot observe.

A JSON file (schema ``m365gov/council-declarations@1``), given with ``--declared FILE`` or
``[council] declarations``. An item without a declaration stays "to do"; ``"done": false`` records
that it is known not to be done, and the item then fails with its severity. The file names its
session's date, so that a file kept from an earlier session is refused rather than silently ticking
this one's items. Example::

    {"schema": "m365gov/council-declarations@1", "session": "2026-12-03",
     "convocation": {"sentOn": "2026-11-26", "electronic": true, "statesFormat": true},
     "secretary": "chloe.hubert@ville.fr",
     "broadcast": {"url": "https://www.ville.fr/conseil-en-direct"},
     "absent": ["robert.riviere@ville.fr"],
     "items": {"rehearsal": {"done": true, "on": "2026-12-02", "by": "DSI"}}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from m365gov.checklist.kinds import DECLARED_CHECKS
from m365gov.checklist.regime import Regime
from m365gov.errors import InputError, json_pointer
from m365gov.jsonio import read_json
from m365gov.schemas import validate

SCHEMA_ID = "m365gov/council-declarations@1"


@dataclass(frozen=True)
class Declared:
    """One ticked item: done or not, when, by whom, and a note."""

    done: bool
    on: date | None = None
    by: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Declarations:
    """A parsed declarations file (all fields optional but the session's date).

    Attributes:
        session: the session's date the file is for (Europe/Paris); ``None`` when no file was given.
        legal_basis: the emergency text (``text``, ``from``, ``until``, ``note``), if declared.
        convocation: ``sentOn`` (a date) and the flags of the schema, if declared.
        secretary: the session secretary's UPN or object id.
        broadcast_url: where the public follows the session live.
        broadcast_checked: when the stream was checked.
        absent / present: members announced absent or confirmed present (UPNs or object ids, casefolded).
        items: ticked items by id.
        file: where it was read from.
    """

    session: date | None = None
    legal_basis: Mapping[str, Any] | None = None
    convocation: Mapping[str, Any] | None = None
    secretary: str | None = None
    broadcast_url: str | None = None
    broadcast_checked: date | None = None
    absent: frozenset[str] = frozenset()
    present: frozenset[str] = frozenset()
    items: Mapping[str, Declared] = field(default_factory=dict)
    file: str | None = None

    def item(self, item_id: str) -> Declared | None:
        return self.items.get(item_id)


NONE = Declarations()
"""No declarations file: every declared item stays "to do"."""


def load_declarations(path: str | Path, regime: Regime) -> Declarations:
    """Read and check a declarations file against the regime's items (exit 2 on any problem)."""
    file = str(path)
    doc = read_json(path, what="declarations file")
    return parse_declarations(doc, regime, file=file)


def parse_declarations(doc: Any, regime: Regime, *, file: str | None) -> Declarations:
    """Validate a declarations document and build :class:`Declarations`."""
    validate("council-declarations", doc, file=file)
    declarable = {i.id for i in regime.items if i.check in DECLARED_CHECKS or i.declarable}
    items: dict[str, Declared] = {}
    for item_id, d in (doc.get("items") or {}).items():
        if item_id not in declarable:
            known = ", ".join(sorted(declarable)) or "none"
            other = " (m365gov observes it: it cannot be declared)" if regime.item(item_id) else ""
            raise InputError(
                f"regime {regime.id!r} has no declarable item {item_id!r}{other}; declarable items: {known}",
                file=file, pointer=json_pointer(("items", item_id)),
            )
        items[item_id] = Declared(d["done"], _date(d.get("on"), file, ("items", item_id, "on")), d.get("by"),
                                  d.get("note"))
    legal = doc.get("legalBasis")
    if legal is not None:
        legal = {**legal, "from": _date(legal.get("from"), file, ("legalBasis", "from")),
                 "until": _date(legal.get("until"), file, ("legalBasis", "until"))}
    conv = doc.get("convocation")
    if conv is not None:
        conv = {**conv, "sentOn": _date(conv["sentOn"], file, ("convocation", "sentOn"))}
    broadcast = doc.get("broadcast") or {}
    return Declarations(
        session=_date(doc["session"], file, ("session",)),
        legal_basis=legal,
        convocation=conv,
        secretary=doc.get("secretary"),
        broadcast_url=broadcast.get("url"),
        broadcast_checked=_date(broadcast.get("checkedOn"), file, ("broadcast", "checkedOn")),
        absent=frozenset(p.casefold() for p in doc.get("absent") or ()),
        present=frozenset(p.casefold() for p in doc.get("present") or ()),
        items=items,
        file=file,
    )


def check_session(declarations: Declarations, session_day: date) -> None:
    """Refuse a declarations file written for another session (exit 2)."""
    if declarations.session is not None and declarations.session != session_day:
        raise InputError(
            f"this declarations file is for the session of {declarations.session.isoformat()}, but the meeting "
            f"takes place on {session_day.isoformat()}: start a new file for this session",
            file=declarations.file, pointer="/session",
        )


def _date(value: str | None, file: str | None, at: tuple[str, ...]) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"not a calendar date: {value!r} (expected YYYY-MM-DD)", file=file,
                         pointer=json_pointer(at)) from None
