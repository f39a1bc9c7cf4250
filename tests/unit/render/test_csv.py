"""Findings CSV: stable columns, one row per finding, BOM, formula injection neutralised."""

from __future__ import annotations

import csv
import io

from m365gov.render import RENDERERS, RenderOptions
from m365gov.render.csv_findings import COLUMNS
from tests.support.results import FORMULA, SCRIPT, sample_doc


def rows(lang: str = "en") -> tuple[str, list[dict[str, str]]]:
    text = RENDERERS["csv"].render(sample_doc(), RenderOptions(lang=lang))
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    return text, list(reader)


def test_the_file_starts_with_a_bom_and_the_documented_columns() -> None:
    text, _ = rows()
    assert text.startswith("\ufeffpolicy,title,area,severity,status,reason,")
    header = text.removeprefix("\ufeff").split("\r\n", 1)[0].split(",")
    assert tuple(header) == COLUMNS
    assert COLUMNS[:5] == ("policy", "title", "area", "severity", "status")


def test_one_row_per_finding_with_evidence_and_waiver() -> None:
    _, data = rows()
    assert len(data) == 9
    waived = next(r for r in data if r["status"] == "waived")
    assert (waived["waiver_id"], waived["waiver_approved_by"], waived["waiver_expires_on"]) == (
        "W-001",
        "DGS",
        "2027-03-31",
    )
    failing = next(r for r in data if r["resource_id"] == "u2")
    assert failing["observed_json"] == '{"usageLocation":"BE"}' and failing["expected"] == 'usageLocation in ["FR"]'
    missing = next(r for r in data if r["status"] == "not_evaluated")
    assert (missing["reason"], missing["permission"]) == ("missing_permission", "Sites.Read.All")


def test_formulas_are_neutralised_and_controls_removed() -> None:
    text, data = rows()
    names = {r["resource_id"]: r["resource_name"] for r in data}
    assert names["u3"] == "'" + FORMULA
    assert names["u2"] == SCRIPT  # markup is harmless in a CSV cell
    assert names["u4"] == "[31mrouge[0m" and "\x1b" not in text
    for r in data:
        for value in r.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_a_control_character_cannot_hide_a_formula() -> None:
    from m365gov.render.text import csv_cell

    assert csv_cell("\x1b=1+1") == "'=1+1" and csv_cell("-2") == "'-2" and csv_cell("\t=x") == "'\t=x"


def test_the_language_does_not_change_a_machine_format() -> None:
    assert rows("fr")[0] == rows("en")[0]
