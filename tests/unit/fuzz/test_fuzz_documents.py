"""Config, snapshot and results files, random or mutated: a valid object or an InputError, never a crash.

A snapshot that loads must also *evaluate* without crashing: its records are not schema-checked on
load (too costly at scale), so a malformed section must surface as an InputError pointing at it.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from m365gov.config import config_from_mapping, load_config
from m365gov.errors import InputError
from m365gov.init import EXAMPLE_CONFIG
from m365gov.pipeline import audit_snapshot, compile_policies
from m365gov.results import parse_results
from m365gov.snapshot import parse_snapshot
from tests.support.snapshots import make_snapshot
from tests.unit.fuzz.strategies import json_values, mutated

FUZZ = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
POLICIES = compile_policies(None)
VALID_CONFIG = {
    "tenant_id": "t",
    "graph": {"endpoint": "global"},
    "auth": {"mode": "certificate", "client_id": "c", "certificate_path": "a.pem"},
    "collect": {"concurrency": 4},
    "policies": {"disabled": ["RES-008"]},
    "parameters": {"RES-003": {"allowedUsageLocations": ["FR"]}},
}
_SNAP = make_snapshot(
    {
        "organization": [{"id": "t", "countryLetterCode": "FR"}],
        "subscribedSkus": [
            {"skuId": "s", "skuPartNumber": "OFFICE365_MULTIGEO", "capabilityStatus": "Enabled", "consumedUnits": 1}
        ],
        "users": [{"id": "u", "userPrincipalName": "a@b", "assignedLicenses": [{"skuId": "s"}], "usageLocation": "BE"}],
        "groups": [{"id": "g", "groupTypes": ["Unified"], "preferredDataLocation": "EUR"}],
        "sites": [{"id": "s", "siteCollection": {"dataLocationCode": "FRA"}}],
        "teamwork": {"id": "teamwork", "region": "France"},
        "userTeamwork": [{"userId": "u", "region": "France"}],
    }
)
VALID_SNAPSHOT = _SNAP.to_json()
VALID_RESULTS = audit_snapshot(_SNAP, POLICIES).to_json()


@FUZZ
@given(json_values | mutated(VALID_CONFIG))
def test_config_mappings_load_or_are_refused_cleanly(doc: Any) -> None:
    try:
        config_from_mapping(doc if isinstance(doc, dict) else {"x": doc}, path=Path("m.toml"))
    except InputError as exc:
        assert exc.file == "m.toml"


@FUZZ
@given(
    st.text(max_size=200)
    | st.builds(
        lambda cut, junk: EXAMPLE_CONFIG[:cut] + junk, st.integers(0, len(EXAMPLE_CONFIG)), st.text(max_size=20)
    )
)
def test_config_text_loads_or_is_refused_cleanly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path)
    except InputError as exc:
        assert exc.file == str(path)


def _evaluate(doc: Any) -> None:
    try:
        snapshot = parse_snapshot(doc, file="s.json")
        audit_snapshot(snapshot, POLICIES)
    except InputError as exc:
        assert exc.file == "s.json" and exc.pointer is not None


@FUZZ
@given(json_values)
def test_arbitrary_json_is_not_a_snapshot(doc: Any) -> None:
    _evaluate(doc)


@settings(max_examples=500, deadline=None)
@given(mutated(VALID_SNAPSHOT, max_mutations=4))
def test_mutated_snapshots_evaluate_or_are_refused_cleanly(doc: Any) -> None:
    _evaluate(doc)


@FUZZ
@given(json_values | mutated(VALID_RESULTS))
def test_results_files_load_or_are_refused_cleanly(doc: Any) -> None:
    try:
        parse_results(doc, file="r.json")
    except InputError as exc:
        assert exc.file == "r.json"


def test_the_valid_documents_used_as_seeds_are_valid() -> None:
    config_from_mapping(copy.deepcopy(VALID_CONFIG), path=Path("m.toml"))
    parse_results(copy.deepcopy(VALID_RESULTS))
    assert len(audit_snapshot(parse_snapshot(copy.deepcopy(VALID_SNAPSHOT)), POLICIES).findings) > 5


@pytest.mark.parametrize("data", [None, "text", 3, {"value": []}, [1, 2], [{"id": 5, "assignedLicenses": "x"}]])
def test_a_malformed_users_section_points_at_its_data(data: Any) -> None:
    doc = copy.deepcopy(VALID_SNAPSHOT)
    doc["sources"]["users"]["data"] = data
    _evaluate(doc)
