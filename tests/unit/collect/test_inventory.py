"""The declared equipment inventory: forgiving with values, precise with errors, never silent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from m365gov.collect.base import CollectContext
from m365gov.collect.inventory import InventoryFileError, InventorySource, parse_inventory
from m365gov.config import config_from_mapping

HEADER = "userPrincipalName,camera,microphone,headset,device,updatedOn,note\n"


def test_yes_no_values_are_read_in_french_and_english() -> None:
    inv = parse_inventory(
        (
            HEADER
            + "a@ville.fr,oui,non,Oui,client léger,2026-10-01,\n"
            + "b@ville.fr,yes,no,,portable,01/10/2026,écran partagé\n"
            + "c@ville.fr,true,false,1,,,\n"
            + "d@ville.fr,1,0,0,,,\n"
        ).encode()
    )
    assert inv.errors == []
    cams = [(r["camera"], r["microphone"], r.get("headset")) for r in inv.rows]
    assert cams == [(True, False, True), (True, False, None), (True, False, True), (True, False, False)]
    assert inv.rows[1]["updatedOn"] == "2026-10-01" and inv.rows[0]["device"] == "client léger"


def test_bad_rows_get_line_numbered_errors_and_good_rows_still_count() -> None:
    inv = parse_inventory(
        (
            HEADER
            + "a@ville.fr,oui,oui,,,,\n"
            + "b@ville.fr,peut-être,oui,,,,\n"
            + "\n"
            + ",oui,oui,,,,\n"
            + "c@ville.fr,oui,oui,,,2026-13-45,\n"
        ).encode()
    )
    assert [r["userPrincipalName"] for r in inv.rows] == ["a@ville.fr"]
    assert [e["line"] for e in inv.errors] == [3, 5, 6]
    assert "camera: expected oui/non" in inv.errors[0]["message"] and "'peut-être'" in inv.errors[0]["message"]
    assert "userPrincipalName is empty" in inv.errors[1]["message"]
    assert "updatedOn" in inv.errors[2]["message"]


def test_a_second_row_for_the_same_user_is_an_error_naming_the_first() -> None:
    inv = parse_inventory((HEADER + "a@ville.fr,oui,oui,,,,\nA@Ville.fr,non,non,,,,\n").encode())
    assert len(inv.rows) == 1 and inv.errors == [
        {
            "line": 3,
            "message": "userPrincipalName 'A@Ville.fr' is already declared on line 2",
            "userPrincipalName": "A@Ville.fr",
        }
    ]


def test_french_headers_semicolons_and_a_bom_are_accepted() -> None:
    body = (
        "\ufeffUtilisateur;Caméra;Micro;Casque;Poste;Mis à jour le;Remarque\r\na@ville.fr;oui;oui;non;;28/11/2026;\r\n"
    )
    (row,) = parse_inventory(body.encode("utf-8")).rows
    assert (row["userPrincipalName"], row["camera"], row["microphone"], row["headset"]) == (
        "a@ville.fr",
        True,
        True,
        False,
    )
    assert row["updatedOn"] == "2026-11-28" and row["line"] == 2


def test_an_old_windows_1252_export_is_read() -> None:
    body = "userPrincipalName;caméra;micro\na@ville.fr;oui;non\n".encode("cp1252")
    (row,) = parse_inventory(body).rows
    assert row["camera"] is True


def test_an_unknown_column_is_reported_not_silently_ignored() -> None:
    inv = parse_inventory(b"userPrincipalName,camra\na@ville.fr,oui\n")
    assert inv.errors == [{"line": 1, "message": inv.errors[0]["message"]}]
    assert "unknown column 'camra'" in inv.errors[0]["message"] and len(inv.rows) == 1


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"", "empty"),
        (b"nom,camera\nAnne,oui\n", "missing the required column userPrincipalName"),
        (b"PK\x03\x04\x00\x00binary", "not a text file"),
    ],
)
def test_a_file_that_is_not_an_inventory_is_refused_with_line_1(body: bytes, match: str) -> None:
    with pytest.raises(InventoryFileError, match=match) as err:
        parse_inventory(body)
    assert err.value.line == 1


def _collect(tmp_path: Path, inventory: dict[str, str] | None) -> object:
    doc = {"tenant_id": "t", "auth": {"mode": "emulator"}, "graph": {"endpoint": "http://127.0.0.1:1/v1.0"}}
    if inventory is not None:
        doc["inventory"] = inventory
    config = config_from_mapping(doc, path=tmp_path / "m365gov.toml")
    now = datetime(2026, 11, 28, tzinfo=UTC)
    return asyncio.run(
        InventorySource().collect(CollectContext(config=config, credential=None, collected_at=now, as_of=now))
    )


def test_without_an_inventory_in_the_config_the_source_is_not_configured(tmp_path: Path) -> None:
    section = _collect(tmp_path, None)
    assert section.status == "not_configured" and "[inventory] csv" in section.detail  # type: ignore[attr-defined]


def test_a_malformed_file_makes_the_section_an_error_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "inv.csv").write_text("nom;camera\nAnne;oui\n", encoding="utf-8")
    section = _collect(tmp_path, {"csv": "inv.csv"})
    assert section.status == "error"  # type: ignore[attr-defined]
    assert f"{tmp_path / 'inv.csv'}:1: missing the required column" in section.detail  # type: ignore[attr-defined]


def test_the_section_keeps_rows_and_errors_with_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "inv.csv").write_text(HEADER + "a@ville.fr,oui,oui,,,,\nb@ville.fr,bof,,,,,\n", encoding="utf-8")
    section = _collect(tmp_path, {"csv": "inv.csv"})
    assert section.status == "ok" and section.counts == {"items": 1, "errors": 1}  # type: ignore[attr-defined]
    assert section.data["file"] == "inv.csv" and section.data["errors"][0]["line"] == 3  # type: ignore[attr-defined]
