"""Bad input gets one precise line and exit code 2 — never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import run_cli

POLICY = {
    "id": "TST-001",
    "title": "t",
    "area": "residency",
    "severity": "low",
    "description": "d",
    "view": "users",
    "assert": {"field": "usageLocation", "equals": "FR"},
    "requires": {"permissions": ["User.Read.All"], "sources": ["users"]},
    "remediation": "r",
    "references": [],
    "mappings": {},
}


def _assert_input_error(proc: object, *fragments: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)  # type: ignore[attr-defined]
    err = proc.stderr  # type: ignore[attr-defined]
    assert ("Traceback" not in err and err.startswith("error: ")) or err.startswith("Usage:"), err
    for fragment in fragments:
        assert fragment in err, err


def test_the_shipped_policies_validate() -> None:
    proc = run_cli("policies", "validate", Path(__file__).resolve().parents[2] / "policies")
    assert proc.returncode == 0 and "policies valid" in proc.stdout


def test_a_policy_with_an_unknown_operator_names_file_and_pointer(tmp_path: Path) -> None:
    bad = {**POLICY, "assert": {"field": "usageLocation", "equalz": "FR"}}
    (tmp_path / "p.json").write_text(json.dumps(bad))
    _assert_input_error(run_cli("policies", "validate", tmp_path / "p.json"), "p.json", "/assert")


def test_a_policy_with_an_unknown_field_lists_the_view_fields(tmp_path: Path) -> None:
    bad = {**POLICY, "assert": {"field": "usageLocaton", "equals": "FR"}}
    (tmp_path / "p.json").write_text(json.dumps(bad))
    _assert_input_error(run_cli("policies", "validate", tmp_path / "p.json"), "/assert/field", "usageLocation")


def test_invalid_policy_json_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text('{\n  "id": "TST-001",\n  "title": \n}')
    _assert_input_error(run_cli("policies", "validate", tmp_path / "p.json"), "p.json:4")


def test_a_snapshot_that_is_not_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text("not json")
    _assert_input_error(run_cli("audit", "--snapshot", tmp_path / "s.json"), "s.json:1", "invalid JSON")


def test_a_snapshot_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps({"schema": "m365gov/snapshot@9", "sources": {}}))
    _assert_input_error(run_cli("audit", "--snapshot", tmp_path / "s.json"), "/schema", "snapshot@1")


def test_a_bad_config_is_refused_with_its_pointer(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text('tenant_id = "t"\n[collect]\nconcurrency = 0\n')
    _assert_input_error(run_cli("audit", "-c", tmp_path / "c.toml"), "c.toml", "/collect/concurrency")


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli("audit", "--snapshot", tmp_path / "s.json", "--format", "pdf")
    assert proc.returncode == 2 and "unknown format pdf" in proc.stderr and "Traceback" not in proc.stderr


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    assert run_cli("init", tmp_path / "m.toml").returncode == 0
    _assert_input_error(run_cli("init", tmp_path / "m.toml"), "--force")
