"""describe() and to_json(): conditions shown with parameters resolved, and the paths they read."""

from __future__ import annotations

from .support import compiled


def describe(cond: object, **members: object) -> str:
    return compiled(**{"assert": cond}, **members).assert_.describe()


def test_field_condition_text() -> None:
    assert compiled().assert_.describe() == 'usageLocation in ["FR"]'


def test_count_text_includes_its_where() -> None:
    cond = {
        "count": {"field": "assignedPlans[*]", "where": {"field": "service", "equals": "TeamspaceAPI"}},
        "greaterOrEquals": 1,
    }
    assert describe(cond) == 'count(assignedPlans[*] where service equals "TeamspaceAPI") greaterOrEquals 1'


def test_nested_logic_is_parenthesised() -> None:
    cond = {
        "anyOf": [
            {"field": "usageLocation", "equals": "FR"},
            {"allOf": [{"field": "usageLocation", "exists": False}, {"not": {"field": "licensed", "equals": True}}]},
        ]
    }
    assert describe(cond) == 'usageLocation equals "FR" or (usageLocation exists false and not (licensed equals true))'


def test_value_condition_text_shows_the_resolved_parameter() -> None:
    cond = {"value": "[parameters('central')]", "in": "[parameters('allowed')]"}
    params = {"allowed": {"type": "array", "default": ["FRA"]}, "central": {"type": "string", "default": "FRA"}}
    assert describe(cond, parameters=params) == '"FRA" in ["FRA"]'


def test_to_json_substitutes_parameters_everywhere() -> None:
    cond = {"count": {"field": "tags[*]", "where": {"field": "@", "in": "[parameters('allowed')]"}}, "equals": 0}
    assert compiled(**{"assert": cond}).assert_.to_json() == {
        "count": {"field": "tags[*]", "where": {"field": "@", "in": ["FR"]}},
        "equals": 0,
    }


def test_paths_read_include_count_where_paths_joined_to_their_array() -> None:
    cond = {
        "allOf": [
            {"field": "usageLocation", "equals": "FR"},
            {"count": {"field": "assignedPlans[*]", "where": {"field": "service", "equals": "x"}}, "equals": 0},
        ]
    }
    assert compiled(**{"assert": cond}).assert_.paths == (
        "usageLocation",
        "assignedPlans[*]",
        "assignedPlans[*].service",
    )


def test_fields_read_by_a_policy_are_grouped_by_view() -> None:
    cp = compiled(applicableIf={"field": "multiGeo", "equals": True}, evidence=["department"])
    assert cp.fields_read() == {"users": ("licensed", "usageLocation", "department"), "tenant": ("multiGeo",)}


def test_describe_policy_shows_scope_assertion_and_resolved_parameters() -> None:
    from m365gov.policy.describe import describe_policy

    text = describe_policy(compiled(threshold={"minPassRatio": 0.9}))
    assert "in scope: licensed equals true" in text
    assert 'must hold: usageLocation in ["FR"]' in text
    assert 'parameter allowed = ["FR"] (allowed)' in text
    assert "at least 90% of resources" in text
