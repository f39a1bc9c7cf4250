"""The town's Customer Key vaults: deterministic, named by Microsoft's pattern, defects recorded and fixable."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from m365gov.emulator import KV_DEFECT_KINDS, Tenant, empty_vault, generate_keyvault_town
from m365gov.emulator.keyvault_town import (
    CK_KEY_OPS,
    DERIVED_KINDS,
    EXCHANGE_APP_ID,
    KV_CRYPTO_OFFICER,
    KV_CRYPTO_SERVICE_ENCRYPTION_USER,
    M365_DATA_AT_REST_APP_ID,
    SHAREPOINT_APP_ID,
    recovery_level,
)


def test_same_seed_gives_the_same_town() -> None:
    assert generate_keyvault_town(seed=7) == generate_keyvault_town(seed=7)


def test_another_seed_changes_ids_but_not_names() -> None:
    a, b = generate_keyvault_town(seed=1), generate_keyvault_town(seed=2)
    assert [v.name for v in a.vaults] == [v.name for v in b.vaults]
    assert a.subscriptions[0].subscription_id != b.subscriptions[0].subscription_id
    assert a.vaults[0].keys[0].versions[0].version != b.vaults[0].keys[0].versions[0].version


def test_town_follows_the_tenant(tenant: Tenant) -> None:
    town = generate_keyvault_town(tenant)
    assert town.tenant_id == tenant.tenant_id and town.now == tenant.now
    assert all(v.tenant_id == tenant.tenant_id for v in town.vaults)


def test_names_follow_microsofts_pattern_and_azure_limits() -> None:
    town = generate_keyvault_town()
    for vault in town.vaults:
        assert re.fullmatch(r"SAL-CK-(MW|EX|SP)-FR-Vault(A[12]|T1)", vault.name)
        assert 3 <= len(vault.name) <= 24
        for key in vault.keys:
            assert re.fullmatch(rf"{vault.name}-Key00[12]", key.name)
            assert all(re.fullmatch(r"[0-9a-f]{32}", v.version) for v in key.versions)


def test_one_dep_of_each_kind_plus_an_unassigned_trial() -> None:
    town = generate_keyvault_town()
    assert [(d.name, d.kind, d.status) for d in town.deps] == [
        ("SAL-DEP-MW-01", "multiWorkload", "assigned"), ("SAL-DEP-EX-01", "exchange", "planned"),
        ("SAL-DEP-SP-01", "sharepoint", "assigned"), ("SAL-DEP-MW-T1", "multiWorkload", "unassigned")]
    for dep in town.deps:
        assert {town.vault(v).dep_kind for v in dep.vaults} == {dep.kind}
        assert dep.pinned_versions == (None, None) or dep.kind == "sharepoint"


def test_pairs_span_two_subscriptions_unless_a_defect_says_otherwise() -> None:
    town = generate_keyvault_town()
    together = {d["vault"] for d in town.defects if d["kind"] in ("same_subscription", "same_vault")}
    for dep in town.deps:
        subs = {town.vault(v).subscription_id for v in dep.vaults}
        assert (len(subs) == 1) == (dep.vaults[1] in together), dep.name


def test_adding_pairs_changes_no_id_of_the_older_ones() -> None:
    base = generate_keyvault_town()
    other = generate_keyvault_town(fix=["same_vault", "same_subscription", "pinned_not_current", "key_ops"])
    for name in ("SAL-CK-MW-FR-VaultA1", "SAL-CK-MW-FR-VaultA2", "SAL-CK-EX-FR-VaultA1", "SAL-CK-EX-FR-VaultA2"):
        assert base.vault(name) == other.vault(name)
    assert base.service_principals == other.service_principals and base.subscriptions == other.subscriptions


def test_defects_are_machine_readable_and_cover_every_kind() -> None:
    town = generate_keyvault_town()
    assert list(dict.fromkeys(d["kind"] for d in town.defects)) == list(KV_DEFECT_KINDS)
    vaults = {v.name for v in town.vaults}
    for d in town.defects:
        assert set(d) == {"kind", "resource", "vault", "key", "property", "value", "expected"}
        assert d["vault"] in vaults and not d["vault"].startswith("SAL-CK-MW-FR-VaultA")  # the right pair
        assert (d["key"] is not None) == (d["resource"] == "key")
    assert json.loads(json.dumps(town.defects)) == [dict(d) for d in town.defects]


def test_the_sharepoint_pair_pins_the_first_version_of_a_key_rolled_by_hand() -> None:
    town = generate_keyvault_town()
    sp = next(d for d in town.deps if d.kind == "sharepoint")
    (a1_key,), (a2_key,) = town.vault(sp.vaults[0]).keys, town.vault(sp.vaults[1]).keys
    assert sp.pinned_versions == (a1_key.versions[0].version, a2_key.versions[-1].version)
    assert a1_key.versions[0].key_ops == CK_KEY_OPS and a1_key.versions[-1].key_ops == ("wrapKey",)
    assert not a1_key.backed_up and a2_key.backed_up
    [policy] = town.vault(sp.vaults[0]).access_policies
    assert (policy.object_id, policy.keys) == (town.service_principals[SHAREPOINT_APP_ID]["id"], ("wrapKey",))
    assert town.recovery(town.vault(sp.vaults[1])) == ("CustomizedRecoverable+ProtectedSubscription", 30)
    assert a2_key.rotation_policy is not None and a2_key.rotation_policy["attributes"]["expiryTime"] == "P2Y"


def test_the_trial_dep_has_both_keys_in_one_vault_and_one_disabled() -> None:
    town = generate_keyvault_town()
    trial = town.deps[-1]
    assert trial.vaults[0] == trial.vaults[1] == "SAL-CK-MW-FR-VaultT1"
    assert [v.enabled for k in town.vault(trial.vaults[0]).keys for v in k.versions] == [True, False]
    fixed = generate_keyvault_town(fix=["same_vault"])
    trial = fixed.deps[-1]
    assert trial.vaults == ("SAL-CK-MW-FR-VaultT1", "SAL-CK-MW-FR-VaultT2")
    assert {fixed.vault(v).subscription_id for v in trial.vaults} == {s.subscription_id for s in fixed.subscriptions}


def test_the_right_pair_grants_exactly_the_encryption_role_to_m365_data_at_rest() -> None:
    town = generate_keyvault_town()
    principal = town.service_principals[M365_DATA_AT_REST_APP_ID]["id"]
    for name in ("SAL-CK-MW-FR-VaultA1", "SAL-CK-MW-FR-VaultA2"):
        [assignment] = town.vault(name).role_assignments
        assert (assignment.principal_id, assignment.role_definition) == (principal, KV_CRYPTO_SERVICE_ENCRYPTION_USER)
        assert town.recovery(town.vault(name)) == ("Recoverable+ProtectedSubscription", 90)


def test_the_defective_pair_has_a_broad_role_and_a_purgeable_vault() -> None:
    town = generate_keyvault_town()
    [assignment] = town.vault("SAL-CK-EX-FR-VaultA1").role_assignments
    assert assignment.principal_id == town.service_principals[EXCHANGE_APP_ID]["id"]
    assert assignment.role_definition == KV_CRYPTO_OFFICER
    assert town.recovery(town.vault("SAL-CK-EX-FR-VaultA2")) == ("Recoverable+Purgeable", 90)
    assert town.vault("SAL-CK-EX-FR-VaultA1").keys == ()


@pytest.mark.parametrize("kind", [k for k in KV_DEFECT_KINDS if k not in DERIVED_KINDS and k != "software_key"])
def test_fixing_one_kind_removes_only_that_defect(kind: str) -> None:
    fixed = {d["kind"] for d in generate_keyvault_town(fix=[kind]).defects}
    derived = {k for k, source in DERIVED_KINDS.items() if source == kind}
    assert fixed == set(KV_DEFECT_KINDS) - {kind} - derived


def test_roll_overdue_follows_the_towns_now() -> None:
    earlier = generate_keyvault_town(now=datetime(2026, 5, 1, tzinfo=UTC))
    assert "roll_overdue" not in {d["kind"] for d in earlier.defects}


def test_software_key_is_fixed_only_with_the_premium_sku() -> None:
    with pytest.raises(ValueError, match="standard_sku"):
        generate_keyvault_town(fix=["software_key"])
    town = generate_keyvault_town(fix=["software_key", "standard_sku"])
    assert town.vault("SAL-CK-EX-FR-VaultA2").keys[0].versions[0].kty == "RSA-HSM"


def test_fix_all_gives_a_compliant_town() -> None:
    town = generate_keyvault_town(fix=["all"])
    assert town.defects == ()
    assert all(town.recovery(v) == ("Recoverable+ProtectedSubscription", 90) for v in town.vaults)
    assert {d.status for d in town.deps} == {"assigned", "unassigned"}  # the trial DEP stays a trial


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown Key Vault defect kind"):
        generate_keyvault_town(fix=["nope"])


@pytest.mark.parametrize(("soft", "days", "purge", "mrp", "expected"), [
    (False, 90, False, False, ("Purgeable", 0)),
    (True, 90, False, True, ("Recoverable+Purgeable", 90)),
    (True, 90, True, False, ("Recoverable", 90)),
    (True, 90, True, True, ("Recoverable+ProtectedSubscription", 90)),
    (True, 30, True, True, ("CustomizedRecoverable+ProtectedSubscription", 30)),
    (True, 7, False, False, ("CustomizedRecoverable+Purgeable", 7)),
])
def test_recovery_level_follows_the_vault_configuration(soft: bool, days: int, purge: bool, mrp: bool,
                                                        expected: tuple[str, int]) -> None:
    assert recovery_level(soft, days, purge, mrp) == expected


def test_empty_vault_copies_the_configuration_without_keys() -> None:
    town = generate_keyvault_town()
    like = town.vault("SAL-CK-MW-FR-VaultA1")
    spare = empty_vault("SAL-CK-Spare", like)
    assert spare.keys == () and spare.subscription_id == like.subscription_id
    assert spare.role_assignments[0].scope.endswith("/vaults/SAL-CK-Spare")
    with pytest.raises(ValueError, match="exists"):
        town.with_vault(spare).with_vault(spare)
