"""The Key Vault data plane through the real azure-keyvault-keys ``KeyClient`` (sync, https, loopback)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import requests
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.keyvault.keys import KeyClient, KeyRotationLifetimeAction, KeyRotationPolicy, KeyRotationPolicyAction
from azure.keyvault.keys._shared import http_challenge_cache

from m365gov.auth import StaticTestCredential
from m365gov.emulator import KeyVaultEmulator, empty_vault, generate_keyvault_town, process_delete_attempts

from .conftest import EX_A1, EX_A2, MW_A1, MW_A2

KeyClientFactory = Callable[[str], KeyClient]
MW_KEY = f"{MW_A1}-Key001"


def _size(key: object) -> int:
    return len(key.key.n) * 8  # type: ignore[attr-defined]


def test_first_request_is_challenged_with_401_then_succeeds_with_the_token(kv: KeyVaultEmulator,
                                                                           key_client: KeyClientFactory) -> None:
    http_challenge_cache.clear()  # private, but the only way to be sure this client probes first
    key = key_client(MW_A1).get_key(MW_KEY)
    assert key.name == MW_KEY
    statuses = [(r.method, r.status) for r in kv.requests]
    assert statuses == [("GET", 401), ("GET", 200)]


def test_challenge_header_names_the_tenant_and_the_vault_resource(kv: KeyVaultEmulator) -> None:
    resp = requests.get(f"{kv.vault_url(MW_A1)}/keys/{MW_KEY}/?api-version=7.5", verify=str(kv.cert_path),
                        timeout=10)
    assert resp.status_code == 401
    header = resp.headers["WWW-Authenticate"]
    assert header == (f'Bearer authorization="https://login.microsoftonline.com/{kv.tenant_id}", '
                      'resource="https://vault.azure.net"')
    assert resp.json()["error"]["code"] == "Unauthorized"


def test_any_request_without_a_token_is_challenged_even_after_a_successful_one(kv: KeyVaultEmulator,
                                                                              key_client: KeyClientFactory) -> None:
    key_client(MW_A1).get_key(MW_KEY)
    resp = requests.get(f"{kv.vault_url(MW_A1)}/keys?api-version=7.5", verify=str(kv.cert_path), timeout=10)
    assert resp.status_code == 401 and "WWW-Authenticate" in resp.headers


def test_certificate_is_valid_for_localhost_too(kv: KeyVaultEmulator) -> None:
    url = kv.vault_url(MW_A1).replace("127.0.0.1", "localhost")
    resp = requests.get(f"{url}/keys?api-version=7.5", verify=str(kv.cert_path), timeout=10)
    assert resp.status_code == 401


def test_create_returns_the_requested_rsa_hsm_key(key_client: KeyClientFactory) -> None:
    key = key_client(MW_A1).create_rsa_key("SAL-CK-MW-FR-VaultA1-Key002", size=3072, hardware_protected=True,
                                           key_operations=["wrapKey", "unwrapKey"], tags={"dep": "x"})
    assert key.key_type == "RSA-HSM"
    assert key.key_operations == ["wrapKey", "unwrapKey"]
    assert _size(key) == 3072
    assert key.key.e == b"\x01\x00\x01"
    assert key.properties.tags == {"dep": "x"}
    assert key.properties.expires_on is None
    assert key.properties.recovery_level == "Recoverable+ProtectedSubscription"
    assert key.properties.recoverable_days == 90
    assert key.properties.exportable is False and key.properties.hsm_platform == "2"
    assert key.properties.vault_url == key_client(MW_A1).vault_url


def test_create_on_an_existing_name_adds_a_new_version(key_client: KeyClientFactory) -> None:
    client = key_client(MW_A1)
    before = [p.version for p in client.list_properties_of_key_versions(MW_KEY)]
    created = client.create_rsa_key(MW_KEY, size=3072, hardware_protected=True,
                                    key_operations=["wrapKey", "unwrapKey"])
    after = [p.version for p in client.list_properties_of_key_versions(MW_KEY)]
    assert created.properties.version not in before
    assert sorted(after) == sorted([*before, created.properties.version])
    assert client.get_key(MW_KEY).properties.version == created.properties.version


def test_get_returns_the_latest_version_or_the_one_asked_for(key_client: KeyClientFactory) -> None:
    client = key_client(MW_A1)
    versions = sorted(client.list_properties_of_key_versions(MW_KEY), key=lambda p: p.created_on)
    assert len(versions) == 2
    assert client.get_key(MW_KEY).properties.version == versions[-1].version
    old = client.get_key(MW_KEY, version=versions[0].version)
    assert old.properties.version == versions[0].version
    assert old.properties.created_on == datetime(2025, 2, 3, 9, 30, tzinfo=UTC)


def test_key_names_match_case_insensitively(key_client: KeyClientFactory) -> None:
    assert key_client(MW_A1).get_key(MW_KEY.lower()).name == MW_KEY


def test_key_size_from_the_modulus_matches_the_size_asked(key_client: KeyClientFactory) -> None:
    client = key_client(MW_A1)
    for size in (2048, 3072, 4096):
        key = client.create_rsa_key(f"size-{size}", size=size, hardware_protected=True)
        assert _size(key) == size
        assert int.from_bytes(key.key.n, "big").bit_length() == size


def test_missing_key_is_404_key_not_found(key_client: KeyClientFactory) -> None:
    with pytest.raises(ResourceNotFoundError) as caught:
        key_client(MW_A1).get_key("no-such-key")
    assert caught.value.error is not None and caught.value.error.code == "KeyNotFound"


def test_listing_pages_through_next_link_with_api_version_on_every_page(kv: KeyVaultEmulator,
                                                                       key_client: KeyClientFactory) -> None:
    client = key_client(MW_A1)
    for i in range(4):
        client.create_rsa_key(f"page-{i}", size=2048, hardware_protected=True)
    kv.reset_stats()
    names = [p.name for p in client.list_properties_of_keys(max_page_size=2)]
    assert names == sorted(names, key=str.lower) and len(names) == 5
    pages = [r for r in kv.requests if r.status == 200]
    assert len(pages) == 3
    assert all("api-version=" in r.query and "maxresults=2" in r.query for r in pages)
    assert all("$skiptoken=" in r.query for r in pages[1:])


def test_listed_keys_are_versionless_and_carry_no_key_material(key_client: KeyClientFactory) -> None:
    listed = list(key_client(MW_A1).list_properties_of_keys())
    assert [p.name for p in listed] == [MW_KEY]
    assert listed[0].version is None
    assert listed[0].recovery_level == "Recoverable+ProtectedSubscription"


def test_rotate_makes_a_new_version_like_the_current_one(key_client: KeyClientFactory) -> None:
    client = key_client(MW_A1)
    current = client.get_key(MW_KEY)
    rotated = client.rotate_key(MW_KEY)
    assert rotated.properties.version != current.properties.version
    assert rotated.key_type == current.key_type and _size(rotated) == _size(current)
    assert rotated.key_operations == current.key_operations
    assert rotated.properties.expires_on is None
    assert client.get_key(MW_KEY).properties.version == rotated.properties.version


def test_rotation_policy_put_with_only_rotate_comes_back_with_notify(key_client: KeyClientFactory) -> None:
    client = key_client(MW_A2)
    key = f"{MW_A2}-Key001"
    policy = KeyRotationPolicy(lifetime_actions=[
        KeyRotationLifetimeAction(KeyRotationPolicyAction.rotate, time_after_create="P330D")])
    saved = client.update_key_rotation_policy(key, policy)
    actions = {(a.action, a.time_after_create, a.time_before_expiry) for a in saved.lifetime_actions}
    assert actions == {("Rotate", "P330D", None), ("Notify", None, "P30D")}
    assert saved.expires_in is None
    assert saved.id == f"{client.vault_url}/keys/{key}/rotationpolicy"
    fetched = client.get_key_rotation_policy(key)
    assert {(a.action, a.time_after_create, a.time_before_expiry) for a in fetched.lifetime_actions} == actions


def test_a_key_without_rotation_policy_reports_the_default_notify(kv: KeyVaultEmulator,
                                                                  key_client: KeyClientFactory) -> None:
    policy = key_client(EX_A2).get_key_rotation_policy(f"{EX_A2}-Key001")
    assert [(a.action, a.time_before_expiry) for a in policy.lifetime_actions] == [("Notify", "P30D")]
    assert policy.created_on is None


def test_rotation_policy_with_expiry_time_is_accepted_and_recorded(kv: KeyVaultEmulator,
                                                                   key_client: KeyClientFactory) -> None:
    client = key_client(MW_A1)
    client.update_key_rotation_policy(MW_KEY, KeyRotationPolicy(expires_in="P2Y", lifetime_actions=[
        KeyRotationLifetimeAction(KeyRotationPolicyAction.rotate, time_before_expiry="P30D")]))
    rotated = client.rotate_key(MW_KEY)
    assert rotated.properties.expires_on is not None
    assert [w.operation for w in kv.expiry_writes] == ["rotation_policy", "rotate"]


def test_backup_then_restore_into_an_empty_vault_of_the_same_subscription() -> None:
    town = generate_keyvault_town()
    town = town.with_vault(empty_vault("SAL-CK-Restore-Test", town.vault(MW_A1)))
    with KeyVaultEmulator(town) as kv:
        def client(vault: str) -> KeyClient:
            return KeyClient(kv.vault_url(vault), StaticTestCredential(), retry_total=0, **kv.key_client_kwargs())

        source = client(MW_A1)
        blob = source.backup_key(MW_KEY)
        assert isinstance(blob, bytes) and len(blob) > 100
        restored = client("SAL-CK-Restore-Test").restore_key_backup(blob)
        assert restored.name == MW_KEY
        assert restored.properties.version == source.get_key(MW_KEY).properties.version
        assert restored.key.n == source.get_key(MW_KEY).key.n
        versions = {p.version for p in client("SAL-CK-Restore-Test").list_properties_of_key_versions(MW_KEY)}
        assert versions == {p.version for p in source.list_properties_of_key_versions(MW_KEY)}
        assert kv.stats()["kv_operations"] == {"backup": 1, "restore": 1}


def test_restore_conflicts_when_the_name_exists(key_client: KeyClientFactory) -> None:
    client = key_client(MW_A1)
    blob = client.backup_key(MW_KEY)
    with pytest.raises(ResourceExistsError) as caught:
        client.restore_key_backup(blob)
    assert caught.value.status_code == 409


def test_restore_into_another_subscription_is_refused(key_client: KeyClientFactory) -> None:
    blob = key_client(MW_A1).backup_key(MW_KEY)  # subscription 1
    with pytest.raises(HttpResponseError) as caught:
        key_client(MW_A2).restore_key_backup(blob)  # subscription 2
    assert caught.value.status_code == 400
    assert "same subscription" in str(caught.value)


def test_restore_of_a_foreign_blob_is_a_bad_parameter(key_client: KeyClientFactory) -> None:
    with pytest.raises(HttpResponseError) as caught:
        key_client(EX_A1).restore_key_backup(b"not a key vault backup")
    assert caught.value.status_code == 400


def test_property_update_is_applied_and_recorded(kv: KeyVaultEmulator, key_client: KeyClientFactory) -> None:
    client = key_client(MW_A1)
    updated = client.update_key_properties(MW_KEY, tags={"dep": "SAL-DEP-MW-01", "reviewed": "2026-11"})
    assert updated.properties.tags == {"dep": "SAL-DEP-MW-01", "reviewed": "2026-11"}
    [update] = kv.property_updates
    assert (update.vault, update.key, update.version) == (MW_A1, MW_KEY, updated.properties.version)
    assert update.changes == {"tags": {"dep": "SAL-DEP-MW-01", "reviewed": "2026-11"}}
    assert kv.stats()["kv_property_updates"] == 1 and kv.stats()["kv_expiry_writes"] == 0


def test_update_that_sets_an_expiry_is_accepted_but_recorded(kv: KeyVaultEmulator,
                                                             key_client: KeyClientFactory) -> None:
    expiry = datetime(2030, 1, 1, tzinfo=UTC)
    updated = key_client(MW_A1).update_key_properties(MW_KEY, expires_on=expiry)
    assert updated.properties.expires_on == expiry
    stats = kv.stats()
    assert stats["kv_expiry_writes"] == 1
    assert stats["kv_expiry_write_log"][0]["operation"] == "update"
    assert stats["kv_expiry_write_log"][0]["value"] == int(expiry.timestamp())


def test_disabling_a_key_is_recorded(kv: KeyVaultEmulator, key_client: KeyClientFactory) -> None:
    key_client(MW_A1).update_key_properties(MW_KEY, enabled=False)
    assert kv.stats()["kv_disable_updates"] == 1


def test_forbidden_by_rbac_switch_gives_http_response_error_with_that_code(kv: KeyVaultEmulator,
                                                                           key_client: KeyClientFactory) -> None:
    kv.forbid(MW_A1)
    with pytest.raises(HttpResponseError) as caught:
        key_client(MW_A1).get_key(MW_KEY)
    err = caught.value
    assert err.status_code == 403
    assert err.error is not None and err.error.code == "Forbidden"
    assert err.error.innererror["code"] == "ForbiddenByRbac"
    kv.allow(MW_A1)
    assert key_client(MW_A1).get_key(MW_KEY).name == MW_KEY


def test_forbid_can_target_one_operation(kv: KeyVaultEmulator, key_client: KeyClientFactory) -> None:
    kv.forbid(MW_A1, ["create"])
    client = key_client(MW_A1)
    assert client.get_key(MW_KEY).name == MW_KEY
    with pytest.raises(HttpResponseError) as caught:
        client.create_rsa_key("denied", size=3072, hardware_protected=True)
    assert "keys/create/action" in str(caught.value)


def test_access_policy_vault_denies_with_access_denied(kv: KeyVaultEmulator, key_client: KeyClientFactory) -> None:
    kv.forbid(EX_A2, ["list"])
    with pytest.raises(HttpResponseError) as caught:
        list(key_client(EX_A2).list_properties_of_keys())
    assert caught.value.error is not None and caught.value.error.innererror["code"] == "AccessDenied"


def test_hsm_key_in_a_standard_vault_is_refused(key_client: KeyClientFactory) -> None:
    with pytest.raises(HttpResponseError) as caught:
        key_client(EX_A2).create_rsa_key("hsm", size=3072, hardware_protected=True)
    assert caught.value.status_code == 400


def test_a_delete_is_refused_and_recorded(kv: KeyVaultEmulator) -> None:
    kv.deletes_expected = True  # on purpose: a suite-wide guard ignores these
    url = f"{kv.vault_url(MW_A1)}/keys/{MW_KEY}?api-version=7.5"
    resp = requests.delete(url, headers={"Authorization": "Bearer whatever"}, verify=str(kv.cert_path), timeout=10)
    assert resp.status_code == 403
    assert resp.json()["error"]["innererror"]["code"] == "DeleteRefusedByEmulator"
    purge = requests.delete(f"{kv.vault_url(MW_A1)}/deletedkeys/{MW_KEY}?api-version=7.5",
                            verify=str(kv.cert_path), timeout=10)
    assert purge.status_code == 401  # no token: challenged, and still recorded
    assert kv.stats()["kv_delete_attempts"] == 2
    assert [(a.method, a.path, a.listener, a.authenticated) for a in kv.delete_attempts] == [
        ("DELETE", f"/keys/{MW_KEY}", MW_A1, True), ("DELETE", f"/deletedkeys/{MW_KEY}", MW_A1, False)]
    everywhere = process_delete_attempts(include_expected=True)
    assert all(a in everywhere for a in kv.delete_attempts)
    assert not any(a in process_delete_attempts() for a in kv.delete_attempts)


def test_the_sdk_delete_call_fails_and_leaves_the_key(kv: KeyVaultEmulator, key_client: KeyClientFactory) -> None:
    kv.deletes_expected = True
    client = key_client(MW_A1)
    with pytest.raises(HttpResponseError):
        client.begin_delete_key(MW_KEY)
    assert client.get_key(MW_KEY).name == MW_KEY
    assert kv.stats()["kv_delete_attempts"] >= 1


def test_deleted_keys_are_never_there(key_client: KeyClientFactory) -> None:
    client = key_client(MW_A1)
    with pytest.raises(ResourceNotFoundError):
        client.get_deleted_key(MW_KEY)
    assert list(client.list_deleted_keys()) == []


def test_missing_api_version_is_400_bad_parameter(kv: KeyVaultEmulator) -> None:
    resp = requests.get(f"{kv.vault_url(MW_A1)}/keys/{MW_KEY}/", headers={"Authorization": "Bearer t"},
                        verify=str(kv.cert_path), timeout=10)
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "BadParameter"


def test_unknown_api_version_is_400(kv: KeyVaultEmulator) -> None:
    resp = requests.get(f"{kv.vault_url(MW_A1)}/keys?api-version=9.9", headers={"Authorization": "Bearer t"},
                        verify=str(kv.cert_path), timeout=10)
    assert resp.status_code == 400


def test_scripted_429_reaches_the_client_with_retry_after(kv: KeyVaultEmulator,
                                                          key_client: KeyClientFactory) -> None:
    kv.script(MW_A1, "/keys", status=429, headers={"Retry-After": "2"}, times=1)
    client = key_client(MW_A1)
    with pytest.raises(HttpResponseError) as caught:
        client.get_key(MW_KEY)
    assert caught.value.status_code == 429
    assert caught.value.response is not None and caught.value.response.headers["Retry-After"] == "2"
    assert caught.value.error is not None and caught.value.error.code == "Throttled"
    assert client.get_key(MW_KEY).name == MW_KEY


def test_scripted_503_is_an_http_response_error(kv: KeyVaultEmulator, key_client: KeyClientFactory) -> None:
    kv.script(MW_A1, "/keys", status=503, times=1)
    with pytest.raises(HttpResponseError) as caught:
        key_client(MW_A1).get_key(MW_KEY)
    assert caught.value.status_code == 503


def test_backup_blob_is_opaque_base64url_on_the_wire(kv: KeyVaultEmulator) -> None:
    resp = requests.post(f"{kv.vault_url(MW_A1)}/keys/{MW_KEY}/backup?api-version=7.5",
                         headers={"Authorization": "Bearer t"}, verify=str(kv.cert_path), timeout=10)
    value = resp.json()["value"]
    assert "=" not in value and "+" not in value and "/" not in value
    assert base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))



def test_random_throttling_answers_in_key_vault_shape_with_retry_after(kv: KeyVaultEmulator,
                                                                       key_client: KeyClientFactory) -> None:
    from m365gov.emulator import Faults

    kv.faults = Faults(throttle_rate=1.0, retry_after_forms=("int",), retry_after_seconds=3)
    with pytest.raises(HttpResponseError) as caught:
        key_client(MW_A1).get_key(MW_KEY)
    assert caught.value.status_code == 429
    assert caught.value.response is not None and caught.value.response.headers["Retry-After"] == "3"
    assert caught.value.error is not None and caught.value.error.code == "Throttled"
    assert kv.stats()["faults"] == {"throttle": 1}


def test_a_client_that_does_not_trust_the_certificate_cannot_connect(kv: KeyVaultEmulator) -> None:
    from azure.core.exceptions import ServiceRequestError

    client = KeyClient(kv.vault_url(MW_A1), StaticTestCredential(), retry_total=0, verify_challenge_resource=False)
    with pytest.raises(ServiceRequestError):
        client.get_key(MW_KEY)
    assert kv.stats()["http_requests"] == 0
