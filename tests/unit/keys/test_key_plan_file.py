"""The key plan file and the [keys] config: what they accept, what they refuse, and where it points."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from m365gov.config import load_config
from m365gov.errors import InputError
from m365gov.keys.desired import check_connection_rules, load_key_plan, parse_key_plan
from tests.unit.keys.support import plan_doc

EXAMPLE = Path(__file__).resolve().parents[3] / "policies" / "keys" / "key-plan.example.jsonc"


def test_the_shipped_commented_example_loads() -> None:
    plan = load_key_plan(EXAMPLE)
    assert [d.kind for d in plan.deps] == ["multiWorkload", "exchange", "sharepoint"]
    mw = plan.deps[0]
    assert mw.primary.key_type == "RSA-HSM" and mw.primary.key_size == 3072 and mw.secondary.key_size == 4096
    assert mw.secondary.vault.url == "https://VILLE-CK-MW-FR-VaultA2.vault.azure.net"
    assert plan.deps[2].primary.pinned_version == "0123456789abcdef0123456789abcdef"
    assert mw.primary.id == "https://VILLE-CK-MW-FR-VaultA1.vault.azure.net/keys/VILLE-CK-MW-FR-VaultA1-Key001"


def _fails(doc: Any) -> InputError:
    with pytest.raises(InputError) as err:
        parse_key_plan(doc, file="plan.json")
    return err.value


def test_an_unknown_kind_points_at_it() -> None:
    doc = plan_doc()
    doc["dataEncryptionPolicies"][0]["kind"] = "teams"
    err = _fails(doc)
    assert (err.file, err.pointer) == ("plan.json", "/dataEncryptionPolicies/0/kind") and "exchange" in err.message


def test_a_key_size_outside_key_vault_sizes_is_refused() -> None:
    doc = plan_doc()
    doc["dataEncryptionPolicies"][0]["primary"]["keySize"] = 1024
    err = _fails(doc)
    assert err.pointer == "/dataEncryptionPolicies/0/primary/keySize" and "3072" in err.message


def test_sharepoint_only_settings_are_refused_elsewhere() -> None:
    err = _fails(plan_doc("exchange", pinnedVersion="0" * 32))
    assert err.pointer == "/dataEncryptionPolicies/0/primary/pinnedVersion" and "sharepoint" in err.message
    doc = plan_doc()
    doc["dataEncryptionPolicies"][0]["spoAdminUrl"] = "https://x-admin.sharepoint.com"
    assert _fails(doc).pointer == "/dataEncryptionPolicies/0/spoAdminUrl"


def test_a_key_planned_twice_and_a_vault_shared_across_kinds_are_refused() -> None:
    doc = plan_doc()
    doc["dataEncryptionPolicies"][0]["secondary"] = doc["dataEncryptionPolicies"][0]["primary"]
    assert "planned twice" in _fails(doc).message
    doc = plan_doc()
    other = json.loads(json.dumps(doc["dataEncryptionPolicies"][0]))
    other.update(name="DEP2", kind="sharepoint")
    other["primary"]["keyName"], other["secondary"]["keyName"] = "k9", "k8"
    doc["dataEncryptionPolicies"].append(other)
    err = _fails(doc)
    assert "each kind needs its own vaults" in err.message and err.pointer == "/dataEncryptionPolicies/1/primary/vault"


def test_json_errors_keep_their_line_after_comments(tmp_path: Path) -> None:
    path = tmp_path / "plan.jsonc"
    path.write_text('// comment\n// another\n{\n  "dataEncryptionPolicies": [,]\n}\n')
    with pytest.raises(InputError) as err:
        load_key_plan(path)
    assert err.value.line == 4 and err.value.file == str(path)


def test_the_challenge_check_may_be_off_only_for_loopback_vaults() -> None:
    plan = parse_key_plan(plan_doc(), file="plan.json")
    with pytest.raises(InputError) as err:
        check_connection_rules(plan, verify_challenge_resource=False, emulator_auth=False, config_file="c.toml")
    assert err.value.pointer == "/keys/verify_challenge_resource"
    with pytest.raises(InputError, match="static test token"):
        check_connection_rules(plan, verify_challenge_resource=True, emulator_auth=True, config_file="c.toml")
    doc = plan_doc()
    for role, port in (("primary", 8443), ("secondary", 8444)):
        doc["dataEncryptionPolicies"][0][role]["vault"]["url"] = f"https://127.0.0.1:{port}"
    check_connection_rules(parse_key_plan(doc, file="p"), verify_challenge_resource=False, emulator_auth=True,
                           config_file="c.toml")


def _config(tmp_path: Path, keys: str, auth: str = 'mode = "emulator"') -> Path:
    path = tmp_path / "m365gov.toml"
    path.write_text(f'tenant_id = "t"\n[graph]\nendpoint = "http://127.0.0.1:1/v1.0"\n[auth]\n{auth}\n{keys}')
    return path


def test_keys_paths_resolve_against_the_config_file_and_default_under_reports(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, '[keys]\nplan = "plan.json"\nca_file = "ca.pem"\n'
                                           '[keys.management]\nendpoint = "https://127.0.0.1:9/"\n'))
    k = config.keys
    assert k.plan == tmp_path / "plan.json" and k.ca_file == tmp_path / "ca.pem"
    assert k.backup_dir == tmp_path / "reports/keys/backups" and k.journal == tmp_path / "reports/keys/journal.jsonl"
    assert k.management_endpoint == "https://127.0.0.1:9" and k.management_scope.endswith("/.default")


def test_the_management_endpoint_must_be_https_and_loopback_with_the_test_token(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_config(_config(tmp_path, '[keys]\nplan = "p.json"\n[keys.management]\nendpoint = "http://127.0.0.1:9"\n'))
    assert err.value.pointer == "/keys/management/endpoint" and "https" in err.value.message
    with pytest.raises(InputError, match="loopback management endpoint"):
        load_config(_config(tmp_path, '[keys]\nplan = "p.json"\n'))


def test_turning_tls_verification_off_is_not_a_setting(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_config(_config(tmp_path, "[keys]\nconnection_verify = false\n"))
    assert err.value.pointer == "/keys" and "connection_verify" in err.value.message
