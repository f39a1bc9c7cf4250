"""``m365gov permissions``: complete (every source's permission is listed), least (read-only but for the
keys identity, which writes only what the code calls), and as the code really calls it."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from click.testing import CliRunner

from m365gov.cli import main
from m365gov.collect.registry import SOURCES
from m365gov.config import config_from_mapping
from m365gov.keys.azure_errors import ARM_PERMISSION, READ_PERMISSION
from m365gov.permissions import (
    AZURE,
    GRAPH,
    KEY_READ_OPERATIONS,
    KEY_VAULT,
    KEY_WRITE_DATA_ACTIONS,
    KEY_WRITE_OPERATIONS,
    READ,
    TEAMS,
    WRITE,
    requirements,
    source_needs,
)
from m365gov.pipeline import compile_policies

ROOT = Path(__file__).resolve().parents[2] / "m365gov"
GRAPH_READ_ONLY = re.compile(r"^[A-Z][A-Za-z]*(\.[A-Z][A-Za-z]*)*\.Read(Basic)?(\.All)?$")
NEVER = {"delete", "purge", "recover", "import", "update", "restore", "decrypt", "encrypt", "wrapkey", "unwrapkey",
         "sign", "verify", "release"}
KEY_CLIENT_OPERATIONS = {
    "get_key": "get", "list_properties_of_keys": "list", "list_properties_of_key_versions": "list",
    "get_key_rotation_policy": "getrotationpolicy", "create_rsa_key": "create", "create_key": "create",
    "backup_key": "backup", "rotate_key": "rotate", "update_key_rotation_policy": "setrotationpolicy",
}
AUDIT = requirements(None).identity("audit")


def _granted(perm: str) -> set[str]:
    """The grant names a source's declared permission becomes."""
    return {READ_PERMISSION: {"Key Vault Reader"}, ARM_PERMISSION: {"Reader"}}.get(perm, {perm})


def test_every_source_is_used_by_a_shipped_policy_so_none_escapes_the_listing() -> None:
    needs, idle = source_needs(None)
    assert set(needs) == set(SOURCES) and not idle


def test_every_sources_declared_permission_is_in_the_listing_with_that_source() -> None:
    for source in SOURCES.values():
        for perm in source.permissions:
            grants = [g for g in AUDIT.grants if g.name in _granted(perm)]
            assert grants, (source.name, perm)
            assert any(u.startswith(f"{source.name} (") for g in grants for u in g.needed_by), (source.name, perm)


def test_every_permission_a_shipped_policy_declares_is_granted() -> None:
    names = {g.name for g in AUDIT.grants}
    for policy in compile_policies(None).enabled:
        for perm in policy.policy.requires.permissions:
            assert _granted(perm) <= names, (policy.id, perm)


def test_nothing_but_the_keys_identity_may_write() -> None:
    for identity in requirements(None).identities:
        if identity.key == "keys":
            continue
        assert not identity.writes, identity.key
        for g in identity.grants:
            assert g.access == READ, (identity.key, g.name)
            if g.plane == GRAPH:
                assert GRAPH_READ_ONLY.match(g.name), g.name
            elif g.plane == KEY_VAULT:
                assert g.name == "Key Vault Reader"
            elif g.plane == AZURE:
                assert g.name == "Reader"
            else:
                assert g.plane == TEAMS


def test_the_keys_identity_writes_only_keys_and_never_deletes() -> None:
    keys = requirements(None).identity("keys")
    writes = [g for g in keys.grants if g.access == WRITE]
    assert [g.plane for g in writes] == [KEY_VAULT]
    assert not {op.lower() for op in KEY_WRITE_OPERATIONS} & NEVER
    assert not [a for a in KEY_WRITE_DATA_ACTIONS if re.search(r"delete|purge|recover|import|update|restore", a)]
    assert not any(g.plane == GRAPH for g in keys.grants)


_SDK_VERB = re.compile(r"(get|list|create|backup|rotate|update|delete|purge|begin|import|recover|restore|release|"
                       r"encrypt|decrypt|wrap|unwrap|sign|verify)_\w*key\w*")


def _key_client_calls(paths: list[Path]) -> set[str]:
    """Names of the key SDK methods called (``client.get_key(…)``) in ``paths``."""
    calls = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _SDK_VERB.fullmatch(
                    node.func.attr):
                calls.add(node.func.attr)
    return calls


def test_the_operations_listed_are_those_the_code_calls() -> None:
    """Declared = called: the key operations of collection are read operations, and those of the keys
    commands are the write identity's; a new SDK call fails this test until the listing says it."""
    read = _key_client_calls([ROOT / "collect" / "keyvault.py"])
    write = _key_client_calls(sorted((ROOT / "keys").glob("*.py")))
    assert read and write
    assert {KEY_CLIENT_OPERATIONS[c] for c in read} <= set(KEY_READ_OPERATIONS), read
    assert {KEY_CLIENT_OPERATIONS[c] for c in write} <= set(KEY_WRITE_OPERATIONS), write


def test_with_a_config_unconfigured_sources_need_nothing_and_say_why(tmp_path: Path) -> None:
    config = config_from_mapping({"tenant_id": "t", "auth": {"mode": "certificate", "client_id": "c",
                                                             "certificate_path": "c.pem"}}, path=tmp_path / "m.toml")
    audit = requirements(config).identity("audit")
    assert not [g for g in audit.grants if g.plane in (KEY_VAULT, AZURE)]
    assert "Application.Read.All" not in {g.name for g in audit.grants}
    assert any(n.startswith("keyVaultKeys: not needed with this configuration") for n in audit.notes)


def test_the_command_prints_every_identity_and_the_registration_steps() -> None:
    result = CliRunner().invoke(main, ["permissions"])
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in ("1. Audit and collection", "— read-only", "2. Council meeting checklist",
                     "OnlineMeetings.Read.All", "New-CsApplicationAccessPolicy", "3. Changing Customer Key keys",
                     "— reads and writes", "-PermissionsToKeys get,list,create,backup,rotate", "App registration",
                     "certificate", "workload identity federation", "Grant admin consent", "Key Vault Reader"):
        assert expected in out, expected


def test_the_json_listing_is_complete() -> None:
    result = CliRunner().invoke(main, ["permissions", "--json"])
    doc = json.loads(result.output)
    assert [i["identity"] for i in doc["identities"]] == ["audit", "checklist", "keys"]
    assert all(g["access"] == "read" for i in doc["identities"][:2] for g in i["grants"])
