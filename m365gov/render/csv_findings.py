"""Findings as CSV: one row per finding, for a spreadsheet or a ticketing import.

The columns are fixed and documented (:data:`COLUMNS`, ``docs/reports.md``); new columns are only
ever appended, so a macro or an import mapping written against one version keeps working.

The file starts with a UTF-8 byte order mark so that Excel opens accented names (``Élodie``,
``Éducation et enfance``) correctly instead of guessing a Windows code page; LibreOffice, Python's
``csv`` (``encoding="utf-8-sig"``) and pandas read it too. Rows end with CRLF (RFC 4180). Every cell
goes through :func:`csv_cell`: control characters removed and formulas neutralised, since a display
name such as ``=cmd|' /C calc'!A0`` would otherwise run when the file is opened.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any, Final

from m365gov.render.base import Renderer, RenderOptions, Results
from m365gov.render.common import STATUS_ORDER
from m365gov.render.i18n import area_rank
from m365gov.render.text import csv_cell

COLUMNS: Final = (
    "policy",
    "title",
    "area",
    "severity",
    "status",
    "reason",
    "detail",
    "permission",
    "resource_id",
    "resource_name",
    "resource_view",
    "observed_json",
    "expected",
    "waiver_id",
    "waiver_category",
    "waiver_approved_by",
    "waiver_expires_on",
    "waiver_reason",
    "remediation",
)
"""Column order (stable). ``observed_json`` is the observed values as compact JSON; ``expected`` the
policy's requirement in words; the ``waiver_*`` columns are filled for ``waived`` rows only."""
BOM: Final = "\ufeff"


class CsvRenderer(Renderer):
    name = "csv"
    extension = "csv"
    filename = "findings.csv"
    description = "one row per finding, fixed column order, UTF-8 with BOM for Excel, formula-safe"

    def render(self, results: Results, options: RenderOptions) -> str:
        policies = {p["id"]: p for p in results.get("policies", [])}
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        findings = sorted(
            results.get("findings", []),
            key=lambda f: (area_rank(f["area"]), f["policy"], STATUS_ORDER.get(f["status"], 9), f["resource"]["id"]),
        )
        for f in findings:
            writer.writerow([csv_cell(v) for v in _row(f, policies.get(f["policy"], {}))])
        return BOM + buf.getvalue()


def _row(f: Mapping[str, Any], policy: Mapping[str, Any]) -> list[Any]:
    res = f.get("resource") or {}
    w = f.get("waiver") or {}
    observed = json.dumps(f.get("observed") or {}, ensure_ascii=False, separators=(",", ":"), default=str)
    return [
        f["policy"],
        policy.get("title", ""),
        f["area"],
        f["severity"],
        f["status"],
        f.get("reason"),
        f.get("detail"),
        f.get("permission"),
        res.get("id"),
        res.get("name"),
        res.get("view"),
        observed,
        (f.get("expected") or {}).get("text"),
        w.get("id"),
        w.get("category"),
        w.get("approvedBy"),
        w.get("expiresOn"),
        w.get("reason"),
        policy.get("remediation", ""),
    ]
