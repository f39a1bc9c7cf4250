"""Loading policy files: every problem is an InputError naming the file and a JSON pointer (or line)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from m365gov.errors import InputError
from m365gov.policy import load_policies, load_policy_file

from .support import VIEWS, FakeUsers, load, policy_doc


def write(path: Path, doc: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def error(**members: Any) -> InputError:
    with pytest.raises(InputError) as info:
        load(**members)
    return info.value


def test_a_valid_policy_loads_with_its_metadata() -> None:
    policy = load(mappings={"anssi": ["R1"]}, references=["https://x"])
    assert (policy.id, policy.area, policy.severity, policy.view) == ("RES-003", "residency", "high", "users")
    assert policy.parameters["allowed"].default == ["FR"]
    assert policy.mappings == {"anssi": ("R1",)}
    assert policy.requires.permissions == ("User.Read.All",)


def test_invalid_json_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "id": "RES-001",\n  "title": oops\n}\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_policy_file(path, VIEWS)
    assert info.value.file == str(path)
    assert info.value.line == 3


def test_schema_violation_points_at_the_member() -> None:
    err = error(severity="severe")
    assert err.pointer == "/severity"
    assert "severe" in err.message


def test_missing_required_member_is_reported() -> None:
    err = error(title=...)
    assert "title" in err.message


def test_misspelt_top_level_member_is_refused() -> None:
    err = error(asert={"field": "usageLocation", "equals": "FR"})
    assert "asert" in err.message


def test_id_must_be_area_and_three_digits() -> None:
    assert error(id="RES-3").pointer == "/id"


def test_unknown_operator_points_at_it_and_suggests() -> None:
    err = error(**{"assert": {"field": "usageLocation", "equal": "FR"}})
    assert err.pointer == "/assert/equal"
    assert "did you mean 'equals'" in err.message


def test_operator_without_subject_is_refused() -> None:
    err = error(**{"assert": {"equals": "FR"}})
    assert err.pointer == "/assert"
    assert "field" in err.message


def test_field_without_operator_is_refused() -> None:
    err = error(**{"assert": {"field": "usageLocation"}})
    assert err.pointer == "/assert"
    assert "operator" in err.message


def test_two_operators_in_one_node_are_refused() -> None:
    err = error(**{"assert": {"field": "usageLocation", "equals": "FR", "notEquals": "BE"}})
    assert err.pointer == "/assert/notEquals"
    assert "two operators" in err.message


def test_two_forms_in_one_node_are_refused() -> None:
    cond = {"allOf": [{"field": "licensed", "equals": True}], "field": "usageLocation", "equals": "FR"}
    err = error(**{"assert": cond})
    assert err.pointer == "/assert/field"


def test_logical_node_with_extra_member_is_refused() -> None:
    err = error(**{"assert": {"not": {"field": "licensed", "equals": True}, "equals": 1}})
    assert err.pointer == "/assert/equals"


def test_empty_any_of_is_refused() -> None:
    assert error(**{"assert": {"anyOf": []}}).pointer == "/assert/anyOf"


def test_condition_that_is_not_an_object_is_refused_deep_inside() -> None:
    err = error(**{"assert": {"allOf": [{"field": "licensed", "equals": True}, "usageLocation"]}})
    assert err.pointer == "/assert/allOf/1"


def test_unknown_view_lists_the_views() -> None:
    err = error(view="utilisateurs")
    assert err.pointer == "/view"
    assert "users" in err.message and "tenant" in err.message


def test_unknown_field_points_at_the_field_member_and_lists_fields() -> None:
    err = error(**{"assert": {"anyOf": [{"field": "licensed", "equals": True}, {"field": "usageLoc", "equals": "FR"}]}})
    assert err.pointer == "/assert/anyOf/1/field"
    assert "usageLocation" in err.message


def test_unknown_field_in_where_is_reported() -> None:
    assert error(where={"field": "isLicensed", "equals": True}).pointer == "/where/field"


def test_only_the_first_segment_of_a_nested_path_is_checked() -> None:
    load(**{"assert": {"field": "manager.anything.below", "exists": True}})


def test_paths_inside_count_where_are_checked_for_syntax_only() -> None:
    load(
        **{
            "assert": {
                "count": {"field": "assignedPlans[*]", "where": {"field": "service", "equals": "x"}},
                "equals": 0,
            }
        }
    )
    err = error(
        **{"assert": {"count": {"field": "assignedPlans[*]", "where": {"field": "a..b", "equals": 1}}, "equals": 0}}
    )
    assert err.pointer == "/assert/count/where/field"


def test_count_field_must_be_a_documented_field() -> None:
    err = error(**{"assert": {"count": {"field": "plans[*]"}, "equals": 0}})
    assert err.pointer == "/assert/count/field"


def test_count_field_must_end_with_wildcard() -> None:
    err = error(**{"assert": {"count": {"field": "assignedPlans"}, "equals": 0}})
    assert err.pointer == "/assert/count/field"
    assert "[*]" in err.message


def test_count_refuses_a_non_count_operator() -> None:
    err = error(**{"assert": {"count": {"field": "assignedPlans[*]"}, "in": [1]}})
    assert err.pointer == "/assert/in"


def test_count_value_must_be_a_whole_number() -> None:
    assert error(**{"assert": {"count": {"field": "assignedPlans[*]"}, "equals": 1.5}}).pointer == "/assert/equals"


def test_applicable_if_fields_are_checked_against_the_tenant_view() -> None:
    load(applicableIf={"field": "multiGeo", "equals": True})
    err = error(applicableIf={"field": "usageLocation", "equals": "FR"})
    assert err.pointer == "/applicableIf/field"
    assert "tenant" in err.message


def test_evidence_fields_are_checked() -> None:
    err = error(evidence=["userPrincipalName", "upn"])
    assert err.pointer == "/evidence/1"


def test_invalid_regex_is_refused_at_load() -> None:
    err = error(**{"assert": {"field": "usageLocation", "match": "[A-Z"}})
    assert err.pointer == "/assert/match"
    assert "regular expression" in err.message


@pytest.mark.parametrize(
    ("op", "value"),
    [
        ("in", "FR"),
        ("notIn", {"a": 1}),
        ("exists", "yes"),
        ("like", 3),
        ("greater", "5"),
        ("lessOrEquals", True),
        ("olderThanDays", -1),
        ("withinDays", "30"),
    ],
)
def test_operator_values_of_the_wrong_type_are_refused(op: str, value: Any) -> None:
    err = error(**{"assert": {"field": "score", op: value}})
    assert err.pointer == f"/assert/{op}"


def test_field_path_must_be_a_string() -> None:
    assert error(**{"assert": {"field": 3, "equals": 1}}).pointer == "/assert/field"


def test_policy_set_loads_directories_recursively_sorted_by_id(tmp_path: Path) -> None:
    write(tmp_path / "b" / "x.json", policy_doc(id="RES-002"))
    write(tmp_path / "a" / "y.json", policy_doc(id="RES-001"))
    write(tmp_path / "README.md", {"not": "a policy"})
    assert load_policies([tmp_path], VIEWS).ids == ("RES-001", "RES-002")


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    first = write(tmp_path / "a.json", policy_doc())
    second = write(tmp_path / "b.json", policy_doc(title="Other"))
    with pytest.raises(InputError) as info:
        load_policies([tmp_path], VIEWS)
    assert info.value.file == str(second)
    assert str(first) in info.value.message
    assert info.value.pointer == "/id"


def test_a_missing_policy_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_policies([tmp_path / "nope"], VIEWS)


def test_views_may_be_given_as_field_mappings() -> None:
    from m365gov.policy import parse_policy

    policy = parse_policy(policy_doc(), file=None, views={"users": FakeUsers.fields})
    assert policy.view == "users"


def test_applicable_if_without_a_tenant_view_is_refused() -> None:
    from m365gov.policy import parse_policy

    with pytest.raises(InputError) as info:
        parse_policy(
            policy_doc(applicableIf={"field": "multiGeo", "equals": True}), file=None, views={"users": FakeUsers()}
        )
    assert info.value.pointer == "/applicableIf"



def test_a_malformed_parameter_reference_as_a_field_path_is_an_input_error() -> None:
    """Found by the fuzz test: ``"field": "[parameters("`` raised a bare ValueError (a traceback)."""
    err = error(where={"field": "[parameters(", "equals": True})
    assert err.pointer == "/where/field" and "cannot be a parameter" in err.message
