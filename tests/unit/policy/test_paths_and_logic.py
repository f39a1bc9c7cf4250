"""Paths (nested, [*] flattening), value conditions, allOf/anyOf/not, and count."""

from __future__ import annotations

import pytest

from m365gov.policy.paths import PathError, parse_path

from .support import check

PLANS = {
    "assignedPlans": [
        {"service": "TeamspaceAPI", "capabilityStatus": "Enabled"},
        {"service": "exchange", "capabilityStatus": "Suspended"},
    ]
}


def test_dotted_path_reads_nested_objects() -> None:
    assert check({"field": "manager.address.city", "equals": "Lyon"}, {"manager": {"address": {"city": "Lyon"}}})


@pytest.mark.parametrize("resource", [{}, {"manager": None}, {"manager": "x"}, {"manager": {"address": 3}}])
def test_dotted_path_through_a_missing_or_scalar_value_reads_null(resource: dict[str, object]) -> None:
    assert check({"field": "manager.address.city", "exists": False}, resource)
    assert not check({"field": "manager.address.city", "equals": "Lyon"}, resource)


def test_field_over_wildcard_holds_when_every_element_satisfies() -> None:
    assert check({"field": "assignedPlans[*].service", "in": ["TeamspaceAPI", "exchange"]}, PLANS)
    assert not check({"field": "assignedPlans[*].capabilityStatus", "equals": "Enabled"}, PLANS)


def test_field_over_an_empty_or_missing_array_is_vacuously_true() -> None:
    assert check({"field": "assignedPlans[*].service", "equals": "x"}, {"assignedPlans": []})
    assert check({"field": "assignedPlans[*].service", "equals": "x"}, {})


def test_wildcard_element_without_the_property_reads_as_missing() -> None:
    resource = {"assignedPlans": [{"service": "a"}, {}]}
    assert not check({"field": "assignedPlans[*].service", "exists": True}, resource)


def test_nested_wildcards_flatten() -> None:
    resource = {"tags": [{"values": ["a", "b"]}, {"values": ["c"]}, {}]}
    assert check({"count": {"field": "tags[*].values[*]"}, "equals": 3}, resource)
    assert check({"field": "tags[*].values[*]", "in": ["a", "b", "c"]}, resource)


def test_value_condition_compares_a_literal_without_reading_the_resource() -> None:
    assert check({"value": "FRA", "in": ["FRA"]}, {})
    assert not check({"value": "EUR", "in": ["FRA"]}, {})


def test_value_condition_substitutes_parameters() -> None:
    cond = {"value": "[parameters('central')]", "in": "[parameters('allowed')]"}
    assert check(cond, {}, params={"central": "FRA", "allowed": ["FRA"]})
    assert not check(cond, {}, params={"central": "EUR", "allowed": ["FRA"]})


def test_all_of_requires_every_condition() -> None:
    cond = {"allOf": [{"field": "licensed", "equals": True}, {"field": "usageLocation", "equals": "FR"}]}
    assert check(cond, {"licensed": True, "usageLocation": "FR"})
    assert not check(cond, {"licensed": True, "usageLocation": "BE"})


def test_all_of_with_three_conditions() -> None:
    cond = {
        "allOf": [{"field": "score", "greater": 0}, {"field": "score", "less": 10}, {"field": "score", "notEquals": 5}]
    }
    assert check(cond, {"score": 4})
    assert not check(cond, {"score": 5})


def test_any_of_requires_one_condition() -> None:
    cond = {"anyOf": [{"field": "usageLocation", "equals": "FR"}, {"field": "usageLocation", "equals": "MC"}]}
    assert check(cond, {"usageLocation": "MC"})
    assert not check(cond, {"usageLocation": "BE"})


def test_any_of_with_three_conditions() -> None:
    cond = {
        "anyOf": [{"field": "score", "equals": 1}, {"field": "score", "equals": 2}, {"field": "score", "equals": 3}]
    }
    assert check(cond, {"score": 3})
    assert not check(cond, {"score": 4})


def test_not_negates() -> None:
    assert check({"not": {"field": "usageLocation", "equals": "FR"}}, {"usageLocation": "BE"})
    assert not check({"not": {"field": "usageLocation", "equals": "FR"}}, {"usageLocation": "FR"})


def test_count_with_where_counts_matching_elements() -> None:
    cond = {
        "count": {"field": "assignedPlans[*]", "where": {"field": "service", "equals": "TeamspaceAPI"}},
        "greaterOrEquals": 1,
    }
    assert check(cond, PLANS)
    assert not check(cond, {"assignedPlans": [{"service": "exchange"}]})


def test_count_without_where_counts_every_element() -> None:
    assert check({"count": {"field": "assignedPlans[*]"}, "equals": 2}, PLANS)


def test_count_of_a_missing_array_is_zero() -> None:
    assert check({"count": {"field": "assignedPlans[*]"}, "equals": 0}, {})
    assert check({"count": {"field": "assignedPlans[*]"}, "less": 1}, {"assignedPlans": None})


@pytest.mark.parametrize(
    ("op", "n", "expected"),
    [("equals", 1, True), ("notEquals", 1, False), ("greater", 0, True), ("less", 1, False), ("lessOrEquals", 1, True)],
)
def test_count_operators(op: str, n: int, expected: bool) -> None:
    cond = {"count": {"field": "assignedPlans[*]", "where": {"field": "capabilityStatus", "equals": "Enabled"}}, op: n}
    assert check(cond, PLANS) is expected


def test_count_where_can_combine_conditions_on_the_element() -> None:
    where = {"allOf": [{"field": "service", "equals": "exchange"}, {"field": "capabilityStatus", "equals": "Enabled"}]}
    assert check({"count": {"field": "assignedPlans[*]", "where": where}, "equals": 0}, PLANS)


def test_count_where_at_sign_names_the_element_itself() -> None:
    cond = {"count": {"field": "tags[*]", "where": {"field": "@", "like": "smtp:*"}}, "equals": 1}
    assert check(cond, {"tags": ["SMTP:a@ville.fr", "x500:/o=x", 3]})


def test_count_where_tolerates_non_object_elements() -> None:
    cond = {"count": {"field": "tags[*]", "where": {"field": "name", "equals": "x"}}, "equals": 1}
    assert check(cond, {"tags": ["x", None, 3, {"name": "x"}]})


def test_none_of_is_written_as_a_count_equal_to_zero() -> None:
    cond = {
        "count": {"field": "assignedPlans[*]", "where": {"field": "service", "equals": "TeamspaceAPI"}},
        "equals": 0,
    }
    assert not check(cond, PLANS)


@pytest.mark.parametrize("bad", ["", "a..b", "a[0]", "a[*]x", ".a", "a b"])
def test_malformed_paths_are_refused(bad: str) -> None:
    with pytest.raises(PathError):
        parse_path(bad)


def test_path_exposes_its_top_level_property() -> None:
    assert parse_path("assignedPlans[*].service").first == "assignedPlans"
