"""Key Vault state and wire shapes, served in-process (no socket)."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from m365gov.emulator import KeyVaultEmulator, generate_keyvault_town
from m365gov.emulator.keyvault_protocol import AzureError, b64url_decode
from m365gov.emulator.keyvault_store import KeyVaultStore, duration_days, modulus, read_backup
from m365gov.emulator.protocol import Response, make_request
from m365gov.emulator.tls import generate_self_signed

MW_A1 = "SAL-CK-MW-FR-VaultA1"
KEY = f"{MW_A1}-Key001"
AUTH = {"Authorization": "Bearer test"}
NOW = 1_790_000_000


@pytest.fixture
def kv() -> Iterator[KeyVaultEmulator]:
    yield KeyVaultEmulator(generate_keyvault_town(), clock=lambda: NOW)  # never started: in-process only


def call(kv: KeyVaultEmulator, method: str, target: str, body: object = None, *, listener: str = MW_A1,
         headers: dict[str, str] | None = None) -> Response:
    data = b"" if body is None else json.dumps(body).encode()
    return kv.dispatch(listener, make_request(method, target, AUTH if headers is None else headers, data))


def test_modulus_has_the_exact_size_and_loads_as_an_rsa_public_key() -> None:
    for size in (2048, 3072, 4096):
        n = modulus(1, "v", "k", "0" * 32, size)
        assert len(n) * 8 == size and int.from_bytes(n, "big").bit_length() == size and n[-1] & 1
        rsa.RSAPublicNumbers(65537, int.from_bytes(n, "big")).public_key()


def test_modulus_is_deterministic() -> None:
    assert modulus(1, "v", "k", "a", 2048) == modulus(1, "V", "K", "a", 2048) != modulus(2, "v", "k", "a", 2048)


def test_key_bundle_has_the_documented_shape(kv: KeyVaultEmulator) -> None:
    doc = call(kv, "GET", f"/keys/{KEY}/?api-version=7.5").json()
    assert set(doc) == {"key", "attributes", "tags", "managed"}
    assert set(doc["key"]) == {"kid", "kty", "key_ops", "n", "e"}
    assert doc["key"]["e"] == "AQAB" and len(b64url_decode(doc["key"]["n"])) == 384
    assert set(doc["attributes"]) == {"enabled", "created", "updated", "recoveryLevel", "recoverableDays",
                                      "exportable", "hsmPlatform"}
    assert doc["managed"] is False


def test_software_key_has_no_hsm_attributes_and_shows_its_expiry(kv: KeyVaultEmulator) -> None:
    key = "SAL-CK-EX-FR-VaultA2-Key001"
    doc = call(kv, "GET", f"/keys/{key}?api-version=7.5", listener="SAL-CK-EX-FR-VaultA2").json()
    assert "exportable" not in doc["attributes"] and "hsmPlatform" not in doc["attributes"]
    assert doc["attributes"]["exp"] > doc["attributes"]["created"]


def test_new_versions_use_the_emulator_clock(kv: KeyVaultEmulator) -> None:
    doc = call(kv, "POST", "/keys/k/create?api-version=7.5", {"kty": "RSA-HSM", "key_size": 3072}).json()
    assert doc["attributes"]["created"] == doc["attributes"]["updated"] == NOW
    assert doc["key"]["key_ops"] == ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"]


@pytest.mark.parametrize(("body", "status"), [
    ({}, 400),
    ({"kty": "RSA", "key_size": 1024}, 400),
    ({"kty": "RSA", "public_exponent": 3}, 400),
    ({"kty": "RSA", "key_ops": ["wrap"]}, 400),
    ({"kty": "EC", "crv": "P-256"}, 501),
    ({"kty": "RSA", "attributes": {"exp": "soon"}}, 400),
    ({"kty": "RSA", "tags": {"a": 1}}, 400),
])
def test_invalid_create_bodies_are_refused(kv: KeyVaultEmulator, body: dict[str, object], status: int) -> None:
    assert call(kv, "POST", "/keys/k/create?api-version=7.5", body).status == status


def test_invalid_key_name_is_refused(kv: KeyVaultEmulator) -> None:
    assert call(kv, "POST", "/keys/bad_name/create?api-version=7.5", {"kty": "RSA"}).status == 400


def test_list_page_has_an_absolute_next_link_with_api_version(kv: KeyVaultEmulator) -> None:
    for i in range(3):
        call(kv, "POST", f"/keys/k{i}/create?api-version=7.5", {"kty": "RSA"})
    doc = call(kv, "GET", "/keys?api-version=7.5&maxresults=2").json()
    assert len(doc["value"]) == 2
    link = doc["nextLink"]
    assert link.startswith("https://127.0.0.1:0/keys?api-version=7.5&$skiptoken=") and link.endswith("maxresults=2")
    rest = call(kv, "GET", link.removeprefix("https://127.0.0.1:0")).json()
    assert [v["kid"].rsplit("/", 1)[-1] for v in rest["value"]] == ["k2", KEY]
    assert rest["nextLink"] is None


@pytest.mark.parametrize("value", ["0", "26", "x"])
def test_maxresults_outside_1_to_25_is_refused(kv: KeyVaultEmulator, value: str) -> None:
    assert call(kv, "GET", f"/keys?api-version=7.5&maxresults={value}").status == 400


def test_versions_are_listed_by_version_id_not_by_date(kv: KeyVaultEmulator) -> None:
    doc = call(kv, "GET", f"/keys/{KEY}/versions?api-version=7.5").json()
    versions = [v["kid"].rsplit("/", 1)[-1] for v in doc["value"]]
    assert versions == sorted(versions) and len(versions) == 2


@pytest.mark.parametrize("policy", [
    {"lifetimeActions": [{"trigger": {"timeAfterCreate": "P1D"}, "action": {"type": "Rotate"}}]},
    {"lifetimeActions": [{"trigger": {"timeAfterCreate": "P1Y"}, "action": {"type": "Delete"}}]},
    {"lifetimeActions": [{"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Rotate"}}]},
    {"lifetimeActions": [{"trigger": {}, "action": {"type": "Rotate"}}]},
    {"lifetimeActions": [{"trigger": {"timeAfterCreate": "one year"}, "action": {"type": "Rotate"}}]},
    {"lifetimeActions": [], "attributes": {"expiryTime": "P7D"}},
])
def test_invalid_rotation_policies_are_refused(kv: KeyVaultEmulator, policy: dict[str, object]) -> None:
    assert call(kv, "PUT", f"/keys/{KEY}/rotationpolicy?api-version=7.5", policy).status == 400


def test_rotation_policy_action_type_is_case_insensitive(kv: KeyVaultEmulator) -> None:
    doc = call(kv, "PUT", f"/keys/{KEY}/rotationpolicy?api-version=7.5", {
        "lifetimeActions": [{"trigger": {"timeAfterCreate": "P90D"}, "action": {"type": "rotate"}}]}).json()
    assert [a["action"]["type"] for a in doc["lifetimeActions"]] == ["Rotate", "Notify"]
    assert doc["attributes"] == {"created": 1738575900, "updated": NOW}


@pytest.mark.parametrize(("text", "days"), [("P1Y", 365), ("P2M", 60), ("P30D", 30), ("P1W", 7), ("PT12H", 0.5)])
def test_duration_days(text: str, days: float) -> None:
    assert duration_days(text) == days


def test_backup_round_trips_and_garbage_is_refused() -> None:
    store = KeyVaultStore(generate_keyvault_town())
    vault = store.vault(MW_A1)
    doc = read_backup(store.backup(vault, KEY))
    assert doc["name"] == KEY and len(doc["versions"]) == 2
    with pytest.raises(AzureError):
        read_backup(b"M365GOV-EMULATOR-KEYVAULT-KEY-BACKUP/1\nnot zlib")


def test_unknown_data_plane_route_is_501_not_a_fake_success(kv: KeyVaultEmulator) -> None:
    resp = call(kv, "POST", f"/keys/{KEY}/0123/wrapkey?api-version=7.5", {"alg": "RSA-OAEP", "value": "AA"})
    assert resp.status == 501


def test_forbid_refuses_unknown_operation_names(kv: KeyVaultEmulator) -> None:
    with pytest.raises(ValueError, match="unknown Key Vault operations"):
        kv.forbid(MW_A1, ["destroy"])


def test_control_endpoint_describes_the_town_without_auth(kv: KeyVaultEmulator) -> None:
    doc = call(kv, "GET", "/_emulator/keyvault", headers={}).json()
    assert {v["name"] for v in doc["vaults"]} == {v.name for v in kv.town.vaults}
    assert len(doc["defects"]) == len(kv.town.defects)
    assert kv.stats()["http_requests"] == 0


def test_concurrent_creates_get_distinct_versions(kv: KeyVaultEmulator) -> None:
    results: list[str] = []

    def create() -> None:
        for _ in range(20):
            doc = call(kv, "POST", "/keys/busy/create?api-version=7.5", {"kty": "RSA"}).json()
            results.append(doc["key"]["kid"])

    threads = [threading.Thread(target=create) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 80
    assert kv.stats()["kv_operations"]["create"] == 80


def test_certificate_is_self_signed_for_loopback_and_its_key_is_private() -> None:
    cert = generate_self_signed()
    try:
        loaded = x509.load_pem_x509_certificate(cert.cert_path.read_bytes())
        san = loaded.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert san.get_values_for_type(x509.DNSName) == ["localhost"]
        assert {str(a) for a in san.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
        assert loaded.issuer == loaded.subject
        assert stat.S_IMODE(cert.key_path.stat().st_mode) == 0o600
    finally:
        cert.remove()
    assert not cert.directory.exists()


def test_stop_removes_the_certificate() -> None:
    with KeyVaultEmulator() as kv:
        path = kv.cert_path
        assert path.exists()
    assert not path.exists()
    with pytest.raises(RuntimeError):
        _ = kv.cert_path
