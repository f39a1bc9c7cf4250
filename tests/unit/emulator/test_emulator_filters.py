"""$filter: what Graph supports works; what it refuses, the emulator refuses the same way."""

from __future__ import annotations

import pytest

from m365gov.emulator.filters import GROUP_FILTERS, SITE_FILTERS, USER_FILTERS, compile_filter
from m365gov.emulator.protocol import GraphError

ALICE = {"accountEnabled": True, "userType": "Member", "usageLocation": "FR", "displayName": "Élodie Martin",
         "createdDateTime": "2024-02-01T10:00:00Z",
         "assignedLicenses": [{"skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900", "disabledPlans": []}]}
BOB = {"accountEnabled": False, "userType": "Guest", "usageLocation": None, "displayName": "Bob",
       "createdDateTime": "2019-05-01T10:00:00Z", "assignedLicenses": []}


def matches(text: str, *, advanced: bool = False) -> list[str]:
    pred = compile_filter(text, USER_FILTERS, advanced=advanced)
    return [str(u["displayName"]) for u in (ALICE, BOB) if pred(u)]


def test_boolean_equality() -> None:
    assert matches("accountEnabled eq true") == ["Élodie Martin"]


def test_string_equality_ignores_case() -> None:
    assert matches("userType eq 'member'") == ["Élodie Martin"]


def test_usage_location_equality() -> None:
    assert matches("usageLocation eq 'FR'") == ["Élodie Martin"]


def test_and_or_and_parentheses() -> None:
    assert matches("(userType eq 'Guest' or usageLocation eq 'FR') and accountEnabled eq false") == ["Bob"]


def test_in_operator() -> None:
    assert matches("userType in ('Guest', 'Other')") == ["Bob"]


def test_starts_with() -> None:
    assert matches("startsWith(displayName,'élo')") == ["Élodie Martin"]


def test_lambda_on_assigned_licences() -> None:
    assert matches("assignedLicenses/any(x:x/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900)") == ["Élodie Martin"]


def test_date_comparison() -> None:
    assert matches("createdDateTime ge 2023-10-01T00:00:00Z") == ["Élodie Martin"]


def test_quote_escaping_in_literals() -> None:
    pred = compile_filter("displayName eq 'Jeanne d''Arc'", USER_FILTERS)
    assert pred({"displayName": "Jeanne d'Arc"})


def test_team_filter_on_groups() -> None:
    pred = compile_filter("resourceProvisioningOptions/Any(x:x eq 'Team')", GROUP_FILTERS)
    assert pred({"resourceProvisioningOptions": ["Team"]}) and not pred({"resourceProvisioningOptions": []})


def test_root_sites_filter() -> None:
    pred = compile_filter("siteCollection/root ne null", SITE_FILTERS)
    assert pred({"siteCollection": {"root": {}}}) and not pred({"siteCollection": {"hostname": "h"}})


def test_unsupported_property_is_a_400_not_an_ignored_clause() -> None:
    with pytest.raises(GraphError) as err:
        compile_filter("mobilePhone eq '06'", USER_FILTERS)
    assert (err.value.status, err.value.code) == (400, "Request_UnsupportedQuery")
    assert "mobilePhone" in err.value.message


def test_ne_needs_an_advanced_query_on_directory_objects() -> None:
    with pytest.raises(GraphError) as err:
        compile_filter("usageLocation ne 'FR'", USER_FILTERS)
    assert err.value.code == "Request_UnsupportedQuery" and "ConsistencyLevel" in err.value.message
    assert matches("usageLocation ne 'FR'", advanced=True) == ["Bob"]


def test_null_comparison_needs_an_advanced_query() -> None:
    with pytest.raises(GraphError):
        compile_filter("usageLocation eq null", USER_FILTERS)
    assert matches("usageLocation eq null", advanced=True) == ["Bob"]


def test_type_mismatch_is_a_400() -> None:
    with pytest.raises(GraphError) as err:
        compile_filter("accountEnabled eq 'true'", USER_FILTERS)
    assert err.value.status == 400 and "incompatible types" in err.value.message


def test_syntax_error_is_a_400() -> None:
    with pytest.raises(GraphError) as err:
        compile_filter("accountEnabled eq", USER_FILTERS)
    assert err.value.status == 400 and err.value.code == "BadRequest"
