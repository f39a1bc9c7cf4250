"""There is no code path that deletes, purges, disables, recovers-then-deletes, removes a permission
or sets an expiry (customer-key.md §1.9). Checked three ways: statically here (the product's source
never names those calls), per exchange in the unit tests (the mocked vault fails on any DELETE), and
for the whole suite by ``tests/conftest.py`` (the Key Vault emulator's process-wide DELETE log must
stay empty)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from m365gov.config import KeySettings
from m365gov.keys.clients import key_client
from tests.unit.keys.vault_mock import FakeCredential, VaultMock

ROOT = Path(__file__).resolve().parents[3] / "m365gov"
PRODUCT = sorted(p for p in ROOT.rglob("*.py") if "emulator" not in p.relative_to(ROOT).parts)
KEY_VAULT_CODE = sorted(
    p for p in PRODUCT
    if p.relative_to(ROOT).parts[0] == "keys" or p.name.startswith(("keyvault", "key_")) or p.name in (
        "keys.py", "demo_keys.py", "demo.py")
)

FORBIDDEN_CALLS = {
    "begin_delete_key", "purge_deleted_key", "begin_recover_deleted_key", "get_deleted_key", "list_deleted_keys",
    "update_key_properties",  # the only way to disable a key or set an expiry on an existing one
    "import_key", "release_key", "delete_key",
    "purge_deleted", "begin_purge_deleted", "update_access_policy", "begin_create_or_update", "create_or_update",
}
ARM_READS = {"get", "list", "list_by_subscription", "list_by_resource_group"}
"""The only calls m365gov makes on ``client.vaults`` (Reader): no create, update, delete or purge."""
FORBIDDEN_KEYWORDS = {"expires_on", "expires_in", "expiry_time"}


def _calls(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, dotted callee such as ``client.vaults.get``, keyword names) of every call."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            parts = []
            f: ast.expr = node.func
            while isinstance(f, ast.Attribute):
                parts.append(f.attr)
                f = f.value
            parts.append(getattr(f, "id", "?"))
            out.append((node.lineno, ".".join(reversed(parts)), [k.arg for k in node.keywords if k.arg]))
    return out


def _method(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def test_the_scan_covers_the_key_vault_code() -> None:
    names = {p.name for p in KEY_VAULT_CODE}
    assert {"apply.py", "backup.py", "keyvault.py", "keyvault_arm.py", "clients.py", "keys.py"} <= names


@pytest.mark.parametrize("path", KEY_VAULT_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_key_vault_code_calls_nothing_destructive_and_passes_no_expiry(path: Path) -> None:
    bad = [(line, name) for line, name, _ in _calls(path) if _method(name) in FORBIDDEN_CALLS]
    assert bad == [], f"{path}: forbidden Key Vault / ARM call(s) {bad}"
    uses_arm = "management_client" in path.read_text(encoding="utf-8")
    arm = [(line, name) for line, name, _ in _calls(path)
           if uses_arm and ".vaults." in f".{name}" and _method(name) not in ARM_READS]
    assert arm == [], f"{path}: ARM vault call(s) other than reads {arm}"
    dated = [(line, name, kw) for line, name, kws in _calls(path) for kw in kws if kw in FORBIDDEN_KEYWORDS]
    assert dated == [], f"{path}: a call passes an expiry {dated}"


def test_no_product_module_names_a_destructive_sdk_call() -> None:
    for path in PRODUCT:
        text = path.read_text(encoding="utf-8")
        for name in ("begin_delete_key", "purge_deleted_key", "begin_recover_deleted_key"):
            assert name not in text, f"{path} mentions {name}"
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "HttpRequest":
                method = node.args[0] if node.args else None
                assert not (isinstance(method, ast.Constant) and str(method.value).upper() != "GET"), (
                    f"{path}:{node.lineno}: only GET requests are built by hand")


def test_the_mocked_vault_fails_a_test_that_sends_a_delete(vault: VaultMock) -> None:
    """The unit-level guard works: a DELETE raises inside the transport and is recorded."""
    with key_client(vault.url, FakeCredential(), KeySettings(retry_total=0)) as client, pytest.raises(
            Exception, match="DELETE"):
        client._client.delete_key("k1")  # what begin_delete_key sends; called here only to prove the guard
    assert vault.deletes == ["/keys/k1"]
    vault.deletes.clear()  # the fixture asserts none at teardown: this one was on purpose
