"""The declared equipment inventory CSV: its columns, its clean form and its two bad rows."""

from __future__ import annotations

import csv
import io
from datetime import date

from m365gov.emulator import Tenant
from m365gov.emulator.inventory import BAD_CAMERA_VALUE, COLUMNS, UNKNOWN_UPN


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_header_is_the_documented_columns(tenant: Tenant) -> None:
    assert tenant.inventory_csv().splitlines()[0] == ",".join(COLUMNS) == \
        "userPrincipalName,camera,microphone,headset,device,updatedOn,note"


def test_a_clean_file_names_only_tenant_users_with_yes_no_values(tenant: Tenant) -> None:
    rows = _rows(tenant.inventory_csv(clean=True))
    assert len(rows) > 200
    for row in rows:
        assert tenant.user(row["userPrincipalName"]) is not None
        assert {row["camera"], row["microphone"], row["headset"]} <= {"yes", "no"}
        date.fromisoformat(row["updatedOn"])


def test_the_default_file_has_one_bad_value_and_one_unknown_user(tenant: Tenant) -> None:
    rows = _rows(tenant.inventory_csv())
    assert [r["camera"] for r in rows].count(BAD_CAMERA_VALUE) == 1
    assert [r["userPrincipalName"] for r in rows].count(UNKNOWN_UPN) == 1
    assert len(rows) == len(_rows(tenant.inventory_csv(clean=True))) + 1  # one replaced, one inserted


def test_people_are_declared_with_and_without_a_camera(tenant: Tenant) -> None:
    cameras = [r["camera"] for r in _rows(tenant.inventory_csv(clean=True))]
    assert cameras.count("yes") > 20 and cameras.count("no") > 20


def test_notes_with_commas_are_quoted(tenant: Tenant) -> None:
    text = tenant.inventory_csv(clean=True)
    assert '"tablette fournie par la mairie, casque personnel"' in text
