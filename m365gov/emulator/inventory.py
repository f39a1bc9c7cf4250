"""The DSI's declared equipment inventory, as the CSV file it keeps beside the tenant.

Columns (header line first, UTF-8, comma-separated, RFC 4180 quoting)::

    userPrincipalName,camera,microphone,headset,device,updatedOn,note

* ``userPrincipalName`` — the person's UPN in the tenant;
* ``camera``, ``microphone``, ``headset`` — ``yes`` or ``no``: what the DSI handed out or checked;
* ``device`` — the workstation: ``client léger`` (virtualised thin client), ``portable``, ``PC fixe``,
  ``tablette``, ``aucun``;
* ``updatedOn`` — ISO date (``YYYY-MM-DD``) of the last check;
* ``note`` — free text (may contain commas, hence quoted).

Who is listed: licensed staff (about 5 % are missing, as in any hand-kept file) and the council
members who received or declined equipment. What the declarations say follows the usage profiles,
with the discrepancies a real inventory has: some people never seen with a camera are declared
with one (declared, not observed); web-only users on thin clients are declared without a camera.

Council members without equipment (defect kind ``council_no_equipment``; ``value`` is the declared
``camera``, ``None`` when absent from the file): those declared without a camera, those who never
joined by Teams, and those absent from the inventory.

Two deliberately bad rows make the loader's errors visible in the demo, unless ``clean=True`` is
asked for or the kind is fixed: a row whose ``camera`` is ``peut-être`` (kind
``inventory_bad_value``) and a row naming a user who is not in the tenant (kind
``inventory_unknown_user``).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from m365gov.emulator import names
from m365gov.emulator.people import Population
from m365gov.emulator.usage import UsageData

COLUMNS = ("userPrincipalName", "camera", "microphone", "headset", "device", "updatedOn", "note")
INVENTORY_KINDS = ("council_no_equipment", "inventory_bad_value", "inventory_unknown_user")
UNKNOWN_UPN = f"jean.inconnu@{names.DOMAIN}"
BAD_CAMERA_VALUE = "peut-être"

Row = tuple[str, str, str, str, str, str, str]


@dataclass(frozen=True)
class Inventory:
    """The inventory rows and the two bad rows.

    Attributes:
        rows: the well-formed rows, in file order (without the header).
        replaced: (index in ``rows``, bad row) written *instead of* that row unless clean.
        inserted: (index in ``rows``, bad row) written *before* that row unless clean.
    """

    rows: tuple[Row, ...]
    replaced: tuple[tuple[int, Row], ...] = ()
    inserted: tuple[tuple[int, Row], ...] = ()

    def csv(self, clean: bool = False) -> str:
        """The file's text; ``clean=True`` writes the well-formed rows only."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        replaced = {} if clean else dict(self.replaced)
        inserted = {} if clean else dict(self.inserted)
        for k, row in enumerate(self.rows):
            if k in inserted:
                writer.writerow(inserted[k])
            writer.writerow(replaced.get(k, row))
        return out.getvalue()


def generate_inventory(seed: int, now: datetime, pop: Population, usage: UsageData, council_plan: dict[int, str],
                       fix: tuple[str, ...] = ()) -> tuple[Inventory, list[dict[str, Any]]]:
    """The inventory and its defects (council members without equipment, the two bad rows)."""
    rng = random.Random(f"m365gov-emulator:{seed}:inventory")
    users = pop.users
    heads = set(pop.heads)
    rows: list[Row] = []
    defects: list[dict[str, Any]] = []

    def when(draw: float | None = None) -> str:
        value = rng.random() if draw is None else draw
        return (now - timedelta(days=10 + int(value * 400))).date().isoformat()

    for i in pop.staff:
        d = [rng.random() for _ in range(4)]  # a fixed number per person: other rows never shift
        user = users[i]
        if not user["assignedLicenses"] or d[0] < 0.05:
            continue
        p = usage.profiles.get(i)
        device = "portable" if i in heads else "client léger" if d[1] < 0.85 else "PC fixe"
        if p is None:  # licensed without Teams: equipment was not part of the plan
            rows.append((user["userPrincipalName"], "no", "no", "no", device, when(d[2]), "sans licence Teams"))
            continue
        camera = p.camera or (p.mic == "ok" and not p.camera and i % 3 == 0 and "Web" not in p.clients)
        headset = any(h in p.capture_device for h in ("Jabra", "Logitech", "Poly", "EPOS", "HP"))
        note = ""
        if p.mic == "failing":
            note = "micro signalé défaillant, ticket ouvert"
        elif camera and not p.camera:
            note = "webcam USB prêtée, à vérifier"
        elif not camera and d[3] < 0.3:
            note = "pas de webcam sur le client léger, demande en cours"
        rows.append((user["userPrincipalName"], _yn(camera), _yn(p.mic != "none"), _yn(headset), device, when(d[2]),
                     note))

    staff_rows = len(rows)  # the bad rows are placed among staff rows: council variants never move them
    for i in pop.council:
        user = users[i]
        plan = council_plan[i]
        if plan == "undeclared":
            value: str | None = None
        elif plan == "equipped":
            rows.append((user["userPrincipalName"], "yes", "yes", "no", "tablette", when(),
                         "tablette fournie par la mairie, casque personnel"))
            continue
        elif plan == "no_camera":
            value = "no"
            rows.append((user["userPrincipalName"], "no", "yes", "yes", "PC fixe", when(),
                         "équipement personnel, sans caméra"))
        else:
            value = "no"
            rows.append((user["userPrincipalName"], "no", "no", "no", "aucun", when(),
                         "n'a pas souhaité d'équipement"))
        if "council_no_equipment" not in fix:
            defects.append({"kind": "council_no_equipment", "resource": "inventory", "id": user["id"],
                            "name": user["userPrincipalName"], "property": "camera", "value": value,
                            "expected": "yes"})

    replaced: tuple[tuple[int, Row], ...] = ()
    inserted: tuple[tuple[int, Row], ...] = ()
    unknown_row: Row = (UNKNOWN_UPN, "yes", "yes", "yes", "client léger", when(), "agent parti en 2025 ?")
    if staff_rows >= 3 and "inventory_bad_value" not in fix:
        k = staff_rows // 3
        t = rows[k]
        replaced = ((k, (t[0], BAD_CAMERA_VALUE, t[2], t[3], t[4], t[5], t[6])),)
        user = next(u for u in users if u["userPrincipalName"] == t[0])
        defects.append({"kind": "inventory_bad_value", "resource": "inventory", "id": user["id"], "name": t[0],
                        "property": "camera", "value": BAD_CAMERA_VALUE, "expected": "yes|no"})
    if staff_rows >= 3 and "inventory_unknown_user" not in fix:
        inserted = (((2 * staff_rows) // 3, unknown_row),)
        defects.append({"kind": "inventory_unknown_user", "resource": "inventory", "id": UNKNOWN_UPN,
                        "name": UNKNOWN_UPN, "property": "userPrincipalName", "value": UNKNOWN_UPN,
                        "expected": "a user of the tenant"})
    return Inventory(tuple(rows), replaced, inserted), defects


def _yn(flag: bool) -> str:
    return "yes" if flag else "no"
