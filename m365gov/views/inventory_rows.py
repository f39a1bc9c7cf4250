"""The declared equipment inventory, line by line, joined to the directory.

One resource per valid row and one per rejected line, so that neither a typo nor a row naming
someone who is not in the directory (a departed agent, a misspelt address) disappears: both become
findings with their line number (policy DEV-005), while the valid rows feed the readiness view.
"""

from __future__ import annotations

from m365gov.snapshot.model import Snapshot
from m365gov.views.base import FieldSpec, Resource, View


class InventoryRowsView(View):
    name = "inventoryRows"
    description = "each line of the declared equipment inventory, valid or not, joined to the directory"
    sources = ("inventory",)
    optional_sources = ("users",)
    label_field = "displayName"
    fields = {
        "id": FieldSpec("string", "file:line, e.g. inventaire.csv:12"),
        "displayName": FieldSpec("string", "the row's user principal name, or the line for an unreadable row"),
        "line": FieldSpec("integer", "1-based line number in the file"),
        "userPrincipalName": FieldSpec("string", "as written in the file (null for a line where it is unreadable)"),
        "knownUser": FieldSpec(
            "boolean", "the row names a user of the directory; null for a rejected line or when users is unavailable"
        ),
        "problem": FieldSpec("string", "why the line was rejected or cannot be used; null when it is fine"),
        "camera": FieldSpec("boolean", "declared camera (null when the cell is empty)"),
        "microphone": FieldSpec("boolean", "declared microphone"),
        "headset": FieldSpec("boolean", "declared headset"),
        "device": FieldSpec("string", "declared workstation or device"),
        "updatedOn": FieldSpec("string", "when the row was last updated, YYYY-MM-DD"),
    }

    def build(self, snapshot: Snapshot) -> list[Resource]:
        doc = snapshot.data("inventory") or {}
        file = doc.get("file") or "inventory"
        users = snapshot.data("users")
        known = None if users is None else {str(u.get("userPrincipalName") or "").casefold() for u in users}
        out: list[Resource] = []
        for row in doc.get("rows") or ():
            upn = row.get("userPrincipalName")
            is_known = None if known is None else str(upn).casefold() in known
            out.append(
                {
                    "id": f"{file}:{row.get('line')}",
                    "displayName": upn,
                    "line": row.get("line"),
                    "userPrincipalName": upn,
                    "knownUser": is_known,
                    "problem": "names no user of the directory" if is_known is False else None,
                    **{k: row.get(k) for k in ("camera", "microphone", "headset", "device", "updatedOn")},
                }
            )
        for err in doc.get("errors") or ():
            upn = err.get("userPrincipalName")
            out.append(
                {
                    "id": f"{file}:{err.get('line')}",
                    "displayName": f"{file} line {err.get('line')}" + (f" ({upn})" if upn else ""),
                    "line": err.get("line"),
                    "userPrincipalName": upn,
                    "knownUser": None,
                    "problem": err.get("message"),
                    **dict.fromkeys(("camera", "microphone", "headset", "device", "updatedOn")),
                }
            )
        return sorted(out, key=lambda r: (r["line"] or 0))
