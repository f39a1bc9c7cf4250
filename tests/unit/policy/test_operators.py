"""Each comparison operator: matches, non-matches, wrong types, and missing or null fields."""

from __future__ import annotations

import pytest

from .support import check


def test_equals_is_case_sensitive_json_equality() -> None:
    assert check({"field": "usageLocation", "equals": "FR"}, {"usageLocation": "FR"})
    assert not check({"field": "usageLocation", "equals": "FR"}, {"usageLocation": "fr"})


def test_equals_does_not_confuse_true_with_one() -> None:
    assert not check({"field": "score", "equals": 1}, {"score": True})
    assert not check({"field": "licensed", "equals": True}, {"licensed": 1})


def test_equals_treats_integer_and_float_as_the_same_number() -> None:
    assert check({"field": "score", "equals": 1}, {"score": 1.0})


def test_equals_compares_arrays_and_objects_deeply() -> None:
    assert check({"field": "tags", "equals": ["a", {"b": 1}]}, {"tags": ["a", {"b": 1}]})
    assert not check({"field": "tags", "equals": ["a", {"b": 1}]}, {"tags": ["a", {"b": True}]})


@pytest.mark.parametrize("resource", [{}, {"usageLocation": None}], ids=["missing", "null"])
def test_equals_on_missing_or_null_is_true_only_against_null(resource: dict[str, object]) -> None:
    assert check({"field": "usageLocation", "equals": None}, resource)
    assert not check({"field": "usageLocation", "equals": "FR"}, resource)


@pytest.mark.parametrize("resource", [{}, {"usageLocation": None}], ids=["missing", "null"])
def test_not_equals_on_missing_or_null_is_true(resource: dict[str, object]) -> None:
    assert check({"field": "usageLocation", "notEquals": "FR"}, resource)


def test_not_equals_is_the_negation_of_equals() -> None:
    assert check({"field": "usageLocation", "notEquals": "FR"}, {"usageLocation": "BE"})
    assert not check({"field": "usageLocation", "notEquals": "FR"}, {"usageLocation": "FR"})


def test_in_matches_a_listed_value_only() -> None:
    assert check({"field": "usageLocation", "in": ["FR", "MC"]}, {"usageLocation": "MC"})
    assert not check({"field": "usageLocation", "in": ["FR", "MC"]}, {"usageLocation": "fr"})


def test_in_with_numbers_does_not_match_booleans() -> None:
    assert check({"field": "score", "in": [1, 2]}, {"score": 2})
    assert not check({"field": "score", "in": [1, 2]}, {"score": True})


@pytest.mark.parametrize("resource", [{}, {"usageLocation": None}], ids=["missing", "null"])
def test_in_on_missing_or_null_is_false_and_not_in_true(resource: dict[str, object]) -> None:
    assert not check({"field": "usageLocation", "in": ["FR"]}, resource)
    assert check({"field": "usageLocation", "notIn": ["FR"]}, resource)


def test_not_in_rejects_a_listed_value() -> None:
    assert not check({"field": "usageLocation", "notIn": ["FR"]}, {"usageLocation": "FR"})
    assert check({"field": "usageLocation", "notIn": ["FR"]}, {"usageLocation": "BE"})


def test_exists_means_present_and_not_null() -> None:
    assert check({"field": "manager", "exists": True}, {"manager": ""})
    assert not check({"field": "manager", "exists": True}, {"manager": None})
    assert not check({"field": "manager", "exists": True}, {})
    assert check({"field": "manager", "exists": False}, {})
    assert check({"field": "manager", "exists": False}, {"manager": None})


def test_exists_true_holds_for_false_and_zero() -> None:
    assert check({"field": "licensed", "exists": True}, {"licensed": False})
    assert check({"field": "score", "exists": True}, {"score": 0})


def test_contains_is_a_substring_test_on_strings() -> None:
    assert check({"field": "department", "contains": "Finan"}, {"department": "Direction des Finances"})
    assert not check({"field": "department", "contains": "finan"}, {"department": "Direction des Finances"})


def test_contains_is_an_element_test_on_arrays() -> None:
    assert check({"field": "tags", "contains": "council"}, {"tags": ["staff", "council"]})
    assert not check({"field": "tags", "contains": "coun"}, {"tags": ["staff", "council"]})
    assert check({"field": "tags", "contains": {"k": 1}}, {"tags": [{"k": 1}]})


def test_contains_on_missing_or_other_types_is_false() -> None:
    assert not check({"field": "tags", "contains": "x"}, {})
    assert not check({"field": "tags", "contains": "1"}, {"tags": 1})


def test_like_matches_the_whole_value_with_wildcards_ignoring_case() -> None:
    cond = {"field": "userPrincipalName", "like": "*@VILLE.fr"}
    assert check(cond, {"userPrincipalName": "jeanne@ville.fr"})
    assert not check(cond, {"userPrincipalName": "jeanne@ville.fr.evil.com"})


def test_like_question_mark_is_exactly_one_character() -> None:
    cond = {"field": "usageLocation", "like": "F?"}
    assert check(cond, {"usageLocation": "FR"})
    assert not check(cond, {"usageLocation": "F"})
    assert not check(cond, {"usageLocation": "FRA"})


def test_like_treats_regex_characters_literally() -> None:
    assert check({"field": "department", "like": "a.b+*"}, {"department": "a.b+c"})
    assert not check({"field": "department", "like": "a.b+*"}, {"department": "axbbc"})


def test_match_is_a_whole_value_python_regex() -> None:
    cond = {"field": "usageLocation", "match": "[A-Z]{2}"}
    assert check(cond, {"usageLocation": "FR"})
    assert not check(cond, {"usageLocation": "FRA"})
    assert not check(cond, {"usageLocation": "fr"})


@pytest.mark.parametrize("op", ["like", "match"])
def test_pattern_operators_on_missing_or_non_strings_are_false(op: str) -> None:
    assert not check({"field": "score", op: ".*"}, {})
    assert not check({"field": "score", op: ".*"}, {"score": 3})


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("greater", 5, False),
        ("greater", 4, True),
        ("greaterOrEquals", 5, True),
        ("greaterOrEquals", 6, False),
        ("less", 5, False),
        ("less", 6, True),
        ("lessOrEquals", 5, True),
        ("lessOrEquals", 4.5, False),
    ],
)
def test_numeric_comparisons_at_their_boundaries(op: str, value: float, expected: bool) -> None:
    assert check({"field": "score", op: value}, {"score": 5}) is expected


@pytest.mark.parametrize("observed", [None, "6", True, [6]], ids=["null", "string", "bool", "array"])
def test_numeric_comparison_of_a_non_number_is_false(observed: object) -> None:
    assert not check({"field": "score", "greater": 1}, {"score": observed})
    assert not check({"field": "score", "less": 100}, {"score": observed})
    assert not check({"field": "score", "greater": 1}, {})
